// Reading, validating and writing back the [generate] section.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "core/config.hpp"
#include "core/errors.hpp"
#include "microstructure/generator.hpp"

namespace mspipe::microstructure {

double GrainSizeParams::mu() const { return std::log(mean_esd) - 0.5 * sigma * sigma; }
double GrainSizeParams::min_esd() const { return std::exp(mu() - min_cutoff * sigma); }
double GrainSizeParams::max_esd() const { return std::exp(mu() + max_cutoff * sigma); }

namespace {

GrainSizeParams parse_grain_size(const core::Section& s) {
  GrainSizeParams g;
  g.mean_esd = s.number("mean_esd", g.mean_esd, core::Range::positive());
  g.sigma = s.number("sigma", g.sigma, core::Range::positive());
  g.min_cutoff = s.number("min_cutoff", g.min_cutoff, core::Range::positive());
  g.max_cutoff = s.number("max_cutoff", g.max_cutoff, core::Range::positive());
  s.finish();
  return g;
}

ShapeParams parse_shape(const core::Section& s) {
  ShapeParams p;
  const auto axes = s.numbers("axes", std::vector<double>{1, 1, 1}, 3, core::Range::positive());
  p.axes = {axes[0], axes[1], axes[2]};
  const auto e = s.numbers("axis_bunge_deg", std::vector<double>{0, 0, 0}, 3);
  p.axis_bunge_deg = {e[0], e[1], e[2]};
  const double lo = std::min({axes[0], axes[1], axes[2]}), hi = std::max({axes[0], axes[1], axes[2]});
  if (hi / lo > 20) s.fail("axes", fmt::format("aspect ratio {:g} is beyond what a voxel grid resolves (at most 20)", hi / lo));
  s.finish();
  return p;
}

TextureParams parse_texture(const core::Section& s) {
  TextureParams t;
  t.name = s.string("kind", std::string("uniform"), {"uniform", "brass", "copper", "cube", "goss", "euler"});
  if (t.name == "uniform") {
    t.kind = TextureKind::uniform;
  } else {
    t.kind = TextureKind::component;
    if (t.name == "euler") {
      const auto e = s.numbers("bunge_deg", std::nullopt, 3);
      t.component_bunge_deg = {e[0], e[1], e[2]};
    } else {
      t.component_bunge_deg = *texture::component_bunge_deg(t.name);
    }
    t.scatter_deg = s.number("scatter_deg", t.scatter_deg, core::Range::between(0, 180));
    const auto how = s.string("scatter", std::string("spherical"), {"spherical", "positive_euler"});
    t.scatter = how == "spherical" ? texture::Scatter::spherical : texture::Scatter::positive_euler;
  }
  s.finish();
  return t;
}

}  // namespace

std::optional<std::string> box_problem(const GeneratorParams& p) {
  // At least two grains of the mean size must fit, or a "polycrystal" is one grain.
  const double box = p.size * p.resolution;
  const double grain_volume = M_PI / 6.0 * std::pow(p.grain_size.mean_esd, 3);
  if (grain_volume > 0.5 * box * box * box)
    return fmt::format("grains larger than the box: a grain of mean_esd {:g} has volume {:.4g}, more than half the "
                       "box (size {} x resolution {:g})^3 = {:.4g}",
                       p.grain_size.mean_esd, grain_volume, p.size, p.resolution, box * box * box);
  return std::nullopt;
}

GeneratorParams parse_generator_params(const core::Section& s) {
  GeneratorParams p;
  p.size = static_cast<int>(s.integer("size", p.size, core::Range::between(4, 1024)));
  p.resolution = s.number("resolution", p.resolution, core::Range::positive());
  const auto lattice = s.string("lattice", std::string("cubic"), {"cubic", "hexagonal"});
  p.lattice = texture::parse_lattice(lattice);
  const auto tess = s.string("tessellation", std::string("ellipsoidal"), {"ellipsoidal", "laguerre"});
  p.tessellation = tess == "ellipsoidal" ? Tessellation::ellipsoidal : Tessellation::laguerre;
  p.count = s.integer("count", p.count, core::Range::positive());
  p.output = s.string("output", p.output);
  if (p.output.empty()) s.fail("output", "expected a file name");
  p.vti_ids = s.integers("vti_ids", std::vector<std::int64_t>{}, 0, core::Range::non_negative());
  for (auto id : p.vti_ids)
    if (id >= p.count) s.fail("vti_ids", fmt::format("VE {} is not in the dataset (ids 0..{})", id, p.count - 1));

  if (auto g = s.optional_section("grain_size")) p.grain_size = parse_grain_size(*g);
  if (auto g = s.optional_section("shape")) p.shape = parse_shape(*g);
  if (auto g = s.optional_section("texture")) p.texture = parse_texture(*g);

  if (auto problem = box_problem(p)) s.fail("grain_size", *problem);
  s.finish();
  return p;
}

std::string to_toml(const GeneratorParams& p) {
  const auto& g = p.grain_size;
  const auto& sh = p.shape;
  const auto& t = p.texture;
  std::string vti;
  for (auto id : p.vti_ids) vti += (vti.empty() ? "" : ", ") + std::to_string(id);
  std::string out = fmt::format(
      "[generate]\ncount = {}\nsize = {}\nresolution = {}\nlattice = \"{}\"\ntessellation = \"{}\"\n"
      "output = \"{}\"\nvti_ids = [{}]\n\n"
      "[generate.grain_size]\nmean_esd = {}\nsigma = {}\nmin_cutoff = {}\nmax_cutoff = {}\n\n"
      "[generate.shape]\naxes = [{}, {}, {}]\naxis_bunge_deg = [{}, {}, {}]\n\n"
      "[generate.texture]\nkind = \"{}\"\n",
      p.count, p.size, p.resolution, texture::lattice_name(p.lattice),
      p.tessellation == Tessellation::ellipsoidal ? "ellipsoidal" : "laguerre", p.output, vti, g.mean_esd, g.sigma,
      g.min_cutoff, g.max_cutoff, sh.axes[0], sh.axes[1], sh.axes[2], sh.axis_bunge_deg[0], sh.axis_bunge_deg[1],
      sh.axis_bunge_deg[2], t.name);
  if (t.kind == TextureKind::component) {
    if (t.name == "euler")
      out += fmt::format("bunge_deg = [{}, {}, {}]\n", t.component_bunge_deg[0], t.component_bunge_deg[1],
                         t.component_bunge_deg[2]);
    out += fmt::format("scatter_deg = {}\nscatter = \"{}\"\n", t.scatter_deg,
                       t.scatter == texture::Scatter::spherical ? "spherical" : "positive_euler");
  }
  return out;
}

}  // namespace mspipe::microstructure
