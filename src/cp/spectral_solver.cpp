#include "cp/spectral_solver.hpp"

#include <petscsnes.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <stdexcept>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include "cp/fourier_grid.hpp"
#include "cp/material_field.hpp"
#include "cp/petsc_callback.hpp"

namespace mspipe::cp {

namespace {

// Inverse of the stiffness restricted to the stress-prescribed components, zero
// elsewhere (DAMASK's utilities_maskedCompliance).
T4 masked_compliance(const std::array<bool, 9>& stress, const T4& C) {
  std::vector<int> idx;
  for (int i = 0; i < 9; ++i)
    if (stress[i]) idx.push_back(i);
  T4 S = T4::Zero();
  if (idx.empty()) return S;
  const int m = static_cast<int>(idx.size());
  Eigen::MatrixXd c(m, m);
  for (int a = 0; a < m; ++a)
    for (int b = 0; b < m; ++b) c(a, b) = C(idx[a], idx[b]);
  const Eigen::MatrixXd s = c.inverse();
  if (!s.allFinite()) throw std::runtime_error("singular stiffness for the stress boundary conditions");
  for (int a = 0; a < m; ++a)
    for (int b = 0; b < m; ++b) S(idx[a], idx[b]) = s(a, b);
  return S;
}

double max_abs(const Mat3& a) { return a.cwiseAbs().maxCoeff(); }

// f(in, out) on the local arrays of two PETSc vectors (the SNES and shell-matrix callbacks).
template <class F>
void with_arrays(Vec in, Vec out, F&& f) {
  const double* a;
  double* b;
  petsc_check(VecGetArrayRead(in, &a), "VecGetArrayRead");
  petsc_check(VecGetArray(out, &b), "VecGetArray");
  f(a, b);
  petsc_check(VecRestoreArray(out, &b), "VecRestoreArray");
  petsc_check(VecRestoreArrayRead(in, &a), "VecRestoreArrayRead");
}

// The order of snes_method_names.
SnesMethod snes_method_of_index(std::size_t k) {
  constexpr SnesMethod order[] = {SnesMethod::automatic, SnesMethod::anderson, SnesMethod::ngmres,
                                  SnesMethod::newton_krylov};
  return order[k];
}

}  // namespace

struct SpectralSolver::Impl {
  Impl(const core::Comm& c, const GridMaterial& g, SolverNumerics n);
  ~Impl();

  // --- the nonlinear problem ---
  static PetscErrorCode residual_cb(SNES, Vec x, Vec f, void* ctx);
  static PetscErrorCode converged_cb(SNES, PetscInt, PetscReal, PetscReal, PetscReal,
                                     SNESConvergedReason* reason, void* ctx);
  void convergence(SNESConvergedReason* reason) const;  // DAMASK's criteria
  static PetscErrorCode jacobian_cb(SNES, Vec, Mat, Mat, void*) { return 0; }
  static PetscErrorCode jacobian_mult(Mat J, Vec x, Vec y);
  void residual(const double* F, double* R);
  void jacobian(const double* x, double* y);
  Mat3 field_mean(const double* a) const;

  // --- increments ---
  // Where an increment starts from: after a cutback, the last converged state again (with
  // the smaller step); otherwise continuing the last converged increment's rate, or only
  // the rate the load asks for (the first increment, or a load step that does not estimate).
  enum class IncrementStart { retry_after_cutback, extrapolate_rate, aim_rate };
  void forward(IncrementStart start, double dt, double dt_old, double t_remaining, const LoadStep& step);
  bool solve();
  IncrementResult averages(int increment, double time) const;
  // Ends a run: wall time, the work over all ranks (printed when verbose).
  void finish(SimulationResult& out, std::chrono::steady_clock::time_point t_start) const;

  FourierGrid grid;  // owns the solver's one duplicate of the communicator
  const core::Comm& comm = grid.comm();
  SolverNumerics num;
  std::unique_ptr<MaterialField> field;
  std::size_t n = 0, total = 0;
  Vec x = nullptr, r = nullptr;
  SNES snes = nullptr;
  Mat J = nullptr;
  std::vector<double> F_lastInc, Fdot, P, F_eval, work;
  Mat3 F_aim = Mat3::Identity(), F_aim_lastInc = Mat3::Identity(), F_aimDot = Mat3::Zero();
  Mat3 P_aim = Mat3::Zero(), P_av = Mat3::Zero();
  T4 C_volAvg, C_minMaxAvg, C_volAvgLastInc, C_minMaxAvgLastInc, S;
  std::array<bool, 9> stress_mask{};
  double dt = 0;
  int total_iter = 0, evaluations = 0;
  long jacobian_products = 0;
  double err_div = 0, err_BC = 0;
  bool status_ok = true;
  const std::function<bool()>* stop = nullptr;  // run()'s stop check, if any
  bool stopped = false;
  // Thrown inside a callback, rethrown after SNESSolve (petsc_callback.hpp). A failed
  // material point is no exception: the ranks agree on it in MaterialField::evaluate and
  // convergence() reports it to SNES as SNES_DIVERGED_FUNCTION_DOMAIN, so run() cuts back.
  std::exception_ptr callback_error;
};

SnesMethod parse_snes_method(std::string_view name) {
  for (std::size_t k = 0; k < std::size(snes_method_names); ++k)
    if (name == snes_method_names[k]) return snes_method_of_index(k);
  throw std::invalid_argument(fmt::format("unknown method '{}'; the methods are {}", name,
                                          fmt::join(snes_method_names, ", ")));
}

std::string_view snes_method_name(SnesMethod method) {
  for (std::size_t k = 0; k < std::size(snes_method_names); ++k)
    if (snes_method_of_index(k) == method) return snes_method_names[k];
  return "unknown";
}

SnesMethod resolve_method(SnesMethod method, const GridMaterial& grid) {
  if (method != SnesMethod::automatic) return method;
  const bool all_hexagonal = !grid.phases.empty() &&
                             std::all_of(grid.phases.begin(), grid.phases.end(),
                                         [](const Phase& p) { return p.lattice == Bravais::hP; });
  return all_hexagonal ? SnesMethod::newton_krylov : SnesMethod::anderson;
}

SpectralSolver::Impl::Impl(const core::Comm& c, const GridMaterial& g, SolverNumerics nm)
    : grid(c, g.cells, g.size), num(std::move(nm)) {
  num.method = resolve_method(num.method, g);
  ensure_petsc();
  n = grid.local_cells();
  total = grid.total_cells();
  if (g.material.size() != total)
    throw std::invalid_argument(fmt::format("grid has {} material ids for {} cells",
                                            g.material.size(), total));
  // Local slab: whole xy-planes z_offset .. z_offset + local_nz.
  const std::size_t first = std::size_t(grid.z_offset()) * g.cells[0] * g.cells[1];
  std::vector<std::int32_t> phase(n);
  std::vector<double> rot(9 * n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto id = g.material[first + i];
    if (id < 0 || id >= static_cast<std::int32_t>(g.materials.size()))
      throw std::invalid_argument(fmt::format("material id {} has no material entry", id));
    const auto& e = g.materials[id];
    phase[i] = e.phase;
    Eigen::Map<Mat3> R(&rot[9 * i]);
    R = rotation_matrix(e.orientation);
  }
  // Only Newton–Krylov's Jacobian needs the tangent of every cell.
  field = std::make_unique<MaterialField>(g.phases, std::move(phase), rot, num.material,
                                          num.method == SnesMethod::newton_krylov);

  F_lastInc.assign(9 * n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (int d = 0; d < 3; ++d) F_lastInc[9 * i + 4 * d] = 1.0;
  Fdot.assign(9 * n, 0.0);
  P.assign(9 * n, 0.0);
  F_eval = F_lastInc;
  work.assign(9 * n, 0.0);

  petsc_check(VecCreateMPI(comm.get(), PetscInt(9 * n), PETSC_DETERMINE, &x), "VecCreateMPI");
  petsc_check(VecDuplicate(x, &r), "VecDuplicate");
  petsc_check(SNESCreate(comm.get(), &snes), "SNESCreate");
  petsc_check(SNESSetOptionsPrefix(snes, "cp_"), "SNESSetOptionsPrefix");
  petsc_check(SNESSetFunction(snes, r, residual_cb, this), "SNESSetFunction");
  petsc_check(SNESSetConvergenceTest(snes, converged_cb, this, nullptr), "SNESSetConvergenceTest");
  petsc_check(SNESSetTolerances(snes, 0.0, 0.0, 0.0, num.N_iter_max + 5, 1000000), "SNESSetTolerances");
  if (num.method == SnesMethod::ngmres) {
    petsc_check(SNESSetType(snes, SNESNGMRES), "SNESSetType");
  } else if (num.method == SnesMethod::anderson) {
    petsc_check(SNESSetType(snes, SNESANDERSON), "SNESSetType");
  } else {
    petsc_check(SNESSetType(snes, SNESNEWTONLS), "SNESSetType");
    SNESLineSearch ls;
    petsc_check(SNESGetLineSearch(snes, &ls), "SNESGetLineSearch");
    petsc_check(SNESLineSearchSetType(ls, SNESLINESEARCHBT), "SNESLineSearchSetType");
    petsc_check(MatCreateShell(comm.get(), PetscInt(9 * n), PetscInt(9 * n), PETSC_DETERMINE,
                         PETSC_DETERMINE, this, &J),
          "MatCreateShell");
    petsc_check(MatShellSetOperation(J, MATOP_MULT, (void (*)(void))jacobian_mult), "MatShellSetOperation");
    petsc_check(SNESSetJacobian(snes, J, J, jacobian_cb, this), "SNESSetJacobian");
    KSP ksp;
    PC pc;
    petsc_check(SNESGetKSP(snes, &ksp), "SNESGetKSP");
    petsc_check(KSPSetType(ksp, KSPGMRES), "KSPSetType");
    petsc_check(KSPGetPC(ksp, &pc), "KSPGetPC");
    petsc_check(PCSetType(pc, PCNONE), "PCSetType");
    petsc_check(KSPSetTolerances(ksp, num.nk_ksp_rtol, 0.0, PETSC_DEFAULT, 200), "KSPSetTolerances");
    petsc_check(SNESSetMaxLinearSolveFailures(snes, 1000000), "SNESSetMaxLinearSolveFailures");
  }
  if (!num.petsc_options.empty())
    petsc_check(PetscOptionsInsertString(nullptr, num.petsc_options.c_str()), "PetscOptionsInsertString");
  petsc_check(SNESSetFromOptions(snes), "SNESSetFromOptions");

  // Initial state: F = I everywhere, response at Δt = 0 gives the reference stiffness.
  double* xa;
  petsc_check(VecGetArray(x, &xa), "VecGetArray");
  std::copy(F_lastInc.begin(), F_lastInc.end(), xa);
  const auto resp = field->evaluate(comm, total, xa, 0.0, P.data(), TangentUse::averages);
  petsc_check(VecRestoreArray(x, &xa), "VecRestoreArray");
  if (!resp.ok) throw std::runtime_error("the material points failed in the undeformed state");
  P_av = resp.P_av;
  C_volAvg = C_volAvgLastInc = resp.C_vol_avg;
  C_minMaxAvg = C_minMaxAvgLastInc = resp.C_min_max_avg;
  grid.set_reference(C_minMaxAvg);
}

SpectralSolver::Impl::~Impl() {
  // A destructor cannot report: a failure to free is ignored on purpose.
  if (snes) (void)SNESDestroy(&snes);
  if (J) (void)MatDestroy(&J);
  if (x) (void)VecDestroy(&x);
  if (r) (void)VecDestroy(&r);
}

Mat3 SpectralSolver::Impl::field_mean(const double* a) const {
  Vec9 s = Vec9::Zero();
  for (std::size_t i = 0; i < n; ++i) s += Eigen::Map<const Vec9>(a + 9 * i);
  comm.allreduce_inplace(std::span<double>(s.data(), 9), core::ReduceOp::sum);
  return unflat(s / double(total));
}

void SpectralSolver::Impl::residual(const double* F, double* R) {
  std::copy(F, F + 9 * n, F_eval.begin());
  // The basic scheme uses the tangent only through its averages at the start of the next
  // increment: solve() takes them once, at the converged iterate.
  const bool nk = num.method == SnesMethod::newton_krylov;
  const auto resp = field->evaluate(comm, total, F, dt, P.data(), nk ? TangentUse::per_cell : TangentUse::none);
  ++evaluations;
  status_ok = resp.ok;
  P_av = resp.P_av;
  if (nk) {
    C_volAvg = resp.C_vol_avg;
    C_minMaxAvg = resp.C_min_max_avg;
  }
  grid.forward(P.data());
  err_div = grid.divergence_rms();
  const Mat3 dP = P_av - P_aim;
  const Mat3 dF_aim = ddot(S, dP);
  err_BC = 0;
  for (int i = 0; i < 9; ++i)
    if (stress_mask[i]) err_BC = std::max(err_BC, std::fabs(dP.data()[i]));
  if (num.verbose && comm.is_root())
    fmt::print(stderr, "  iter {:3d} eval {:4d}: err_div {:.3e} err_BC {:.3e} P_av_max {:.3e} {}\n",
               total_iter, evaluations, err_div, err_BC, max_abs(P_av), status_ok ? "" : "FAILED");
  if (num.method != SnesMethod::newton_krylov) {
    F_aim -= dF_aim;  // DAMASK's basic scheme moves the aim with every evaluation
    grid.convolve(dF_aim, R);
  } else if (!status_ok) {
    // A failed material point: a huge residual makes the line search step back.
    std::fill(R, R + 9 * n, 1e20);
  } else {
    // Average residual: stress error through the compliance on stress components,
    // distance to the aim on deformation components (keeps the Jacobian regular).
    const Mat3 F_mean = field_mean(F);
    Mat3 avg = dF_aim;
    for (int i = 0; i < 9; ++i)
      if (!stress_mask[i]) avg.data()[i] = F_mean.data()[i] - F_aim.data()[i];
    grid.convolve(avg, R);
  }
}

void SpectralSolver::Impl::jacobian(const double* v, double* y) {
  ++jacobian_products;
  const auto& D = field->tangent();
#pragma omp parallel for
  for (std::size_t i = 0; i < n; ++i) {
    Eigen::Map<Vec9> tau(&work[9 * i]);
    tau.noalias() = Eigen::Map<const T4>(&D[81 * i]) * Eigen::Map<const Vec9>(v + 9 * i);
  }
  const Mat3 tau_mean = field_mean(work.data());
  const Mat3 v_mean = field_mean(v);
  Mat3 avg = ddot(S, tau_mean);
  for (int i = 0; i < 9; ++i)
    if (!stress_mask[i]) avg.data()[i] = v_mean.data()[i];
  grid.forward(work.data());
  grid.convolve(avg, y);
}

PetscErrorCode SpectralSolver::Impl::residual_cb(SNES snes, Vec xv, Vec fv, void* ctx) {
  auto* self = static_cast<Impl*>(ctx);
  return petsc_callback(self->callback_error, [&] {
    PetscInt nfuncs = 0, iter = 0;
    petsc_check(SNESGetNumberFunctionEvals(snes, &nfuncs), "SNESGetNumberFunctionEvals");
    petsc_check(SNESGetIterationNumber(snes, &iter), "SNESGetIterationNumber");
    if (nfuncs == 0 && iter == 0) self->total_iter = -1;  // new increment
    if (self->total_iter <= iter) ++self->total_iter;
    with_arrays(xv, fv, [&](const double* F, double* R) { self->residual(F, R); });
  });
}

PetscErrorCode SpectralSolver::Impl::converged_cb(SNES, PetscInt, PetscReal, PetscReal, PetscReal,
                                                  SNESConvergedReason* reason, void* ctx) {
  auto* s = static_cast<Impl*>(ctx);
  return petsc_callback(s->callback_error, [&] {
    s->convergence(reason);
    // Only an iteration that would go on can be stopped: a finished one keeps its result.
    if (*reason == SNES_CONVERGED_ITERATING && s->stop && s->comm.any((*s->stop)())) {
      s->stopped = true;
      *reason = SNES_DIVERGED_FUNCTION_COUNT;  // any divergence: run() reads `stopped`
    }
  });
}

void SpectralSolver::Impl::convergence(SNESConvergedReason* reason) const {
  const double scale = max_abs(P_av);
  const double div_tol = std::max(scale * num.eps_rel_div, num.eps_abs_div);
  const double bc_tol = std::max(scale * num.eps_rel_P, num.eps_abs_P);
  if (!status_ok)
    *reason = SNES_DIVERGED_FUNCTION_DOMAIN;  // a material point failed: cut back
  else if (total_iter >= num.N_iter_min && err_div / div_tol < 1.0 && err_BC / bc_tol < 1.0)
    *reason = SNES_CONVERGED_FNORM_ABS;
  else if (total_iter >= num.N_iter_max)
    *reason = SNES_DIVERGED_MAX_IT;
  else
    *reason = SNES_CONVERGED_ITERATING;
}

PetscErrorCode SpectralSolver::Impl::jacobian_mult(Mat Jm, Vec xv, Vec yv) {
  void* ctx = nullptr;
  // Without the context there is no solver to keep the error in: PETSc reports it.
  if (const PetscErrorCode ierr = MatShellGetContext(Jm, &ctx); ierr != 0) return ierr;
  auto* self = static_cast<Impl*>(ctx);
  return petsc_callback(self->callback_error, [&] {
    with_arrays(xv, yv, [&](const double* a, double* b) { self->jacobian(a, b); });
  });
}

void SpectralSolver::Impl::forward(IncrementStart start, double dt_new, double dt_old, double t_remaining,
                                   const LoadStep& step) {
  const bool cutback = start == IncrementStart::retry_after_cutback;
  const bool guess = start == IncrementStart::extrapolate_rate;
  double* F;
  petsc_check(VecGetArray(x, &F), "VecGetArray");
  if (cutback) {
    C_volAvg = C_volAvgLastInc;
    C_minMaxAvg = C_minMaxAvgLastInc;
  } else {
    C_volAvgLastInc = C_volAvg;
    C_minMaxAvgLastInc = C_minMaxAvg;
    F_aimDot.setZero();
    if (guess)
      for (int i = 0; i < 9; ++i)
        if (step.stress_mask[i])
          F_aimDot.data()[i] = (F_aim.data()[i] - F_aim_lastInc.data()[i]) / dt_old;
    F_aim_lastInc = F_aim;
    Mat3 prescribed = Mat3::Zero();
    for (int i = 0; i < 9; ++i)
      if (step.deformation_mask[i]) prescribed.data()[i] = step.deformation.data()[i];
    switch (step.deformation_type) {
      case LoadStep::Deformation::L: F_aimDot += prescribed * F_aim_lastInc; break;
      case LoadStep::Deformation::dot_F: F_aimDot += prescribed; break;
      case LoadStep::Deformation::F:
        for (int i = 0; i < 9; ++i)
          if (step.deformation_mask[i])
            F_aimDot.data()[i] += (prescribed.data()[i] - F_aim_lastInc.data()[i]) / t_remaining;
        break;
    }
    for (std::size_t i = 0; i < 9 * n; ++i)
      Fdot[i] = guess ? (F[i] - F_lastInc[i]) / dt_old : F_aimDot.data()[i % 9];
    std::copy(F, F + 9 * n, F_lastInc.begin());
  }
  F_aim = F_aim_lastInc + F_aimDot * dt_new;
  for (int i = 0; i < 9; ++i) {
    if (!step.stress_mask[i]) continue;
    if (step.stress_type == LoadStep::Stress::P)
      P_aim.data()[i] += (step.stress.data()[i] - P_aim.data()[i]) / t_remaining * dt_new;
    else
      P_aim.data()[i] += step.stress.data()[i] * dt_new;
  }
  for (std::size_t i = 0; i < 9 * n; ++i) F[i] = F_lastInc[i] + Fdot[i] * dt_new;
  petsc_check(VecRestoreArray(x, &F), "VecRestoreArray");
  const double* Fr;
  petsc_check(VecGetArrayRead(x, &Fr), "VecGetArrayRead");
  const Mat3 diff = field_mean(Fr) - F_aim;
  petsc_check(VecRestoreArrayRead(x, &Fr), "VecRestoreArrayRead");
  petsc_check(VecGetArray(x, &F), "VecGetArray");
  for (std::size_t i = 0; i < 9 * n; ++i) F[i] -= diff.data()[i % 9];
  petsc_check(VecRestoreArray(x, &F), "VecRestoreArray");
  stress_mask = step.stress_mask;
  dt = dt_new;
}

bool SpectralSolver::Impl::solve() {
  S = masked_compliance(stress_mask, C_volAvg);
  if (num.update_gamma) grid.set_reference(C_minMaxAvg);
  else if (num.method == SnesMethod::newton_krylov && num.nk_average_reference)
    grid.set_reference(C_volAvg);
  total_iter = 0;
  callback_error = nullptr;
  rethrow_or_check(callback_error, SNESSolve(snes, nullptr, x), "SNESSolve");
  SNESConvergedReason reason;
  petsc_check(SNESGetConvergedReason(snes, &reason), "SNESGetConvergedReason");
  const bool ok = reason > 0 && status_ok;
  if (ok && num.method != SnesMethod::newton_krylov) {
    // The tangent averages of the converged iterate, as its evaluation would have left them.
    const auto resp = field->tangent_averages(comm, total, F_eval.data(), dt);
    C_volAvg = resp.C_vol_avg;
    C_minMaxAvg = resp.C_min_max_avg;
  }
  for (int i = 0; i < 9; ++i)
    if (!stress_mask[i]) P_aim.data()[i] = P_av.data()[i];
  if (num.method == SnesMethod::newton_krylov) {
    // The average of F carries the stress-controlled components: the aim follows it.
    const double* F;
    petsc_check(VecGetArrayRead(x, &F), "VecGetArrayRead");
    const Mat3 F_mean = field_mean(F);
    petsc_check(VecRestoreArrayRead(x, &F), "VecRestoreArrayRead");
    for (int i = 0; i < 9; ++i)
      if (stress_mask[i]) F_aim.data()[i] = F_mean.data()[i];
  }
  return ok;
}

IncrementResult SpectralSolver::Impl::averages(int increment, double time) const {
  IncrementResult res;
  res.increment = increment;
  res.time = time;
  Eigen::Matrix<double, 27, 1> s = Eigen::Matrix<double, 27, 1>::Zero();
  for (std::size_t i = 0; i < n; ++i) {
    const Mat3 F = Eigen::Map<const Mat3>(&F_eval[9 * i]);
    const Mat3 Pi = Eigen::Map<const Mat3>(&P[9 * i]);
    const Mat3 sigma = Pi * F.transpose() / F.determinant();
    const Mat3 sym = 0.5 * (sigma + sigma.transpose());
    s.segment<9>(0) += flat(F);
    s.segment<9>(9) += flat(Pi);
    s.segment<9>(18) += flat(sym);
  }
  comm.allreduce_inplace(std::span<double>(s.data(), 27), core::ReduceOp::sum);
  s /= double(total);
  res.F_avg = unflat(s.segment<9>(0));
  res.P_avg = unflat(s.segment<9>(9));
  res.sigma_avg = unflat(s.segment<9>(18));
  return res;
}

void SpectralSolver::Impl::finish(SimulationResult& out, std::chrono::steady_clock::time_point t_start) const {
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  const UpdateCounts& c = field->counts();
  std::array<long, 8> w{c.updates, c.elastic, c.substeps, c.state_iterations, c.newton_iterations,
                        c.lp_jacobians, c.tangents, c.state_unconverged};
  comm.allreduce_inplace(std::span<long>(w), core::ReduceOp::sum);
  auto& m = out.work.material;
  m.updates = w[0], m.elastic = w[1], m.substeps = w[2], m.state_iterations = w[3];
  m.newton_iterations = w[4], m.lp_jacobians = w[5], m.tangents = w[6], m.state_unconverged = w[7];
  out.work.residual_evaluations = evaluations;
  out.work.jacobian_products = jacobian_products;
  if (num.verbose && comm.is_root())
    fmt::print(stderr,
               "work: {} residual evaluations, {} Jacobian products; {} constitutive updates ({} elastic), "
               "{} sub-steps, {} state iterations ({} ran out), {} Newton iterations on Lp ({} Jacobians), "
               "{} tangents\n",
               evaluations, jacobian_products, m.updates, m.elastic, m.substeps, m.state_iterations,
               m.state_unconverged, m.newton_iterations, m.lp_jacobians, m.tangents);
}

SpectralSolver::SpectralSolver(const core::Comm& comm, const GridMaterial& grid, SolverNumerics num)
    : impl_(std::make_unique<Impl>(comm, grid, std::move(num))) {}
SpectralSolver::~SpectralSolver() = default;

const double* SpectralSolver::F_local() const { return impl_->F_eval.data(); }
const double* SpectralSolver::P_local() const { return impl_->P.data(); }
std::size_t SpectralSolver::local_cells() const { return impl_->n; }
int SpectralSolver::z_offset() const { return impl_->grid.z_offset(); }

SimulationResult SpectralSolver::run(const LoadCase& load,
                                     const std::function<void(const IncrementResult&)>& cb,
                                     const std::function<bool()>& stop) {
  auto& m = *impl_;
  m.stop = stop ? &stop : nullptr;
  m.stopped = false;
  using clock = std::chrono::steady_clock;
  const auto t_start = clock::now();
  SimulationResult out;
  out.method = m.num.method;
  auto inc0 = m.averages(0, 0.0);
  out.increments.push_back(inc0);
  if (cb) cb(inc0);

  double time = 0, dt = 0, dt_prev = 0;
  int cutback_level = 0, total_inc = 0;
  bool cutback = false;
  for (std::size_t l = 0; l < load.steps.size(); ++l) {
    const LoadStep& step = load.steps[l];
    const double t0 = time;
    bool guess = step.estimate_rate && l > 0;
    for (int inc = 1; inc <= step.N; ++inc) {
      ++total_inc;
      const auto t_inc = clock::now();
      dt_prev = dt;
      dt = step.t / step.N * std::pow(2.0, -cutback_level);
      int fraction = 0, iterations = 0, cutbacks = 0;
      const int evals_before = m.evaluations;
      bool ok = true;
      while (fraction < (1 << cutback_level)) {
        const double t_remaining = step.t + t0 - time;
        time += dt;
        ++fraction;
        using Start = Impl::IncrementStart;
        m.forward(cutback ? Start::retry_after_cutback : guess ? Start::extrapolate_rate : Start::aim_rate, dt,
                  dt_prev, t_remaining, step);
        if (!cutback) m.field->forward(m.F_lastInc.data());
        else m.field->restore();
        ok = m.solve();
        if (m.stopped) {
          out.converged = false;
          out.stopped = true;
          m.finish(out, t_start);
          m.stop = nullptr;
          return out;
        }
        if (ok) {
          iterations += m.total_iter;
          dt_prev = dt;
          cutback = false;
          guess = true;
        } else if (cutback_level < m.num.N_cutback_max) {
          cutback = true;
          ++cutbacks;
          fraction = (fraction - 1) * 2;
          ++cutback_level;
          time -= dt;
          dt *= 0.5;
        } else {
          break;
        }
      }
      if (ok) cutback_level = std::max(0, cutback_level - 1);
      auto res = m.averages(total_inc, time);
      res.iterations = iterations;
      res.residual_evaluations = m.evaluations - evals_before;
      res.cutbacks = cutbacks;
      res.converged = ok;
      res.wall_s = std::chrono::duration<double>(clock::now() - t_inc).count();
      if (!ok) {
        out.converged = false;
        out.increments.push_back(res);
        if (cb) cb(res);
        m.finish(out, t_start);
        return out;
      }
      if (inc % step.f_out == 0) {
        out.increments.push_back(res);
        if (cb) cb(res);
      }
    }
  }
  m.finish(out, t_start);
  m.stop = nullptr;
  return out;
}

}  // namespace mspipe::cp
