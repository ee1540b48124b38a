// mspipe surrogate compare: the surrogate's network on several inputs over one split, so
// the fingerprint's score can be read against what simpler inputs give (README
// "Surrogate"): the null model (the training set's mean curve, no network), a control
// fingerprint (mu of an untrained encoder of the VAE's architecture), physics descriptors
// and 2-point statistics of the VEs (src/analysis), and the VAE fingerprint.
#include <fmt/core.h>

#include <chrono>
#include <filesystem>
#include <set>

#include "core/atomic_file.hpp"
#include "core/comm.hpp"
#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/output_path.hpp"
#include "ml/surrogate_control.hpp"
#include "ml/ve_encoder.hpp"
#include "pipeline/surrogate_baselines.hpp"
#include "pipeline/surrogate_fingerprints.hpp"
#include "pipeline/surrogate_report.hpp"
#include "pipeline/surrogate_stage.hpp"
#include "pipeline/vae_setup.hpp"

namespace mspipe::pipeline {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Row {
  Row(std::string in, std::int64_t values, std::string why = {}) : input(std::move(in)), length(values), note(std::move(why)) {}
  std::string input;
  std::int64_t length = 0;
  std::int64_t train_rows = 0;  // training rows it was fitted on
  ml::CurveMetrics test;
  double feature_s = 0, train_s = 0;
  std::string note;  // why an input has no score
};

Row train_row(const std::string& name, const ml::SurrogateRows& rows, const SurrogateSetup& s,
              const ml::SurrogateMeta& meta, double feature_s) {
  Row r(name, rows.inputs);
  auto m = meta;
  m.input_kind = name;
  m.inputs = rows.inputs;
  const auto label = s.train_limit > 0 ? fmt::format("compare {} ({} training VEs)", name, s.train_limit)
                                       : "compare " + name;
  const auto t = train_surrogate(rows, s, m, label);
  r.train_rows = t.train.size();
  r.test = t.test_metrics;
  r.train_s = t.log.seconds;
  r.feature_s = feature_s;
  return r;
}

Row null_row(const CampaignRows& c, const SurrogateSetup& s) {
  const auto roles = ml::split_by_id(c.rows.ve_id, s.test_fraction, s.validation_fraction, s.split_seed);
  const auto train =
      ml::first_rows_by_id(ml::select_rows(c.rows, roles, ml::SplitRole::train), s.train_limit, s.split_seed);
  const auto test = ml::select_rows(c.rows, roles, ml::SplitRole::test);
  Row r("null", 0);
  r.train_rows = train.size();
  if (train.size() == 0 || test.size() == 0) {
    r.note = "empty split";
    return r;
  }
  const auto mean = ml::mean_curve(train.y, c.rows.points);
  const auto [lo, hi] = std::minmax_element(train.y.begin(), train.y.end());
  std::vector<double> pred;
  for (std::int64_t i = 0; i < test.size(); ++i) pred.insert(pred.end(), mean.begin(), mean.end());
  r.test = ml::curve_metrics(pred, test.y, c.rows.points, mean, *hi - *lo);
  return r;
}

ml::SurrogateRows with_inputs(const CampaignRows& c, std::vector<float> x, std::int64_t length) {
  ml::SurrogateRows r = c.rows;
  r.inputs = length;
  r.x = std::move(x);
  return r;
}

std::string table(const std::vector<Row>& rows) {
  std::string out =
      "| input | values | test MSE (normalised) | MAE (MPa) | R² | tail error (MPa) | median VE error (MPa) | "
      "inputs (s) | training (s) |\n|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows) {
    if (!r.note.empty()) {
      out += fmt::format("| {} | – | {} | | | | | | |\n", r.input, r.note);
      continue;
    }
    const auto& m = r.test;
    out += fmt::format("| {} | {} | {:.3e} | {:.3f} ± {:.3f} | {:.4f} | {:.3f} | {:.3f} | {:.1f} | {:.1f} |\n", r.input,
                       r.length, m.normalised_mse, m.mae_mpa, m.mae_std_mpa, m.r2, m.tail_error_mpa,
                       m.median_error_mpa, r.feature_s, r.train_s);
  }
  return out;
}

std::string csv(const std::vector<Row>& rows) {
  std::string out = "input,values,test_mse,mae_mpa,mae_std_mpa,r2,tail_error_mpa,median_error_mpa,input_s,train_s,note\n";
  for (const auto& r : rows)
    out += fmt::format("{},{},{:.8g},{:.8g},{:.8g},{:.8g},{:.8g},{:.8g},{:.4f},{:.4f},{}\n", r.input, r.length,
                       r.note.empty() ? r.test.normalised_mse : NAN, r.test.mae_mpa, r.test.mae_std_mpa,
                       r.note.empty() ? r.test.r2 : NAN, r.test.tail_error_mpa, r.test.median_error_mpa, r.feature_s,
                       r.train_s, r.note);
  return out;
}

std::string learning_curve_csv(const std::vector<Row>& rows) {
  std::string out = "input,train_size,values,test_mse,mae_mpa,mae_std_mpa,r2,tail_error_mpa,train_s\n";
  for (const auto& r : rows)
    if (r.note.empty())
      out += fmt::format("{},{},{},{:.8g},{:.8g},{:.8g},{:.8g},{:.8g},{:.4f}\n", r.input, r.train_rows, r.length,
                         r.test.normalised_mse, r.test.mae_mpa, r.test.mae_std_mpa, r.test.r2, r.test.tail_error_mpa,
                         r.train_s);
  return out;
}

// One input of the comparison, made once and trained at every training-set size.
struct Input {
  explicit Input(std::string n, ml::SurrogateRows r = {}) : name(std::move(n)), rows(std::move(r)) {}
  std::string name;
  ml::SurrogateRows rows;  // unused for null
  double feature_s = 0;
  std::string note;  // why it has no score
};

Row score(const Input& in, const CampaignRows& c, const SurrogateSetup& s) {
  if (!in.note.empty()) return Row(in.name, 0, in.note);
  if (in.name == "null") return null_row(c, s);
  return train_row(in.name, in.rows, s, c.meta, in.feature_s);
}

bool wants(const SurrogateSetup& s, const char* name) {
  return std::find(s.compare_inputs.begin(), s.compare_inputs.end(), name) != s.compare_inputs.end();
}

}  // namespace

void run_surrogate_compare(const SurrogateSetup& s, const core::Comm& world) {
  CampaignRows c;
  // Every rank reads the campaign: each encodes its share of the VEs for the control input.
  core::collective(world, [&] {
    c = read_campaign_rows(s.campaign);
    // Every further encoder readable before any work or folder (a bad one is named here).
    for (const auto& extra : s.extra_fingerprints) ml::checkpoint_model(extra.second);
  });
  // A campaign run without a VAE gets its fingerprints from s.vae_checkpoint's encoder.
  const auto t_encode = Clock::now();
  if (wants(s, "fingerprint")) encode_when_missing(s, c, world);
  const double encode_s = since(t_encode);
  const auto dir = s.output_dir / "compare";
  core::prepare_outputs(world, {{dir, s.output_dir_origin, s.output_dir_where, core::OutputPath::Kind::folder}});

  std::vector<Input> inputs;
  if (wants(s, "null")) inputs.emplace_back("null");
  if (wants(s, "control")) {
    Input in{"control"};
    if (s.vae_checkpoint.empty()) {
      in.note = "needs surrogate.compare.vae_checkpoint";
    } else {
      const auto t0 = Clock::now();
      const auto untrained = dir / "untrained_encoder.pt";
      core::on_root(world, [&] { ml::write_untrained_checkpoint(s.vae_checkpoint, s.run_seed, untrained); });
      world.barrier();
      std::int64_t latent = 0;
      auto all = encode_campaign(s, c, untrained, &latent, world);
      core::on_root(world, [&] {
        std::filesystem::remove(untrained);
        in.rows = with_inputs(c, std::move(all), latent);
        in.feature_s = since(t0);
      });
    }
    inputs.push_back(std::move(in));
  }
  // Further encoders (collective encoding here; their rows follow the fingerprint's).
  std::vector<Input> extra;
  for (const auto& [name, checkpoint] : s.extra_fingerprints) {
    const auto t0 = Clock::now();
    std::int64_t latent = 0;
    auto all = encode_campaign(s, c, checkpoint, &latent, world);
    Input in{"fingerprint:" + name};
    core::on_root(world, [&] { in.rows = with_inputs(c, std::move(all), latent), in.feature_s = since(t0); });
    extra.push_back(std::move(in));
  }
  core::on_root(world, [&] {
    for (const char* name : {"physics", "two_point"}) {
      if (!wants(s, name)) continue;
      const auto t0 = Clock::now();
      // 2-point statistics as long as the fingerprint they stand against, both from the
      // voxels the fingerprint's encoder sees.
      auto b = baseline_inputs(name, c, s, c.rows.inputs, model_downsample(s, c));
      Input in{name};
      in.note = b.note;
      if (b.note.empty()) in.rows = with_inputs(c, std::move(b.x), b.length), in.feature_s = since(t0);
      inputs.push_back(std::move(in));
    }
    if (wants(s, "fingerprint")) {
      inputs.emplace_back("fingerprint", c.rows);
      inputs.back().feature_s = encode_s;
      if (lacks_fingerprints(c) && s.vae_checkpoint.empty())
        inputs.back().note = "the campaign has no VAE fingerprints: needs surrogate.vae_checkpoint";
    }
    for (auto& in : extra) inputs.push_back(std::move(in));

    std::vector<Row> rows;
    for (const auto& in : inputs) rows.push_back(score(in, c, s));
    const auto text = table(rows);
    core::write_file_atomically(dir / "compare.csv", csv(rows));
    core::write_file_atomically(dir / "compare.md", text);
    fmt::print("surrogate compare on {} ({} converged VEs, same split for every input):\n{}", s.campaign.string(),
               c.rows.size(), text);
    if (s.learning_curve.empty()) return;
    // The learning curve: every input at each training-set size, the same validation
    // and test rows; "all" is the table above.
    std::vector<Row> curve;
    std::set<std::int64_t> too_large;  // sizes beyond the training rows, named once
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      if (!rows[k].note.empty()) continue;
      for (const auto n : s.learning_curve) {
        if (n != 0 && n >= rows[k].train_rows) {
          if (too_large.insert(n).second)
            core::log::warn("surrogate compare: {} training VEs asked for, there are {}: that point is all of them",
                            n, rows[k].train_rows);
          continue;
        }
        auto at = s;
        at.train_limit = n;
        curve.push_back(n == 0 ? rows[k] : score(inputs[k], c, at));
      }
      if (curve.empty() || curve.back().input != rows[k].input || curve.back().train_rows != rows[k].train_rows)
        curve.push_back(rows[k]);
    }
    core::write_file_atomically(dir / "learning_curve.csv", learning_curve_csv(curve));
    fmt::print("learning curve, test normalised MSE by training VEs -> {}\n", (dir / "learning_curve.csv").string());
    for (std::size_t i = 0; i < curve.size(); ++i) {
      if (i == 0 || curve[i].input != curve[i - 1].input) fmt::print("  {:<12}", curve[i].input);
      fmt::print(" {}: {:.3e}{}", curve[i].train_rows, curve[i].test.normalised_mse,
                 i + 1 == curve.size() || curve[i + 1].input != curve[i].input ? "\n" : ",");
    }
  });
}

}  // namespace mspipe::pipeline
