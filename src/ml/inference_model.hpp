#pragma once
// What the inference tasks share: the checkpoint's model on every rank, the check that it
// takes the source's VEs, and each rank's block of rows. Uses LibTorch (private header).
#include <cstdint>

#include "ml/model.hpp"
#include "ml/vae_inference.hpp"
#include "ml/ve_source.hpp"

namespace mspipe::core {
class Comm;
}

namespace mspipe::ml {

// Rows [first, first + count) of `total` that one rank owns: contiguous blocks in rank
// order, so collective writes need no reordering.
struct RowBlock {
  std::int64_t first = 0, count = 0;
};
RowBlock row_block(const core::Comm& comm, std::int64_t total);

// Every rank loads the model (a shared file system is assumed, as for the VE set); an
// InputError on every rank when the checkpoint cannot be read or does not take the
// source's VE size.
Vae load_for_inference(const core::Comm& comm, const InferenceOptions& options,
                       const VeSource& source);

}  // namespace mspipe::ml
