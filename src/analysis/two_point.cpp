#include <fftw3.h>
#include <fmt/format.h>

#include <complex>
#include <mutex>
#include <stdexcept>

#include "analysis/descriptors.hpp"
#include "analysis/ve_weights.hpp"

namespace mspipe::analysis {

namespace {

// FFTW's planner is not thread-safe; execution of a plan is.
std::mutex planner_mutex;

using Complex = std::complex<double>;

class Fft3 {
 public:
  explicit Fft3(int n)
      : real_(std::size_t(n) * n * n), spectrum_(std::size_t(n) * n * (n / 2 + 1)) {
    std::lock_guard lock(planner_mutex);
    auto* c = reinterpret_cast<fftw_complex*>(spectrum_.data());
    // Row-major (z, y, x), x fastest: the voxel order.
    forward_ = fftw_plan_dft_r2c_3d(n, n, n, real_.data(), c, FFTW_ESTIMATE);
    backward_ = fftw_plan_dft_c2r_3d(n, n, n, c, real_.data(), FFTW_ESTIMATE);
  }
  ~Fft3() {
    std::lock_guard lock(planner_mutex);
    fftw_destroy_plan(forward_);
    fftw_destroy_plan(backward_);
  }
  Fft3(const Fft3&) = delete;
  Fft3& operator=(const Fft3&) = delete;

  std::vector<Complex> forward(std::span<const double> field) {
    std::copy(field.begin(), field.end(), real_.begin());
    fftw_execute(forward_);
    return spectrum_;
  }
  // S(r) = (1/V) sum_x a(x) b(x + r) from the spectra of a and b: the unnormalised
  // inverse transform of conj(A) B is V sum_x a(x) b(x + r).
  std::vector<double> correlation(const std::vector<Complex>& a, const std::vector<Complex>& b) {
    for (std::size_t k = 0; k < spectrum_.size(); ++k) spectrum_[k] = std::conj(a[k]) * b[k];
    fftw_execute(backward_);  // c2r overwrites its input; spectrum_ is scratch here
    const double v = double(real_.size());
    std::vector<double> s(real_.size());
    for (std::size_t i = 0; i < s.size(); ++i) s[i] = real_[i] / (v * v);
    return s;
  }

 private:
  std::vector<double> real_;
  std::vector<Complex> spectrum_;
  fftw_plan forward_ = nullptr, backward_ = nullptr;
};

}  // namespace

std::vector<double> periodic_correlation(std::span<const double> a, std::span<const double> b,
                                         int size) {
  const std::size_t v = std::size_t(size) * size * size;
  if (size < 1 || a.size() != v || b.size() != v)
    throw std::invalid_argument(
        fmt::format("fields of {} and {} values on a {}^3 grid", a.size(), b.size(), size));
  Fft3 fft(size);
  const auto fa = fft.forward(a);
  const auto fb = fft.forward(b);
  return fft.correlation(fa, fb);
}

std::vector<int> two_point_shifts(int size, const TwoPointOptions& options) {
  if (options.step < 1 || options.max_shift < 0)
    throw std::invalid_argument(
        fmt::format("two-point shifts: step {} and max_shift {}", options.step, options.max_shift));
  const int m = std::min(options.max_shift, size / 2) / options.step * options.step;
  std::vector<int> shifts;
  for (int s = -m; s <= m; s += options.step) shifts.push_back(s);
  return shifts;
}

std::size_t two_point_length(int size, cp::Bravais lattice, const TwoPointOptions& options) {
  const std::size_t f = texture_moment_names(lattice).size();
  const std::size_t s = two_point_shifts(size, options).size();
  return f * (f + 1) / 2 * s * s * s;
}

std::vector<double> two_point_statistics(const microstructure::VolumeElement& ve,
                                         cp::Bravais lattice, const TwoPointOptions& options) {
  const auto shifts = two_point_shifts(ve.size, options);
  grain_volume_fractions(ve);  // validates the grain ids
  const int n = ve.size;
  const std::size_t voxels = std::size_t(ve.voxels());
  const std::size_t nf = texture_moment_names(lattice).size();
  std::vector<std::vector<double>> per_grain;
  per_grain.reserve(ve.grains.size());
  for (const auto& g : ve.grains)
    per_grain.push_back(invariant_polynomials(load_axis_in_crystal(g.orientation), lattice));

  Fft3 fft(n);
  std::vector<std::vector<Complex>> spectra;
  std::vector<double> field(voxels);
  for (std::size_t f = 0; f < nf; ++f) {
    for (std::size_t i = 0; i < voxels; ++i) field[i] = per_grain[ve.grain_id[i]][f];
    spectra.push_back(fft.forward(field));
  }
  std::vector<double> out;
  out.reserve(two_point_length(n, lattice, options));
  const auto wrap = [n](int s) { return (s % n + n) % n; };
  for (std::size_t a = 0; a < nf; ++a)
    for (std::size_t b = a; b < nf; ++b) {
      const auto s = fft.correlation(spectra[a], spectra[b]);
      for (int rz : shifts)
        for (int ry : shifts)
          for (int rx : shifts)
            out.push_back(
                s[std::size_t(wrap(rx)) + std::size_t(n) * (wrap(ry) + std::size_t(n) * wrap(rz))]);
    }
  return out;
}

}  // namespace mspipe::analysis
