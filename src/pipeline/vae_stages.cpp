#include "pipeline/vae_stages.hpp"

#include "core/comm.hpp"
#include "core/config.hpp"
#include "core/errors.hpp"
#include "ml/trainer.hpp"
#include "pipeline/stage.hpp"
#include "pipeline/vae_outputs.hpp"
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
  std::vector<core::OutputPath> outputs() const override {
    return {{setup_.config.output_dir, "vae.output_dir", setup_.output_dir_where, core::OutputPath::Kind::folder}};
  }
  void run(const core::Comm& world, const RunContext&) override { train_vae_on(world, setup_); }

 private:
  VaeSetup setup_;
};

class EncodeStage final : public Stage {
 public:
  std::string_view name() const override { return "encode"; }
  std::vector<std::string> sections() const override { return {"encode"}; }
  void configure(const core::Section& root, const RunContext& ctx) override {
    setup_ = read_vae_setup(root, ctx.output_dir, ctx.seed, ctx.threads);
    inference_.checkpoint = setup_.checkpoint();
    inference_.threads = setup_.config.train.threads;
    inference_.batch = setup_.config.train.batch_size;
    output_ = ctx.output_dir / "fingerprints.h5";
    if (auto enc = root.optional_section("encode")) {
      if (enc->has("checkpoint")) inference_.checkpoint = enc->string("checkpoint");
      output_ = ctx.output_dir / enc->string("output", "fingerprints.h5");
      output_where_ = enc->where("output");
      inference_.batch = static_cast<int>(enc->integer("batch", inference_.batch, core::Range::between(1, 1 << 20)));
      enc->finish();
    }
  }
  std::vector<core::OutputPath> outputs() const override {
    return {{output_, "encode.output", output_where_, core::OutputPath::Kind::file}};
  }
  void run(const core::Comm& world, const RunContext&) override {
    const auto src = open_source(setup_, world);
    write_fingerprints_of(world, inference_, *src, output_);
  }

 private:
  VaeSetup setup_;
  ml::InferenceOptions inference_;
  std::filesystem::path output_;
  std::string output_where_;
};

}  // namespace

bool train_vae_on(const core::Comm& comm, const VaeSetup& setup, const std::function<bool()>& stop) {
  const auto src = open_source(setup, comm);
  return !ml::train_vae(comm, setup.config, *src, ml::TrainStart::resume, stop).interrupted;
}

std::unique_ptr<Stage> make_train_vae_stage() { return std::make_unique<TrainVaeStage>(); }
std::unique_ptr<Stage> make_encode_stage() { return std::make_unique<EncodeStage>(); }

}  // namespace mspipe::pipeline
