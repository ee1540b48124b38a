#pragma once
// Reading [vae] for the VAE commands and stages: the model and training settings, and
// the VE source they train on (a VE-set file, the generator, or synthetic VEs).
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "microstructure/generator.hpp"
#include "ml/vae_options.hpp"
#include "ml/ve_source.hpp"

namespace mspipe::core { class Section; }

namespace mspipe::pipeline {

struct VaeSetup {
  ml::VaeConfig config;                                     // output_dir resolved
  std::optional<microstructure::GeneratorParams> generator;  // for data.source = "generate"
  std::filesystem::path ve_set;                             // for data.source = "ve_set"
  std::uint64_t seed = 0;
  std::string output_dir_where;                             // "file:line:col" of vae.output_dir
  std::filesystem::path checkpoint() const { return config.output_dir / "checkpoint.pt"; }
};

// Reads [vae] (finishing it: unknown keys are errors) and, when needed, [generate].
// Relative vae.output_dir is under `output_dir`; without vae.data.file the VE set is the
// one the generate stage writes (<output_dir>/<generate.output>).
VaeSetup read_vae_setup(const core::Section& root, const std::filesystem::path& output_dir,
                        std::uint64_t seed, int threads);

// The VEs the setup names (all of them; the trainer splits train and test itself).
std::unique_ptr<ml::VeSource> make_source(const VaeSetup& s);

// A view of some VEs of another source (e.g. the test split).
std::unique_ptr<ml::VeSource> subset(const ml::VeSource& source, std::vector<std::int64_t> indices);

}  // namespace mspipe::pipeline
