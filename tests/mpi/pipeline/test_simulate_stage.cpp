// The simulate stage's file does not depend on how the ranks are grouped: ranks_per_sim
// 1 and 2 on 2 and 4 ranks give, row by row, what one rank alone gives, including a VE
// that does not converge (status not_converged, NaN after the initial state).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "core/comm.hpp"
#include "cp/engine.hpp"
#include "io/cp_results.hpp"
#include "pipeline/generate_stage.hpp"
#include "pipeline/simulate_stage.hpp"
#include "support/scratch_dir.hpp"

namespace fs = std::filesystem;
using namespace mspipe;

namespace {

constexpr std::int64_t kStuckVe = 1;

// The built-in engine, except that VE kStuckVe gets tolerances no iteration can meet and
// no cutbacks: a real solver run that ends not converged in its first increment.
class OneVeStuck final : public cp::Engine {
 public:
  std::string_view name() const override { return "one_ve_stuck"; }
  cp::EngineRun run(const core::Comm& comm, const cp::GridMaterial& grid, const cp::LoadCase& load,
                    std::int64_t ve_id) const override {
    return (ve_id == kStuckVe ? stuck_ : normal_).run(comm, grid, load, ve_id);
  }

 private:
  static cp::SolverNumerics impossible() {
    cp::SolverNumerics n;
    n.eps_abs_div = n.eps_rel_div = 1e-300;
    n.N_iter_max = 2;
    n.N_cutback_max = 0;
    return n;
  }
  cp::SpectralEngine normal_{cp::SolverNumerics{}};
  cp::SpectralEngine stuck_{impossible()};
};

pipeline::SimulateJob job(const fs::path& dir, const std::string& output, int ranks_per_sim) {
  pipeline::SimulateJob j;
  j.input = dir / "ves.h5";
  j.output = dir / output;
  j.phase = cp::make_phase(cp::preset_phase("Cu"));
  j.load = cp::uniaxial_tension_z(1e-3, 0.4, 2);
  j.ranks_per_sim = ranks_per_sim;
  return j;
}

void expect_same_rows(const io::CpResultTable& ref, const io::CpResultTable& got, const std::string& what) {
  ASSERT_EQ(ref.count(), got.count()) << what;
  ASSERT_EQ(ref.points, got.points) << what;
  for (std::int64_t i = 0; i < ref.count(); ++i) {
    EXPECT_EQ(ref.ve_id[i], got.ve_id[i]) << what << " row " << i;
    EXPECT_EQ(ref.status[i], got.status[i]) << what << " row " << i;
    EXPECT_EQ(ref.iterations[i], got.iterations[i]) << what << " row " << i;
  }
  for (std::size_t k = 0; k < ref.stress.size(); ++k) {
    const double a = ref.stress[k], b = got.stress[k];
    if (std::isnan(a)) {
      EXPECT_TRUE(std::isnan(b)) << what << " stress entry " << k;
    } else {
      // Another slab decomposition rounds the FFTs differently, and the iteration stops
      // within DAMASK's tolerances of the solution (eps_rel_div 5e-4): the same
      // iterations reach the same stress to a small fraction of that, measured on the
      // point's axial stress (the free components are zero to within eps_abs_P = 1 kPa).
      const double axial = std::abs(ref.stress[k - k % 6 + 2]);
      EXPECT_NEAR(a, b, 1e-5 * axial + 1.0) << what << " stress entry " << k;
    }
  }
  for (std::size_t k = 0; k < ref.strain.size(); ++k) EXPECT_NEAR(ref.strain[k], got.strain[k], 1e-12) << what;
}

}  // namespace

TEST(SimulateStage, RowsAreIndependentOfRanksPerSimAndRankCount) {
  core::Comm world(MPI_COMM_WORLD);
  const auto dir = test_scratch::fresh_scratch_dir("simulate_stage", world);
  pipeline::GenerateJob set;
  set.params.count = 3;  // not a multiple of the group count on 2 or 4 ranks
  set.params.size = 8;
  set.params.resolution = 1.0;
  set.params.grain_size.mean_esd = 4.0;
  set.params.grain_size.sigma = 0.2;
  set.seed = 5;
  set.output = dir / "ves.h5";
  pipeline::run_generate(set, world);

  const OneVeStuck engine;
  for (int ranks_per_sim : {1, 2})
    pipeline::run_simulations(world, job(dir, "ranks_per_sim_" + std::to_string(ranks_per_sim) + ".h5", ranks_per_sim),
                              engine);
  // The reference: rank 0 alone, on a communicator of its own.
  if (world.rank() == 0) {
    const core::Comm alone(MPI_COMM_SELF);
    pipeline::run_simulations(alone, job(dir, "one_rank.h5", 1), engine);
  }
  world.barrier();
  if (world.rank() != 0) return;
  for (int ranks_per_sim : {1, 2}) {
    const std::string name = "ranks_per_sim_" + std::to_string(ranks_per_sim) + ".h5";
    const auto ref = io::read_cp_results(dir / "one_rank.h5");
    const auto got = io::read_cp_results(dir / name);
    expect_same_rows(ref, got, name);
    // The stuck VE is a result: not converged, the initial state kept, NaN after it.
    ASSERT_EQ(ref.count(), 3);
    EXPECT_EQ(ref.status[kStuckVe], io::CpStatus::not_converged);
    EXPECT_EQ(ref.status[0], io::CpStatus::converged);
    EXPECT_EQ(ref.status[2], io::CpStatus::converged);
    const std::size_t row = std::size_t(kStuckVe) * std::size_t(ref.points) * 6;
    for (int c = 0; c < 6; ++c) EXPECT_NEAR(ref.stress[row + c], 0.0, 1e-3);  // Pa: the unloaded state
    for (std::size_t k = 6; k < std::size_t(ref.points) * 6; ++k) EXPECT_TRUE(std::isnan(ref.stress[row + k]));
    // A converged VE pulled along z: σ_zz grows, the stress-free components stay near zero.
    EXPECT_GT(ref.stress[2 * 6 + 2], ref.stress[1 * 6 + 2]);
    EXPECT_GT(ref.stress[1 * 6 + 2], 1e6);
    for (int c : {0, 1}) EXPECT_LT(std::abs(ref.stress[2 * 6 + c]), 1e-3 * ref.stress[2 * 6 + 2]) << c;
  }
}
