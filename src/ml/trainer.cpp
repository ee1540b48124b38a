#include "ml/trainer.hpp"

#include <fmt/core.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <chrono>

#include "core/atomic_file.hpp"
#include "core/comm.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/progress.hpp"
#include "core/rng.hpp"
#include "core/threads.hpp"
#include "ml/autocast.hpp"
#include "ml/checkpoint.hpp"
#include "ml/evaluation.hpp"
#include "ml/fused_adam.hpp"
#include "ml/gradient_allreduce.hpp"
#include "ml/loss.hpp"
#include "ml/lr_schedule.hpp"
#include "ml/model.hpp"

namespace mspipe::ml {

namespace {

// Each step's loss terms ride along with the gradient all-reduce, in this order in
// GradientAllReduce::extra().
enum StepTerm : std::size_t { kStepBce, kStepSpectral, kStepKl, kStepTotal, kStepTexture, kStepTerms };

using Clock = std::chrono::steady_clock;
constexpr const char* kCsvHeader =
    "epoch,steps,train_bce,train_spectral,train_kl,train_total,test_bce,test_spectral,test_kl,test_total,"
    "test_phi4_mean,test_phi4_std";
// Two more columns for a model with a texture head (its term on the training batches and
// on the test set).
constexpr const char* kCsvTextureColumns = ",train_texture,test_texture";

void shuffle(std::vector<std::int64_t>& v, core::Rng& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

// Standard normal noise for the samples at global batch positions [first, first + n) of
// step `step`, keyed so that a sample gets the same noise whatever rank holds it.
torch::Tensor noise(const ModelOptions& m, std::uint64_t seed, std::int64_t step, std::int64_t first,
                    std::int64_t n) {
  if (m.noise == Noise::none) return {};  // z = mu
  const bool shared = m.noise == Noise::shared;
  const std::int64_t rows = shared ? 1 : n;
  auto eps = torch::empty({rows, m.latent}, torch::kFloat32);
  auto* p = eps.data_ptr<float>();
  for (std::int64_t r = 0; r < rows; ++r) {
    const std::int64_t position = shared ? 0 : first + r;
    core::Rng rng(seed, static_cast<std::uint64_t>(step), core::hash_purpose("vae_noise") ^ static_cast<std::uint64_t>(position));
    for (int j = 0; j < m.latent; ++j) p[r * m.latent + j] = static_cast<float>(rng.normal());
  }
  return eps;
}

}  // namespace

Split split_indices(std::int64_t count, double test_fraction, std::uint64_t seed) {
  std::vector<std::int64_t> all(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) all[i] = i;
  core::Rng rng(seed, 0, "vae_split");
  shuffle(all, rng);
  const auto n_test = std::clamp<std::int64_t>(std::llround(test_fraction * count), 1, count - 1);
  Split s;
  s.test.assign(all.begin(), all.begin() + n_test);
  s.train.assign(all.begin() + n_test, all.end());
  return s;
}

std::vector<std::int64_t> epoch_order(const std::vector<std::int64_t>& train, std::int64_t epoch,
                                      std::uint64_t seed) {
  auto order = train;
  core::Rng rng(seed, static_cast<std::uint64_t>(epoch), "vae_shuffle");
  shuffle(order, rng);
  return order;
}

TrainSummary train_vae(const core::Comm& comm, const VaeConfig& cfg, const VeSource& data, TrainStart how,
                       const std::function<bool()>& stop) {
  const auto& t = cfg.train;
  const int ranks = comm.size();
  if (data.edge() != cfg.model.ve_size)
    cfg.keys.ve_size.fail(fmt::format("is {} but the VEs of {} have {} voxels per side", cfg.model.ve_size,
                                      data.describe(), data.edge()));
  if (t.batch_size % ranks != 0)
    cfg.keys.batch_size.fail(fmt::format("{} must be a multiple of the {} trainer ranks "
                                         "(every rank takes the same share of each batch)",
                                         t.batch_size, ranks));
  const auto split = split_indices(data.size(), t.test_fraction, t.seed);
  const auto train_n = static_cast<std::int64_t>(split.train.size());
  if (train_n < t.batch_size)
    cfg.keys.batch_size.fail(fmt::format("{} exceeds the {} training VEs", t.batch_size, train_n));
  torch::Device device(torch::kCPU);
  if (t.device == "cuda") {
    if (!torch::cuda::is_available())
      cfg.keys.device.fail("\"cuda\" but this LibTorch has no CUDA device");
    device = torch::Device(torch::kCUDA);
  }
  if (t.bf16_autocast && !device.is_cuda() && cfg.model.family == Family::resnet && TORCH_VERSION_MAJOR < 2)
    cfg.keys.autocast.fail(fmt::format("\"bf16\" on the CPU needs architecture = \"plain_conv\" with this LibTorch "
                                       "({}): its CPU autocast leaves the resnet's group_norm out",
                                       TORCH_VERSION));
  core::set_threads(t.threads);
  at::set_num_threads(t.threads);

  const int local_batch = t.batch_size / ranks;
  // At ve_size 16 the last encoder stage is one voxel: BatchNorm then sees one value per
  // channel on a rank with one sample, which has no batch statistics.
  if (cfg.model.norm == Norm::batch && local_batch == 1 && cfg.model.ve_size <= 16)
    cfg.keys.norm.fail(fmt::format(
        "\"batch\" needs at least 2 samples per rank at ve_size {} (batch_size {} on {} "
        "ranks gives 1): raise vae.batch_size or use norm = \"group\"",
        cfg.model.ve_size, t.batch_size, ranks));
  const std::int64_t steps_per_epoch = train_n / t.batch_size;  // the last partial batch is dropped
  // The schedule spans the configured epochs, not max_steps: a run stopped early and
  // resumed follows the same rates as one that was never stopped.
  const std::int64_t schedule_steps = steps_per_epoch * t.epochs;
  std::int64_t total_steps = schedule_steps;
  if (t.max_steps > 0) total_steps = std::min(total_steps, t.max_steps);

  const auto ckpt_path = cfg.output_dir / "checkpoint.pt";
  const auto csv_path = cfg.output_dir / "metrics.csv";
  core::on_root(comm, [&] { std::filesystem::create_directories(cfg.output_dir); });

  torch::manual_seed(t.seed);
  Vae model(cfg.model);
  model->to(device);

  Checkpoint state;
  state.model = cfg.model;
  state.position.seed = t.seed;
  const bool texture = cfg.model.texture_moments > 0;
  state.metrics_csv = fmt::format("{}{}\n", kCsvHeader, texture ? kCsvTextureColumns : "");
  if (how == TrainStart::resume && std::filesystem::exists(ckpt_path)) {
    const auto saved = read_checkpoint_header(ckpt_path);
    if (describe_model_options(saved.model) != describe_model_options(cfg.model) || saved.position.seed != t.seed)
      cfg.keys.output_dir.fail(fmt::format("{} was written for another model or seed ({}, seed {}); remove it "
                                           "or change vae.output_dir",
                                           ckpt_path.string(), describe_model_options(saved.model),
                                           saved.position.seed));
    load_checkpoint_state(ckpt_path, model);
    state = saved;
    core::log::info("vae: resuming from {} at epoch {}, step {}", ckpt_path.string(), state.position.epoch,
                    state.position.global_step);
  }
  auto& pos = state.position;

  GradientAllReduce sync(comm, *model, kStepTerms,
                         t.shared_memory_allreduce ? GradientAllReduce::Method::shared_memory
                                                   : GradientAllReduce::Method::mpi);
  sync.broadcast_parameters();
  AdamSettings adam;
  adam.lr = t.lr, adam.weight_decay = t.weight_decay, adam.amsgrad = t.amsgrad;
  adam.decoupled = t.decoupled_weight_decay;
  FusedAdam optimizer(model->parameters(), sync.flat_gradients(), adam);
  if (pos.global_step > 0) load_optimizer_state(ckpt_path, optimizer);
  core::log::info("vae: {} ({} parameters), {} train / {} test VEs of {}, batch {} ({} per rank on {} rank(s)), "
                  "{} steps per epoch",
                  cfg.model.architecture(), parameter_count(*model), train_n, split.test.size(), data.describe(),
                  t.batch_size, local_batch, ranks, steps_per_epoch);

  TrainSummary summary;
  summary.checkpoint = ckpt_path;
  summary.metrics = csv_path;
  const auto start = Clock::now();
  auto save = [&] {
    core::on_root(comm, [&] {
      save_checkpoint(ckpt_path, model, &optimizer, state);
      core::write_file_atomically(csv_path, state.metrics_csv);
    });
  };
  core::Progress progress("vae train", total_steps, t.progress_interval_s);
  bool stopped = false;
  const std::int64_t first_step = pos.global_step;
  for (; pos.epoch < t.epochs && !stopped; ++pos.epoch, pos.step_in_epoch = 0) {
    const auto order = epoch_order(split.train, pos.epoch, t.seed);
    model->train();
    for (; pos.step_in_epoch < steps_per_epoch; ++pos.step_in_epoch) {
      if (t.max_steps > 0 && pos.global_step >= t.max_steps) {
        stopped = true;
        break;
      }
      if (stop && comm.any(stop())) {
        stopped = summary.interrupted = true;
        break;
      }
      const std::int64_t first = pos.step_in_epoch * t.batch_size + comm.rank() * local_batch;
      auto x = load_batch(data, std::span(order).subspan(first, local_batch)).to(device);
      auto eps = noise(cfg.model, t.seed, pos.global_step, first, local_batch);
      if (eps.defined()) eps = eps.to(device);
      sync.zero_grad();
      VaeOutput out;
      {
        Bf16Autocast autocast(device, t.bf16_autocast);
        out = model->forward(x, eps);
      }
      const auto terms = vae_loss(float32_outputs(out), x, cfg.loss);
      terms.total.backward();
      auto extra = sync.extra();
      extra[kStepBce] = terms.bce.template item<float>();
      extra[kStepSpectral] = terms.spectral.template item<float>();
      extra[kStepKl] = terms.kl.template item<float>();
      extra[kStepTotal] = terms.total.template item<float>();
      extra[kStepTexture] = terms.texture.template item<float>();
      sync.allreduce();
      optimizer.set_lr(learning_rate(t, pos.global_step, schedule_steps));
      optimizer.step();
      auto& sums = state.epoch_sums;
      sums.bce += extra[kStepBce] / ranks, sums.spectral += extra[kStepSpectral] / ranks;
      sums.kl += extra[kStepKl] / ranks, sums.total += extra[kStepTotal] / ranks;
      sums.texture += extra[kStepTexture] / ranks;
      sums.steps += 1;
      summary.allreduce_seconds += sync.last_seconds();
      ++pos.global_step;
      progress.update(pos.global_step);
      if (t.checkpoint_every > 0 && pos.global_step % t.checkpoint_every == 0) {
        ++pos.step_in_epoch;  // the saved position is the next step to take
        save();
        --pos.step_in_epoch;
      }
    }
    if (stopped) break;
    const auto test = evaluate(model, data, split.test, comm, local_batch, cfg.loss, t.phi4_samples);
    const auto& s = state.epoch_sums;
    const double steps = std::max(1.0, s.steps);
    state.metrics_csv += fmt::format("{},{},{:.8g},{:.8g},{:.8g},{:.8g},{:.8g},{:.8g},{:.8g},{:.8g},{:.8g},{:.8g}",
                                     pos.epoch + 1, pos.global_step, s.bce / steps, s.spectral / steps,
                                     s.kl / steps, s.total / steps, test.bce, test.spectral, test.kl, test.total, test.phi4_mean,
                                     test.phi4_std);
    state.metrics_csv += texture ? fmt::format(",{:.8g},{:.8g}\n", s.texture / steps, test.texture) : "\n";
    // About ten epoch lines per run at info level (every epoch is in metrics.csv and at
    // debug level): a long run stays readable beside the progress line.
    const std::int64_t every = std::max<std::int64_t>(1, t.epochs / 10);
    const bool report = (pos.epoch + 1) % every == 0 || pos.epoch + 1 == t.epochs;
    core::log::write(report ? core::log::Level::info : core::log::Level::debug,
                     fmt::format("vae: epoch {}/{}: train loss {:.5g}, test loss {:.5g} (BCE {:.5g}, spectral {:.5g}{}), "
                                 "test phi4 {:.4f} ± {:.4f}",
                                 pos.epoch + 1, t.epochs, s.total / steps, test.total, test.bce, test.spectral,
                                 texture ? fmt::format(", texture {:.5g}", test.texture) : "", test.phi4_mean,
                                 test.phi4_std));
    summary.train_total = s.total / steps;
    summary.test_total = test.total, summary.test_bce = test.bce, summary.test_spectral = test.spectral;
    summary.test_phi4_mean = test.phi4_mean, summary.test_phi4_std = test.phi4_std;
    ++summary.epochs_completed;
    state.epoch_sums = {};
    // The checkpoint records the next epoch to run.
    ++pos.epoch;
    pos.step_in_epoch = 0;
    save();
    --pos.epoch;
  }
  if (stopped) save();
  progress.finish();
  summary.steps = pos.global_step;
  summary.steps_this_run = pos.global_step - first_step;
  summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return summary;
}

}  // namespace mspipe::ml
