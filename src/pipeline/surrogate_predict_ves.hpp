#pragma once
// Fingerprints straight from VEs for `surrogate predict`: a VE-set file's VEs, or VEs
// generated from a configuration ([campaign.generate] with campaign.first_id/count, else
// [generate] with ids 0 .. generate.count - 1, both keyed by run.seed, as the campaign and
// the generate stage make them; a campaign's campaign.ve_set file for ids first_id ..
// first_id + count - 1), through a VAE checkpoint's encoder; VEs larger than the model's
// by a whole factor are downsampled as a campaign simulates them (at_model_size).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ml/ve_source.hpp"
#include "pipeline/surrogate_predict.hpp"

namespace mspipe::core {
class Comm;
}

namespace mspipe::pipeline {

// Rows `rows` of `base`, which the result owns.
std::unique_ptr<ml::VeSource> owning_subset(std::unique_ptr<ml::VeSource> base,
                                            std::vector<std::int64_t> rows);

// The VEs of a VE-set file with these ids, in this order (the campaign's VEs when it takes
// them from a file). Throws core::InputError naming the file for an id it does not hold.
std::unique_ptr<ml::VeSource> ve_set_by_id(const std::filesystem::path& file,
                                           std::span<const std::int64_t> ids);

struct VeInput {
  std::filesystem::path ves;     // a VE-set file, or
  std::filesystem::path config;  // a configuration that generates them
  std::filesystem::path vae;     // the checkpoint whose encoder gives the fingerprints
  std::int64_t first_id = -1;    // -1: the configuration's (ignored for a VE-set file)
  std::int64_t count = 0;        // 0: all of the file's, or the configuration's count
  int batch = 8;                 // VEs per encoder pass on each rank
  int threads = 1;
};

// What the VEs are, known before encoding: the fingerprint length of the checkpoint and,
// for a configuration with [campaign], its material and load case (as a campaign file
// stores them). Collective; a configuration error exits 3, an unreadable file 4.
struct VeInputPlan {
  std::int64_t latent = 0;
  std::string material, load_case;
};
VeInputPlan plan_ve_input(const VeInput& in, const core::Comm& world);

// Collective: every rank encodes its block; rank 0 returns all rows in id order (the other
// ranks an empty input). An InputError names the file for a VE whose Euler angles are not
// finite, a VE size the checkpoint does not take, or a fingerprint that is not finite.
FingerprintInput encode_ve_input(const VeInput& in, const VeInputPlan& plan,
                                 const core::Comm& world);

}  // namespace mspipe::pipeline
