#pragma once
// Using a trained VAE: fingerprints (mu) of a VE set, phi4 statistics, reconstructions.
// Collective over `comm`; VEs are shared round-robin / in blocks over the ranks. No
// LibTorch in this header.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ml/vae_options.hpp"
#include "ml/ve_source.hpp"

namespace mspipe::core { class Comm; }

namespace mspipe::ml {

struct UseOptions {
  std::filesystem::path checkpoint;
  int batch = 8;    // VEs per forward pass on each rank
  int threads = 1;  // LibTorch intra-op threads per rank
};

// The model a checkpoint holds, in words ("resnet18, width 64, latent 256, ...").
std::string describe_checkpoint(const std::filesystem::path& checkpoint);

// Writes `out` (HDF5, schema "mspipe.fingerprints" 1): /ve_id int64 (N), /fingerprint
// float32 (N, latent) = mu of each VE; attributes: model, checkpoint, checkpoint_digest.
// Written to a temporary name and renamed. Returns the number of VEs.
std::int64_t encode_set(const core::Comm& comm, const UseOptions& use, const VeSource& source,
                        const std::filesystem::path& out);

struct SetEvaluation {
  std::string model;  // architecture words
  int latent = 0;
  std::int64_t count = 0;
  double phi4_mean = 0, phi4_std = 0;
  // The same statistic for a model that ignores its input and predicts the set's mean
  // normalised Euler angles in every voxel: what "learned nothing" scores on this set.
  double phi4_mean_baseline = 0, phi4_std_baseline = 0;
  double bce = 0, spectral = 0, total = 0;
  std::vector<double> phi4_per_ve;  // in source order (rank 0 only; empty elsewhere)
};
// Mean +- std over the VEs of each VE's mean phi4 between input and reconstruction (z = mu).
SetEvaluation evaluate_set(const core::Comm& comm, const UseOptions& use, const VeSource& source,
                           const LossOptions& loss);
// "| resnet18 | 256 | 0.0090 ± 0.0060 | 1000 |": a row of the paper's tables 4-6.
std::string table_row(const SetEvaluation& e);

// Reconstructions of source VEs `indices`: `out` (HDF5) with /ve_id, /input/euler and
// /reconstruction/euler (n, 3, D, D, D) and per-VE phi4; with `vti_dir`, one .vti per VE
// holding both Euler fields and the voxelwise phi4.
void reconstruct_set(const core::Comm& comm, const UseOptions& use, const VeSource& source,
                     const std::vector<std::int64_t>& indices, const std::filesystem::path& out,
                     const std::filesystem::path& vti_dir = {});

// 64-bit FNV-1a of a file's bytes, in hex: names the checkpoint that made fingerprints.
std::string file_digest(const std::filesystem::path& file);

}  // namespace mspipe::ml
