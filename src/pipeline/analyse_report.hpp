#pragma once
// What `mspipe analyse` computed, and the files and table it makes of it. In the output
// folder (AnalyseJob::output):
//   explained_variance.csv  component,variance,ratio,cumulative           (1-based component)
//   projections.csv         set,group,ve_id,pc1,pc2,pc3                    training + edge cases
//   clusters.csv            group,set,ve_id,cluster   (cluster: the matched set name)
//   summary.json            counts, components for 90/95/99 %, accuracy and ARI per group
#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/pca.hpp"

namespace mspipe::pipeline {

struct AnalyseJob;

struct AnalysedSet {
  std::string name;   // "training" or a preset name
  std::string group;  // "training", "textured" or "morphology"
  std::vector<std::int64_t> ve_id;
  Eigen::MatrixXd rows;  // fingerprints, one per row (rank 0 only)
};

struct GroupClustering {
  std::string group;
  std::vector<std::string> sets;        // in label order
  std::vector<int> truth;               // per point: index of its set
  std::vector<int> predicted;           // per point: cluster renamed to the matched set's index
  std::vector<std::int64_t> ve_id;      // per point
  std::vector<std::string> set_of_row;  // per point: its set's name
  int components = 0;
  double gamma = 0, accuracy = 0, ari = 0;
};

struct AnalyseReport {
  analysis::Pca pca;
  AnalysedSet training;
  std::vector<AnalysedSet> sets;
  std::vector<GroupClustering> groups;
};

// Writes the four files (each whole, under a temporary name, then renamed).
void write_analyse_report(const AnalyseJob& job, const AnalyseReport& report);
// The short table on standard output.
void print_analyse_report(const AnalyseJob& job, const AnalyseReport& report);

}  // namespace mspipe::pipeline
