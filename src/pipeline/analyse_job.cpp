#include "pipeline/analyse_job.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "core/config.hpp"
#include "pipeline/vae_setup.hpp"

namespace mspipe::pipeline {

namespace {

std::string preset_names(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".toml") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

void add_sets(const core::Section& a, const char* group, const std::vector<std::string>& fallback,
              const std::filesystem::path& dir, AnalyseJob& job) {
  for (const auto& name : a.strings(group, fallback)) {
    const auto file = dir / (name + ".toml");
    if (!std::filesystem::is_regular_file(file))
      a.fail(group, fmt::format("unknown preset \"{}\": no file {} (presets there: {})", name,
                                file.string(), preset_names(dir)));
    for (const auto& s : job.sets)
      if (s.name == name) a.fail(group, fmt::format("preset \"{}\" is named twice", name));
    job.sets.push_back({name, group, file});
  }
  const auto n = std::count_if(job.sets.begin(), job.sets.end(),
                               [&](const auto& s) { return s.group == group; });
  if (n == 1) a.fail(group, "clustering needs at least two sets (or none)");
}

}  // namespace

AnalyseJob read_analyse_job(const core::Section& root, const std::filesystem::path& output_dir,
                            std::uint64_t seed, int threads) {
  AnalyseJob job;
  job.seed = seed;
  job.threads = threads;
  // The VAE section, when there is one, gives the checkpoint and the VE size.
  std::filesystem::path checkpoint;
  int ve_size = 0;
  if (root.has("vae")) {
    const auto vae = read_vae_setup(root, output_dir, seed, threads);
    checkpoint = vae.checkpoint();
    ve_size = vae.config.model.ve_size;
  }
  const auto a = root.section("analyse");
  if (a.has("fingerprints") && a.has("campaign"))
    a.fail("campaign", "give either analyse.fingerprints or analyse.campaign, not both");
  if (a.has("campaign"))
    job.campaign = output_dir / a.string("campaign");
  else
    job.fingerprints = output_dir / a.string("fingerprints", "fingerprints.h5");
  if (checkpoint.empty() || a.has("checkpoint")) checkpoint = output_dir / a.string("checkpoint");
  job.checkpoint = checkpoint;
  job.ve_size = int(ve_size > 0 && !a.has("ve_size")
                        ? ve_size
                        : a.integer("ve_size", std::nullopt, core::Range::at_least(1)));
  const std::filesystem::path dir = a.string("presets_dir", "inputs/generate");
  add_sets(a, "textured", {"brass", "copper", "cube", "goss"}, dir, job);
  add_sets(a, "morphology", {"large", "small", "elongated"}, dir, job);
  job.count = a.integer("count", 100, core::Range::at_least(2));
  job.components = int(a.integer("components", 3, core::Range::at_least(1)));
  job.cluster_on_training_pca =
      a.string("cluster_pca", "group", {"group", "training"}) == "training";
  job.gamma = a.number("gamma", 0.0, core::Range::non_negative());
  job.restarts = int(a.integer("restarts", 10, core::Range::at_least(1)));
  job.batch = int(a.integer("batch", 8, core::Range::between(1, 1 << 20)));
  job.output = output_dir / a.string("output", "analysis");
  job.output_where = a.where("output");
  a.finish();
  return job;
}

}  // namespace mspipe::pipeline
