#pragma once
// Where the VAE's volume elements come from: a VE-set HDF5 file, the generator (from
// seed, id and parameters, so that no voxel store is needed) or a synthetic Voronoi
// source for tests. Plain types only: a VE is its normalised Euler channels, (3, D, D, D)
// channel-major floats, exactly the (C, D, H, W) layout the network takes.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace mspipe::microstructure { struct GeneratorParams; }

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

// The first `count` VEs of a VE-set file (all when count is 0). Throws core::InputError
// naming the file when it cannot be read or holds fewer VEs.
std::unique_ptr<VeSource> make_ve_set_source(const std::filesystem::path& file, std::int64_t count);

// VEs first_id .. first_id + count - 1 regenerated from (params, seed, id): no voxel store.
std::unique_ptr<VeSource> make_generated_source(const microstructure::GeneratorParams& params,
                                                std::uint64_t seed, std::int64_t first_id, std::int64_t count);

}  // namespace mspipe::ml
