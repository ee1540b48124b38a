#include "ml/vae_evaluate.hpp"

#include <fmt/core.h>
#include <torch/torch.h>

#include <array>
#include <cmath>
#include <tuple>

#include "core/comm.hpp"
#include "core/progress.hpp"
#include "ml/evaluation.hpp"
#include "ml/inference_model.hpp"
#include "ml/loss.hpp"
#include "ml/phi4.hpp"

namespace mspipe::ml {

SetEvaluation evaluate_set(const core::Comm& comm, const InferenceOptions& options,
                           const VeSource& source, const LossOptions& loss) {
  auto model = load_for_inference(comm, options, source);
  torch::NoGradGuard no_grad;
  const std::int64_t n = source.size();
  const auto [first, mine] = row_block(comm, n);
  std::vector<double> phi4(static_cast<std::size_t>(n), 0.0), baseline(static_cast<std::size_t>(n), 0.0),
      orientation(static_cast<std::size_t>(n), 0.0);
  // Loss terms summed over VEs (each batch's mean weighted by its VEs), in LossTerm order.
  enum LossTerm : std::size_t { kBce, kSpectral, kTotal, kLossTerms };
  std::array<double, kLossTerms> sums{};
  std::array<double, 3> channel_sums{};
  std::array<double, 4> quaternion_sums{};  // sum over VEs of each VE's mean quaternion
  const auto batch_of = [&](std::int64_t b0, std::int64_t b1) {
    std::vector<std::int64_t> idx;
    for (std::int64_t i = b0; i < b1; ++i) idx.push_back(first + i);
    return load_batch(source, idx);
  };
  core::Progress progress("vae eval", mine, 10.0);
  for (std::int64_t b0 = 0; b0 < mine; b0 += options.batch) {
    const std::int64_t b1 = std::min(mine, b0 + options.batch);
    const auto x = batch_of(b0, b1);
    const auto out = model->forward(x);
    const auto t = vae_loss(out, x, loss);
    const double w = static_cast<double>(b1 - b0);
    sums[kBce] += w * t.bce.item<double>(), sums[kSpectral] += w * t.spectral.item<double>();
    sums[kTotal] += w * t.total.item<double>();
    const auto v = phi4_per_ve(out.x_hat, x);
    for (std::int64_t i = b0; i < b1; ++i) phi4[first + i] = v[i - b0].item<double>();
    const auto c = x.to(torch::kFloat64).mean({2, 3, 4}).sum(0);
    for (int k = 0; k < 3; ++k) channel_sums[k] += c[k].item<double>();
    const auto q = quaternion_channels(x.to(torch::kFloat64)).mean({2, 3, 4}).sum(0);
    for (int k = 0; k < 4; ++k) quaternion_sums[k] += q[k].item<double>();
    progress.update(b1);
  }
  progress.finish();
  comm.allreduce_inplace(std::span<double>(channel_sums), core::ReduceOp::sum);
  const auto mean_angles =
      torch::tensor({channel_sums[0] / n, channel_sums[1] / n, channel_sums[2] / n},
                    torch::kFloat32)
          .view({1, 3, 1, 1, 1});
  comm.allreduce_inplace(std::span<double>(quaternion_sums), core::ReduceOp::sum);
  // The normalised mean of the voxels' quaternions (q0 >= 0) maximises the sum of q . m,
  // which is the sum of |q . m| (phi4's) wherever every voxel lies within 180 degrees of
  // m, as a fundamental zone's orientations do of their mean.
  auto mean_orientation = torch::tensor(std::vector<double>(quaternion_sums.begin(), quaternion_sums.end()),
                                        torch::kFloat64);
  mean_orientation = (mean_orientation / mean_orientation.norm()).view({1, 4, 1, 1, 1});
  // Second pass: the two input-blind references.
  for (std::int64_t b0 = 0; b0 < mine; b0 += options.batch) {
    const std::int64_t b1 = std::min(mine, b0 + options.batch);
    const auto x = batch_of(b0, b1);
    const auto v = phi4_per_ve(mean_angles.expand_as(x).contiguous(), x);
    const auto q = quaternion_channels(x.to(torch::kFloat64));
    const auto o = phi4_quaternion_voxels(mean_orientation.expand_as(q), q).flatten(1).mean(1);
    for (std::int64_t i = b0; i < b1; ++i) {
      baseline[first + i] = v[i - b0].item<double>();
      orientation[first + i] = o[i - b0].item<double>();
    }
  }
  comm.allreduce_inplace(std::span<double>(phi4), core::ReduceOp::sum);
  comm.allreduce_inplace(std::span<double>(baseline), core::ReduceOp::sum);
  comm.allreduce_inplace(std::span<double>(orientation), core::ReduceOp::sum);
  comm.allreduce_inplace(std::span<double>(sums), core::ReduceOp::sum);
  SetEvaluation e;
  e.model = model->options().architecture();
  e.latent = model->options().latent;
  e.count = n;
  const auto mean_std = [n](const std::vector<double>& values) {
    double s = 0, s2 = 0;
    for (double v : values) s += v, s2 += v * v;
    const double m = s / n;
    return std::pair{m, std::sqrt(std::max(0.0, s2 / n - m * m))};
  };
  std::tie(e.phi4_mean, e.phi4_std) = mean_std(phi4);
  std::tie(e.phi4_mean_baseline, e.phi4_std_baseline) = mean_std(baseline);
  std::tie(e.phi4_mean_orientation, e.phi4_std_orientation) = mean_std(orientation);
  e.bce = sums[kBce] / n, e.spectral = sums[kSpectral] / n, e.total = sums[kTotal] / n;
  if (comm.rank() == 0) e.phi4_per_ve = std::move(phi4);
  return e;
}

std::string table_row(const SetEvaluation& e) {
  return fmt::format("| {} | {} | {:.4f} ± {:.4f} | {} |", e.model, e.latent, e.phi4_mean,
                     e.phi4_std, e.count);
}

}  // namespace mspipe::ml
