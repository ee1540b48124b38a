#pragma once
// A straight line between two fingerprints, decoded: the study's figure 7. Encodes VEs A
// and B of a set (z = mu), decodes mu_A + t (mu_B - mu_A) at `steps` evenly spaced t in
// [0, 1], so the first and last steps are the plain reconstructions of A and B. Collective
// over `comm` (every rank loads the model and computes the same path; it is small). No
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

struct LatentPath {
  int edge = 0;                         // voxels per side, D
  int latent = 0;                       // values per fingerprint
  std::int64_t id_a = 0, id_b = 0;      // VE ids of the end points
  std::vector<double> t;                // per step, 0 .. 1
  std::vector<float> mu_a, mu_b;        // the two fingerprints
  std::vector<float> input_a, input_b;  // the two VEs, 3 x D^3 channel-major
  std::vector<float> decoded;           // per step 3 x D^3, channel-major
  std::string model;                    // the architecture in words
  std::int64_t voxels() const { return std::int64_t(edge) * edge * edge; }
};

// An InputError when an index is outside the source; steps must be at least 2.
LatentPath decode_path(const core::Comm& comm, const InferenceOptions& options,
                       const VeSource& source, std::int64_t index_a, std::int64_t index_b,
                       int steps);

}  // namespace mspipe::ml
