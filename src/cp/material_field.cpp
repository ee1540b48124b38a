#include "cp/material_field.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <mpi.h>

namespace mspipe::cp {

MaterialField::MaterialField(std::vector<Phase> phases, std::vector<std::int32_t> phase_of_cell,
                             const std::vector<double>& rotation, IntegrationNumerics num, bool keep_tangent)
    : phases_(std::move(phases)), phase_(std::move(phase_of_cell)), num_(num), keep_tangent_(keep_tangent) {
  for (const auto& p : phases_) stride_ = std::max(stride_, p.plastic.state_size());
  const std::size_t n = phase_.size();
  for (auto* v : {&Fp_, &Lp_, &S_, &F0_, &Fp0_, &Lp0_, &S0_}) v->assign(9 * n, 0.0);
  state_.assign(std::size_t(stride_) * n, 0.0);
  if (keep_tangent) dPdF_.assign(81 * n, 0.0);
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
  for (std::size_t c = 0; c < n;) {
    block_start_.push_back(c);
    std::size_t k = 1;
    while (k < kLanes && c + k < n && phase_[c + k] == phase_[c]) ++k;
    c += k;
  }
  block_start_.push_back(n);
}

PointRef MaterialField::point(std::size_t c) {
  return {&Fp_[9 * c], &Lp_[9 * c],  &S_[9 * c],  &state_[stride_ * c], &F0_[9 * c],
          &Fp0_[9 * c], &Lp0_[9 * c], &S0_[9 * c], &state0_[stride_ * c]};
}

namespace {

// The stiffest and softest cell tangent by squared norm, the first cell of equal norm
// kept (as DAMASK's loop does), and the sum of all tangents.
struct TangentReduction {
  T4 sum = T4::Zero(), max, min;
  double norm_max = -1.0, norm_min = std::numeric_limits<double>::max();
  std::size_t i_max = 0, i_min = 0;

  void add(std::size_t c, const T4& D) {
    sum += D;
    const double nrm = D.squaredNorm();
    if (nrm > norm_max) norm_max = nrm, i_max = c, max = D;
    if (nrm < norm_min) norm_min = nrm, i_min = c, min = D;
  }
  void merge(const TangentReduction& o) {
    sum += o.sum;
    if (o.norm_max > norm_max || (o.norm_max == norm_max && o.i_max < i_max))
      norm_max = o.norm_max, i_max = o.i_max, max = o.max;
    if (o.norm_min < norm_min || (o.norm_min == norm_min && o.i_min < i_min))
      norm_min = o.norm_min, i_min = o.i_min, min = o.min;
  }
};

}  // namespace

template <class Block>
FieldResponse MaterialField::over_cells(const core::Comm& comm, std::size_t total, TangentUse use,
                                        Block&& block) {
  const std::size_t n = phase_.size();
  const bool tangent = use != TangentUse::none;
  int failed = 0;
  Vec9 P_sum = Vec9::Zero();
  TangentReduction C;
  UpdateCounts counts;
#pragma omp parallel
  {
    Vec9 P_loc = Vec9::Zero();
    TangentReduction C_loc;
    UpdateCounts counts_loc;
    int fail_loc = 0;
    const std::size_t blocks = block_start_.size() - 1;
#pragma omp for schedule(dynamic, 4) nowait
    for (std::size_t b = 0; b < blocks; ++b) {
      const std::size_t c0 = block_start_[b];
      const int k = static_cast<int>(block_start_[b + 1] - c0);
      Mat3 Pc[kLanes];
      T4 D[kLanes];
      T4* Dp[kLanes];
      bool ok[kLanes];
      for (int j = 0; j < k; ++j) Dp[j] = tangent ? &D[j] : nullptr;
      block(c0, k, Pc, Dp, ok, counts_loc);
      for (int j = 0; j < k; ++j) {
        const std::size_t c = c0 + j;
        if (!ok[j]) {
          ++fail_loc;
          continue;
        }
        P_loc += flat(Pc[j]);
        if (!tangent) continue;
        if (use == TangentUse::per_cell) {
          Eigen::Map<T4> stored(&dPdF_[81 * c]);
          stored = D[j];
        }
        C_loc.add(c, D[j]);
      }
    }
#pragma omp critical
    {
      P_sum += P_loc;
      C.merge(C_loc);
      counts += counts_loc;
      failed += fail_loc;
    }
  }
  counts_ += counts;
  FieldResponse r;
  r.ok = comm.sum(failed) == 0;
  comm.allreduce_inplace(std::span<double>(P_sum.data(), 9), core::ReduceOp::sum);
  r.P_av = unflat(P_sum / double(total));
  if (!tangent) return r;
  comm.allreduce_inplace(std::span<double>(C.sum.data(), 81), core::ReduceOp::sum);
  r.C_vol_avg = C.sum / double(total);
  // Stiffest and softest tangent over all ranks (lowest rank wins ties, as MPI_MAXLOC).
  auto pick = [&](core::ValueRank where, const T4& local) {
    T4 t = T4::Zero();
    if (n > 0 && comm.rank() == where.rank) t = local;
    comm.bcast(std::span<double>(t.data(), 81), where.rank);
    return t;
  };
  const double vmax = n > 0 ? C.norm_max : -1.0;
  const double vmin = n > 0 ? C.norm_min : std::numeric_limits<double>::max();
  const T4 C_max = pick(comm.maxloc(vmax), C.max);
  const T4 C_min = pick(comm.minloc(vmin), C.min);
  r.C_min_max_avg = 0.5 * (C_max + C_min);
  return r;
}

FieldResponse MaterialField::evaluate(const core::Comm& comm, std::size_t total, const double* F,
                                      double dt, double* P, TangentUse use) {
  if (use == TangentUse::per_cell && !keep_tangent_)
    throw std::logic_error("MaterialField: per-cell tangent asked of a field built without it");
  return over_cells(comm, total, use,
                    [&](std::size_t c0, int k, Mat3* Pc, T4* const* D, bool* ok, UpdateCounts& counts) {
                      Mat3 Fc[kLanes];
                      PointRef pts[kLanes];
                      for (int j = 0; j < k; ++j) {
                        Fc[j] = Eigen::Map<const Mat3>(F + 9 * (c0 + j));
                        pts[j] = point(c0 + j);
                      }
                      constitutive_update_lanes(phases_[phase_[c0]], num_, k, Fc, dt, pts, Pc, D, ok, &counts);
                      for (int j = 0; j < k; ++j)
                        if (ok[j]) Eigen::Map<Mat3>(P + 9 * (c0 + j)) = Pc[j];
                    });
}

FieldResponse MaterialField::tangent_averages(const core::Comm& comm, std::size_t total, const double* F,
                                              double dt) {
  return over_cells(comm, total, TangentUse::averages,
                    [&](std::size_t c0, int k, Mat3* Pc, T4* const* D, bool* ok, UpdateCounts& counts) {
                      for (int j = 0; j < k; ++j) {
                        const std::size_t c = c0 + j;
                        consistent_tangent(phases_[phase_[c]], Eigen::Map<const Mat3>(F + 9 * c), dt, point(c),
                                           *D[j]);
                        ++counts.tangents;
                        Pc[j].setZero();  // P is not part of this answer
                        ok[j] = true;
                      }
                    });
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
