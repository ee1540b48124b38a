#pragma once
// A pipeline stage (generate, train_vae, encode, simulate, ...). `mspipe CONFIG` builds
// the stages that [run].stages names, lets every one read and validate its section
// first (so a typo fails before any work starts), then runs them in order.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/output_path.hpp"

namespace mspipe::core {
class Comm;
class Section;
}  // namespace mspipe::core

namespace mspipe::pipeline {

// What the command line adds to a configuration (`mspipe CONFIG --dry-run --shard I
// --num-shards N`).
struct RunOptions {
  bool dry_run = false;  // configure, then report what would run: no work, no files
  int shard = 0;         // this job's block of the campaign's id range ...
  int num_shards = 1;    // ... out of this many (a job array; 1: the whole range)
};

struct RunContext {
  std::filesystem::path output_dir;  // every stage's files go here
  std::uint64_t seed = 0;            // campaign seed
  int threads = 1;                   // OpenMP / LibTorch threads per rank
  int world_size = 1;                // ranks of the job (layouts are checked at configure time)
  RunOptions options;
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string_view name() const = 0;
  // Top-level configuration sections this stage owns (e.g. {"vae"}).
  virtual std::vector<std::string> sections() const = 0;
  // Reads and validates this stage's section of the configuration. No work, no files.
  virtual void configure(const core::Section& root, const RunContext& ctx) = 0;
  // Files and folders run() will write, known after configure(): they are checked before
  // any stage runs, so a bad path never throws away finished work.
  virtual std::vector<core::OutputPath> outputs() const { return {}; }
  virtual void run(const core::Comm& world, const RunContext& ctx) = 0;
  // --dry-run: says what run() would do (sizes, estimates) without doing it or writing
  // anything. Collective over `world`.
  virtual void dry_run(const core::Comm& world, const RunContext& ctx);
};

// [run]'s output_dir, seed and threads for commands that take a configuration but run no
// stages (default output_dir: results/<config name>); [run] is optional there.
RunContext read_run_context(const core::Section& root, const std::filesystem::path& config);

// The stages in the order they can run, and a factory by name (nullptr if unknown).
const std::vector<std::string>& known_stages();
std::unique_ptr<Stage> make_stage(std::string_view name);
// The sections the stage `name` owns before it is configured, without loading the ML
// plugin for its stages (ml_plugin.hpp).
std::vector<std::string> stage_sections(std::string_view name);

// Loads the configuration, configures the named stages and runs them (or, with
// options.dry_run, reports what they would do).
int run_config(const std::filesystem::path& config, const core::Comm& world, const RunOptions& options = {});

}  // namespace mspipe::pipeline
