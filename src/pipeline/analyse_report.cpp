#include "pipeline/analyse_report.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>

#include "core/atomic_file.hpp"
#include "core/log.hpp"
#include "pipeline/analyse_job.hpp"

namespace mspipe::pipeline {

namespace {

constexpr double kFractions[] = {0.90, 0.95, 0.99};

// Names of sets as they appear in a label: a predicted cluster matched to no set (more
// clusters than sets cannot happen here, but the matching allows it) is "unmatched".
std::string label_name(const std::vector<AnalysedSet>& sets, int label) {
  return label >= 0 && label < int(sets.size()) ? sets[std::size_t(label)].name : "unmatched";
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out + "]";
}

int projected(const AnalyseReport& r) {
  return std::min(3, r.pca.size());
}

std::string projection_rows(const AnalysedSet& s, const analysis::Pca& pca, int m) {
  std::string out;
  const Eigen::MatrixXd z = pca.project(s.rows, m);
  for (Eigen::Index i = 0; i < z.rows(); ++i) {
    out += fmt::format("{},{},{}", s.name, s.group, s.ve_id[std::size_t(i)]);
    for (int c = 0; c < m; ++c) out += fmt::format(",{:.9g}", z(i, c));
    out += '\n';
  }
  return out;
}

}  // namespace

void write_analyse_report(const AnalyseJob& job, const AnalyseReport& r) {
  std::string ev = "component,variance,ratio,cumulative\n";
  double cumulative = 0;
  for (int k = 0; k < r.pca.size(); ++k) {
    cumulative += r.pca.explained_variance_ratio(k);
    ev += fmt::format("{},{:.9g},{:.9g},{:.9g}\n", k + 1, r.pca.variance(k),
                      r.pca.explained_variance_ratio(k), cumulative);
  }
  const int m = projected(r);
  std::string proj = "set,group,ve_id";
  for (int c = 0; c < m; ++c) proj += fmt::format(",pc{}", c + 1);
  proj += '\n' + projection_rows(r.training, r.pca, m);
  for (const auto& s : r.sets) proj += projection_rows(s, r.pca, m);

  std::string clusters = "group,set,ve_id,cluster\n";
  for (const auto& g : r.groups)
    for (std::size_t i = 0; i < g.truth.size(); ++i)
      clusters += fmt::format("{},{},{},{}\n", g.group, g.set_of_row[i], g.ve_id[i],
                              label_name(r.sets, g.predicted[i]));

  std::vector<std::string> sets, groups, ratios;
  for (const auto& s : r.sets)
    sets.push_back(fmt::format("{{\"name\": {}, \"group\": {}, \"ves\": {}}}", json_string(s.name),
                               json_string(s.group), s.ve_id.size()));
  for (const auto& g : r.groups) {
    std::vector<std::string> names;
    for (const auto& n : g.sets) names.push_back(json_string(n));
    groups.push_back(
        fmt::format("{{\"group\": {}, \"sets\": {}, \"ves\": {}, \"components\": {}, \"pca\": {}, "
                    "\"gamma\": {:.9g}, "
                    "\"accuracy\": {:.9g}, \"adjusted_rand_index\": {:.9g}}}",
                    json_string(g.group), json_list(names), g.truth.size(), g.components,
                    json_string(job.cluster_on_training_pca ? "training" : "group"), g.gamma,
                    g.accuracy, g.ari));
  }
  for (int k = 0; k < r.pca.size(); ++k)
    ratios.push_back(fmt::format("{:.9g}", r.pca.explained_variance_ratio(k)));
  const auto& file = job.campaign.empty() ? job.fingerprints : job.campaign;
  const std::string summary = fmt::format(
      "{{\n  \"schema\": \"mspipe.analysis\",\n  \"schema_version\": 1,\n  \"training\": "
      "{{\"file\": {}, \"rows\": {}, "
      "\"latent\": {}}},\n  \"checkpoint\": {},\n  \"pca\": {{\"total_variance\": {:.9g}, "
      "\"components_for\": "
      "{{\"0.90\": {}, \"0.95\": {}, \"0.99\": {}}}, \"explained_variance_ratio\": {}}},\n  "
      "\"sets\": {},\n  "
      "\"clustering\": {}\n}}\n",
      json_string(file.string()), r.training.rows.rows(), r.training.rows.cols(),
      json_string(job.checkpoint.string()), r.pca.total_variance,
      r.pca.components_for(kFractions[0]), r.pca.components_for(kFractions[1]),
      r.pca.components_for(kFractions[2]), json_list(ratios), json_list(sets), json_list(groups));

  core::write_file_atomically(job.output / "explained_variance.csv", ev);
  core::write_file_atomically(job.output / "projections.csv", proj);
  core::write_file_atomically(job.output / "clusters.csv", clusters);
  core::write_file_atomically(job.output / "summary.json", summary);
}

void print_analyse_report(const AnalyseJob& job, const AnalyseReport& r) {
  fmt::print(
      "PCA of {} training fingerprints ({} values): components for 90 / 95 / 99 % of the variance: "
      "{} / {} / {}\n",
      r.training.rows.rows(), r.training.rows.cols(), r.pca.components_for(kFractions[0]),
      r.pca.components_for(kFractions[1]), r.pca.components_for(kFractions[2]));
  fmt::print("explained variance of PC1..PC3: {:.1f} %, {:.1f} %, {:.1f} %\n",
             100 * (r.pca.size() > 0 ? r.pca.explained_variance_ratio(0) : 0.0),
             100 * (r.pca.size() > 1 ? r.pca.explained_variance_ratio(1) : 0.0),
             100 * (r.pca.size() > 2 ? r.pca.explained_variance_ratio(2) : 0.0));
  if (!r.groups.empty()) {
    fmt::print(
        "| group | sets | VEs | PCs | gamma | accuracy (matched) | ARI "
        "|\n|---|---|---|---|---|---|---|\n");
    for (const auto& g : r.groups) {
      std::string names;
      for (const auto& n : g.sets) names += (names.empty() ? "" : ", ") + n;
      fmt::print("| {} | {} | {} | {} | {:.3g} | {:.1f} % | {:.3f} |\n", g.group, names,
                 g.truth.size(), g.components, g.gamma, 100 * g.accuracy, g.ari);
    }
  }
  core::log::info("analyse: results in {}", job.output.string());
}

}  // namespace mspipe::pipeline
