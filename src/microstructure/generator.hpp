#pragma once
// The volume-element generator: a periodic, weighted tessellation of a cubic voxel grid
// with grain sizes from a lognormal ESD distribution (Dream3D semantics), equiaxed or
// ellipsoidal grain shapes, and orientations from a texture, FZ-reduced.
//
// VE `id` depends only on (seed, id, params): every random draw is keyed by
// (seed, id, purpose), so a VE can be regenerated anywhere, on any rank, without a file.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "microstructure/volume_element.hpp"
#include "texture/quaternion.hpp"
#include "texture/sampling.hpp"
#include "texture/symmetry.hpp"

namespace mspipe::core {
class Section;
}

namespace mspipe::microstructure {

// Lognormal equivalent-sphere diameters as Dream3D defines them: mu and sigma describe
// ln(ESD); a mean ESD m gives mu = ln m - sigma^2/2; draws outside
// [exp(mu - min_cutoff sigma), exp(mu + max_cutoff sigma)] are redrawn.
struct GrainSizeParams {
  double mean_esd = 5.78;    // physical units (the paper: 5.78 with 0.25 per voxel)
  double sigma = 0.1;        // standard deviation of ln(ESD)
  double min_cutoff = 5.0;   // in units of sigma
  double max_cutoff = 5.0;
  double mu() const;
  double min_esd() const;
  double max_esd() const;
};

// Grain shape: an ellipsoid with relative semi-axes `axes` along its principal axes,
// whose orientation is given like a crystal orientation (Bunge, passive: the rotation
// maps lab to grain axes). axes = (2, 1, 1) with zero angles: elongated along x.
struct ShapeParams {
  std::array<double, 3> axes{1, 1, 1};
  texture::Vec3 axis_bunge_deg{0, 0, 0};
  bool equiaxed() const { return axes[0] == axes[1] && axes[1] == axes[2]; }
};

enum class TextureKind { uniform, component };

struct TextureParams {
  TextureKind kind = TextureKind::uniform;
  std::string name = "uniform";              // "uniform", "brass", "copper", "cube", "goss", "euler"
  texture::Vec3 component_bunge_deg{0, 0, 0};  // the component's centre (kind == component)
  double scatter_deg = 2.0;                    // angular width of the scatter
  texture::Scatter scatter = texture::Scatter::spherical;
};

// How a voxel picks its grain: the smallest weighted distance, minimum image.
//  ellipsoidal: d_i(x) = |S^-1 Q (x - s_i)| / r_i  (multiplicatively weighted; the level
//               set d_i = 1 is grain i's target ellipsoid, so cells grow like the drawn
//               grains and every seed keeps its own cell)
//  laguerre:    d_i(x) = |S^-1 Q (x - s_i)|^2 - r_i^2  (power distance; convex cells)
enum class Tessellation { ellipsoidal, laguerre };

struct GeneratorParams {
  int size = 64;                 // voxels per side
  double resolution = 0.25;      // physical length per voxel
  texture::Lattice lattice = texture::Lattice::cubic;
  Tessellation tessellation = Tessellation::ellipsoidal;
  GrainSizeParams grain_size;
  ShapeParams shape;
  TextureParams texture;
  // The dataset: VE ids 0 .. count-1, where it is written, which VEs go to .vti files.
  std::int64_t count = 1;
  std::string output = "ve.h5";
  std::vector<std::int64_t> vti_ids;
};

// Reads and validates a [generate] section; unknown keys are config errors.
GeneratorParams parse_generator_params(const core::Section& generate);
// Why the grains cannot tile the box (mean grain larger than half the box), or nullopt.
// parse_generator_params() checks it; callers that override size or resolution recheck.
std::optional<std::string> box_problem(const GeneratorParams& p);
// A [generate] section (TOML text) that parses back to `p`: stored in VE-set files.
std::string to_toml(const GeneratorParams& p);

// One VE, deterministic in (params, seed, id).
VolumeElement generate_ve(const GeneratorParams& params, std::uint64_t seed, std::int64_t id);
// The same into `out`, reusing its buffers (no page faults on fresh memory in a loop).
void generate_ve(const GeneratorParams& params, std::uint64_t seed, std::int64_t id, VolumeElement& out);

}  // namespace mspipe::microstructure
