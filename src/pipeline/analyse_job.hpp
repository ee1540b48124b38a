#pragma once
// The latent-space analysis (`mspipe analyse CONFIG`, stage "analyse"), section [analyse]:
//
//   fingerprints = "fingerprints.h5"   training fingerprints (a fingerprint file) ...
//   campaign = "campaign.h5"           ... or a campaign file's /fingerprint (not both)
//   checkpoint = "vae/checkpoint.pt"   VAE that encodes the edge-case sets (default: [vae]'s)
//   ve_size = 16                       voxels per side the model takes (default: [vae]'s)
//   presets_dir = "inputs/generate"    where <name>.toml generator presets live
//   textured = ["brass", "copper", "cube", "goss"]     clustered together
//   morphology = ["large", "small", "elongated"]      clustered together
//   count = 100                        VEs generated per edge-case set
//   components = 3                     PCA components before clustering
//   cluster_pca = "group"              "group": PCA fitted on the group's own fingerprints;
//                                      "training": the training fingerprints' PCA
//   gamma = 0.0                        RBF width of the affinity; 0: median heuristic
//   restarts = 10                      k-means++ restarts (seeded by run.seed)
//   batch = 8                          VEs per forward pass
//   output = "analysis"                folder (under run.output_dir) for the results
//
// Paths other than presets_dir are relative to run.output_dir; presets_dir to the working
// folder. Edge-case VEs are the presets' VEs 0 .. count-1 (their [run].seed), at ve_size
// voxels with the preset's physical box (resolution scaled by preset size / ve_size).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mspipe::core {
class Comm;
class Section;
}  // namespace mspipe::core

namespace mspipe::pipeline {

struct EdgeCaseSet {
  std::string name;            // preset name ("brass")
  std::string group;           // "textured" or "morphology"
  std::filesystem::path file;  // <presets_dir>/<name>.toml, checked to exist
};

struct AnalyseJob {
  std::filesystem::path fingerprints;  // a fingerprint file, or
  std::filesystem::path campaign;      // a campaign file (exactly one is set)
  std::filesystem::path checkpoint;
  int ve_size = 0;
  std::vector<EdgeCaseSet> sets;
  std::int64_t count = 100;
  int components = 3;
  bool cluster_on_training_pca = false;
  double gamma = 0;
  int restarts = 10;
  int batch = 8;
  int threads = 1;
  std::uint64_t seed = 0;
  std::filesystem::path output;  // folder
  std::string output_where;
};

// Reads and finishes [analyse] (and reads [vae] for defaults when present). Unknown
// presets (no <presets_dir>/<name>.toml) and unknown keys are configuration errors; the
// presets themselves are parsed by run_analyse (collectively).
AnalyseJob read_analyse_job(const core::Section& root, const std::filesystem::path& output_dir,
                            std::uint64_t seed, int threads);

// Collective: reads the training fingerprints (an input error names the file: missing,
// empty, NaN), generates and encodes the edge-case sets, fits PCA and clusters on rank 0,
// writes the results (nothing before every check passed) and prints a short table.
void run_analyse(const AnalyseJob& job, const core::Comm& world);

}  // namespace mspipe::pipeline
