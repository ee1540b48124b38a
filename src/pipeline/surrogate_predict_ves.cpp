#include "pipeline/surrogate_predict_ves.hpp"

#include <fmt/core.h>

#include <cmath>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/comm.hpp"
#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "cp/engine.hpp"
#include "cp/load_case.hpp"
#include "cp/simulation.hpp"
#include "io/ve_set.hpp"
#include "ml/vae_encode.hpp"
#include "ml/ve_encoder.hpp"
#include "pipeline/stage.hpp"
#include "pipeline/vae_setup.hpp"
#include "pipeline/ve_sources.hpp"

namespace mspipe::pipeline {

namespace {

// A source whose VEs are checked as they load: a NaN Euler angle would give a NaN
// fingerprint, and the file is what the message should name.
class FiniteVes final : public ml::VeSource {
 public:
  FiniteVes(std::unique_ptr<ml::VeSource> base, std::string origin)
      : base_(std::move(base)), origin_(std::move(origin)) {}
  std::int64_t size() const override { return base_->size(); }
  int edge() const override { return base_->edge(); }
  std::int64_t id(std::int64_t i) const override { return base_->id(i); }
  void load(std::int64_t i, std::span<float> out) const override {
    base_->load(i, out);
    for (const float v : out)
      if (!std::isfinite(v))
        throw core::InputError(core::format_error(
            origin_, fmt::format("VE {}: an Euler angle is not a finite number ({})", id(i), v)));
  }
  std::string describe() const override { return base_->describe(); }

 private:
  std::unique_ptr<ml::VeSource> base_;
  std::string origin_;
};

// A view of some VEs of a source it owns.
struct OwningView final : ml::VeSource {
  std::unique_ptr<ml::VeSource> base, view;
  std::int64_t size() const override { return view->size(); }
  int edge() const override { return view->edge(); }
  std::int64_t id(std::int64_t i) const override { return view->id(i); }
  void load(std::int64_t i, std::span<float> out) const override { view->load(i, out); }
  std::string describe() const override { return view->describe(); }
};

struct GeneratedVes {
  std::filesystem::path ve_set;  // the campaign's VE-set file, or generated from:
  microstructure::GeneratorParams params;
  std::uint64_t seed = 0;
  std::int64_t first_id = 0, count = 0;
  std::string material, load_case;
};

// The VEs a configuration makes: [campaign.generate] and campaign.first_id/count (with
// the campaign's material and load case), else [generate] and its count.
GeneratedVes generated_ves(const VeInput& in, const core::Comm& world) {
  const auto cfg = core::load_config(in.config, world);
  const auto root = cfg.root();
  GeneratedVes g;
  const auto run = read_run_context(root, in.config);
  g.seed = run.seed;
  if (auto c = root.optional_section("campaign")) {
    if (c->has("ve_set"))
      g.ve_set = run.output_dir / c->string("ve_set");
    else
      g.params = microstructure::parse_generator_params(c->section("generate"));
    g.first_id = c->integer("first_id", 0, core::Range::non_negative());
    g.count = c->integer("count", std::nullopt, core::Range::at_least(1));
    g.material = cp::read_material_choice(*c).name;
    // The campaign's default load case when [campaign.load] is absent (campaign_config).
    const auto load =
        c->has("load") ? cp::read_load(c->section("load")) : cp::uniaxial_tension_z(1e-3, 10.0, 20);
    g.load_case = cp::describe(load);
  } else {
    g.params = microstructure::parse_generator_params(root.section("generate"));
    g.count = g.params.count;
  }
  if (in.first_id >= 0) g.first_id = in.first_id;
  if (in.count > 0) g.count = in.count;
  return g;
}

std::unique_ptr<ml::VeSource> make_source(const VeInput& in, const core::Comm& world) {
  if (!in.ves.empty()) {
    const io::VeSetReader reader(in.ves);
    if (in.count > reader.count())
      throw core::InputError(core::format_error(
          in.ves.string(),
          fmt::format("holds {} VEs, --count asks for {}", reader.count(), in.count)));
    return std::make_unique<FiniteVes>(make_ve_set_source(in.ves, in.count), in.ves.string());
  }
  const auto g = generated_ves(in, world);
  if (!g.ve_set.empty()) {
    std::vector<std::int64_t> ids(static_cast<std::size_t>(g.count));
    for (std::int64_t k = 0; k < g.count; ++k) ids[static_cast<std::size_t>(k)] = g.first_id + k;
    return std::make_unique<FiniteVes>(ve_set_by_id(g.ve_set, ids), g.ve_set.string());
  }
  return std::make_unique<FiniteVes>(make_generated_source(g.params, g.seed, g.first_id, g.count),
                                     in.config.string());
}

}  // namespace

std::unique_ptr<ml::VeSource> ve_set_by_id(const std::filesystem::path& file,
                                           std::span<const std::int64_t> ids) {
  auto all = make_ve_set_source(file, 0);
  std::unordered_map<std::int64_t, std::int64_t> row_of;
  for (std::int64_t k = 0; k < all->size(); ++k) row_of[all->id(k)] = k;
  std::vector<std::int64_t> rows;
  for (const auto id : ids) {
    const auto it = row_of.find(id);
    if (it == row_of.end())
      throw core::InputError(core::format_error(file.string(), fmt::format("has no VE {}", id)));
    rows.push_back(it->second);
  }
  return owning_subset(std::move(all), std::move(rows));
}

std::unique_ptr<ml::VeSource> owning_subset(std::unique_ptr<ml::VeSource> base,
                                            std::vector<std::int64_t> rows) {
  auto o = std::make_unique<OwningView>();
  o->view = subset(*base, std::move(rows));
  o->base = std::move(base);
  return o;
}

VeInputPlan plan_ve_input(const VeInput& in, const core::Comm& world) {
  VeInputPlan p;
  if (!in.config.empty()) {
    const auto g = generated_ves(in, world);
    p.material = g.material;
    p.load_case = g.load_case;
  }
  core::collective(world, [&] { p.latent = ml::checkpoint_model(in.vae).latent; });
  return p;
}

FingerprintInput encode_ve_input(const VeInput& in, const VeInputPlan& plan,
                                 const core::Comm& world) {
  std::unique_ptr<ml::VeSource> source;
  // A model smaller than the VEs by a whole factor sees every factor-th voxel: the cells a
  // campaign that simulated these VEs with that downsample had.
  core::collective(world, [&] { source = at_model_size(make_source(in, world), ml::checkpoint_model(in.vae).ve_size); });
  ml::EncodedBlock block;
  const ml::InferenceOptions options{
      .checkpoint = in.vae, .batch = in.batch, .threads = in.threads};
  // Encoding has no collective after the model is loaded: a VE that fails on one rank is
  // agreed on at the end.
  core::collective(world, [&] { block = ml::encode_set(world, options, *source); });
  FingerprintInput f;
  f.length = block.latent;
  f.material = plan.material;
  f.load_case = plan.load_case;
  f.x = world.gatherv(std::span<const float>(block.mu));
  f.ve_id = world.gatherv(std::span<const std::int64_t>(block.ve_id));
  core::on_root(world, [&] {
    for (std::size_t i = 0; i < f.x.size(); ++i)
      if (!std::isfinite(f.x[i]))
        throw core::InputError(core::format_error(
            in.vae.string(), fmt::format("the fingerprint of VE {} is not a finite number",
                                         f.ve_id[i / static_cast<std::size_t>(f.length)])));
    core::log::info("surrogate predict: {} fingerprints of {} values from {}", f.ve_id.size(),
                    f.length, source->describe());
  });
  return f;
}

}  // namespace mspipe::pipeline
