#include "cp/material_field.hpp"

#include <algorithm>
#include <limits>

#include <mpi.h>

namespace mspipe::cp {

MaterialField::MaterialField(std::vector<Phase> phases, std::vector<std::int32_t> phase_of_cell,
                             const std::vector<double>& rotation, IntegrationNumerics num)
    : phases_(std::move(phases)), phase_(std::move(phase_of_cell)), num_(num) {
  for (const auto& p : phases_) stride_ = std::max(stride_, p.plastic.state_size());
  const std::size_t n = phase_.size();
  for (auto* v : {&Fp_, &Lp_, &S_, &F0_, &Fp0_, &Lp0_, &S0_}) v->assign(9 * n, 0.0);
  state_.assign(std::size_t(stride_) * n, 0.0);
  dPdF_.assign(81 * n, 0.0);
  for (std::size_t c = 0; c < n; ++c) {
    const Mat3 R = Eigen::Map<const Mat3>(&rotation[9 * c]);
    initial_point(phases_[phase_[c]], R, &Fp_[9 * c], &Lp_[9 * c], &S_[9 * c],
                  &state_[stride_ * c]);
    for (int i = 0; i < 3; ++i) F0_[9 * c + 4 * i] = 1.0;
  }
  Fp0_ = Fp_;
  Lp0_ = Lp_;
  S0_ = S_;
  state0_ = state_;
}

FieldResponse MaterialField::evaluate(const core::Comm& comm, std::size_t total, const double* F,
                                      double dt, double* P) {
  const std::size_t n = phase_.size();
  int failed = 0;
  Vec9 P_sum = Vec9::Zero();
  T4 C_sum = T4::Zero();
  double norm_max = 0, norm_min = std::numeric_limits<double>::max();
  std::size_t i_max = 0, i_min = 0;
#pragma omp parallel
  {
    Vec9 P_loc = Vec9::Zero();
    T4 C_loc = T4::Zero();
    double nmax = 0, nmin = std::numeric_limits<double>::max();
    std::size_t imax = 0, imin = 0;
    int fail_loc = 0;
#pragma omp for schedule(dynamic, 16) nowait
    for (std::size_t c = 0; c < n; ++c) {
      const PointRef pt{&Fp_[9 * c],  &Lp_[9 * c], &S_[9 * c],  &state_[stride_ * c],
                        &F0_[9 * c],  &Fp0_[9 * c], &Lp0_[9 * c], &S0_[9 * c],
                        &state0_[stride_ * c]};
      Mat3 Pc;
      T4 D;
      const Mat3 Fc = Eigen::Map<const Mat3>(F + 9 * c);
      if (!constitutive_update(phases_[phase_[c]], num_, Fc, dt, pt, Pc, &D)) {
        ++fail_loc;
        continue;
      }
      Eigen::Map<Mat3> P_out(P + 9 * c);
      P_out = Pc;
      Eigen::Map<T4> D_out(&dPdF_[81 * c]);
      D_out = D;
      P_loc += flat(Pc);
      C_loc += D;
      const double nrm = D.squaredNorm();
      // Strict comparisons keep the first cell of equal norm, as DAMASK's loop does.
      if (nrm > nmax) { nmax = nrm; imax = c; }
      if (nrm < nmin) { nmin = nrm; imin = c; }
    }
#pragma omp critical
    {
      P_sum += P_loc;
      C_sum += C_loc;
      failed += fail_loc;
      if (nmax > norm_max || (nmax == norm_max && imax < i_max)) { norm_max = nmax; i_max = imax; }
      if (nmin < norm_min || (nmin == norm_min && imin < i_min)) { norm_min = nmin; i_min = imin; }
    }
  }
  FieldResponse r;
  r.ok = comm.sum(failed) == 0;
  comm.allreduce_inplace(std::span<double>(P_sum.data(), 9), core::ReduceOp::sum);
  comm.allreduce_inplace(std::span<double>(C_sum.data(), 81), core::ReduceOp::sum);
  r.P_av = unflat(P_sum / double(total));
  r.C_vol_avg = C_sum / double(total);
  // Stiffest and softest tangent over all ranks (lowest rank wins ties, as MPI_MAXLOC).
  auto pick = [&](core::ValueRank where, std::size_t idx) {
    T4 t = T4::Zero();
    if (n > 0 && comm.rank() == where.rank) t = Eigen::Map<const T4>(&dPdF_[81 * idx]);
    comm.bcast(std::span<double>(t.data(), 81), where.rank);
    return t;
  };
  const double vmax = n > 0 ? norm_max : -1.0;
  const double vmin = n > 0 ? norm_min : std::numeric_limits<double>::max();
  const T4 C_max = pick(comm.maxloc(vmax), i_max);
  const T4 C_min = pick(comm.minloc(vmin), i_min);
  r.C_min_max_avg = 0.5 * (C_max + C_min);
  return r;
}

void MaterialField::forward(const double* F) {
  std::copy(F, F + F0_.size(), F0_.begin());
  Fp0_ = Fp_;
  Lp0_ = Lp_;
  S0_ = S_;
  state0_ = state_;
}

void MaterialField::restore() {
  // Lp keeps its latest value: it is only the first guess of the next integration.
  Fp_ = Fp0_;
  S_ = S0_;
  state_ = state0_;
}

}  // namespace mspipe::cp
