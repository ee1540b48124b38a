// Round trips of the result schemas io holds: what a writer stores its reader gives back
// exactly, and each reader refuses the other schemas.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include "core/errors.hpp"
#include "io/cp_increments.hpp"
#include "io/cp_results.hpp"
#include "io/fingerprints.hpp"
#include "io/hdf5.hpp"
#include "io/reconstructions.hpp"
#include "io/vti.hpp"

namespace fs = std::filesystem;
using namespace mspipe;

namespace {

fs::path scratch(const char* name) {
  const auto dir = fs::temp_directory_path() / "mspipe_test_io_results";
  fs::create_directories(dir);
  return dir / name;
}

io::CpResultTable two_ves() {
  io::CpResultTable t;
  t.material = "Mg";
  t.points = 3;
  t.ve_id = {7, 4711};
  for (int i = 0; i < 2 * 3 * 6; ++i) t.stress.push_back(1e6 * i);
  t.stress[6 * 5 + 2] =
      std::numeric_limits<double>::quiet_NaN();  // VE 4711, last point: not converged
  t.strain = {0, 0.005, 0.01};
  t.status = {io::CpStatus::converged, io::CpStatus::not_converged};
  t.iterations = {31, 17};
  t.wall_s = {1.5, 2.25};
  return t;
}

}  // namespace

TEST(CpResults, ReadBackEqualsWhatWasWritten) {
  const auto path = scratch("cp.h5");
  const auto t = two_ves();
  io::write_cp_results(path, t);
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
  const auto r = io::read_cp_results(path);
  EXPECT_EQ(r.material, "Mg");
  EXPECT_EQ(r.points, 3);
  EXPECT_EQ(r.ve_id, t.ve_id);
  EXPECT_EQ(r.strain, t.strain);
  EXPECT_EQ(r.status, t.status);
  EXPECT_EQ(r.iterations, t.iterations);
  EXPECT_EQ(r.wall_s, t.wall_s);
  ASSERT_EQ(r.stress.size(), t.stress.size());
  for (std::size_t i = 0; i < t.stress.size(); ++i)
    if (std::isnan(t.stress[i]))
      EXPECT_TRUE(std::isnan(r.stress[i])) << i;
    else
      EXPECT_EQ(r.stress[i], t.stress[i]) << i;
}

TEST(CpResults, FileHoldsTheDocumentedLayout) {
  const auto path = scratch("cp_layout.h5");
  io::write_cp_results(path, two_ves());
  const auto f = io::h5::File::open(path);
  const auto& root = f.root();
  EXPECT_EQ(root.string_attribute("schema"), "mspipe.cp_campaign");
  EXPECT_EQ(root.integer_attribute("schema_version"), 1);
  EXPECT_EQ(root.dataset("stress").dims(), (io::h5::Dims{2, 3, 6}));
  EXPECT_EQ(root.dataset("stress").string_attribute("unit"), "Pa");
  EXPECT_TRUE(root.dataset("status").stores(H5T_NATIVE_INT8));
  EXPECT_EQ(root.dataset("status").read_all<std::int8_t>(), (std::vector<std::int8_t>{0, 1}));
}

TEST(CpResults, ColumnsOfTheWrongLengthAreRefused) {
  auto t = two_ves();
  t.wall_s.pop_back();
  EXPECT_THROW(io::write_cp_results(scratch("bad.h5"), t), std::invalid_argument);
  EXPECT_FALSE(fs::exists(scratch("bad.h5")));
}

TEST(CpIncrements, ReadBackEqualsWhatWasWritten) {
  io::CpIncrementTable t;
  t.solver = "spectral_basic/Newton";
  t.converged = true;
  t.wall_s = 3.5;
  t.cells = {8, 8, 4};
  t.size_m = {1e-5, 1e-5, 5e-6};
  for (int i = 0; i < 2; ++i) {
    t.increment.push_back(i), t.iterations.push_back(10 + i), t.increment_converged.push_back(1);
    t.time.push_back(0.5 * i);
    for (int k = 0; k < 9; ++k)
      t.F.push_back(k % 4 == 0 ? 1.0 + i * 1e-3 : 0), t.P.push_back(k * 1e6),
          t.sigma.push_back(-k * 1e6);
  }
  const auto path = scratch("one_sim.h5");
  io::write_cp_increments(path, t);
  const auto r = io::read_cp_increments(path);
  EXPECT_EQ(r.solver, t.solver);
  EXPECT_TRUE(r.converged);
  EXPECT_EQ(r.wall_s, t.wall_s);
  EXPECT_EQ(r.cells, t.cells);
  EXPECT_EQ(r.size_m, t.size_m);
  EXPECT_EQ(r.increment, t.increment);
  EXPECT_EQ(r.iterations, t.iterations);
  EXPECT_EQ(r.increment_converged, t.increment_converged);
  EXPECT_EQ(r.time, t.time);
  EXPECT_EQ(r.F, t.F);
  EXPECT_EQ(r.P, t.P);
  EXPECT_EQ(r.sigma, t.sigma);
  EXPECT_THROW(io::read_cp_results(path), core::InputError);  // another schema
}

TEST(Fingerprints, ReadBackEqualsWhatWasWritten) {
  io::Fingerprints f;
  f.total = 3, f.latent = 2;
  f.ve_id = {5, 6, 9};
  f.fingerprint = {0.5f, -1.f, 2.f, 0.25f, 3.f, -0.125f};
  f.model = "resnet12", f.checkpoint = "vae/checkpoint.pt",
  f.checkpoint_digest = "fnv1a64:0123456789abcdef";
  const auto path = scratch("fp.h5");
  io::write_fingerprints(path, f);
  const auto r = io::read_fingerprints(path);
  EXPECT_EQ(r.total, 3);
  EXPECT_EQ(r.first, 0);
  EXPECT_EQ(r.latent, 2);
  EXPECT_EQ(r.ve_id, f.ve_id);
  EXPECT_EQ(r.fingerprint, f.fingerprint);
  EXPECT_EQ(r.model, f.model);
  EXPECT_EQ(r.checkpoint, f.checkpoint);
  EXPECT_EQ(r.checkpoint_digest, f.checkpoint_digest);
  f.fingerprint.pop_back();
  EXPECT_THROW(io::write_fingerprints(scratch("fp_bad.h5"), f), std::invalid_argument);
}

TEST(Fingerprints, OtherFilesAreRefusedNamingTheFile) {
  const auto path = scratch("not_fp.h5");
  io::write_cp_results(path, two_ves());
  try {
    io::read_fingerprints(path);
    FAIL() << "a CP result file was read as fingerprints";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("not_fp.h5: error: not a fingerprint file"),
              std::string::npos)
        << e.what();
  }
}

TEST(Reconstructions, ReadBackAndOneVtiPerVeWithInterleavedComponents) {
  io::Reconstructions r;
  r.total = 2, r.edge = 2;
  r.ve_id = {3, 8};
  r.phi4 = {0.01, 0.02};
  for (int i = 0; i < 2 * 3 * 8; ++i)
    r.input.push_back(i / 48.f), r.reconstruction.push_back(1 - i / 48.f);
  r.voxel_phi4.assign(2 * 8, 0.5f);
  r.model = "resnet12", r.checkpoint = "c.pt";
  const auto path = scratch("rec.h5");
  io::write_reconstructions(path, r);
  const auto back = io::read_reconstructions(path);
  EXPECT_EQ(back.ve_id, r.ve_id);
  EXPECT_EQ(back.edge, 2);
  EXPECT_EQ(back.phi4, r.phi4);
  EXPECT_EQ(back.input, r.input);
  EXPECT_EQ(back.reconstruction, r.reconstruction);
  const auto dir = scratch("rec_vti");
  fs::create_directories(dir);
  io::write_reconstruction_vtis(dir, r);
  const auto img = io::vti::read(dir / "ve_8_reconstruction.vti");
  const auto euler = img.get("euler_normalised", "").as_double();
  // VE 8 is the second row: channel c of voxel v is input[24 + 8 c + v], stored at 3 v + c.
  ASSERT_EQ(euler.size(), 24u);
  EXPECT_FLOAT_EQ(euler[3 * 5 + 1], r.input[24 + 8 * 1 + 5]);
  EXPECT_EQ(img.get("phi4", "").size(), 8u);
}
