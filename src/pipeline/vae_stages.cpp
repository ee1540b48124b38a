#include "pipeline/vae_stages.hpp"

#include "core/comm.hpp"
#include "core/config.hpp"
#include "core/errors.hpp"
#include "ml/trainer.hpp"
#include "ml/vae_tasks.hpp"
#include "pipeline/stage.hpp"
#include "pipeline/vae_setup.hpp"

namespace mspipe::pipeline {

namespace {

std::unique_ptr<ml::VeSource> open_source(const VaeSetup& s, const core::Comm& world) {
  std::unique_ptr<ml::VeSource> src;
  core::collective(world, [&] { src = make_source(s); });
  return src;
}

class TrainVaeStage final : public Stage {
 public:
  std::string_view name() const override { return "train_vae"; }
  std::vector<std::string> sections() const override { return {"vae"}; }
  void configure(const core::Section& root, const RunContext& ctx) override {
    setup_ = read_vae_setup(root, ctx.output_dir, ctx.seed, ctx.threads);
  }
  void run(const core::Comm& world, const RunContext&) override {
    const auto src = open_source(setup_, world);
    ml::train_vae(world, setup_.config, *src, true);
  }

 private:
  VaeSetup setup_;
};

class EncodeStage final : public Stage {
 public:
  std::string_view name() const override { return "encode"; }
  std::vector<std::string> sections() const override { return {"encode"}; }
  void configure(const core::Section& root, const RunContext& ctx) override {
    setup_ = read_vae_setup(root, ctx.output_dir, ctx.seed, ctx.threads);
    use_.checkpoint = setup_.checkpoint();
    use_.threads = setup_.config.train.threads;
    use_.batch = setup_.config.train.batch_size;
    output_ = ctx.output_dir / "fingerprints.h5";
    if (auto enc = root.optional_section("encode")) {
      if (enc->has("checkpoint")) use_.checkpoint = enc->string("checkpoint");
      output_ = ctx.output_dir / enc->string("output", "fingerprints.h5");
      use_.batch = static_cast<int>(enc->integer("batch", use_.batch, core::Range::between(1, 1 << 20)));
      enc->finish();
    }
  }
  void run(const core::Comm& world, const RunContext&) override {
    const auto src = open_source(setup_, world);
    ml::encode_set(world, use_, *src, output_);
  }

 private:
  VaeSetup setup_;
  ml::UseOptions use_;
  std::filesystem::path output_;
};

}  // namespace

std::unique_ptr<Stage> make_train_vae_stage() { return std::make_unique<TrainVaeStage>(); }
std::unique_ptr<Stage> make_encode_stage() { return std::make_unique<EncodeStage>(); }

}  // namespace mspipe::pipeline
