#pragma once
// The VAE loss: alpha * BCE + (1 - alpha) * spectral_weight * spectral + beta * KL (REFERENCE.md §E), plus
// texture_weight * texture where the model has a texture head, plus phi4_weight * phi4.
#include <torch/torch.h>

#include "ml/model.hpp"
#include "ml/vae_options.hpp"

namespace mspipe::ml {

struct LossTerms {
  torch::Tensor bce;       // mean over elements
  torch::Tensor spectral;  // sum |FFT(x) - FFT(x_hat)|^2 / (voxels per channel * batch);
                           // with quaternions, their squared error per VE (the same scale)
  torch::Tensor kl;        // KL(q(z|x) || N(0, I)), summed over latent, mean over batch
  torch::Tensor texture;   // voxels * sum over moments of the head's squared error, mean over batch (0 without a head)
  torch::Tensor phi4;      // phi4 summed over voxels, mean over batch
  torch::Tensor total;
};

// Spectral term: 3D FFT over (D, H, W) of every channel; the squared modulus of the
// difference summed and divided by voxels per channel times batch (N * D * H * W), as the
// study's code does. By Parseval this is the sum of squared voxel differences per VE, so
// alpha = 0.999 weighs BCE against it as in the study (an earlier version divided by
// N * C * D * H * W as well, a spectral term 3x smaller).
torch::Tensor spectral_loss(const torch::Tensor& x_hat, const torch::Tensor& x);

// `out` from Vae::forward on input `x` (values in [0, 1]).
LossTerms vae_loss(const VaeOutput& out, const torch::Tensor& x, const LossOptions& o);

}  // namespace mspipe::ml
