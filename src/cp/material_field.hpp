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
  T4 C_vol_avg;         // volume average of dP/dF
  T4 C_min_max_avg;     // ½ (stiffest + softest cell tangent), DAMASK's reference
};

class MaterialField {
 public:
  // `phase_of_cell` and `rotation_of_cell` (lab→crystal, row-major 9) for the local cells.
  MaterialField(std::vector<Phase> phases, std::vector<std::int32_t> phase_of_cell,
                const std::vector<double>& rotation_of_cell, IntegrationNumerics numerics);

  std::size_t cells() const { return phase_.size(); }
  const Phase& phase(int p) const { return phases_[p]; }

  // P and dP/dF of every cell for F at the end of a step of length dt; fills P (9 per
  // cell) and the averages over all ranks of `comm` (`total_cells` cells in all).
  FieldResponse evaluate(const core::Comm& comm, std::size_t total_cells, const double* F,
                         double dt, double* P);

  // dP/dF of the last evaluate(), 81 per cell (row-major 9x9).
  const std::vector<double>& tangent() const { return dPdF_; }

  // Accepts the current state as the start of the next increment (F0 = F).
  void forward(const double* F);
  // Returns to the start of the current increment (after a failed increment).
  void restore();

 private:
  std::vector<Phase> phases_;
  std::vector<std::int32_t> phase_;
  IntegrationNumerics num_;
  int stride_ = 0;  // state values per cell (largest phase)
  std::vector<double> Fp_, Lp_, S_, state_, F0_, Fp0_, Lp0_, S0_, state0_, dPdF_;
};

}  // namespace mspipe::cp
