#include "ml/vae_reconstruct.hpp"

#include <fmt/core.h>
#include <torch/torch.h>

#include "core/comm.hpp"
#include "core/errors.hpp"
#include "ml/evaluation.hpp"
#include "ml/inference_model.hpp"
#include "ml/phi4.hpp"

namespace mspipe::ml {

ReconstructedBlock reconstruct_set(const core::Comm& comm, const InferenceOptions& options,
                                   const VeSource& source,
                                   const std::vector<std::int64_t>& indices) {
  auto model = load_for_inference(comm, options, source);
  for (auto i : indices)
    if (i < 0 || i >= source.size())
      throw core::InputError(fmt::format("{}: error: VE index {} is outside 0..{}",
                                         source.describe(), i, source.size() - 1));
  torch::NoGradGuard no_grad;
  ReconstructedBlock out;
  out.total = static_cast<std::int64_t>(indices.size());
  const auto [first, mine] = row_block(comm, out.total);
  out.first = first;
  out.edge = source.edge();
  out.model = describe_model_options(model->options());
  if (mine == 0) return out;
  const std::vector<std::int64_t> mine_idx(indices.begin() + first, indices.begin() + first + mine);
  for (auto i : mine_idx) out.ve_id.push_back(source.id(i));
  const auto x = load_batch(source, mine_idx);
  const auto x_hat = model->forward(x).x_hat.contiguous();
  const auto phi4 = phi4_per_ve(x_hat, x).to(torch::kFloat64).contiguous();
  out.phi4.assign(phi4.data_ptr<double>(), phi4.data_ptr<double>() + mine);
  out.input = floats_of(x);
  out.reconstruction = floats_of(x_hat);
  // Voxelwise phi4 = 1 - |q1 . q2|, to see where the reconstruction fails.
  out.voxel_phi4 = floats_of(phi4_voxels(x_hat, x));
  return out;
}

}  // namespace mspipe::ml
