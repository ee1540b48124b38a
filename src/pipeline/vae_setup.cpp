#include "pipeline/vae_setup.hpp"

#include <fmt/core.h>

#include "core/config.hpp"
#include "core/errors.hpp"
#include "pipeline/ve_sources.hpp"

namespace mspipe::pipeline {

VaeSetup read_vae_setup(const core::Section& root, const std::filesystem::path& output_dir, std::uint64_t seed,
                        int threads) {
  VaeSetup s;
  const auto vae = root.section("vae");
  s.config = ml::read_vae_config(vae, seed, threads);
  vae.finish();
  s.seed = seed;
  s.output_dir_where = vae.where("output_dir");
  if (s.config.output_dir.is_relative()) s.config.output_dir = output_dir / s.config.output_dir;
  const auto& d = s.config.data;
  const bool needs_generator = d.source == "generate" || (d.source == "ve_set" && d.ve_set.empty());
  if (needs_generator) {
    if (!root.has("generate"))
      vae.fail("data", d.source == "generate" ? "data.source = \"generate\" needs a [generate] section"
                                              : "without data.file the VE set comes from [generate]: add one");
    s.generator = microstructure::parse_generator_params(root.section("generate"));
  }
  if (d.source == "ve_set") s.ve_set = d.ve_set.empty() ? output_dir / s.generator->output : d.ve_set;
  const int size = d.source == "generate" ? s.generator->size : s.config.model.ve_size;
  if (d.source == "generate" && size != s.config.model.ve_size)
    vae.fail("ve_size", fmt::format("is {} but [generate] makes {}^3 VEs", s.config.model.ve_size, size));
  if (d.source == "ve_set" && d.ve_set.empty() && s.generator->size != s.config.model.ve_size)
    vae.fail("ve_size", fmt::format("is {} but [generate] makes {}^3 VEs", s.config.model.ve_size, s.generator->size));
  return s;
}

std::unique_ptr<ml::VeSource> make_source(const VaeSetup& s) {
  const auto& d = s.config.data;
  if (d.source == "ve_set") return make_ve_set_source(s.ve_set, d.count);
  if (d.source == "generate")
    return make_generated_source(*s.generator, s.seed, d.first_id, d.count > 0 ? d.count : s.generator->count);
  return ml::make_synthetic_source(s.seed, d.first_id, d.count, s.config.model.ve_size, d.synthetic_grains);
}

namespace {
class Subset final : public ml::VeSource {
 public:
  Subset(const ml::VeSource& base, std::vector<std::int64_t> idx) : base_(base), idx_(std::move(idx)) {}
  std::int64_t size() const override { return static_cast<std::int64_t>(idx_.size()); }
  int edge() const override { return base_.edge(); }
  std::int64_t id(std::int64_t i) const override { return base_.id(idx_.at(static_cast<std::size_t>(i))); }
  void load(std::int64_t i, std::span<float> out) const override { base_.load(idx_.at(static_cast<std::size_t>(i)), out); }
  std::string describe() const override { return fmt::format("{} VEs of {}", idx_.size(), base_.describe()); }

 private:
  const ml::VeSource& base_;
  std::vector<std::int64_t> idx_;
};
}  // namespace

std::unique_ptr<ml::VeSource> subset(const ml::VeSource& source, std::vector<std::int64_t> indices) {
  return std::make_unique<Subset>(source, std::move(indices));
}

}  // namespace mspipe::pipeline
