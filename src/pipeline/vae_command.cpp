// mspipe vae train|encode|eval|reconstruct|path CONFIG [options]
// The VAE's commands; the same settings ([vae], [run]) the pipeline stages read.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <optional>

#include "core/atomic_file.hpp"
#include "core/comm.hpp"
#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/output_path.hpp"
#include "ml/trainer.hpp"
#include "ml/vae_evaluate.hpp"
#include "ml/vae_path.hpp"
#include "pipeline/command.hpp"
#include "pipeline/stage.hpp"
#include "pipeline/vae_eval_sets.hpp"
#include "pipeline/vae_path_files.hpp"
#include "pipeline/vae_outputs.hpp"
#include "pipeline/vae_setup.hpp"
#include "pipeline/ve_sources.hpp"

namespace mspipe::pipeline {

namespace {

struct VaeArgs {
  std::string config;
  std::string checkpoint;  // default: <output_dir>/<vae.output_dir>/checkpoint.pt
  std::string out;
  std::string ve_set;      // another VE set than [vae.data]
  std::string vti;
  std::string csv;
  std::vector<std::int64_t> indices{0};
  std::int64_t max_steps = -1;
  bool fresh = false;
  bool all = false;  // eval: every VE instead of the test split
  // eval --sets: the study's sets generated from the presets
  std::string sets;
  std::int64_t count = 32;
  std::optional<std::uint64_t> seed;
  std::string presets = "inputs/generate";
  // path
  std::int64_t from = -1, to = -1;
  int steps = 8;
  std::string path_set;
};

[[noreturn]] void usage(const std::string& what) {
  throw core::CollectiveError(fmt::format("mspipe vae: error: {}", what), core::ExitCode::usage);
}

VaeSetup load_setup(const VaeArgs& a, const core::Comm& world) {
  const auto cfg = core::load_config(a.config, world);
  const auto ctx = read_run_context(cfg.root(), a.config);
  return read_vae_setup(cfg.root(), ctx.output_dir, ctx.seed, ctx.threads);
}

ml::InferenceOptions inference_options(const VaeArgs& a, const VaeSetup& s) {
  ml::InferenceOptions u;
  u.checkpoint = a.checkpoint.empty() ? s.checkpoint() : std::filesystem::path(a.checkpoint);
  u.batch = std::max(1, s.config.train.batch_size);
  u.threads = s.config.train.threads;
  return u;
}

std::unique_ptr<ml::VeSource> source_for(const VaeArgs& a, const VaeSetup& s, const core::Comm& world) {
  std::unique_ptr<ml::VeSource> src;
  core::collective(world, [&] { src = a.ve_set.empty() ? make_source(s) : make_ve_set_source(a.ve_set, 0); });
  return src;
}

int train(const VaeArgs& a, const core::Comm& world) {
  auto s = load_setup(a, world);
  if (a.max_steps >= 0) s.config.train.max_steps = a.max_steps;
  core::prepare_outputs(world, {{s.config.output_dir, "vae.output_dir", s.output_dir_where, core::OutputPath::Kind::folder}});
  const auto src = source_for(a, s, world);
  const auto r = ml::train_vae(world, s.config, *src, a.fresh ? ml::TrainStart::fresh : ml::TrainStart::resume);
  core::log::info("vae train: {} steps ({} in this run) in {:.1f} s; all-reduce {:.1f} % of it; checkpoint {}",
                  r.steps, r.steps_this_run, r.seconds, 100 * r.allreduce_seconds / std::max(1e-9, r.seconds),
                  r.checkpoint.string());
  return 0;
}

int encode(const VaeArgs& a, const core::Comm& world) {
  const auto s = load_setup(a, world);
  const auto src = source_for(a, s, world);
  const auto out = a.out.empty() ? s.config.output_dir / "fingerprints.h5" : std::filesystem::path(a.out);
  core::prepare_outputs(world, {{out, a.out.empty() ? "vae.output_dir" : "--out", "", core::OutputPath::Kind::file}});
  write_fingerprints_of(world, inference_options(a, s), *src, out);
  return 0;
}

// --sets: one row per study set, VEs generated at the model's size; a CSV beside the
// checkpoint (or at --csv).
int eval_sets(const VaeArgs& a, const core::Comm& world) {
  const auto names = parse_set_names(a.sets);
  if (a.all || !a.ve_set.empty()) usage("--sets generates its VEs: it takes neither --all nor --ve-set");
  if (a.count < 1) usage(fmt::format("--count {}: expected a positive number", a.count));
  const auto s = load_setup(a, world);
  const auto options = inference_options(a, s);
  const std::filesystem::path csv =
      a.csv.empty() ? options.checkpoint.parent_path() / "eval_sets.csv" : std::filesystem::path(a.csv);
  core::prepare_outputs(world, {{csv, "--csv", "", core::OutputPath::Kind::file}});
  std::vector<EvalSetSpec> specs;
  for (const auto& name : names)
    specs.push_back(read_eval_set(a.presets, name, s.config.model.ve_size, a.count, a.seed, world));
  const auto rows = evaluate_sets(world, options, specs, s.config.loss);
  if (world.rank() == 0) {
    fmt::print("model: {}\n", ml::describe_checkpoint(options.checkpoint));
    fmt::print("sets: {} VEs each from {}/<set>.toml at {}^3 (resolution scaled to keep each preset's physical "
               "VE edge), reference = the set's mean Euler angles in every voxel\n",
               a.count, a.presets, s.config.model.ve_size);
    fmt::print("{}", eval_sets_table(rows));
    core::write_file_atomically(csv, eval_sets_csv(rows));
    fmt::print("csv: {}\n", csv.string());
  }
  return 0;
}

int eval(const VaeArgs& a, const core::Comm& world) {
  if (!a.sets.empty()) return eval_sets(a, world);
  const auto s = load_setup(a, world);
  const auto src = source_for(a, s, world);
  // By default the held-out test split of the training set, as the paper reports it.
  std::unique_ptr<ml::VeSource> test;
  const bool whole = a.all || !a.ve_set.empty();
  if (!whole) test = subset(*src, ml::split_indices(src->size(), s.config.train.test_fraction, s.config.train.seed).test);
  const auto& set = whole ? *src : *test;
  const auto options = inference_options(a, s);
  if (!a.csv.empty()) core::prepare_outputs(world, {{a.csv, "--csv", "", core::OutputPath::Kind::file}});
  const auto e = ml::evaluate_set(world, options, set, s.config.loss);
  if (world.rank() == 0) {
    fmt::print("model: {}\nset: {}\n", ml::describe_checkpoint(options.checkpoint), set.describe());
    fmt::print("loss: BCE {:.6g}, spectral {:.6g}, total {:.6g}\n", e.bce, e.spectral, e.total);
    fmt::print("| architecture | latent | phi4 (mean ± std) | VEs |\n|---|---|---|---|\n{}\n", ml::table_row(e));
    fmt::print("reference: the set's mean Euler angles in every voxel give phi4 {:.4f} ± {:.4f}\n",
               e.phi4_mean_baseline, e.phi4_std_baseline);
    fmt::print("stronger reference: the set's mean orientation (quaternion average) in every voxel gives phi4 "
               "{:.4f} ± {:.4f}\nratio: {:.3f} of the reference, {:.3f} of the stronger one\n",
               e.phi4_mean_orientation, e.phi4_std_orientation, e.phi4_mean / e.phi4_mean_baseline,
               e.phi4_mean / e.phi4_mean_orientation);
    if (!a.csv.empty()) {
      std::string csv = "ve_id,phi4\n";
      for (std::int64_t i = 0; i < set.size(); ++i) csv += fmt::format("{},{:.8g}\n", set.id(i), e.phi4_per_ve[i]);
      core::write_file_atomically(a.csv, csv);
    }
  }
  return 0;
}

int reconstruct(const VaeArgs& a, const core::Comm& world) {
  const auto s = load_setup(a, world);
  const auto src = source_for(a, s, world);
  const auto out = a.out.empty() ? s.config.output_dir / "reconstructions.h5" : std::filesystem::path(a.out);
  std::vector<core::OutputPath> outputs{{out, a.out.empty() ? "vae.output_dir" : "--out", "", core::OutputPath::Kind::file}};
  if (!a.vti.empty()) outputs.push_back({a.vti, "--vti", "", core::OutputPath::Kind::folder});
  core::prepare_outputs(world, outputs);
  write_reconstructions_of(world, inference_options(a, s), *src, a.indices, out, a.vti);
  return 0;
}

int path(const VaeArgs& a, const core::Comm& world) {
  if (a.steps < 2) usage(fmt::format("--steps {}: expected at least 2", a.steps));
  if (a.from < 0 || a.to < 0) usage("--from and --to: expected VE indices (0 or more)");
  const auto s = load_setup(a, world);
  std::unique_ptr<ml::VeSource> src;
  core::collective(world, [&] { src = a.path_set.empty() ? make_source(s) : make_ve_set_source(a.path_set, 0); });
  const auto out = a.out.empty() ? s.config.output_dir / fmt::format("path_{}_{}", a.from, a.to)
                                 : std::filesystem::path(a.out);
  core::prepare_outputs(world, {{out, a.out.empty() ? "vae.output_dir" : "--out", "", core::OutputPath::Kind::folder}});
  const auto p = ml::decode_path(world, inference_options(a, s), *src, a.from, a.to, a.steps);
  write_latent_path(world, out, p);
  core::log::info("vae path: VE {} -> VE {} in {} steps -> {} (plot: tools/plot_vae_path.py {})", p.id_a, p.id_b,
                  a.steps, out.string(), out.string());
  return 0;
}

}  // namespace

void add_vae_commands(CommandRegistry& reg) {
  auto* vae = reg.app().add_subcommand("vae", "Train and use the 3D ResNet VAE (fingerprints of VEs)");
  vae->require_subcommand(1);
  auto a = std::make_shared<VaeArgs>();
  auto common = [&](CLI::App* sub) {
    sub->add_option("config", a->config, "Configuration file with a [vae] section")->required();
  };
  auto* tr = vae->add_subcommand("train", "Train data-parallel over all ranks; resumes from the checkpoint if present");
  common(tr);
  tr->add_flag("--fresh", a->fresh, "Ignore an existing checkpoint and start again");
  tr->add_option("--max-steps", a->max_steps, "Stop after this many steps in total (overrides vae.max_steps)");
  reg.add(tr, [a](const core::Comm& w) { return train(*a, w); });

  auto with_model = [&](CLI::App* sub) {
    common(sub);
    sub->add_option("--checkpoint", a->checkpoint, "Model checkpoint (default: <vae.output_dir>/checkpoint.pt)");
    sub->add_option("--ve-set", a->ve_set, "Use this VE-set file instead of [vae.data]");
  };
  auto* en = vae->add_subcommand("encode", "Fingerprints (mu) of every VE -> HDF5");
  with_model(en);
  en->add_option("--out", a->out, "Output file (default: <vae.output_dir>/fingerprints.h5)");
  reg.add(en, [a](const core::Comm& w) { return encode(*a, w); });

  auto* ev = vae->add_subcommand("eval", "phi4 between VEs and reconstructions, mean ± std (the paper's tables 4-6)");
  with_model(ev);
  ev->add_flag("--all", a->all, "Every VE of [vae.data], not only its test split");
  ev->add_option("--csv", a->csv, "Also write phi4 per VE (with --sets: the table) to this CSV file");
  ev->add_option("--sets", a->sets,
                 "The study's sets (training,large,small,elongated,brass,copper,cube,goss), generated at the "
                 "model's VE size; writes eval_sets.csv beside the checkpoint");
  ev->add_option("--count", a->count, "With --sets: VEs per set (default 32)");
  ev->add_option("--seed", a->seed, "With --sets: generator seed (default: each preset's run.seed)");
  ev->add_option("--presets", a->presets, "With --sets: folder of the presets (default inputs/generate)");
  reg.add(ev, [a](const core::Comm& w) { return eval(*a, w); });

  auto* re = vae->add_subcommand("reconstruct", "Reconstructions of some VEs -> HDF5 (and .vti)");
  with_model(re);
  re->add_option("--index", a->indices, "Indices of VEs in the set (default 0)")->delimiter(',');
  re->add_option("--out", a->out, "Output file (default: <vae.output_dir>/reconstructions.h5)");
  re->add_option("--vti", a->vti, "Also write DIR/ve_<id>_reconstruction.vti");
  reg.add(re, [a](const core::Comm& w) { return reconstruct(*a, w); });

  auto* pa = vae->add_subcommand("path", "Decode the straight line between two fingerprints -> .vti per step");
  common(pa);
  pa->add_option("--checkpoint", a->checkpoint, "Model checkpoint (default: <vae.output_dir>/checkpoint.pt)");
  pa->add_option("--from", a->from, "Index of VE A (in --set, or of the configuration's VEs)")->required();
  pa->add_option("--to", a->to, "Index of VE B")->required();
  pa->add_option("--steps", a->steps, "Points on the path, end points included (default 8)");
  pa->add_option("--set", a->path_set, "Take A and B from this VE-set file");
  pa->add_option("--out", a->out, "Output folder (default: <vae.output_dir>/path_<A>_<B>)");
  reg.add(pa, [a](const core::Comm& w) { return path(*a, w); });
}

}  // namespace mspipe::pipeline
