#include <gtest/gtest.h>

#include "cp/phase.hpp"
#include "cp/simulation.hpp"
#include "microstructure/generator.hpp"
#include "pipeline/ve_sources.hpp"

namespace mspipe {
namespace {

microstructure::GeneratorParams mg_like(int size, double resolution) {
  microstructure::GeneratorParams p;
  p.size = size, p.resolution = resolution, p.grain_size.mean_esd = 5.78;
  p.lattice = texture::Lattice::hexagonal;
  return p;
}

TEST(GeneratedSource, GivesTheGeneratorsVeForEachId) {
  microstructure::GeneratorParams p;
  p.size = 16, p.resolution = 1.0, p.grain_size.mean_esd = 6.0;
  auto src = pipeline::make_generated_source(p, 21, 40, 3);
  EXPECT_EQ(src->edge(), 16);
  EXPECT_EQ(src->id(2), 42);
  std::vector<float> v(src->floats_per_ve());
  src->load(2, v);
  EXPECT_EQ(v, microstructure::generate_ve(p, 21, 42).euler);
}

// The encoder of a downsampled VE must see the grid the crystal plasticity simulated:
// each coarse voxel carries the Euler angles of the grain cp::grid_from_ve gives that cell.
TEST(DownsampledSource, SeesTheCellsOfTheSimulatedGrid) {
  const auto p = mg_like(32, 0.5);
  const auto fine = microstructure::generate_ve(p, 20251130, 7);
  const auto phase = cp::make_phase(cp::preset_phase("Mg"));
  for (const int f : {2, 4}) {
    const auto grid = cp::grid_from_ve(fine, phase, f);
    auto src = pipeline::make_downsampled_source(pipeline::make_generated_source(p, 20251130, 7, 1), f);
    ASSERT_EQ(src->edge(), 32 / f);
    EXPECT_EQ(src->id(0), 7);
    std::vector<float> coarse(src->floats_per_ve());
    src->load(0, coarse);
    const std::size_t n = grid.material.size(), nf = fine.grain_id.size();
    ASSERT_EQ(coarse.size(), 3 * n);
    // The fine VE's Euler angles of grain g, taken at any of its voxels.
    std::vector<std::size_t> voxel_of(fine.grains.size(), nf);
    for (std::size_t v = 0; v < nf; ++v) voxel_of[static_cast<std::size_t>(fine.grain_id[v])] = v;
    for (std::size_t cell = 0; cell < n; ++cell) {
      const auto v = voxel_of[static_cast<std::size_t>(grid.material[cell])];
      for (std::size_t c = 0; c < 3; ++c) ASSERT_EQ(coarse[c * n + cell], fine.euler[c * nf + v]) << cell;
    }
  }
}

// The baselines' coarse VE is the same grid: grain ids are the simulation's cells, Euler
// channels what the downsampled encoder input holds, every grain kept.
TEST(CoarseVe, IsTheSimulatedGridAndTheEncodersInput) {
  const auto p = mg_like(32, 0.5);
  const auto fine = microstructure::generate_ve(p, 20251130, 3);
  const auto coarse = pipeline::coarse_ve(fine, 2);
  EXPECT_EQ(coarse.size, 16);
  EXPECT_DOUBLE_EQ(coarse.resolution, 1.0);
  EXPECT_EQ(coarse.grains.size(), fine.grains.size());
  EXPECT_EQ(coarse.grain_id, cp::grid_from_ve(fine, cp::make_phase(cp::preset_phase("Mg")), 2).material);
  auto src = pipeline::make_downsampled_source(pipeline::make_generated_source(p, 20251130, 3, 1), 2);
  std::vector<float> seen(src->floats_per_ve());
  src->load(0, seen);
  EXPECT_EQ(coarse.euler, seen);
  EXPECT_THROW(pipeline::coarse_ve(fine, 5), std::invalid_argument);
}

TEST(DownsampledSource, RefusesAFactorThatDoesNotDivideTheVe) {
  EXPECT_THROW(pipeline::make_downsampled_source(pipeline::make_generated_source(mg_like(32, 0.5), 1, 0, 1), 3),
               std::invalid_argument);
}

TEST(AtModelSize, DownsamplesByTheWholeRatioAndLeavesOtherSizes) {
  const auto p = mg_like(32, 0.5);
  EXPECT_EQ(pipeline::at_model_size(pipeline::make_generated_source(p, 1, 0, 1), 16)->edge(), 16);
  EXPECT_EQ(pipeline::at_model_size(pipeline::make_generated_source(p, 1, 0, 1), 8)->edge(), 8);
  EXPECT_EQ(pipeline::at_model_size(pipeline::make_generated_source(p, 1, 0, 1), 32)->edge(), 32);
  // 32 is not a multiple of 12 nor of 64: the encoder reports the mismatch.
  EXPECT_EQ(pipeline::at_model_size(pipeline::make_generated_source(p, 1, 0, 1), 12)->edge(), 32);
  EXPECT_EQ(pipeline::at_model_size(pipeline::make_generated_source(p, 1, 0, 1), 64)->edge(), 32);
}

}  // namespace
}  // namespace mspipe
