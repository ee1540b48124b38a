#include "pipeline/generate_stage.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>

#include "core/comm.hpp"
#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/partition.hpp"
#include "core/progress.hpp"
#include "core/threads.hpp"
#include "io/ve_set.hpp"
#include "io/vti.hpp"
#include "pipeline/stage.hpp"

namespace mspipe::pipeline {

using microstructure::VolumeElement;

namespace {

void write_vti(const VolumeElement& ve, const std::filesystem::path& dir) {
  io::vti::ImageData img;
  img.cells = {ve.size, ve.size, ve.size};
  img.spacing = {ve.resolution, ve.resolution, ve.resolution};
  // "material" is the name DAMASK_grid reads (0-based grain ids); the Euler channels are
  // interleaved per cell as VTK vectors, in the same normalised units as the VE set.
  img.cell_data.push_back({"material", 1, ve.grain_id});
  const std::size_t n = ve.grain_id.size();
  std::vector<float> euler(3 * n);
  for (std::size_t v = 0; v < n; ++v)
    for (int c = 0; c < 3; ++c) euler[3 * v + c] = ve.euler[c * n + v];
  img.cell_data.push_back({"euler_normalised", 3, std::move(euler)});
  io::vti::write(dir / fmt::format("ve_{}.vti", ve.id), img);
}

std::string texture_words(const microstructure::TextureParams& t) {
  if (t.kind == microstructure::TextureKind::uniform) return "uniform texture";
  return fmt::format("{} texture, {:g} deg {} scatter", t.name, t.scatter_deg,
                     t.scatter == texture::Scatter::spherical ? "spherical" : "positive-Euler");
}

}  // namespace

std::vector<core::OutputPath> generate_outputs(const GenerateJob& job) {
  std::vector<core::OutputPath> out;
  if (job.write) out.push_back({job.output, job.output_origin, job.output_where, core::OutputPath::Kind::file});
  if (job.vti_dir) out.push_back({*job.vti_dir, job.vti_origin, job.vti_where, core::OutputPath::Kind::folder});
  return out;
}

GenerateSummary run_generate(const GenerateJob& job, const core::Comm& world) {
  const auto& p = job.params;
  const auto t0 = std::chrono::steady_clock::now();
  core::set_threads(job.threads);
  std::vector<std::int64_t> vti_ids = p.vti_ids;
  if (job.vti_dir && vti_ids.empty()) vti_ids.push_back(0);
  core::prepare_outputs(world, generate_outputs(job));

  std::optional<io::VeSetWriter> writer;
  if (job.write)
    writer.emplace(job.output,
                   io::VeSetHeader{p.size, p.resolution, std::string(texture::lattice_name(p.lattice)), job.seed,
                                   p.count, microstructure::to_toml(p)},
                   world);

  // Step s hands rank r the ids [s*B*P + r*B, +B): ranks own disjoint blocks and every
  // step appends a contiguous run of rows in id order, whatever the rank count.
  const std::int64_t block = std::max(1, job.block);
  const std::int64_t per_step = block * world.size();
  const auto mine = core::block_range(per_step, world.size(), world.rank());  // offsets within a step
  double grains = 0, drawn_esd = 0, achieved_esd = 0, faces = 0, aspect = 0, grain_count = 0;
  core::Progress progress("generate", p.count, 10.0);
  std::vector<VolumeElement> buffers(static_cast<std::size_t>(block));  // reused every step
  for (std::int64_t step = 0; step * per_step < p.count; ++step) {
    const std::int64_t begin = std::min(p.count, step * per_step + mine.begin);
    const std::int64_t end = std::min(p.count, step * per_step + mine.end);
    const std::span<VolumeElement> ves(buffers.data(), static_cast<std::size_t>(end - begin));
    for (std::int64_t id = begin; id < end; ++id) {
      auto& ve = ves[static_cast<std::size_t>(id - begin)];
      microstructure::generate_ve(p, job.seed, id, ve);
      grains += static_cast<double>(ve.grains.size());
      for (const auto& g : ve.grains) {
        drawn_esd += g.target_esd;
        achieved_esd += g.esd;
        grain_count += 1;
      }
      for (auto f : ve.stats.face_grains) faces += f;
      aspect += ve.stats.mean_aspect_ratio;
      if (job.vti_dir && std::find(vti_ids.begin(), vti_ids.end(), id) != vti_ids.end()) write_vti(ve, *job.vti_dir);
    }
    if (writer) writer->append(begin, ves);
    progress.update(std::min(p.count, (step + 1) * per_step));
  }
  progress.finish();
  if (writer) writer->commit();

  // The ranks' sums, added up in one all-reduce.
  enum Sum : std::size_t { kGrains, kDrawnEsd, kAchievedEsd, kFaceGrains, kAspectRatio, kGrainCount, kSums };
  std::array<double, kSums> sums{grains, drawn_esd, achieved_esd, faces, aspect, grain_count};
  world.allreduce_inplace(std::span<double>(sums), core::ReduceOp::sum);
  GenerateSummary s;
  s.ves = p.count;
  s.grains_per_ve = sums[kGrains] / p.count;
  // Drawn sizes include grains that lost all their voxels; they are few.
  s.drawn_mean_esd = sums[kDrawnEsd] / sums[kGrainCount];
  s.achieved_mean_esd = sums[kAchievedEsd] / sums[kGrainCount];
  s.grains_per_face = sums[kFaceGrains] / (6.0 * p.count);
  s.mean_aspect_ratio = sums[kAspectRatio] / p.count;
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const auto& ax = p.shape.axes;
  std::array<double, 3> sorted = ax;
  std::sort(sorted.begin(), sorted.end());
  core::log::info("generate: {} VEs of {}^3 voxels ({}, {}) -> {} in {:.1f} s ({:.1f} VE/s on {} rank(s))", p.count,
                  p.size, texture::lattice_name(p.lattice), texture_words(p.texture),
                  job.write ? job.output.string() : std::string("(not written)"), s.seconds, p.count / s.seconds,
                  world.size());
  core::log::info("  grains per VE      {:8.2f}", s.grains_per_ve);
  core::log::info("  mean ESD           target {:.4g}, drawn {:.4g}, achieved {:.4g} ({:+.1f} %)",
                  p.grain_size.mean_esd, s.drawn_mean_esd, s.achieved_mean_esd,
                  100.0 * (s.achieved_mean_esd / p.grain_size.mean_esd - 1.0));
  core::log::info("  grains per face    {:8.2f}", s.grains_per_face);
  core::log::info("  aspect ratio       target {:.3g}, achieved {:.3g} (longest / intermediate axis)",
                  sorted[2] / sorted[1], s.mean_aspect_ratio);
  return s;
}

// ---- the pipeline stage -----------------------------------------------------------------

namespace {

class GenerateStage final : public Stage {
 public:
  std::string_view name() const override { return "generate"; }
  std::vector<std::string> sections() const override { return {"generate"}; }
  void configure(const core::Section& root, const RunContext& ctx) override {
    const auto section = root.section("generate");
    job_.params = microstructure::parse_generator_params(section);
    job_.seed = ctx.seed;
    job_.threads = ctx.threads;
    job_.output = ctx.output_dir / job_.params.output;
    job_.output_where = section.where("output");
    if (!job_.params.vti_ids.empty()) {
      job_.vti_dir = ctx.output_dir / "vti";
      job_.vti_origin = "generate.vti_ids";
      job_.vti_where = section.where("vti_ids");
    }
  }
  std::vector<core::OutputPath> outputs() const override { return generate_outputs(job_); }
  void run(const core::Comm& world, const RunContext&) override { run_generate(job_, world); }

 private:
  GenerateJob job_;
};

}  // namespace

std::unique_ptr<Stage> make_generate_stage() { return std::make_unique<GenerateStage>(); }

}  // namespace mspipe::pipeline
