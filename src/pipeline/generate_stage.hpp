#pragma once
// Generating a VE set on any number of ranks: the shared core of `mspipe generate` and
// of the pipeline's "generate" stage.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/output_path.hpp"

#include "microstructure/generator.hpp"

namespace mspipe::core {
class Comm;
}

namespace mspipe::pipeline {

struct GenerateJob {
  microstructure::GeneratorParams params;
  std::uint64_t seed = 0;
  std::filesystem::path output;                 // the VE-set file
  std::optional<std::filesystem::path> vti_dir;  // export params.vti_ids (VE 0 if none) here
  bool write = true;                            // false: generate and report only
  int block = 8;                                // VEs per rank per collective write
  int threads = 1;                              // OpenMP threads per rank (tessellation)
  // Where `output` and `vti_dir` came from, for messages: an option or a key and its place.
  std::string output_origin = "generate.output", output_where;
  std::string vti_origin = "--vti", vti_where;
};

// The files and folders run_generate writes (none for a dry run).
std::vector<core::OutputPath> generate_outputs(const GenerateJob& job);

// Targets and what was achieved, over the whole dataset (identical on every rank).
struct GenerateSummary {
  std::int64_t ves = 0;
  double grains_per_ve = 0;
  double drawn_mean_esd = 0;     // mean of the ESDs drawn (before tessellation)
  double achieved_mean_esd = 0;  // mean ESD of the grains' voxel volumes
  double grains_per_face = 0;
  double mean_aspect_ratio = 0;
  double seconds = 0;
};

// Collective over `world`: rank r generates its blocks of ids, the file is written
// collectively (content independent of the rank count), rank 0 prints the summary.
GenerateSummary run_generate(const GenerateJob& job, const core::Comm& world);

class Stage;
// The "generate" stage: reads [generate], writes <output_dir>/<generate.output> and, when
// generate.vti_ids is set, <output_dir>/vti/ve_<id>.vti.
std::unique_ptr<Stage> make_generate_stage();

}  // namespace mspipe::pipeline
