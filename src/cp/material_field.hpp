#pragma once
// The material points of the local cells of a grid: per cell a phase and an
// orientation, the history (Fp, Lp, S, state at the start of the increment and now),
// and one kernel that updates every cell to a deformation-gradient field.
#include <cstdint>
#include <vector>

#include "core/comm.hpp"
#include "cp/material_point.hpp"
#include "cp/phase.hpp"
#include "cp/tensor.hpp"

namespace mspipe::cp {

struct FieldResponse {
  bool ok = true;       // every cell of every rank integrated
  Mat3 P_av;            // volume average of P over the whole grid
  // Only where the tangent was asked for:
  T4 C_vol_avg;         // volume average of dP/dF
  T4 C_min_max_avg;     // ½ (stiffest + softest cell tangent), DAMASK's reference
};

// Whether evaluate() computes the consistent tangent dP/dF: not at all, only its averages
// (FieldResponse), or also per cell (tangent(), 81 doubles per cell: Newton–Krylov).
enum class TangentUse { none, averages, per_cell };

class MaterialField {
 public:
  // `phase_of_cell` and `rotation_of_cell` (lab→crystal, row-major 9) for the local cells.
  // `keep_tangent`: evaluate() may be asked for the tangent per cell (storage for it).
  MaterialField(std::vector<Phase> phases, std::vector<std::int32_t> phase_of_cell,
                const std::vector<double>& rotation_of_cell, IntegrationNumerics numerics,
                bool keep_tangent = true);

  std::size_t cells() const { return phase_.size(); }
  const Phase& phase(int p) const { return phases_[p]; }

  // P (and dP/dF as `use` asks) of every cell for F at the end of a step of length dt;
  // fills P (9 per cell) and the averages over all ranks of `comm` (`total_cells` cells).
  FieldResponse evaluate(const core::Comm& comm, std::size_t total_cells, const double* F,
                         double dt, double* P, TangentUse use = TangentUse::per_cell);

  // The tangent averages of the last evaluate() (same F and dt) from the cells' stored
  // history, without integrating again: for schemes that need them once per increment.
  FieldResponse tangent_averages(const core::Comm& comm, std::size_t total_cells, const double* F,
                                 double dt);

  // dP/dF of the last evaluate() with TangentUse::per_cell, 81 per cell (row-major 9x9).
  const std::vector<double>& tangent() const { return dPdF_; }

  // Work of every constitutive update and tangent on this rank so far.
  const UpdateCounts& counts() const { return counts_; }

  // Accepts the current state as the start of the next increment (F0 = F).
  void forward(const double* F);
  // Returns to the start of the current increment (after a failed increment).
  void restore();

 private:
  std::vector<Phase> phases_;
  std::vector<std::int32_t> phase_;
  IntegrationNumerics num_;
  int stride_ = 0;  // state values per cell (largest phase)
  bool keep_tangent_ = true;  // a rank may hold no cells, so dPdF_.empty() cannot say
  std::vector<double> Fp_, Lp_, S_, state_, F0_, Fp0_, Lp0_, S0_, state0_, dPdF_;
  UpdateCounts counts_;
  // Cells in blocks of up to kLanes consecutive cells of one phase, integrated together
  // (constitutive_update_lanes): block b is [block_start_[b], block_start_[b + 1]).
  std::vector<std::size_t> block_start_;

  PointRef point(std::size_t c);
  // Runs `block(c0, k, P, D, ok, counts)` over the blocks of local cells (for cells c0 ..
  // c0 + k − 1: P and, with a tangent, *D[j] to fill, ok[j] false where a cell failed) and
  // reduces P and the tangent over `comm`.
  template <class Block>
  FieldResponse over_cells(const core::Comm& comm, std::size_t total, TangentUse use, Block&& block);
};

}  // namespace mspipe::cp
