#pragma once
// How well a trained VAE reconstructs a VE set: phi4 statistics (the paper's tables 4-6)
// and the loss terms. Collective over `comm`. No LibTorch in this header.
#include <cstdint>
#include <string>
#include <vector>

#include "ml/vae_inference.hpp"
#include "ml/vae_options.hpp"
#include "ml/ve_source.hpp"

namespace mspipe::core {
class Comm;
}

namespace mspipe::ml {

struct SetEvaluation {
  std::string model;  // architecture words
  int latent = 0;
  std::int64_t count = 0;
  double phi4_mean = 0, phi4_std = 0;
  // The same statistic for a model that ignores its input and predicts the set's mean
  // normalised Euler angles in every voxel: what "learned nothing" scores on this set.
  double phi4_mean_baseline = 0, phi4_std_baseline = 0;
  // A stronger input-blind model: the set's mean orientation (the normalised mean of the
  // voxels' quaternions) in every voxel. Averaging Bunge angles is
  // not averaging orientations: in a fundamental zone, where the angles are singular near
  // the identity, the mean angles are far from most voxels (measured 0.103 against 0.067).
  double phi4_mean_orientation = 0, phi4_std_orientation = 0;
  double bce = 0, spectral = 0, total = 0;
  std::vector<double> phi4_per_ve;  // in source order (rank 0 only; empty elsewhere)
};

// Mean +- std over the VEs of each VE's mean phi4 between input and reconstruction (z = mu).
SetEvaluation evaluate_set(const core::Comm& comm, const InferenceOptions& options,
                           const VeSource& source, const LossOptions& loss);
// "| resnet18 | 256 | 0.0090 ± 0.0060 | 1000 |": a row of the paper's tables 4-6.
std::string table_row(const SetEvaluation& e);

}  // namespace mspipe::ml
