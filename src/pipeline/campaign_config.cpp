// [campaign] keys (README "Campaign"):
//   first_id = 0, count (required)      ids [first_id, first_id + count)
//   ve_set = "file.h5"                  VEs from a VE set (relative to run.output_dir), or,
//   [campaign.generate]                 without it, VEs regenerated from (run.seed, id, these
//                                       [generate] keys: size, resolution, lattice, ...)
//   material, engine, [campaign.numerics], [campaign.damask_grid], [campaign.load]
//   downsample = 1, vae_checkpoint, flush_interval_s = 1, shard_size = 1000,
//   max_attempts = 3, task_timeout_s = 3600, stop_grace_s = 60
//   [campaign.layout] collectors = "auto" (1) | n, trainers = "auto" | n, ranks_per_sim = "auto" | n
#include "pipeline/campaign_config.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "core/errors.hpp"
#include "cp/damask/damask_grid_engine.hpp"
#include "cp/simulation.hpp"
#include "io/ve_set.hpp"
#include "texture/symmetry.hpp"
#include "pipeline/ml_plugin.hpp"

namespace mspipe::pipeline {

namespace {

// "auto" or a count (at least `lo`).
int layout_count(const core::Section& s, std::string_view key, int lo) {
  if (!s.has(key)) return campaign::Layout::automatic;
  if (s.kind(key) == core::ValueKind::string) {
    if (s.string(key) != "auto") s.fail(key, fmt::format("expected \"auto\" or an integer, found \"{}\"", s.string(key)));
    return campaign::Layout::automatic;
  }
  return static_cast<int>(s.integer(key, std::nullopt, core::Range::at_least(lo)));
}

campaign::Layout read_layout(const core::Section& campaign_section) {
  campaign::Layout l;
  if (auto s = campaign_section.optional_section("layout")) {
    l.collectors = layout_count(*s, "collectors", 1);
    l.trainers = layout_count(*s, "trainers", 0);
    l.ranks_per_sim = layout_count(*s, "ranks_per_sim", 1);
    s->finish();
  }
  return l;
}

microstructure::GeneratorParams read_generate(const core::Section& g) {
  // The keys that say where a VE set goes or which VEs it holds belong to [generate];
  // here the campaign's id range decides.
  for (const char* key : {"count", "output", "vti_ids"})
    if (g.has(key)) g.fail(key, "not a key of [campaign.generate] (the id range is campaign.first_id/count)");
  return microstructure::parse_generator_params(g);
}

texture::Lattice lattice_of(const cp::Phase& p) {
  return p.lattice == cp::Bravais::hP ? texture::Lattice::hexagonal : texture::Lattice::cubic;
}

}  // namespace

CampaignConfig read_campaign_config(const core::Section& root, const std::filesystem::path& output_dir,
                                    int world_size) {
  const auto s = root.section("campaign");
  CampaignConfig c;
  c.first_id = s.integer("first_id", 0, core::Range::non_negative());
  c.count = s.integer("count", std::nullopt, core::Range::at_least(1));
  c.ve_set_ref = s.ref("ve_set");
  c.generate_ref = s.ref("generate");
  if (s.has("ve_set")) {
    c.ve_set = output_dir / s.string("ve_set");
    if (s.has("generate")) s.fail("generate", "not used with campaign.ve_set (the VEs come from the file)");
  } else if (auto g = s.optional_section("generate")) {
    c.generator = read_generate(*g);
  } else {
    s.fail("ve_set", "give campaign.ve_set (a VE-set file) or a [campaign.generate] table");
  }
  c.material_ref = s.ref("material");
  c.material = s.kind("material") == core::ValueKind::table ? "table" : s.string("material", "Cu");
  c.phase = cp::read_material_choice(s);
  if (c.generator && lattice_of(c.phase) != c.generator->lattice)
    s.fail("material", fmt::format("{} is {}, the VEs of [campaign.generate] are {}", c.phase.name,
                                   texture::lattice_name(lattice_of(c.phase)),
                                   texture::lattice_name(c.generator->lattice)));
  if (auto l = s.optional_section("load")) c.load = cp::read_load(*l);
  else c.load = cp::uniaxial_tension_z(1e-3, 10.0, 20);
  c.load_text = cp::describe(c.load);
  c.downsample = static_cast<int>(s.integer("downsample", 1, core::Range::at_least(1)));
  c.downsample_ref = s.ref("downsample");
  c.checkpoint_ref = s.ref("vae_checkpoint");
  if (s.has("vae_checkpoint")) c.vae_checkpoint = s.string("vae_checkpoint");
  c.flush_interval_s = s.number("flush_interval_s", 1.0, core::Range::positive());
  c.shard_size = s.integer("shard_size", 1000, core::Range::at_least(1));
  c.max_attempts = static_cast<std::int32_t>(s.integer("max_attempts", 3, core::Range::between(1, 1000)));
  c.task_timeout_s = s.number("task_timeout_s", 3600, core::Range::positive());
  c.stop_grace_s = s.number("stop_grace_s", 60, core::Range::positive());

  c.layout = campaign::resolve(world_size, read_layout(s), c.vae_checkpoint.has_value(),
                               s.has("layout") ? s.section("layout").where() : s.where());
  c.engine = cp::damask::read_engine(s, output_dir, c.layout.ranks_per_sim);
  c.engine_name = std::string(c.engine->name());
  if (c.generator && c.generator->size % c.downsample != 0)
    s.fail("downsample", fmt::format("{} does not divide the VE size {}", c.downsample, c.generator->size));
  s.finish();
  c.folder = output_dir / "campaign";
  c.merged = output_dir / "campaign.h5";
  return c;
}

CampaignInputs check_campaign_inputs(const CampaignConfig& c) {
  CampaignInputs in;
  if (c.generator) in.generator = microstructure::to_toml(*c.generator);
  int edge = c.generator ? c.generator->size : 0;
  if (c.ve_set) {
    const io::VeSetReader reader(*c.ve_set);
    const auto& h = reader.header();
    edge = h.size;
    in.generator = h.generator;
    const auto want = lattice_of(c.phase);
    if (texture::parse_lattice(h.lattice) != want)
      c.ve_set_ref.fail(fmt::format("{} holds {} VEs, the material {} is {}", c.ve_set->string(), h.lattice,
                                    c.phase.name, texture::lattice_name(want)));
    const auto& ids = reader.ids();
    const auto last = c.first_id + c.count - 1;
    // A VE set holds consecutive ids (the generator writes 0 .. count - 1).
    if (ids.empty() || ids.front() > c.first_id || ids.back() < last)
      c.ve_set_ref.fail(fmt::format("{} holds VE ids {}..{}, the campaign needs {}..{}", c.ve_set->string(),
                                    ids.empty() ? 0 : ids.front(), ids.empty() ? -1 : ids.back(), c.first_id,
                                    last));
    if (edge % c.downsample != 0)
      c.downsample_ref.fail(fmt::format("{} does not divide the VE size {} of {}", c.downsample, edge,
                                        c.ve_set->string()));
  }
  if (c.vae_checkpoint) {
#if MSPIPE_HAVE_ML
    const int ve_size = ml_plugin("campaign.vae_checkpoint").checkpoint_model(*c.vae_checkpoint).first;
    if (ve_size != edge)
      c.checkpoint_ref.fail(fmt::format("the model of {} takes {}^3 VEs, the campaign's VEs are {}^3",
                                        c.vae_checkpoint->string(), ve_size, edge));
#else
    c.checkpoint_ref.fail("this mspipe was built without LibTorch: it cannot encode");
#endif
  }
  in.edge = edge;
  return in;
}

std::int64_t fingerprint_length(const CampaignConfig& c, int vae_latent) {
#if MSPIPE_HAVE_ML
  if (c.vae_checkpoint) return ml_plugin("campaign.vae_checkpoint").checkpoint_model(*c.vae_checkpoint).second;
#endif
  return vae_latent;
}

}  // namespace mspipe::pipeline
