#include "cp/fourier_grid.hpp"

#include <cmath>
#include <stdexcept>

namespace mspipe::cp {

namespace {
void fftw_mpi_init_once() {
  static bool done = false;
  if (!done) {
    fftw_mpi_init();
    done = true;
  }
}
// Frequency index in FFTW's wrap-around order 0, 1, ..., N/2, -N/2+1, ..., -1 (DAMASK).
int wrapped(int i, int n) { return i > n / 2 ? i - n : i; }
}  // namespace

FourierGrid::FourierGrid(const core::Comm& comm, std::array<int, 3> cells,
                         std::array<double, 3> size)
    : comm_(comm.dup()), cells_(cells), size_(size) {
  fftw_mpi_init_once();
  const int nx = cells[0], ny = cells[1], nz = cells[2];
  nx_half_ = nx / 2 + 1;
  const ptrdiff_t n_real[3] = {nz, ny, nx};
  const ptrdiff_t n_cplx[3] = {nz, ny, nx_half_};
  ptrdiff_t local_n0 = 0, local_0_start = 0;
  const ptrdiff_t alloc = fftw_mpi_local_size_many(3, n_cplx, 9, FFTW_MPI_DEFAULT_BLOCK,
                                                   comm_.get(), &local_n0, &local_0_start);
  local_nz_ = static_cast<int>(local_n0);
  z_offset_ = static_cast<int>(local_0_start);
  real_ = fftw_alloc_real(2 * std::max<ptrdiff_t>(alloc, 1));
  fourier_ = fftw_alloc_complex(std::max<ptrdiff_t>(alloc, 1));
  plan_forward_ = fftw_mpi_plan_many_dft_r2c(3, n_real, 9, FFTW_MPI_DEFAULT_BLOCK,
                                             FFTW_MPI_DEFAULT_BLOCK, real_, fourier_, comm_.get(),
                                             FFTW_ESTIMATE);
  plan_backward_ = fftw_mpi_plan_many_dft_c2r(3, n_real, 9, FFTW_MPI_DEFAULT_BLOCK,
                                              FFTW_MPI_DEFAULT_BLOCK, fourier_, real_, comm_.get(),
                                              FFTW_ESTIMATE);
  if (!plan_forward_ || !plan_backward_) throw std::runtime_error("FFTW-MPI planning failed");

  // Divergence scaling, DAMASK's default "grid+size" correction.
  std::array<double, 3> spacing;
  for (int d = 0; d < 3; ++d) spacing[d] = size[d] / cells[d];
  int lo = 0, hi = 0;
  for (int d = 1; d < 3; ++d) {
    if (spacing[d] < spacing[lo]) lo = d;
    if (spacing[d] > spacing[hi]) hi = d;
  }
  std::array<double, 3> scaled = size;
  for (int j = 0; j < 3; ++j)
    if (j != lo && j != hi)
      for (int d = 0; d < 3; ++d) scaled[d] = size[d] / size[j] * cells[j];
  for (int d = 0; d < 3; ++d) rescale_[d] = size[d] / scaled[d];

  xi_.resize(std::size_t(local_nz_) * ny * nx_half_);
  std::size_t f = 0;
  for (int kz = 0; kz < local_nz_; ++kz)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx_half_; ++i, ++f) {
        const int idx[3] = {i, j, kz + z_offset_};
        for (int d = 0; d < 3; ++d) {
          const int k = d == 0 ? idx[0] : wrapped(idx[d], cells[d]);
          const bool nyquist = cells[d] % 2 == 0 && idx[d] == cells[d] / 2;
          xi_[f][d] = nyquist ? 0.0 : 2.0 * M_PI * k / size[d];
        }
      }
}

FourierGrid::~FourierGrid() {
  if (plan_forward_) fftw_destroy_plan(plan_forward_);
  if (plan_backward_) fftw_destroy_plan(plan_backward_);
  fftw_free(real_);
  fftw_free(fourier_);
}

void FourierGrid::set_reference(const T4& C) {
  has_reference_ = true;
  k_inv_.assign(xi_.size(), {0, 0, 0, 0, 0, 0});
  for (std::size_t f = 0; f < xi_.size(); ++f) {
    const auto& x = xi_[f];
    if (x[0] == 0 && x[1] == 0 && x[2] == 0) continue;  // zero frequency or all-Nyquist
    Eigen::Matrix3d K;
    for (int i = 0; i < 3; ++i)
      for (int k = 0; k < 3; ++k) {
        double s = 0;
        for (int j = 0; j < 3; ++j)
          for (int l = 0; l < 3; ++l) s += C(3 * i + j, 3 * k + l) * x[j] * x[l];
        K(i, k) = s;
      }
    const Eigen::Matrix3d Ki = K.inverse();
    k_inv_[f] = {Ki(0, 0), Ki(1, 1), Ki(2, 2), 0.5 * (Ki(1, 2) + Ki(2, 1)),
                 0.5 * (Ki(0, 2) + Ki(2, 0)), 0.5 * (Ki(0, 1) + Ki(1, 0))};
  }
}

void FourierGrid::forward(const double* field) {
  const int nx = cells_[0], ny = cells_[1];
  const int pad = 2 * nx_half_;
#pragma omp parallel for
  for (int r = 0; r < local_nz_ * ny; ++r) {
    const double* src = field + std::size_t(r) * nx * 9;
    double* dst = real_ + std::size_t(r) * pad * 9;
    std::copy(src, src + std::size_t(nx) * 9, dst);
  }
  fftw_execute(plan_forward_);
}

double FourierGrid::divergence_rms() const {
  const int ny = cells_[1];
  double sum = 0;
  std::size_t f = 0;
  for (int r = 0; r < local_nz_ * ny; ++r)
    for (int i = 0; i < nx_half_; ++i, ++f) {
      const auto& x = xi_[f];
      const double g[3] = {x[0] * rescale_[0], x[1] * rescale_[1], x[2] * rescale_[2]};
      const fftw_complex* p = fourier_ + f * 9;
      double s = 0;
      for (int a = 0; a < 3; ++a) {
        double re = 0, im = 0;
        for (int b = 0; b < 3; ++b) {
          re += p[3 * a + b][0] * g[b];
          im += p[3 * a + b][1] * g[b];
        }
        s += re * re + im * im;
      }
      // Interior x-frequencies stand for their conjugate partner too.
      sum += (i == 0 || i == nx_half_ - 1) ? s : 2.0 * s;
    }
  sum = comm_.sum(sum);
  double rms = std::sqrt(sum) / double(total_cells());
  if (cells_[0] == 1) rms *= 0.5;
  return rms;
}

void FourierGrid::convolve(const Mat3& average, double* out) {
  if (!has_reference_) throw std::logic_error("FourierGrid: no reference stiffness set");
  const double inv_n = 1.0 / double(total_cells());
  const std::size_t nf = xi_.size();
#pragma omp parallel for
  for (std::size_t f = 0; f < nf; ++f) {
    fftw_complex* p = fourier_ + f * 9;
    const auto& x = xi_[f];
    const auto& k = k_inv_[f];
    if (x[0] == 0 && x[1] == 0 && x[2] == 0) {
      for (int c = 0; c < 9; ++c) p[c][0] = p[c][1] = 0.0;
      continue;
    }
    // Γ̂ : P̂ = (K⁻¹ (P̂ ξ)) ⊗ ξ
    std::complex<double> v[3];
    for (int a = 0; a < 3; ++a) {
      std::complex<double> s = 0;
      for (int b = 0; b < 3; ++b) s += std::complex<double>(p[3 * a + b][0], p[3 * a + b][1]) * x[b];
      v[a] = s;
    }
    const std::complex<double> w[3] = {k[0] * v[0] + k[5] * v[1] + k[4] * v[2],
                                       k[5] * v[0] + k[1] * v[1] + k[3] * v[2],
                                       k[4] * v[0] + k[3] * v[1] + k[2] * v[2]};
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) {
        const std::complex<double> r = w[a] * (x[b] * inv_n);
        p[3 * a + b][0] = r.real();
        p[3 * a + b][1] = r.imag();
      }
  }
  if (z_offset_ == 0 && local_nz_ > 0)
    for (int c = 0; c < 9; ++c) {
      fourier_[c][0] = average.data()[c];
      fourier_[c][1] = 0.0;
    }
  backward(out);
}

void FourierGrid::backward(double* out) {
  fftw_execute(plan_backward_);
  const int nx = cells_[0], ny = cells_[1];
  const int pad = 2 * nx_half_;
#pragma omp parallel for
  for (int r = 0; r < local_nz_ * ny; ++r) {
    const double* src = real_ + std::size_t(r) * pad * 9;
    std::copy(src, src + std::size_t(nx) * 9, out + std::size_t(r) * nx * 9);
  }
}

}  // namespace mspipe::cp
