#pragma once
// Fingerprints of a VE set: mu of the encoder for each VE. Collective over `comm`; the
// rows are shared over the ranks in contiguous blocks in rank order. The caller stores
// them (io/fingerprints.hpp). No LibTorch in this header.
#include <cstdint>
#include <string>
#include <vector>

#include "ml/vae_inference.hpp"
#include "ml/ve_source.hpp"

namespace mspipe::core {
class Comm;
}

namespace mspipe::ml {

struct EncodedBlock {
  std::int64_t total = 0;           // VEs in the source
  std::int64_t first = 0;           // source index of this rank's first row
  int latent = 0;                   // values per fingerprint
  std::vector<std::int64_t> ve_id;  // this rank's rows
  std::vector<float> mu;            // this rank's rows x latent, row-major
  std::string model;                // the architecture in words
};

EncodedBlock encode_set(const core::Comm& comm, const InferenceOptions& options,
                        const VeSource& source);

}  // namespace mspipe::ml
