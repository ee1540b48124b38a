#include "pipeline/vae_eval_sets.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <sstream>

#include "core/comm.hpp"
#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "pipeline/ve_sources.hpp"

namespace mspipe::pipeline {

namespace {
// The training preset's ids 100000.. are its test set (inputs/generate/training.toml).
constexpr std::int64_t kTrainingTestFirstId = 100000;

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}
}  // namespace

const std::vector<std::string>& study_sets() {
  static const std::vector<std::string> names{"training", "large",  "small", "elongated",
                                              "brass",    "copper", "cube",  "goss"};
  return names;
}

std::vector<std::string> parse_set_names(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  std::string name;
  const auto fail = [](const std::string& what) {
    throw core::CollectiveError(fmt::format("mspipe vae eval: error: --sets: {}; the sets are {}",
                                            what, joined(study_sets())),
                                core::ExitCode::usage);
  };
  while (std::getline(in, name, ',')) {
    if (name.empty()) fail("an empty set name");
    if (std::find(study_sets().begin(), study_sets().end(), name) == study_sets().end())
      fail(fmt::format("unknown set '{}'", name));
    if (std::find(out.begin(), out.end(), name) != out.end())
      fail(fmt::format("set '{}' given twice", name));
    out.push_back(name);
  }
  if (out.empty()) fail("no set named");
  return out;
}

EvalSetSpec read_eval_set(const std::filesystem::path& presets, const std::string& name,
                          int ve_size, std::int64_t count, const std::optional<std::uint64_t>& seed,
                          const core::Comm& world) {
  EvalSetSpec s;
  s.name = name;
  s.preset = presets / (name + ".toml");
  core::collective(world, [&] {
    if (!std::filesystem::is_regular_file(s.preset))
      throw core::InputError(
          core::format_error(s.preset.string(), "no such preset (give --presets DIR)"));
  });
  const auto preset = read_preset_at_size(s.preset, ve_size, world);
  s.params = preset.params;
  s.seed = seed.value_or(preset.seed);
  s.params.count = (name == "training" ? kTrainingTestFirstId : 0) + count;
  if (auto problem = microstructure::box_problem(s.params))
    throw core::InputError(
        core::format_error(s.preset.string(), fmt::format("at {}^3: {}", ve_size, *problem)));
  s.first_id = name == "training" ? kTrainingTestFirstId : 0;
  s.count = count;
  return s;
}

std::vector<EvalSetRow> evaluate_sets(const core::Comm& world, const ml::InferenceOptions& options,
                                      const std::vector<EvalSetSpec>& specs,
                                      const ml::LossOptions& loss) {
  std::vector<EvalSetRow> rows;
  for (const auto& spec : specs) {
    const auto src = make_generated_source(spec.params, spec.seed, spec.first_id, spec.count);
    core::log::info("vae eval: set {}: {}", spec.name, src->describe());
    rows.push_back({spec, ml::evaluate_set(world, options, *src, loss)});
  }
  return rows;
}

std::string eval_sets_table(const std::vector<EvalSetRow>& rows) {
  std::string s =
      "| set | N | phi4 (mean ± std) | input-blind reference (mean ± std) | ratio "
      "| mean-orientation reference | ratio |\n|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows)
    s += fmt::format("| {} | {} | {:.4f} ± {:.4f} | {:.4f} ± {:.4f} | {:.2f} | {:.4f} ± {:.4f} | {:.2f} |\n",
                     r.spec.name, r.result.count, r.result.phi4_mean, r.result.phi4_std,
                     r.result.phi4_mean_baseline, r.result.phi4_std_baseline, r.ratio(),
                     r.result.phi4_mean_orientation, r.result.phi4_std_orientation, r.orientation_ratio());
  return s;
}

std::string eval_sets_csv(const std::vector<EvalSetRow>& rows) {
  std::string s =
      "set,count,ve_size,resolution,seed,first_id,phi4_mean,phi4_std,reference_mean,reference_std,"
      "ratio,orientation_reference_mean,orientation_reference_std,orientation_ratio\n";
  for (const auto& r : rows)
    s += fmt::format("{},{},{},{:.8g},{},{},{:.8g},{:.8g},{:.8g},{:.8g},{:.8g},{:.8g},{:.8g},{:.8g}\n",
                     r.spec.name, r.result.count, r.spec.params.size, r.spec.params.resolution,
                     r.spec.seed, r.spec.first_id, r.result.phi4_mean, r.result.phi4_std,
                     r.result.phi4_mean_baseline, r.result.phi4_std_baseline, r.ratio(),
                     r.result.phi4_mean_orientation, r.result.phi4_std_orientation,
                     r.orientation_ratio());
  return s;
}

}  // namespace mspipe::pipeline
