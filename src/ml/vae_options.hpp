#pragma once
// Plain settings of the VAE (model, loss, training, data). No LibTorch here: other
// modules include this header, and LibTorch is slow to compile.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/config.hpp"

namespace mspipe::core { class Section; }

namespace mspipe::ml {

// Normalisation after every convolution. GroupNorm is the default: its statistics are
// per sample, so a step gives the same gradients on any number of ranks and any
// per-rank batch, which is what data parallelism needs. BatchNorm (the paper's layer) is
// available; its running buffers are averaged across ranks with the gradients, but its
// batch statistics stay per rank (so results depend on the per-rank batch).
enum class Norm { group, batch };
// The paper's code draws one epsilon of shape (1, latent) for the whole batch; per-sample
// noise is the textbook reparameterisation and the default. `none` trains a deterministic
// autoencoder (z = mu).
enum class Noise { per_sample, shared, none };
Noise noise_from_name(const std::string& name);
const char* noise_name(Noise n);
// BCE(x_hat predicted, x target) is the correct form; the paper's code calls
// BCEWithLogits(x, x_hat) (data as logits, reconstruction as target): kept by name only.
enum class BceForm { input_as_target, paper_reversed };
// The network family. `resnet` is the paper's ResNet VAE (resnet12/18/34, unchanged).
// `plain` ("plain_conv") is a small convolutional VAE without residual blocks,
// normalisation or tanh hidden layer: three stride-2 convolutions (w, 2w, 2w channels) to
// (D/8)^3 voxels, one linear layer each to mu and ln sigma^2 and back, three transposed
// convolutions and a 3x3x3 convolution to the input channels. It fits the voxel-to-voxel
// map that the resnet at CPU sizes leaves on the input-blind plateau (bench/ml/README.md).
enum class Family { resnet, plain };
// How the network reads and writes each voxel's orientation. `euler` is the study's: the
// normalised Bunge angles in, their sigmoid out. `quaternion`: the encoder reads each
// voxel's unit quaternion (4 channels, q0 >= 0) and the decoder writes one (its raw 4
// channels; their direction is the orientation), turned back into Bunge angles for the
// reconstruction. In the fundamental zone the Bunge angles are singular near the identity
// (Phi -> 0 leaves only phi1 + phi2 defined, so orientations a few degrees apart can have
// phi1 and phi2 half a turn apart); the quaternion is continuous there.
enum class Representation { euler, quaternion };

// Moments per VE predicted by the texture head (ml/orientation_moments.hpp).
constexpr int kOrientationMoments = 27;

struct ModelOptions {
  std::array<int, 4> blocks{2, 2, 2, 2};  // resnet18
  int width = 64;                         // channels of the first stage (64 in the paper)
  int latent = 256;
  int hidden = 8192;
  int ve_size = 64;  // voxels per side, a multiple of 16
  int channels = 3;
  Norm norm = Norm::group;
  int norm_groups = 8;  // upper bound on GroupNorm groups per layer
  Noise noise = Noise::per_sample;
  Family family = Family::resnet;  // plain: `blocks`, `hidden` and `norm` are not used
  // Outputs of a linear head on mu trained to the VE's orientation moments (0 = no head,
  // the study's model; kOrientationMoments with vae.texture_weight > 0).
  int texture_moments = 0;
  // The encoder also sees every voxel's orientation moments (kOrientationMoments channels
  // beside the Euler angles, continuous and unchanged by the two-fold symmetries where the
  // angles jump at the fundamental zone's edges); the decoder still returns the angles.
  bool orientation_features = false;
  Representation representation = Representation::euler;

  // Per voxel, what the encoder reads before any moment features and the decoder writes.
  int orientation_channels() const { return representation == Representation::quaternion ? 4 : channels; }
  int encoder_channels() const { return orientation_channels() + (orientation_features ? kOrientationMoments : 0); }

  int bottleneck() const { return ve_size / (family == Family::plain ? 8 : 16); }
  std::string architecture() const;  // "resnet18", "plain_conv", or "custom[a,b,c,d]"
};

struct LossOptions {
  double alpha = 0.999;  // weight of BCE; 1 - alpha weighs the spectral term
  // A further factor on the spectral term (0: the misorientation term alone, which
  // measured worse than the two together: bench/ml/README.md).
  double spectral_weight = 1.0;
  double beta = 0.0;     // KL weight; 0 is the paper's trained model
  // Weight of the texture term: the texture head's squared error on the VE's orientation
  // moments, times the voxels per VE (the scale of the spectral term's sum over voxels, so
  // that weight 1 counts a moment's error like a channel's zero-frequency error).
  double texture_weight = 0.0;
  // Weight of the misorientation term: phi4 = 1 - |q·q̂| summed over the voxels, mean over
  // the batch (the evaluation's metric, on the spectral term's per-VE scale). Unlike the
  // squared error of Bunge angles it respects their periodicity, and for a voxel the
  // decoder is unsure of it favours one orientation over the average of angles.
  double phi4_weight = 0.0;
  BceForm bce = BceForm::input_as_target;
};

// Learning rate over the run: constant, or a linear warm-up from 0 over warmup_steps
// followed by a half cosine down to final_lr_ratio * lr at the last step.
enum class LrSchedule { constant, cosine };

struct TrainOptions {
  double lr = 1e-5;  // the peak rate under a schedule
  double weight_decay = 1e-5;
  bool amsgrad = false;
  bool decoupled_weight_decay = false;  // optimizer = "adamw": decay the weights, not the gradient
  LrSchedule lr_schedule = LrSchedule::constant;
  std::int64_t warmup_steps = 0;
  double final_lr_ratio = 0.0;
  bool shared_memory_allreduce = true;  // false: plain MPI_Allreduce of the gradients
  int batch_size = 8;          // global batch: split evenly over the trainer ranks
  int epochs = 1;
  double test_fraction = 0.1;  // share of the set held out for testing
  std::int64_t checkpoint_every = 100;  // steps; 0 = only at the end of each epoch
  std::int64_t max_steps = 0;           // stop after this many steps in total (0 = no limit)
  int phi4_samples = 8;                 // test VEs whose phi4 is reported each epoch
  int threads = 1;                      // LibTorch intra-op threads per rank
  std::uint64_t seed = 0;               // split, shuffle, noise, initial weights
  std::string device = "cpu";           // "cpu" or "cuda"
  // Convolutions and linear layers in bfloat16 under autocast (vae.autocast = "bf16"); the
  // weights, gradients, optimiser and loss stay float32. On the CPU with LibTorch 1.x only
  // plain_conv (its autocast leaves group_norm out). Measured there: 17 % less time a
  // step, but a worse fit in the same steps (0.64x against 0.55x the input-blind phi4,
  // bench/ml/README.md), so the CPU configurations train in float32.
  bool bf16_autocast = false;
  double progress_interval_s = 10.0;
};

// Where VEs come from.
struct DataOptions {
  std::string source = "synthetic";  // "ve_set" (HDF5 file), "generate", "synthetic"
  std::filesystem::path ve_set;      // for "ve_set"
  std::int64_t count = 0;            // VEs to use (0 = all in the file / generate.count)
  std::int64_t first_id = 0;         // for "generate" and "synthetic"
  int synthetic_grains = 12;         // grains per synthetic VE
};

struct VaeConfig {
  ModelOptions model;
  LossOptions loss;
  TrainOptions train;
  DataOptions data;
  std::filesystem::path output_dir = "vae";  // checkpoints, metrics.csv
  // Where the keys checked only when training starts (against the data and the ranks)
  // were given, so those errors name file, line and column too.
  struct Keys {
    core::KeyRef ve_size{"[vae]", "vae.ve_size"}, batch_size{"[vae]", "vae.batch_size"},
        device{"[vae]", "vae.device"}, norm{"[vae]", "vae.norm"}, output_dir{"[vae]", "vae.output_dir"},
        autocast{"[vae]", "vae.autocast"};
  } keys;
};

// Blocks per stage for "resnet12", "resnet18", "resnet34".
std::array<int, 4> blocks_for(const std::string& architecture);
// Family and blocks for any architecture name (the resnets and "plain_conv").
void set_architecture(ModelOptions& m, const std::string& architecture);

// Reads [vae] (and [vae.data]); validates every key with the file position in messages.
// `seed` and `threads` are the run's defaults. Does not call finish() on `vae`.
VaeConfig read_vae_config(const core::Section& vae, std::uint64_t seed, int threads);

// Text form of the model options, stored in checkpoints so that encode/eval rebuild the
// same network without the configuration file; parse_model_options reverses it.
std::string describe_model_options(const ModelOptions& m);
ModelOptions parse_model_options(const std::string& text);

}  // namespace mspipe::ml
