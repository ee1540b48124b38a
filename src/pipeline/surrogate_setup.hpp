#pragma once
// Reading [surrogate] for the surrogate's commands and the train_surrogate stage, and
// loading a campaign file's converged records as the surrogate's rows.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "io/campaign_file.hpp"
#include "ml/surrogate.hpp"

namespace mspipe::core {
class Comm;
class Section;
}  // namespace mspipe::core

namespace mspipe::pipeline {

struct SurrogateSetup {
  std::filesystem::path campaign;    // campaign file (default <run.output_dir>/campaign.h5)
  std::filesystem::path output_dir;  // resolved under run.output_dir
  std::string campaign_where, output_dir_where;  // "file:line:col" of the keys (empty: an option)
  std::string output_dir_origin = "surrogate.output_dir";  // the key or option that gave output_dir
  double test_fraction = 0.1, validation_fraction = 0.1;
  std::uint64_t split_seed = 0;
  ml::SurrogateOptions options;
  // [surrogate.compare]
  std::vector<std::string> compare_inputs{"null", "control", "physics", "two_point", "fingerprint"};
  // The trained VAE (surrogate.vae_checkpoint, or compare.vae_checkpoint there): it encodes
  // the campaign's VEs when the campaign has no fingerprints of its own, and gives the
  // control encoder its architecture.
  std::filesystem::path vae_checkpoint;
  std::filesystem::path ve_set;          // VEs of the campaign; empty: regenerated from its identity
  // [surrogate.compare.fingerprints] name = checkpoint: more encoders compared side by side,
  // each an input "fingerprint:name" (mu of that encoder on the same VEs and split).
  std::vector<std::pair<std::string, std::filesystem::path>> extra_fingerprints;
  // Learning curve: training-set sizes (0: all training rows), "250,500,all" on the command
  // line or [surrogate.compare] learning_curve; empty: none.
  std::vector<std::int64_t> learning_curve;
  std::int64_t train_limit = 0;  // train on this many of the training rows (0: all)
  std::uint64_t run_seed = 0;
  int threads = 1;
};

// "250,500,1000,all" -> {250, 500, 1000, 0}, sorted; an error in words for anything else.
std::vector<std::int64_t> parse_training_sizes(const std::string& text, std::string* error);

// Reads [surrogate] (finishing it). `output_dir`, `seed`, `threads` are the run's.
SurrogateSetup read_surrogate_setup(const core::Section& root, const std::filesystem::path& output_dir,
                                    std::uint64_t seed, int threads);

// A configuration's [run] values and [surrogate] section, for the surrogate commands.
SurrogateSetup load_surrogate_setup(const std::filesystem::path& config, const core::Comm& world);

// Command-line stand-ins for [surrogate] keys (empty: the configuration's).
struct SetupOverrides {
  std::string campaign;    // --campaign: surrogate.campaign
  std::string output_dir;  // --output-dir: the resolved results folder
};
SurrogateSetup with_overrides(SurrogateSetup s, const SetupOverrides& o);

// The converged records of a campaign file: fingerprints as inputs, sigma_zz curves in Pa.
struct CampaignRows {
  io::CampaignIdentity identity;
  ml::SurrogateRows rows;
  ml::SurrogateMeta meta;  // material, load case, L, points, strain, identity digest
  std::vector<double> wall_s;  // of the converged records
  std::int64_t records = 0;    // in the file, whatever their status
};
// Throws core::InputError naming the file when it cannot be read or has no converged record.
CampaignRows read_campaign_rows(const std::filesystem::path& file);

// "fnv1a64:..." of what makes a campaign (seed, generator, material, load case, engine,
// VAE checkpoint digest, sizes), stored in the surrogate's model file.
std::string campaign_digest(const io::CampaignIdentity& id);

}  // namespace mspipe::pipeline
