#pragma once
// The VAE's VE sources (ml::VeSource) over what other modules hold: a VE-set file (io) and
// the generator (microstructure).
#include <cstdint>
#include <filesystem>
#include <memory>

#include "microstructure/generator.hpp"
#include "ml/ve_source.hpp"

namespace mspipe::core {
class Comm;
}

namespace mspipe::pipeline {

// The first `count` VEs of a VE-set file (all when count is 0). Throws core::InputError
// naming the file when it cannot be read or holds fewer VEs.
std::unique_ptr<ml::VeSource> make_ve_set_source(const std::filesystem::path& file,
                                                 std::int64_t count);

// VEs first_id .. first_id + count - 1 regenerated from (params, seed, id): no voxel store.
std::unique_ptr<ml::VeSource> make_generated_source(const microstructure::GeneratorParams& params,
                                                    std::uint64_t seed, std::int64_t first_id,
                                                    std::int64_t count);

// Every `factor`-th voxel of `base`'s VEs along each axis, voxel (f x, f y, f z) of the
// fine VE at (x, y, z): the cells a campaign with `downsample = f` simulates
// (cp::grid_from_ve), so an encoder of that coarser size sees what the simulation saw.
// Throws std::invalid_argument when `factor` does not divide the VE size.
std::unique_ptr<ml::VeSource> make_downsampled_source(std::unique_ptr<ml::VeSource> base, int factor);

// The VE on its grid of 1 voxel in `f` per axis, voxel (f x, f y, f z) (cp::grid_from_ve's
// cells): grain ids and Euler channels sampled, the grain table kept (a grain the coarse
// grid misses has no voxel, so no volume). Throws std::invalid_argument when f does not
// divide the size.
microstructure::VolumeElement coarse_ve(const microstructure::VolumeElement& fine, int f);

// `base` at a model's VE size: unchanged when its VEs are `ve_size` voxels per side,
// downsampled by edge / ve_size when that is a whole number above 1 (a campaign's
// 32^3 VEs simulated with downsample 2 for a 16^3 model), else unchanged (the encoder
// names the mismatch).
std::unique_ptr<ml::VeSource> at_model_size(std::unique_ptr<ml::VeSource> base, int ve_size);

// A generator preset (inputs/generate/<name>.toml: [generate] and [run].seed) at
// `ve_size` voxels per side with the preset's physical box (resolution scaled by the
// preset's size / ve_size), as the edge-case and evaluation sets use it. The box check
// (microstructure::box_problem) is the caller's, whose error it is.
struct GeneratorPreset {
  microstructure::GeneratorParams params;
  std::uint64_t seed = 0;  // the preset's run.seed (0 without one)
};
GeneratorPreset read_preset_at_size(const std::filesystem::path& file, int ve_size,
                                    const core::Comm& world);

}  // namespace mspipe::pipeline
