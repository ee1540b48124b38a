#pragma once
// One VE at a time through a trained encoder: the fingerprint (mu) of a VE as it comes,
// for the campaign's workers that encode the VE they have just simulated. No LibTorch in
// this header.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ml/vae_inference.hpp"

namespace mspipe::ml {

// What a checkpoint's model takes and gives, read without building the model.
struct CheckpointModel {
  int ve_size = 0;  // voxels per side of the VEs it takes
  int latent = 0;   // values per fingerprint
};
// Throws core::InputError naming the file when it is not a readable checkpoint.
CheckpointModel checkpoint_model(const std::filesystem::path& checkpoint);

class VeEncoder {
 public:
  // Loads the model (on this rank only). Throws core::InputError naming the checkpoint.
  explicit VeEncoder(const InferenceOptions& options);
  ~VeEncoder();
  VeEncoder(const VeEncoder&) = delete;
  VeEncoder& operator=(const VeEncoder&) = delete;

  int edge() const;
  int latent() const;
  // mu of one VE: normalised Euler channels, (3, D, D, D) with D = edge().
  std::vector<float> encode(std::span<const float> channels);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mspipe::ml
