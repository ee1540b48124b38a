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
