#pragma once
// Loss terms and phi4 of a model over a set of VEs, distributed round-robin over ranks.
#include <torch/torch.h>

#include <span>
#include <vector>

#include "core/comm.hpp"
#include "ml/model.hpp"
#include "ml/ve_source.hpp"

namespace mspipe::ml {

// Loads VEs `indices` of `source` into an (n, 3, D, D, D) float tensor.
torch::Tensor load_batch(const VeSource& source, std::span<const std::int64_t> indices);

// The values of `t` as floats, in its row-major order (for results handed to callers
// without LibTorch).
std::vector<float> floats_of(const torch::Tensor& t);

struct EvalResult {
  std::int64_t count = 0;
  double bce = 0, spectral = 0, kl = 0, total = 0, texture = 0;  // means over the VEs
  std::int64_t phi4_count = 0;
  double phi4_mean = 0, phi4_std = 0;  // over VEs, of each VE's mean phi4 (population std)
};

// Deterministic reconstruction (z = mu). The loss terms use every VE in `indices`; phi4
// the first `phi4_limit` of them (all when negative). Collective over `comm`; every rank
// returns the same result.
EvalResult evaluate(Vae& model, const VeSource& source, const std::vector<std::int64_t>& indices,
                    const core::Comm& comm, int batch, const LossOptions& loss, std::int64_t phi4_limit);

}  // namespace mspipe::ml
