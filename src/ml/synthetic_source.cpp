#include <cmath>
#include <stdexcept>
#include <vector>

#include <fmt/core.h>

#include "core/rng.hpp"
#include "ml/ve_source.hpp"

namespace mspipe::ml {

namespace {

class SyntheticSource final : public VeSource {
 public:
  SyntheticSource(std::uint64_t seed, std::int64_t first_id, std::int64_t count, int edge, int grains)
      : seed_(seed), first_id_(first_id), count_(count), edge_(edge), grains_(grains) {
    if (count <= 0 || edge <= 0 || grains <= 0) throw std::invalid_argument("synthetic source: bad sizes");
  }
  std::int64_t size() const override { return count_; }
  int edge() const override { return edge_; }
  std::int64_t id(std::int64_t index) const override { return first_id_ + index; }
  std::string describe() const override {
    return fmt::format("synthetic Voronoi VEs {}..{} ({}^3, {} grains, seed {})", first_id_,
                       first_id_ + count_ - 1, edge_, grains_, seed_);
  }

  void load(std::int64_t index, std::span<float> out) const override {
    if (index < 0 || index >= count_ || static_cast<std::int64_t>(out.size()) != floats_per_ve())
      throw std::out_of_range("synthetic source: bad index or buffer size");
    core::Rng rng(seed_, static_cast<std::uint64_t>(id(index)), "vae_synthetic_ve");
    std::vector<double> centre(3 * grains_);
    std::vector<float> euler(3 * grains_);
    for (int g = 0; g < grains_; ++g) {
      for (int a = 0; a < 3; ++a) centre[3 * g + a] = rng.uniform(0, edge_);
      // Uniform on SO(3): phi1, phi2 uniform, cos(Phi) uniform; normalised to [0, 1].
      euler[3 * g + 0] = static_cast<float>(rng.uniform());
      euler[3 * g + 1] = static_cast<float>(std::acos(rng.uniform(-1, 1)) / M_PI);
      euler[3 * g + 2] = static_cast<float>(rng.uniform());
    }
    const std::int64_t v = std::int64_t(edge_) * edge_ * edge_;
    auto periodic = [this](double d) {
      d = std::fabs(d);
      return std::min(d, edge_ - d);
    };
    for (int z = 0; z < edge_; ++z)
      for (int y = 0; y < edge_; ++y)
        for (int x = 0; x < edge_; ++x) {
          int best = 0;
          double best_d2 = 1e300;
          for (int g = 0; g < grains_; ++g) {
            const double dx = periodic(x + 0.5 - centre[3 * g]), dy = periodic(y + 0.5 - centre[3 * g + 1]),
                         dz = periodic(z + 0.5 - centre[3 * g + 2]);
            const double d2 = dx * dx + dy * dy + dz * dz;
            if (d2 < best_d2) best_d2 = d2, best = g;
          }
          const std::int64_t i = x + std::int64_t(edge_) * (y + std::int64_t(edge_) * z);
          for (int c = 0; c < 3; ++c) out[c * v + i] = euler[3 * best + c];
        }
  }

 private:
  std::uint64_t seed_;
  std::int64_t first_id_, count_;
  int edge_, grains_;
};

}  // namespace

std::unique_ptr<VeSource> make_synthetic_source(std::uint64_t seed, std::int64_t first_id,
                                                std::int64_t count, int edge, int grains) {
  return std::make_unique<SyntheticSource>(seed, first_id, count, edge, grains);
}

}  // namespace mspipe::ml
