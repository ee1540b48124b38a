// DAMASK_grid input writers: what they write, the readers read back to the same objects;
// the DADF5 reader's averages on a hand-made result file.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "core/errors.hpp"
#include "cp/damask/dadf5_reader.hpp"
#include "cp/damask/damask_grid_runner.hpp"
#include "cp/damask/damask_files.hpp"
#include "cp/damask/damask_writers.hpp"
#include "io/hdf5.hpp"
#include "../../support/dadf5_layout.hpp"
#include "phase_compare.hpp"
#include "support/scratch_dir.hpp"

using namespace mspipe;
using namespace mspipe::cp;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
  static const auto dir = mspipe::test_scratch::fresh_scratch_dir("damask_writers");
  return dir / name;
}

std::string text_of(const fs::path& f) {
  std::ifstream in(f);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every member of a Phase, exactly.
void expect_identical(const Phase& a, const Phase& b) {
  EXPECT_EQ(a.name, b.name);
  test_support::expect_same_parameters(a, b);
}

// Cu and Mg (hP with c/a and twins; non-default c_1..c_4, atol) on a 4x3x2 grid of
// five grains with unusual orientations.
GridMaterial two_phase_grid() {
  GridMaterial g;
  g.cells = {4, 3, 2};
  g.size = {4e-6, 3.3e-6, 1.7e-6};
  auto mg = preset_phase("Mg");
  mg.plastic["c_1"] = {0.5, 0.25, 1.5, 0, 2};
  mg.plastic["c_3"] = {0.75, 1, 1.25};
  mg.plastic["c_4"] = {0.1, 0, 0.3};
  mg.plastic["h_sl-sl"][3] = 1.7;  // one interaction coefficient differs from the rest
  mg.plastic["atol_xi"] = {0.5};
  g.phases = {make_phase(preset_phase("Cu")), make_phase(mg)};
  const double s = 1 / std::sqrt(2.0);
  g.materials = {{0, {1, 0, 0, 0}},
                 {1, {s, s, 0, 0}},
                 {0, {-0.5, 0.5, -0.5, 0.5}},  // w < 0: written as its w > 0 twin
                 {1, {0.1 / 0.3, 0.2 / 0.3, 0.2 / 0.3, 0.0}},
                 {0, {0, 0, 0, 1}}};
  for (int c = 0; c < 24; ++c) g.material.push_back((c * 7 + c / 5) % 5);
  return g;
}

}  // namespace

TEST(DamaskWriters, PhaseParametersRebuildThePhase) {
  for (const char* name : {"Cu", "Mg"}) {
    const auto phase = make_phase(preset_phase(name));
    expect_identical(make_phase(damask::phase_parameters(phase)), phase);
  }
}

TEST(DamaskWriters, PhaseParametersArePerFamilyAndByType) {
  const auto spec = damask::phase_parameters(make_phase(preset_phase("Mg")));
  EXPECT_EQ(spec.lattice, "hP");
  EXPECT_EQ(spec.c_over_a, 1.6235);
  EXPECT_EQ(spec.elastic.at("C_13"), std::vector<double>{21.5e9});
  EXPECT_EQ(spec.elastic.at("C_33"), std::vector<double>{61.7e9});
  // Active families keep their values; the empty 4th slip family takes the first one's.
  EXPECT_EQ(spec.plastic.at("xi_0_sl"), (std::vector<double>{10e6, 55e6, 60e6, 10e6, 60e6}));
  EXPECT_EQ(spec.plastic.at("xi_0_tw"), (std::vector<double>{40e6, 40e6, 60e6}));
  // The list ends at the highest interaction type the active systems use.
  const auto& h = spec.plastic.at("h_sl-sl");
  for (double v : h) EXPECT_TRUE(v == 0.0 || v == 1.0);
  EXPECT_EQ(h.back(), 1.0);
  // Copper's 12 octahedral systems use DAMASK's 7 cF types: the example's list comes back.
  EXPECT_EQ(damask::phase_parameters(make_phase(preset_phase("Cu"))).plastic.at("h_sl-sl"),
            (std::vector<double>{1, 1, 5.123, 0.574, 1.123, 1.123, 1}));
}

TEST(DamaskWriters, MaterialAndGeometryRoundTrip) {
  const auto g = two_phase_grid();
  for (auto enc : {damask::GeometryEncoding::zlib, damask::GeometryEncoding::plain}) {
    damask::write_geometry(scratch("geom.vti"), g, enc);
    damask::write_material(scratch("material.yaml"), g);
    GridMaterial r;
    damask::read_material(scratch("material.yaml"), r);
    damask::read_geometry(scratch("geom.vti"), r);
    EXPECT_EQ(r.cells, g.cells);
    for (int d = 0; d < 3; ++d) EXPECT_DOUBLE_EQ(r.size[d], g.size[d]);
    EXPECT_EQ(r.material, g.material);
    ASSERT_EQ(r.phases.size(), 2u);
    expect_identical(r.phases[0], g.phases[0]);
    expect_identical(r.phases[1], g.phases[1]);
    ASSERT_EQ(r.materials.size(), g.materials.size());
    for (std::size_t i = 0; i < g.materials.size(); ++i) {
      EXPECT_EQ(r.materials[i].phase, g.materials[i].phase);
      const auto a = texture::standardised(texture::normalised(g.materials[i].orientation));
      const auto b = r.materials[i].orientation;
      EXPECT_GE(b.w, 0.0);
      EXPECT_NEAR(a.w, b.w, 1e-15);
      EXPECT_NEAR(a.x, b.x, 1e-15);
      EXPECT_NEAR(a.y, b.y, 1e-15);
      EXPECT_NEAR(a.z, b.z, 1e-15);
    }
  }
  EXPECT_FALSE(fs::exists(scratch("material.yaml.tmp")));
  const auto text = text_of(scratch("material.yaml"));
  EXPECT_NE(text.find("output: [F, P]"), std::string::npos) << text;
  EXPECT_NE(text.find("c/a: 1.6235"), std::string::npos) << text;
  EXPECT_NE(text.find("type: pass"), std::string::npos) << text;
  EXPECT_NE(text.find("O: [0.5, -0.5, 0.5, -0.5]"), std::string::npos) << text;
}

TEST(DamaskWriters, PhaseLabelsAreUsableGroupNames) {
  GridMaterial g;
  g.phases.resize(3);
  g.phases[0].name = "Cu";
  g.phases[1].name = "Cu";
  g.phases[2].name = "a/b c";
  EXPECT_EQ(damask::phase_labels(g), (std::vector<std::string>{"Cu", "Cu_1", "a_b_c_2"}));
}

TEST(DamaskWriters, LoadRoundTrip) {
  LoadCase lc = uniaxial_tension_z(1e-3, 10.0, 20);
  LoadStep s;  // F prescribed in full but for two components, dot_P elsewhere
  s.deformation_type = LoadStep::Deformation::F;
  s.stress_type = LoadStep::Stress::dot_P;
  for (int i = 0; i < 9; ++i) {
    s.deformation_mask[i] = i != 1 && i != 5;
    s.stress_mask[i] = !s.deformation_mask[i];
    s.deformation.data()[i] = s.deformation_mask[i] ? (i % 4 == 0 ? 1.0 + 1e-3 * i : 1e-4 * i) : 0.0;
    s.stress.data()[i] = s.stress_mask[i] ? -2.5e6 * i : 0.0;
  }
  s.t = 3.25;
  s.N = 7;
  s.f_out = 2;
  s.estimate_rate = false;
  lc.steps.push_back(s);
  LoadStep l = lc.steps[0];  // velocity gradient, no stress at all
  l.deformation_type = LoadStep::Deformation::L;
  l.deformation_mask.fill(true);
  l.stress_mask.fill(false);
  l.deformation = Mat3::Zero();
  l.deformation(0, 1) = 1e-3;
  lc.steps.push_back(l);
  damask::write_load(scratch("load.yaml"), lc);
  const auto r = damask::read_load(scratch("load.yaml"));
  ASSERT_EQ(r.steps.size(), lc.steps.size());
  for (std::size_t i = 0; i < lc.steps.size(); ++i) {
    const auto &a = lc.steps[i], &b = r.steps[i];
    EXPECT_EQ(a.deformation_type, b.deformation_type);
    EXPECT_EQ(a.deformation_mask, b.deformation_mask);
    EXPECT_EQ(a.stress_mask, b.stress_mask);
    EXPECT_EQ(a.deformation, b.deformation);
    EXPECT_EQ(a.stress, b.stress);
    if (b.stress_mask != std::array<bool, 9>{}) {
      EXPECT_EQ(a.stress_type, b.stress_type);
    }
    EXPECT_EQ(a.t, b.t);
    EXPECT_EQ(a.N, b.N);
    EXPECT_EQ(a.f_out, b.f_out);
    EXPECT_EQ(a.estimate_rate, b.estimate_rate);
  }
  EXPECT_NE(text_of(scratch("load.yaml")).find("dot_F: [[x, 0, 0], [0, x, 0], [0, 0, 0.001]]"),
            std::string::npos);
}

TEST(DamaskWriters, NumericsRoundTrip) {
  SolverNumerics n;
  n.N_iter_min = 2;
  n.N_iter_max = 77;
  n.eps_abs_div = 3e-5;
  n.eps_rel_div = 1.5e-4;
  n.eps_abs_P = 250.0;
  n.eps_rel_P = 2e-3;
  n.N_cutback_max = 5;
  n.update_gamma = true;
  n.petsc_options = "-snes_max_funcs 500";
  n.material = {33, 0.4, 2e-6, 3e-9, 17, 5e-7, 0.3, 2e-3, 1.25};
  damask::write_numerics(scratch("numerics.yaml"), n);
  SolverNumerics r;
  damask::read_numerics(scratch("numerics.yaml"), r);
  EXPECT_EQ(r.N_iter_min, n.N_iter_min);
  EXPECT_EQ(r.N_iter_max, n.N_iter_max);
  EXPECT_EQ(r.eps_abs_div, n.eps_abs_div);
  EXPECT_EQ(r.eps_rel_div, n.eps_rel_div);
  EXPECT_EQ(r.eps_abs_P, n.eps_abs_P);
  EXPECT_EQ(r.eps_rel_P, n.eps_rel_P);
  EXPECT_EQ(r.N_cutback_max, n.N_cutback_max);
  EXPECT_EQ(r.update_gamma, n.update_gamma);
  EXPECT_EQ(r.petsc_options, n.petsc_options);
  const auto &a = n.material, &b = r.material;
  EXPECT_EQ(a.n_iter_Lp, b.n_iter_Lp);
  EXPECT_EQ(a.r_linesearch_Lp, b.r_linesearch_Lp);
  EXPECT_EQ(a.eps_rel_Lp, b.eps_rel_Lp);
  EXPECT_EQ(a.eps_abs_Lp, b.eps_abs_Lp);
  EXPECT_EQ(a.n_iter_state, b.n_iter_state);
  EXPECT_EQ(a.eps_rel_state, b.eps_rel_state);
  EXPECT_EQ(a.r_cutback, b.r_cutback);
  EXPECT_EQ(a.r_cutback_min, b.r_cutback_min);
  EXPECT_EQ(a.r_increase, b.r_increase);
  const auto text = text_of(scratch("numerics.yaml"));
  EXPECT_NE(text.find("eps_abs_div(P): 3e-05"), std::string::npos) << text;
}

// Three cells: cells 0 and 2 in phase "B" (rows 1 and 0), cell 1 in phase "Alpha".
TEST(Dadf5Reader, AveragesFollowTheCellMap) {
  const auto file = scratch("result.hdf5");
  Mat3 F0, F1, F2, P0, P1, P2;
  F0 << 1.1, 0.2, 0, 0, 1, 0, 0, 0.1, 0.9;
  F1 << 1, 0, 0.3, 0, 1.2, 0, 0, 0, 1;
  F2 = Mat3::Identity();
  P0 << 1e6, 2e6, 0, 3e6, 0, 0, 0, 0, 5e6;
  P1 << 0, 0, 4e6, 0, 7e6, 0, 1e6, 0, 0;
  P2 << 9e6, 0, 0, 0, 0, 0, 0, 0, 0;
  auto flat = [](std::initializer_list<const Mat3*> ms) {
    std::vector<double> v;
    for (const Mat3* m : ms) v.insert(v.end(), m->data(), m->data() + 9);
    return v;
  };
  {
    auto f = io::h5::File::create(file);
    test::write_cell_to_phase(f.root(), {"B", "Alpha", "B"}, {1, 0, 0});
    const std::vector<std::string> names{"Alpha", "B"};
    test::write_increment(f.root(), 0, 0.0, names, {flat({&F2}), flat({&F2, &F2})},
                          {flat({&P2}), flat({&P2, &P2})});
    test::write_increment(f.root(), 10, 2.5, names, {flat({&F1}), flat({&F2, &F0})},
                          {flat({&P1}), flat({&P2, &P0})});
    test::write_increment(f.root(), 5, 1.25, names, {flat({&F1}), flat({&F2, &F0})},
                          {flat({&P1}), flat({&P2, &P0})});
    f.root().create_group("increment_x");  // not an increment: ignored
    f.commit();
  }
  const auto r = damask::read_dadf5(file);
  ASSERT_EQ(r.increments.size(), 3u);
  EXPECT_EQ(r.increments[0].increment, 0);
  EXPECT_EQ(r.increments[1].increment, 5);
  EXPECT_EQ(r.increments[2].increment, 10);
  EXPECT_EQ(r.increments[1].time, 1.25);
  EXPECT_EQ(r.increments[2].time, 2.5);
  auto cauchy = [](const Mat3& F, const Mat3& P) {
    const Mat3 s = P * F.transpose() / F.determinant();
    return Mat3(0.5 * (s + s.transpose()));
  };
  const auto& inc = r.increments[2];
  EXPECT_LT((inc.F_avg - (F0 + F1 + F2) / 3).norm(), 1e-15);
  EXPECT_LT((inc.P_avg - (P0 + P1 + P2) / 3).norm(), 1e-8);
  const Mat3 sigma = (cauchy(F0, P0) + cauchy(F1, P1) + cauchy(F2, P2)) / 3;
  EXPECT_LT((inc.sigma_avg - sigma).norm(), 1e-9 * sigma.norm());
  EXPECT_EQ(r.increments[0].F_avg, Mat3::Identity());
}

TEST(Dadf5Reader, MissingPiecesNameTheFile) {
  const auto file = scratch("bad_result.hdf5");
  {
    auto f = io::h5::File::create(file);
    test::write_cell_to_phase(f.root(), {"A", "A"}, {0, 1});
    const auto F = std::vector<double>(9, 0.0);
    test::write_increment(f.root(), 0, 0.0, {"A"}, {F}, {F});  // one row, two cells
    f.commit();
  }
  try {
    damask::read_dadf5(file);
    FAIL() << "no error";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad_result.hdf5"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("has 1 entries"), std::string::npos) << e.what();
  }
  std::ofstream(scratch("not.hdf5")) << "text";
  EXPECT_THROW(damask::read_dadf5(scratch("not.hdf5")), core::InputError);
  EXPECT_THROW(damask::read_dadf5(scratch("absent.hdf5")), core::InputError);
}

TEST(Dadf5Reader, StaIterationsSumSubIncrements) {
  std::ofstream(scratch("job.sta"))
      << "Increment Time CutbackLevel Converged IterationsNeeded StagIterationsNeeded\n"
      << "           1   0.5   0 T          12           1\n"
      << "           2   0.75  1 T           7           1\n"
      << "           2   1.0   1 T           5           1\n";
  const auto sta = damask::read_sta(scratch("job.sta"));
  EXPECT_EQ(sta.at(1).iterations, 12);
  EXPECT_EQ(sta.at(1).cutbacks, 0);
  EXPECT_EQ(sta.at(2).iterations, 12);
  EXPECT_EQ(sta.at(2).sub_steps, 2);
  EXPECT_EQ(sta.at(2).cutbacks, 1);
  std::ofstream(scratch("bad.sta")) << "header\n 1 x\n";
  EXPECT_THROW(damask::read_sta(scratch("bad.sta")), core::InputError);
  std::ofstream(scratch("bad_flag.sta")) << "header\n 1 0.5 0 yes 3 1\n";
  EXPECT_THROW(damask::read_sta(scratch("bad_flag.sta")), core::InputError);
}

// Lines as DAMASK_grid v3.0.2 wrote them: case D with N_iter_max 1 and N_cutback_max 1
// (increment 1 halved once, its two sub-steps at level 1, the level back to 0 after it),
// and a second halving on top of a level left from the increment before.
TEST(Dadf5Reader, StaCutbacksCountFromTheLevelTheIncrementStartsAt) {
  std::ofstream(scratch("cut.sta"))
      << "Increment Time CutbackLevel Converged IterationsNeeded StagIterationsNeeded\n"
      << "           1  0.25000000000000000                1 T           1           2\n"
      << "           1  0.50000000000000000                1 T           1           2\n"
      << "           2   1.0000000000000000                0 T           1           2\n"
      << "           3   1.2500000000000000                1 T          55           2\n"
      << "           3   1.3750000000000000                2 T          30           2\n"
      << "           3   1.5000000000000000                2 T           9           2\n"
      << "           4   1.6250000000000000                1 T           4           2\n"
      << "           4   1.7500000000000000                1 T           3           2\n"
      << "           5   2.0000000000000000                0 T           2           2\n";
  const auto sta = damask::read_sta(scratch("cut.sta"));
  ASSERT_EQ(sta.size(), 5u);
  EXPECT_EQ(sta.at(1).cutbacks, 1);
  EXPECT_EQ(sta.at(1).iterations, 2);
  EXPECT_EQ(sta.at(2).cutbacks, 0);
  EXPECT_EQ(sta.at(3).cutbacks, 2);
  EXPECT_EQ(sta.at(3).iterations, 94);
  EXPECT_EQ(sta.at(3).sub_steps, 3);
  EXPECT_EQ(sta.at(4).cutbacks, 0);  // starts at level 1 (2 - 1) and stays there
  EXPECT_EQ(sta.at(5).cutbacks, 0);
}

// DAMASK_grid v3.0.2's last lines when an increment fails after all cutbacks (exit 1).
TEST(DamaskGridRunner, MaxCutbacksIsRecognisedInTheLog) {
  const std::string box =
      " error stress BC  =        21.02 (4.32E+05 Pa,  tol =  2.06E+04)\n\n"
      " \u250c\u2500\u2500\u2510\n"
      " \u2502                        error 950                                    \u2502\n"
      " \u251c\u2500\u2500\u2524\n"
      " \u2502 max number of cutbacks exceeded, terminating                        \u2502\n"
      "STOP 1\n";
  EXPECT_TRUE(damask::reports_max_cutbacks(box));
  EXPECT_FALSE(damask::reports_max_cutbacks(" increment 20 converged\nSTOP 0\n"));
  EXPECT_FALSE(damask::reports_max_cutbacks(" error 950\n"));  // another message under that number
  EXPECT_FALSE(damask::reports_max_cutbacks("max number of cutbacks exceeded\n error 950\n"));
}
