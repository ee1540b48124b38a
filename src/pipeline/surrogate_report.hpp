#pragma once
// Training a surrogate on a split of rows and what it reports: the metrics of every part
// of the split (ml/surrogate_metrics.hpp), the loss history and the test predictions, as
// files in one folder (model.pt, metrics.csv, loss.csv, error_per_increment.csv,
// test_predictions.csv, summary.json, summary.txt).
#include <filesystem>
#include <string>
#include <vector>

#include "ml/surrogate.hpp"
#include "ml/surrogate_metrics.hpp"
#include "pipeline/surrogate_setup.hpp"

namespace mspipe::pipeline {

struct TrainedSurrogate {
  ml::Surrogate model;
  ml::TrainLog log;
  ml::SurrogateRows train, validation, test;
  ml::SurrogatePrediction test_prediction;
  ml::CurveMetrics train_metrics, validation_metrics, test_metrics;
  std::vector<double> null_curve;  // the training set's mean curve, Pa
  double scale_pa = 1;             // max - min of the training curves
};

// Splits `rows` by id (setup's fractions and seed), trains, evaluates. `label` prefixes
// progress messages.
TrainedSurrogate train_surrogate(const ml::SurrogateRows& rows, const SurrogateSetup& setup,
                                 const ml::SurrogateMeta& meta, const std::string& label);

// The metrics of predictions `mean` (and `spread`) of `rows` against their curves.
ml::CurveMetrics metrics_of(const TrainedSurrogate& t, const ml::SurrogateRows& rows,
                            const ml::SurrogatePrediction& p);

// One-line summary: "test: normalised MSE 9.3e-04, MAE 2.75 ± 0.46 MPa, R² 0.912, ...".
std::string describe(const ml::CurveMetrics& m);

// Writes every file into `dir` (which exists), each atomically.
void write_surrogate_outputs(const std::filesystem::path& dir, const TrainedSurrogate& t,
                             const SurrogateSetup& setup, const CampaignRows& campaign);

}  // namespace mspipe::pipeline
