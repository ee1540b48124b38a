// run_analyse: the training fingerprints' PCA, the edge-case sets generated from their
// presets and encoded, spectral clustering of each group of sets. Rank 0 analyses and
// writes; every rank takes part in generating and encoding.
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <stdexcept>

#include "analysis/cluster_scores.hpp"
#include "analysis/clustering.hpp"
#include "analysis/pca.hpp"
#include "core/atomic_file.hpp"
#include "core/comm.hpp"
#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "io/campaign_file.hpp"
#include "io/fingerprints.hpp"
#include "ml/vae_encode.hpp"
#include "pipeline/analyse_job.hpp"
#include "pipeline/analyse_report.hpp"
#include "pipeline/ve_sources.hpp"

namespace mspipe::pipeline {

namespace {

// The training fingerprints as an N x L matrix; an InputError naming the file when it
// cannot be read, holds no row or holds a value that is not a finite number.
AnalysedSet read_training(const AnalyseJob& job) {
  AnalysedSet t;
  t.name = t.group = "training";
  const auto& file = job.campaign.empty() ? job.fingerprints : job.campaign;
  std::vector<float> values;
  int latent = 0;
  if (job.campaign.empty()) {
    auto f = io::read_fingerprints(file);
    values = std::move(f.fingerprint), t.ve_id = std::move(f.ve_id), latent = f.latent;
  } else {
    auto c = io::read_campaign_file(file);
    values = std::move(c.rows.fingerprint), t.ve_id = std::move(c.rows.ve_id);
    latent = int(c.identity.fingerprint_length);
  }
  if (t.ve_id.size() < 2 || latent < 1)
    throw core::InputError(core::format_error(
        file.string(),
        fmt::format("{} fingerprints of {} values: PCA needs at least 2", t.ve_id.size(), latent)));
  t.rows = analysis::rows_to_matrix(values, std::int64_t(t.ve_id.size()), latent);
  try {
    analysis::require_finite(t.rows, "fingerprint");
  } catch (const std::invalid_argument& e) {
    throw core::InputError(core::format_error(file.string(), e.what()));
  }
  return t;
}

// The preset's generator at the model's VE size with the preset's physical box.
microstructure::GeneratorParams preset_params(const AnalyseJob& job, const EdgeCaseSet& set,
                                              std::uint64_t& seed, const core::Comm& world) {
  auto [p, preset_seed] = read_preset_at_size(set.file, job.ve_size, world);
  seed = preset_seed;
  p.count = job.count;
  if (auto problem = microstructure::box_problem(p))
    throw core::ConfigError(
        core::format_error(set.file.string(), fmt::format("at {}^3: {}", job.ve_size, *problem)));
  return p;
}

AnalysedSet encode_preset(const AnalyseJob& job, const EdgeCaseSet& set, const core::Comm& world) {
  std::uint64_t seed = 0;
  const auto params = preset_params(job, set, seed, world);
  const auto source = make_generated_source(params, seed, 0, job.count);
  ml::InferenceOptions options{
      .checkpoint = job.checkpoint, .batch = job.batch, .threads = job.threads};
  const auto block = ml::encode_set(world, options, *source);
  AnalysedSet s;
  s.name = set.name, s.group = set.group;
  const auto mu = world.gatherv(std::span<const float>(block.mu));
  s.ve_id = world.gatherv(std::span<const std::int64_t>(block.ve_id));
  if (world.rank() == 0)
    s.rows = analysis::rows_to_matrix(mu, std::int64_t(s.ve_id.size()), block.latent);
  core::log::info("analyse: {} VEs of preset {} encoded", s.ve_id.size(), set.name);
  return s;
}

void check_latent(const AnalyseJob& job, const AnalysedSet& training, const AnalysedSet& set) {
  if (set.rows.cols() != training.rows.cols())
    throw core::InputError(core::format_error(
        job.checkpoint.string(),
        fmt::format("the model's fingerprints have {} values, the training fingerprints {}",
                    set.rows.cols(), training.rows.cols())));
  analysis::require_finite(set.rows, fmt::format("fingerprints of preset {}", set.name).c_str());
}

GroupClustering cluster_group(const AnalyseJob& job, const std::string& group,
                              const std::vector<AnalysedSet>& sets,
                              const analysis::Pca& training_pca) {
  GroupClustering g;
  g.group = group;
  Eigen::Index n = 0;
  for (const auto& s : sets)
    if (s.group == group) g.sets.push_back(s.name), n += s.rows.rows();
  if (g.sets.size() < 2) return g;
  Eigen::MatrixXd points(n, training_pca.features());
  Eigen::Index row = 0;
  for (const auto& s : sets) {
    if (s.group != group) continue;
    points.middleRows(row, s.rows.rows()) = s.rows;
    for (Eigen::Index i = 0; i < s.rows.rows(); ++i) {
      g.truth.push_back(int(&s - &sets[0]));
      g.ve_id.push_back(s.ve_id[std::size_t(i)]);
      g.set_of_row.push_back(s.name);
    }
    row += s.rows.rows();
  }
  const analysis::Pca pca = job.cluster_on_training_pca ? training_pca : analysis::fit_pca(points);
  g.components = std::min(job.components, pca.size());
  const Eigen::MatrixXd z = pca.project(points, g.components);
  analysis::SpectralOptions opt;
  opt.clusters = int(g.sets.size());
  opt.gamma = job.gamma;
  opt.kmeans.restarts = job.restarts;
  opt.kmeans.seed = job.seed;
  const auto sc = analysis::spectral_clustering(z, opt);
  const auto matched = analysis::match_labels(g.truth, sc.labels);
  g.gamma = sc.gamma;
  g.accuracy = matched.accuracy;
  g.ari = analysis::adjusted_rand_index(g.truth, sc.labels);
  g.predicted = matched.predicted;
  return g;
}

}  // namespace

void run_analyse(const AnalyseJob& job, const core::Comm& world) {
  AnalysedSet training;
  core::on_root(world, [&] { training = read_training(job); });
  core::log::info("analyse: {} training fingerprints of {} values", training.ve_id.size(),
                  training.rows.cols());

  std::vector<AnalysedSet> sets;
  for (const auto& set : job.sets) {
    sets.push_back(encode_preset(job, set, world));
    core::on_root(world, [&] {
      try {
        check_latent(job, training, sets.back());
      } catch (const std::invalid_argument& e) {
        throw core::InputError(core::format_error(job.checkpoint.string(), e.what()));
      }
    });
  }

  core::on_root(world, [&] {
    AnalyseReport r;
    r.pca = analysis::fit_pca(training.rows);
    for (const char* group : {"textured", "morphology"}) {
      auto g = cluster_group(job, group, sets, r.pca);
      if (g.sets.size() >= 2) r.groups.push_back(std::move(g));
    }
    r.training = std::move(training);
    r.sets = std::move(sets);
    write_analyse_report(job, r);
    print_analyse_report(job, r);
  });
}

}  // namespace mspipe::pipeline
