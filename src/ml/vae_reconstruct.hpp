#pragma once
// Reconstructions of some VEs of a set through a trained VAE (z = mu), with phi4 per VE
// and per voxel. Collective over `comm`; the requested VEs are shared over the ranks in
// contiguous blocks in rank order. The caller stores them (io/reconstructions.hpp). No
// LibTorch in this header.
#include <cstdint>
#include <string>
#include <vector>

#include "ml/vae_inference.hpp"
#include "ml/ve_source.hpp"

namespace mspipe::core {
class Comm;
}

namespace mspipe::ml {

struct ReconstructedBlock {
  std::int64_t total = 0;             // VEs asked for
  std::int64_t first = 0;             // position of this rank's first VE among them
  int edge = 0;                       // voxels per side, D
  std::vector<std::int64_t> ve_id;    // this rank's VEs
  std::vector<double> phi4;           // mean phi4 of each
  std::vector<float> input;           // each 3 x D^3, channel-major
  std::vector<float> reconstruction;  // each 3 x D^3, channel-major
  std::vector<float> voxel_phi4;      // each D^3: 1 - |q1 . q2| per voxel
  std::string model;                  // the architecture in words
};

// An InputError when an index is outside the source.
ReconstructedBlock reconstruct_set(const core::Comm& comm, const InferenceOptions& options,
                                   const VeSource& source,
                                   const std::vector<std::int64_t>& indices);

}  // namespace mspipe::ml
