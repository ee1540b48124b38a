#pragma once
// Slab-decomposed real-to-complex FFTs of 3x3 tensor fields (FFTW-MPI, nine transforms
// at once) on a periodic grid, with the operators of DAMASK's basic spectral scheme:
// the Green operator of a reference stiffness, the RMS divergence, and frequencies with
// DAMASK's "continuous" derivative (Nyquist component of ξ set to zero on even grids).
// Distributed along z: each rank holds `local_nz` whole xy-planes starting at `z_offset`.
#include <fftw3-mpi.h>

#include <array>
#include <complex>
#include <cstddef>
#include <vector>

#include "core/comm.hpp"
#include "cp/tensor.hpp"

namespace mspipe::cp {

class FourierGrid {
 public:
  FourierGrid(const core::Comm& comm, std::array<int, 3> cells, std::array<double, 3> size);
  ~FourierGrid();
  FourierGrid(const FourierGrid&) = delete;
  FourierGrid& operator=(const FourierGrid&) = delete;

  const core::Comm& comm() const { return comm_; }
  const std::array<int, 3>& cells() const { return cells_; }
  const std::array<double, 3>& size() const { return size_; }
  int local_nz() const { return local_nz_; }
  int z_offset() const { return z_offset_; }
  std::size_t local_cells() const { return std::size_t(cells_[0]) * cells_[1] * local_nz_; }
  std::size_t total_cells() const { return std::size_t(cells_[0]) * cells_[1] * cells_[2]; }

  // Sets the reference stiffness of the Green operator (precomputes K⁻¹ per frequency).
  void set_reference(const T4& C_ref);

  // Forward FFT of a tensor field (9 values per local cell, x fastest). Afterwards
  // divergence_rms() and convolve() work on the transformed field.
  void forward(const double* field);
  // RMS of Div P · h over the grid (DAMASK's err_div), from the last forward().
  double divergence_rms() const;
  // out = Γ⁰ * field with the average replaced by `average` (DAMASK's GammaConvolution),
  // from the last forward(). `out` may alias the field given to forward().
  void convolve(const Mat3& average, double* out);
  // out = Γ⁰ * field with zero average (for Jacobian products), from the last forward().
  void convolve_fluctuation(double* out) { convolve(Mat3::Zero(), out); }

 private:
  void backward(double* out);
  core::Comm comm_;
  std::array<int, 3> cells_;
  std::array<double, 3> size_;
  int nx_half_ = 0;  // nx/2 + 1
  int local_nz_ = 0, z_offset_ = 0;
  double* real_ = nullptr;                 // padded real field, 9 interleaved components
  fftw_complex* fourier_ = nullptr;
  fftw_plan plan_forward_ = nullptr, plan_backward_ = nullptr;
  std::vector<std::array<double, 3>> xi_;  // DAMASK's xi1st / i (real), per local frequency
  std::vector<std::array<double, 6>> k_inv_;  // symmetric K⁻¹ per local frequency (0: skip)
  std::array<double, 3> rescale_{};        // geomSize / scaledGeomSize
  bool has_reference_ = false;
};

}  // namespace mspipe::cp
