#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/comm.hpp"
#include "core/errors.hpp"
#include "ml/checkpoint.hpp"
#include "ml/trainer.hpp"

namespace mspipe::ml {
namespace {

namespace fs = std::filesystem;

VaeConfig tiny_config(const fs::path& out) {
  VaeConfig c;
  c.model.ve_size = 16, c.model.width = 4, c.model.hidden = 32, c.model.latent = 8;
  c.model.blocks = {1, 1, 1, 1};
  c.train.lr = 1e-3, c.train.weight_decay = 1e-5, c.train.batch_size = 4, c.train.epochs = 2;
  c.train.test_fraction = 0.2, c.train.checkpoint_every = 1, c.train.phi4_samples = 2, c.train.seed = 5;
  c.output_dir = out;
  return c;
}

// A folder of this test binary's own for `name`: np2 and np4 runs go side by side.
fs::path scratch(const core::Comm& comm, const std::string& name) {
  return fs::path("test_scratch") / ("ml_train_np" + std::to_string(comm.size())) / name;
}

// Removes `dir` on rank 0 before anyone writes into it.
void fresh(const core::Comm& comm, const fs::path& dir) {
  if (comm.rank() == 0) fs::remove_all(dir);
  comm.barrier();
}

std::string read_text(const fs::path& f) {
  std::ifstream in(f);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Largest absolute difference between the parameters of two checkpoints.
double max_parameter_difference(const fs::path& a, const fs::path& b) {
  auto ma = load_model(a), mb = load_model(b);
  auto pb = mb->named_parameters();
  double d = 0;
  for (const auto& p : ma->named_parameters())
    d = std::max(d, (p.value() - pb[p.key()]).abs().max().item<double>());
  return d;
}

// |(a - init) - (b - init)| / |b - init| over all parameters: how far two training runs
// from the same initial weights `init` disagree, relative to how far they moved.
double relative_update_difference(const fs::path& a, const fs::path& b, Vae& init) {
  auto ma = load_model(a), mb = load_model(b);
  auto pa = ma->named_parameters(), pb = mb->named_parameters();
  double diff2 = 0, move2 = 0;
  for (const auto& p : init->named_parameters()) {
    diff2 += (pa[p.key()] - pb[p.key()]).square().sum().item<double>();
    move2 += (pb[p.key()] - p.value()).square().sum().item<double>();
  }
  return std::sqrt(diff2 / move2);
}

TEST(DataParallelTraining, TwoRanksWithHalfBatchesMatchOneRankWithTheWholeBatch) {
  core::Comm world(MPI_COMM_WORLD);
  auto data = make_synthetic_source(5, 0, 10, 16, 5);  // 8 train, 2 test: 2 steps per epoch
  const fs::path many = scratch(world, "ml_dp_many"), one = scratch(world, "ml_dp_one");
  fresh(world, many);
  fresh(world, one);
  const auto cfg_many = tiny_config(many);
  const auto s_many = train_vae(world, cfg_many, *data, TrainStart::fresh);
  EXPECT_EQ(s_many.steps, 4);
  core::Comm single = world.split(world.rank() == 0 ? 0 : MPI_UNDEFINED, 0);
  if (!single.is_null()) {
    const auto s_one = train_vae(single, tiny_config(one), *data, TrainStart::fresh);
    EXPECT_EQ(s_one.steps, 4);
    // GroupNorm statistics are per sample, the noise is keyed by the sample's position in
    // the global batch: the two runs differ only by floating-point summation order.
    // Adam divides each gradient component by its running RMS, so components whose
    // gradient is at rounding level can take lr-sized steps either way: compare the
    // whole update, not the largest single difference.
    torch::manual_seed(cfg_many.train.seed);
    Vae init(cfg_many.model);
    const double rel = relative_update_difference(many / "checkpoint.pt", one / "checkpoint.pt", init);
    std::printf("relative difference of the 4-step updates, 2 ranks vs 1: %.3g\n", rel);
    EXPECT_LT(rel, 5e-3);  // measured 6e-4; another seed gives ~20
    EXPECT_NEAR(s_many.train_total, s_one.train_total, 1e-5 * std::abs(s_one.train_total));
    EXPECT_NEAR(s_many.test_total, s_one.test_total, 1e-5 * std::abs(s_one.test_total));
    // A different seed gives a clearly different model (the comparison can fail).
    auto other = tiny_config(scratch(world, "ml_dp_other"));
    other.train.seed = 6;
    fs::remove_all(other.output_dir);
    train_vae(single, other, *data, TrainStart::fresh);
    const double rel_other = relative_update_difference(other.output_dir / "checkpoint.pt", one / "checkpoint.pt", init);
    std::printf("relative difference of the updates for another seed: %.3g\n", rel_other);
    EXPECT_GT(rel_other, 0.5);
  }
  world.barrier();
}

// Trains `cfg` straight through and, in another folder, stopped after 3 of its 4 steps
// and resumed: parameters and metrics must be bit-identical.
void expect_exact_resume(const core::Comm& world, VaeConfig cfg, const VeSource& data, const std::string& name) {
  const fs::path straight = scratch(world, name + "_straight"), broken = scratch(world, name + "_broken");
  fresh(world, straight);
  fresh(world, broken);
  cfg.output_dir = straight;
  train_vae(world, cfg, data, TrainStart::resume);
  auto cfg_broken = cfg;
  cfg_broken.output_dir = broken;
  cfg_broken.train.max_steps = 3;  // stops in the middle of epoch 2
  const auto first = train_vae(world, cfg_broken, data, TrainStart::resume);
  EXPECT_EQ(first.steps, 3);
  EXPECT_EQ(first.epochs_completed, 1);
  cfg_broken.train.max_steps = 0;
  const auto second = train_vae(world, cfg_broken, data, TrainStart::resume);
  EXPECT_EQ(second.steps, 4);
  EXPECT_EQ(second.steps_this_run, 1);
  if (world.rank() == 0) {
    EXPECT_EQ(max_parameter_difference(straight / "checkpoint.pt", broken / "checkpoint.pt"), 0.0);
    const auto csv = read_text(straight / "metrics.csv");
    EXPECT_EQ(csv, read_text(broken / "metrics.csv"));
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);  // header and two epochs
    EXPECT_FALSE(fs::exists(broken / "checkpoint.pt.tmp"));
  }
  world.barrier();
}

TEST(DataParallelTraining, ResumedRunContinuesTheUninterruptedTrajectory) {
  core::Comm world(MPI_COMM_WORLD);
  // 32^3 so that BatchNorm has batch statistics with one sample per rank on 4 ranks.
  auto data = make_synthetic_source(8, 0, 10, 32, 5);
  auto cfg = tiny_config("");
  cfg.model.ve_size = 32;
  cfg.model.norm = Norm::batch;  // running statistics must survive the checkpoint too
  expect_exact_resume(world, cfg, *data, "ml_resume");
}

TEST(DataParallelTraining, ResumeIsExactWithTheScheduleAdamWAndThePlainNetwork) {
  core::Comm world(MPI_COMM_WORLD);
  auto data = make_synthetic_source(8, 0, 10, 16, 5);
  auto cfg = tiny_config("");
  set_architecture(cfg.model, "plain_conv");
  cfg.train.lr_schedule = LrSchedule::cosine, cfg.train.warmup_steps = 2, cfg.train.final_lr_ratio = 0.1;
  cfg.train.decoupled_weight_decay = true;
  expect_exact_resume(world, cfg, *data, "ml_resume_plain");
}

TEST(DataParallelTraining, BatchNormWithOneSamplePerRankAtSize16IsAConfigError) {
  core::Comm world(MPI_COMM_WORLD);
  auto data = make_synthetic_source(5, 0, 10, 16, 5);
  auto cfg = tiny_config(scratch(world, "ml_bad_bn"));
  cfg.model.norm = Norm::batch;
  cfg.train.batch_size = world.size();
  EXPECT_THROW(train_vae(world, cfg, *data, TrainStart::fresh), core::ConfigError);
}

TEST(DataParallelTraining, BatchThatDoesNotSplitEvenlyIsAConfigError) {
  core::Comm world(MPI_COMM_WORLD);
  if (world.size() < 2) GTEST_SKIP();
  auto data = make_synthetic_source(5, 0, 10, 16, 5);
  auto cfg = tiny_config(scratch(world, "ml_bad_batch"));
  cfg.train.batch_size = 3;
  EXPECT_THROW(train_vae(world, cfg, *data, TrainStart::fresh), core::ConfigError);
}

}  // namespace

// A stop that only the last rank asks for, at its third question, ends training on every
// rank after the same two steps, with the checkpoint saved there; the rerun resumes.
TEST(DataParallelTraining, StopCheckOfOneRankStopsEveryRankAtTheSameStep) {
  core::Comm world(MPI_COMM_WORLD);
  auto data = make_synthetic_source(8, 0, 10, 16, 5);
  const fs::path dir = scratch(world, "ml_stop");
  fresh(world, dir);
  const auto cfg = tiny_config(dir);
  int questions = 0;
  const bool asker = world.rank() == world.size() - 1;
  const auto first = train_vae(world, cfg, *data, TrainStart::resume, [&] { return ++questions >= 3 && asker; });
  EXPECT_TRUE(first.interrupted);
  EXPECT_EQ(first.steps, 2);
  EXPECT_EQ(world.min(questions), 3);
  EXPECT_EQ(world.max(questions), 3);
  const auto second = train_vae(world, cfg, *data, TrainStart::resume);
  EXPECT_FALSE(second.interrupted);
  EXPECT_EQ(second.steps - second.steps_this_run, 2);
  world.barrier();
}

}  // namespace mspipe::ml
