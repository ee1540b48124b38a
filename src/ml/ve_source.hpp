#pragma once
// Where the VAE's volume elements come from. ml sees only this interface; the pipeline
// adapts VE-set files and the generator to it (pipeline/ve_sources.hpp), and a synthetic
// Voronoi source serves tests and benchmarks. Plain types only: a VE is its normalised Euler channels, (3, D, D, D)
// channel-major floats, exactly the (C, D, H, W) layout the network takes.
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace mspipe::ml {

class VeSource {
 public:
  virtual ~VeSource() = default;
  virtual std::int64_t size() const = 0;  // number of VEs
  virtual int edge() const = 0;           // voxels per side
  virtual std::int64_t id(std::int64_t index) const = 0;
  // Writes 3 * edge^3 floats in [0, 1]. Safe to call for any index on any rank.
  virtual void load(std::int64_t index, std::span<float> out) const = 0;
  virtual std::string describe() const = 0;
  std::int64_t floats_per_ve() const { return 3 * std::int64_t(edge()) * edge() * edge(); }
};

// Periodic Voronoi VEs with `grains` seeds and uniformly random orientations, keyed by
// (seed, id): the same VE whatever the rank count. For tests and benchmarks.
std::unique_ptr<VeSource> make_synthetic_source(std::uint64_t seed, std::int64_t first_id,
                                                std::int64_t count, int edge, int grains);

}  // namespace mspipe::ml
