#pragma once
// The study's evaluation sets (its tables 4-6): VEs generated from the presets in
// inputs/generate/ at a model's VE size, each scored by ml::evaluate_set. Collective over
// `world`.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "microstructure/generator.hpp"
#include "ml/vae_evaluate.hpp"
#include "ml/vae_inference.hpp"

namespace mspipe::core {
class Comm;
}

namespace mspipe::pipeline {

// training, large, small, elongated, brass, copper, cube, goss: the study's sets.
const std::vector<std::string>& study_sets();

// Splits "a,b,c" and checks every name against study_sets(); a CollectiveError (exit 2)
// naming the unknown set and listing the valid ones otherwise. Empty names and repeats
// are errors too.
std::vector<std::string> parse_set_names(const std::string& list);

struct EvalSetSpec {
  std::string name;
  std::filesystem::path preset;            // <presets>/<name>.toml
  microstructure::GeneratorParams params;  // rescaled to the model's VE size
  std::uint64_t seed = 0;                  // the preset's run.seed unless overridden
  std::int64_t first_id = 0;               // training: the preset's held-out ids
  std::int64_t count = 0;
};

// The preset's [generate] section with size = ve_size and resolution scaled so the VE's
// physical edge (size x resolution) is the preset's: the same grains in fewer voxels.
// ConfigError (exit 3) from the preset file; an InputError when it is missing.
EvalSetSpec read_eval_set(const std::filesystem::path& presets, const std::string& name,
                          int ve_size, std::int64_t count, const std::optional<std::uint64_t>& seed,
                          const core::Comm& world);

struct EvalSetRow {
  EvalSetSpec spec;
  ml::SetEvaluation result;
  double ratio() const { return result.phi4_mean / result.phi4_mean_baseline; }
  double orientation_ratio() const { return result.phi4_mean / result.phi4_mean_orientation; }
};

// Generates and scores every set (rank 0's rows are complete; all ranks return them).
std::vector<EvalSetRow> evaluate_sets(const core::Comm& world, const ml::InferenceOptions& options,
                                      const std::vector<EvalSetSpec>& specs,
                                      const ml::LossOptions& loss);

// The study's table layout: set, N, phi4 mean ± std, input-blind reference mean ± std,
// ratio (markdown).
std::string eval_sets_table(const std::vector<EvalSetRow>& rows);
// set,count,ve_size,resolution,seed,first_id,phi4_mean,phi4_std,reference_mean,reference_std,ratio
std::string eval_sets_csv(const std::vector<EvalSetRow>& rows);

}  // namespace mspipe::pipeline
