// mspipe surrogate train|predict|compare
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <chrono>

#include "core/atomic_file.hpp"
#include "core/comm.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/output_path.hpp"
#include "io/surrogate_predictions.hpp"
#include "ml/surrogate.hpp"
#include "pipeline/command.hpp"
#include "pipeline/surrogate_predict.hpp"
#include "pipeline/surrogate_predict_ves.hpp"
#include "pipeline/surrogate_stage.hpp"

namespace mspipe::pipeline {

namespace {

struct PredictArgs {
  std::string model, input, csv, h5, material, load_case;
  std::int64_t batch = 65536;
  VeInput ves;  // --ves or --generate, through --vae
};

io::SurrogatePredictions predict_all(const ml::Surrogate& model, const FingerprintInput& in, const PredictArgs& a) {
  io::SurrogatePredictions out;
  const auto& m = model.meta();
  out.points = m.points;
  out.ve_id = in.ve_id;
  out.strain = m.strain;
  out.model = a.model;
  out.material = m.material;
  out.load_case = m.load_case;
  out.campaign_digest = m.campaign_digest;
  const auto rows = static_cast<std::int64_t>(in.ve_id.size());
  const auto t0 = std::chrono::steady_clock::now();
  for (std::int64_t first = 0; first < rows; first += a.batch) {
    const auto n = std::min(a.batch, rows - first);
    const auto p = model.predict(std::span<const float>(in.x).subspan(first * m.inputs, n * m.inputs), n, a.input);
    for (double v : p.mean_pa) out.stress_mpa.push_back(v * 1e-6);
    for (double v : p.std_pa) out.stress_std_mpa.push_back(v * 1e-6);
  }
  const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  core::log::info("surrogate predict: {} curves in {:.3f} s ({:.3g} curves/s, {} member(s))", rows, dt,
                  rows / std::max(dt, 1e-12), model.members());
  return out;
}

std::string predictions_csv(const io::SurrogatePredictions& p) {
  std::string csv = "ve_id";
  for (std::int64_t k = 0; k < p.points; ++k) csv += fmt::format(",stress_mpa_{}", k);
  for (std::int64_t k = 0; k < p.points; ++k) csv += fmt::format(",std_mpa_{}", k);
  csv += '\n';
  for (std::size_t r = 0; r < p.ve_id.size(); ++r) {
    csv += std::to_string(p.ve_id[r]);
    for (std::int64_t k = 0; k < p.points; ++k) csv += fmt::format(",{:.8g}", p.stress_mpa[r * p.points + k]);
    for (std::int64_t k = 0; k < p.points; ++k) csv += fmt::format(",{:.8g}", p.stress_std_mpa[r * p.points + k]);
    csv += '\n';
  }
  return csv;
}

// What the curves are made for, named in messages: the fingerprint file, or the VEs.
std::string input_name(const PredictArgs& a) {
  if (!a.input.empty()) return a.input;
  return (a.ves.ves.empty() ? a.ves.config : a.ves.ves).string();
}

void check_fits(const ml::Surrogate& model, const PredictArgs& a, std::int64_t length, const std::string& material,
                const std::string& load_case) {
  ml::SurrogateMeta expected;
  expected.inputs = length;
  expected.material = !a.material.empty() ? a.material : material;
  expected.load_case = !a.load_case.empty() ? a.load_case : load_case;
  if (const auto why = model.incompatibility(expected); !why.empty())
    throw core::InputError(core::format_error(input_name(a), fmt::format("does not fit the model {}: {}", a.model, why)));
}

int predict(PredictArgs a, const core::Comm& world) {
  const int sources = int(!a.input.empty()) + int(!a.ves.ves.empty()) + int(!a.ves.config.empty());
  if (sources != 1)
    throw core::CollectiveError("surrogate predict: error: give exactly one of --input, --ves, --generate",
                                core::ExitCode::usage);
  if (a.input.empty() && a.ves.vae.empty())
    throw core::CollectiveError("surrogate predict: error: --ves and --generate need --vae CHECKPOINT",
                                core::ExitCode::usage);
  if (a.csv.empty() && a.h5.empty())
    throw core::CollectiveError("surrogate predict: error: give --csv FILE, --h5 FILE or both", core::ExitCode::usage);
  // Every check comes before the first file is written: a bad input leaves nothing. From
  // VEs, the model is checked against the checkpoint's fingerprint length (and the
  // configuration's material and load case) before any VE is encoded.
  FingerprintInput in;
  if (a.input.empty()) {
    const auto plan = plan_ve_input(a.ves, world);
    core::on_root(world, [&] { check_fits(ml::Surrogate::load(a.model), a, plan.latent, plan.material, plan.load_case); });
    in = encode_ve_input(a.ves, plan, world);
  }
  core::on_root(world, [&] {
    const auto model = ml::Surrogate::load(a.model);
    if (!a.input.empty()) in = read_fingerprint_input(a.input);
    check_fits(model, a, in.length, in.material, in.load_case);
    const auto out = predict_all(model, in, a);
    std::vector<core::OutputPath> outputs;
    if (!a.csv.empty()) outputs.push_back({a.csv, "--csv", "", core::OutputPath::Kind::file});
    if (!a.h5.empty()) outputs.push_back({a.h5, "--h5", "", core::OutputPath::Kind::file});
    for (const auto& o : outputs) core::prepare_output(o);
    if (!a.h5.empty()) io::write_surrogate_predictions(a.h5, out);
    if (!a.csv.empty()) core::write_file_atomically(a.csv, predictions_csv(out));
    fmt::print("surrogate predict: {} curves of {} points (MPa) -> {}{}{}\n", out.ve_id.size(), out.points, a.h5,
               a.h5.empty() || a.csv.empty() ? "" : ", ", a.csv);
  });
  return 0;
}

}  // namespace

void add_surrogate_commands(CommandRegistry& reg) {
  auto* sur = reg.app().add_subcommand("surrogate", "Stress curves from fingerprints: train, predict, compare inputs");
  sur->require_subcommand(1);
  auto config = std::make_shared<std::string>();
  // --campaign and --output-dir stand in for the configuration's keys, so one
  // configuration serves a finished dataset and a snapshot of it (tools/mg_study.sh).
  auto where = std::make_shared<SetupOverrides>();
  auto add_overrides = [&](CLI::App* app) {
    app->add_option("--campaign", where->campaign, "Campaign file instead of surrogate.campaign");
    app->add_option("--output-dir", where->output_dir,
                    "Results folder instead of <run.output_dir>/<surrogate.output_dir>");
  };
  auto* tr = sur->add_subcommand("train", "Train the surrogate ensemble on a campaign file's converged records");
  tr->add_option("config", *config, "Configuration file with a [surrogate] section")->required();
  add_overrides(tr);
  reg.add(tr, [config, where](const core::Comm& w) {
    run_surrogate_training(with_overrides(load_surrogate_setup(*config, w), *where), w, true);
    return 0;
  });
  auto* cmp = sur->add_subcommand("compare", "Train the same network on baseline inputs and the fingerprint; one table");
  cmp->add_option("config", *config, "Configuration file with a [surrogate] section")->required();
  add_overrides(cmp);
  auto sizes = std::make_shared<std::string>();
  cmp->add_option("--learning-curve", *sizes,
                  "Also train every input on this many training VEs: \"250,500,1000,all\" (learning_curve.csv)");
  reg.add(cmp, [config, sizes, where](const core::Comm& w) {
    auto setup = with_overrides(load_surrogate_setup(*config, w), *where);
    if (!sizes->empty()) {
      std::string why;
      setup.learning_curve = parse_training_sizes(*sizes, &why);
      if (!why.empty())
        throw core::CollectiveError(fmt::format("surrogate compare: error: --learning-curve: {}", why),
                                    core::ExitCode::usage);
    }
    run_surrogate_compare(setup, w);
    return 0;
  });
  auto a = std::make_shared<PredictArgs>();
  auto* pr = sur->add_subcommand("predict", "Curves (MPa) from fingerprints (.h5 fingerprint or campaign file, .csv) or VEs");
  pr->add_option("--model", a->model, "Surrogate model file (model.pt of surrogate train)")->required();
  pr->add_option("--input", a->input, "Fingerprints: HDF5 (fingerprint or campaign file) or CSV (ve_id,f_0,...)");
  pr->add_option("--ves", a->ves.ves, "Or VEs: a VE-set file, encoded by --vae");
  pr->add_option("--generate", a->ves.config,
                 "Or VEs generated from this configuration's [campaign.generate] or [generate], encoded by --vae");
  pr->add_option("--vae", a->ves.vae, "VAE checkpoint whose encoder gives the fingerprints of --ves/--generate");
  pr->add_option("--first-id", a->ves.first_id, "--generate: first VE id (default: campaign.first_id, or 0)")
      ->check(CLI::NonNegativeNumber);
  pr->add_option("--count", a->ves.count, "VEs to predict (default: all of --ves, the configuration's count)")
      ->check(CLI::PositiveNumber);
  pr->add_option("--encode-batch", a->ves.batch, "VEs per encoder pass on each rank")->check(CLI::PositiveNumber);
  pr->add_option("--threads", a->ves.threads, "LibTorch threads per rank for encoding")->check(CLI::PositiveNumber);
  pr->add_option("--csv", a->csv, "Write the curves to this CSV file");
  pr->add_option("--h5", a->h5, "Write the curves to this HDF5 file");
  pr->add_option("--batch", a->batch, "Curves per forward pass")->check(CLI::PositiveNumber);
  pr->add_option("--material", a->material, "Refuse a model of another material");
  pr->add_option("--load-case", a->load_case, "Refuse a model of another load case");
  reg.add(pr, [a](const core::Comm& w) { return predict(*a, w); });
}

}  // namespace mspipe::pipeline
