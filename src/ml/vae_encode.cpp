#include "ml/vae_encode.hpp"

#include <torch/torch.h>

#include "core/comm.hpp"
#include "core/progress.hpp"
#include "ml/evaluation.hpp"
#include "ml/inference_model.hpp"

namespace mspipe::ml {

EncodedBlock encode_set(const core::Comm& comm, const InferenceOptions& options,
                        const VeSource& source) {
  auto model = load_for_inference(comm, options, source);
  torch::NoGradGuard no_grad;
  const auto [first, mine] = row_block(comm, source.size());
  EncodedBlock out;
  out.total = source.size();
  out.first = first;
  out.latent = model->options().latent;
  out.model = describe_model_options(model->options());
  out.ve_id.resize(static_cast<std::size_t>(mine));
  out.mu.resize(static_cast<std::size_t>(mine * out.latent));
  core::Progress progress("vae encode", mine, 10.0);
  for (std::int64_t b0 = 0; b0 < mine; b0 += options.batch) {
    const std::int64_t b1 = std::min(mine, b0 + options.batch);
    std::vector<std::int64_t> idx;
    for (std::int64_t i = b0; i < b1; ++i)
      idx.push_back(first + i), out.ve_id[i] = source.id(first + i);
    const auto m = model->encoder(load_batch(source, idx)).first.contiguous();
    std::copy(m.data_ptr<float>(), m.data_ptr<float>() + m.numel(),
              out.mu.begin() + b0 * out.latent);
    progress.update(b1);
  }
  progress.finish();
  return out;
}

}  // namespace mspipe::ml
