#pragma once
// Using a trained VAE (encode, evaluate, reconstruct): the settings every such task takes.
// No LibTorch in this header.
#include <filesystem>
#include <string>

namespace mspipe::ml {

struct InferenceOptions {
  std::filesystem::path checkpoint;  // the trained model
  int batch = 8;                     // VEs per forward pass on each rank
  int threads = 1;                   // LibTorch intra-op threads per rank
};

// The model a checkpoint holds, in words ("resnet18, width 64, latent 256, ...").
std::string describe_checkpoint(const std::filesystem::path& checkpoint);

}  // namespace mspipe::ml
