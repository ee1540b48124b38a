#include "pipeline/surrogate_report.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "core/atomic_file.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"

namespace mspipe::pipeline {

TrainedSurrogate train_surrogate(const ml::SurrogateRows& rows, const SurrogateSetup& setup,
                                 const ml::SurrogateMeta& meta, const std::string& label) {
  TrainedSurrogate t;
  const auto roles = ml::split_by_id(rows.ve_id, setup.test_fraction, setup.validation_fraction, setup.split_seed);
  // A learning curve's smaller training sets: nested subsets of the same training rows,
  // with the same validation and test rows.
  t.train = ml::first_rows_by_id(ml::select_rows(rows, roles, ml::SplitRole::train), setup.train_limit,
                                 setup.split_seed);
  t.validation = ml::select_rows(rows, roles, ml::SplitRole::validation);
  t.test = ml::select_rows(rows, roles, ml::SplitRole::test);
  if (t.train.size() < 2 || t.test.size() < 1)
    throw core::InputError(core::format_error(
        label, fmt::format("{} converged records give {} training and {} test rows; the surrogate needs at least 2 "
                           "and 1 (more records, or other split fractions)",
                           rows.size(), t.train.size(), t.test.size())));
  core::log::info("{}: {} train / {} validation / {} test rows, {} inputs, {} member(s)", label, t.train.size(),
                  t.validation.size(), t.test.size(), rows.inputs, setup.options.training.ensemble);
  const int report_every = std::max(1, setup.options.training.epochs / 10);
  const auto hook = [&](const ml::EpochRecord& r) {
    if ((r.epoch + 1) % report_every == 0)
      core::log::debug("{}: member {} epoch {}: train MSE {:.4g}, validation MSE {:.4g}", label, r.member + 1,
                      r.epoch + 1, r.train_mse, r.validation_mse);
    return true;
  };
  t.model = ml::Surrogate::train(t.train, t.validation, setup.options, meta, &t.log, hook);
  const auto [lo, hi] = std::minmax_element(t.train.y.begin(), t.train.y.end());
  t.scale_pa = *hi - *lo;
  t.null_curve = ml::mean_curve(t.train.y, rows.points);
  t.train_metrics = metrics_of(t, t.train, t.model.predict(t.train.x, t.train.size()));
  if (t.validation.size() > 0)
    t.validation_metrics = metrics_of(t, t.validation, t.model.predict(t.validation.x, t.validation.size()));
  t.test_prediction = t.model.predict(t.test.x, t.test.size());
  t.test_metrics = metrics_of(t, t.test, t.test_prediction);
  core::log::info("{}: trained in {:.1f} s; {}", label, t.log.seconds, describe(t.test_metrics));
  return t;
}

ml::CurveMetrics metrics_of(const TrainedSurrogate& t, const ml::SurrogateRows& rows, const ml::SurrogatePrediction& p) {
  const bool spread = t.model.members() > 1;
  return ml::curve_metrics(p.mean_pa, rows.y, rows.points, t.null_curve, t.scale_pa,
                           spread ? std::span<const double>(p.std_pa) : std::span<const double>());
}

std::string describe(const ml::CurveMetrics& m) {
  std::string s = fmt::format("normalised MSE {:.3e}, MAE {:.3f} ± {:.3f} MPa, R² {:.4f}, tail error {:.3f} MPa "
                              "(median VE {:.3f} MPa)",
                              m.normalised_mse, m.mae_mpa, m.mae_std_mpa, m.r2, m.tail_error_mpa, m.median_error_mpa);
  if (m.coverage90 >= 0) s += fmt::format(", 90 % interval coverage {:.3f}", m.coverage90);
  return s;
}

namespace {

std::string metrics_row(const char* split, const ml::CurveMetrics& m) {
  return fmt::format("{},{},{:.8g},{:.8g},{:.8g},{:.8g},{:.8g},{:.8g},{:.8g}\n", split, m.rows, m.normalised_mse,
                     m.mae_mpa, m.mae_std_mpa, m.r2, m.tail_error_mpa, m.median_error_mpa, m.coverage90);
}

std::string json_metrics(const ml::CurveMetrics& m) {
  return fmt::format("{{\"rows\": {}, \"normalised_mse\": {:.8g}, \"mae_mpa\": {:.8g}, \"mae_std_mpa\": {:.8g}, "
                     "\"r2\": {:.8g}, \"tail_error_mpa\": {:.8g}, \"median_error_mpa\": {:.8g}, \"coverage90\": {:.8g}}}",
                     m.rows, m.normalised_mse, m.mae_mpa, m.mae_std_mpa, m.r2, m.tail_error_mpa,
                     m.median_error_mpa, m.coverage90);
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace

void write_surrogate_outputs(const std::filesystem::path& dir, const TrainedSurrogate& t,
                             const SurrogateSetup& setup, const CampaignRows& campaign) {
  t.model.save(dir / "model.pt");
  std::string csv = "split,rows,normalised_mse,mae_mpa,mae_std_mpa,r2,tail_error_mpa,median_error_mpa,coverage90\n";
  csv += metrics_row("train", t.train_metrics);
  if (t.validation.size() > 0) csv += metrics_row("validation", t.validation_metrics);
  csv += metrics_row("test", t.test_metrics);
  core::write_file_atomically(dir / "metrics.csv", csv);

  std::string loss = "member,epoch,train_mse,validation_mse,lr,seconds\n";
  for (const auto& r : t.log.epochs)
    loss += fmt::format("{},{},{:.8g},{:.8g},{:.4g},{:.4f}\n", r.member, r.epoch, r.train_mse, r.validation_mse, r.lr,
                        r.seconds);
  core::write_file_atomically(dir / "loss.csv", loss);

  const auto& strain = campaign.meta.strain;
  std::string inc = "point,strain,mae_mpa,std_mpa,null_curve_mpa\n";
  for (std::size_t p = 0; p < t.test_metrics.mae_per_point_mpa.size(); ++p)
    inc += fmt::format("{},{:.8g},{:.8g},{:.8g},{:.8g}\n", p, p < strain.size() ? strain[p] : 0.0,
                       t.test_metrics.mae_per_point_mpa[p], t.test_metrics.std_per_point_mpa[p],
                       t.null_curve[p] * 1e-6);
  core::write_file_atomically(dir / "error_per_increment.csv", inc);

  std::string pred = "ve_id,point,strain,simulated_mpa,predicted_mpa,std_mpa\n";
  const auto P = t.test.points;
  for (std::int64_t r = 0; r < t.test.size(); ++r)
    for (std::int64_t p = 0; p < P; ++p) {
      const auto i = static_cast<std::size_t>(r * P + p);
      pred += fmt::format("{},{},{:.8g},{:.8g},{:.8g},{:.8g}\n", t.test.ve_id[r], p,
                          p < static_cast<std::int64_t>(strain.size()) ? strain[p] : 0.0, t.test.y[i] * 1e-6,
                          t.test_prediction.mean_pa[i] * 1e-6, t.test_prediction.std_pa[i] * 1e-6);
    }
  core::write_file_atomically(dir / "test_predictions.csv", pred);

  std::string best;
  for (int b : t.log.best_epoch) best += (best.empty() ? "" : ", ") + std::to_string(b);
  const auto& m = t.model.meta();
  core::write_file_atomically(
      dir / "summary.json",
      fmt::format("{{\n  \"campaign\": {},\n  \"campaign_digest\": {},\n  \"material\": {},\n  \"load_case\": {},\n"
                  "  \"input\": {},\n  \"inputs\": {},\n  \"points\": {},\n  \"records\": {},\n  \"converged\": {},\n"
                  "  \"options\": {},\n  \"best_epoch\": [{}],\n  \"train_seconds\": {:.3f},\n"
                  "  \"train\": {},\n  \"validation\": {},\n  \"test\": {}\n}}\n",
                  json_string(setup.campaign.string()), json_string(m.campaign_digest), json_string(m.material),
                  json_string(m.load_case), json_string(m.input_kind), m.inputs, m.points, campaign.records,
                  campaign.rows.size(), json_string(ml::describe_options(t.model.options())), best, t.log.seconds,
                  json_metrics(t.train_metrics), json_metrics(t.validation_metrics), json_metrics(t.test_metrics)));
  core::write_file_atomically(
      dir / "summary.txt",
      fmt::format("surrogate of {} ({} of {} records converged; material {}, load case {})\n"
                  "input: {} ({} values); options: {}\n"
                  "split: {} train / {} validation / {} test (seed {}); best epochs: {}; {:.1f} s\n"
                  "train: {}\ntest:  {}\n",
                  setup.campaign.string(), campaign.rows.size(), campaign.records, m.material, m.load_case,
                  m.input_kind, m.inputs, ml::describe_options(t.model.options()), t.train.size(),
                  t.validation.size(), t.test.size(), setup.split_seed, best, t.log.seconds,
                  describe(t.train_metrics), describe(t.test_metrics)));
}

}  // namespace mspipe::pipeline
