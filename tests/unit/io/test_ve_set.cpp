#include <gtest/gtest.h>
#include <mpi.h>

#include <filesystem>

#include "core/comm.hpp"
#include "core/errors.hpp"
#include "io/hdf5.hpp"
#include "io/ve_set.hpp"
#include "../../support/fake_ve.hpp"
#include "support/scratch_dir.hpp"

namespace fs = std::filesystem;
using namespace mspipe;
using mspipe::test_support::fake_ve;

namespace {

// Serial tests need a communicator of one rank.
struct MpiEnvironment : ::testing::Environment {
  void SetUp() override {
    int init = 0;
    MPI_Initialized(&init);
    if (!init) MPI_Init(nullptr, nullptr);
  }
  void TearDown() override { MPI_Finalize(); }
};
const auto* const kMpi = ::testing::AddGlobalTestEnvironment(new MpiEnvironment);
}  // namespace

TEST(VeSet, WritesAndReadsBackEveryField) {
  const auto path = mspipe::test_scratch::fresh_scratch_dir("ve_set_round_trip") / "set.h5";
  const int d = 6;
  core::Comm self(MPI_COMM_SELF);
  io::VeSetHeader h{d, 0.25, "cubic", 42, 5, "[generate]\nsize = 6\n"};
  {
    io::VeSetWriter w(path, h, self);
    std::vector<microstructure::VolumeElement> a = {fake_ve(10, d), fake_ve(11, d)};
    std::vector<microstructure::VolumeElement> b = {fake_ve(12, d), fake_ve(13, d), fake_ve(14, d)};
    w.append(0, a);
    w.append(2, b);
    w.commit();
  }
  io::VeSetReader r(path);
  EXPECT_EQ(r.count(), 5);
  EXPECT_EQ(r.header().size, d);
  EXPECT_EQ(r.header().lattice, "cubic");
  EXPECT_EQ(r.header().seed, 42u);
  EXPECT_EQ(r.header().generator, h.generator);
  EXPECT_EQ(r.ids(), (std::vector<std::int64_t>{10, 11, 12, 13, 14}));
  for (std::int64_t i = 0; i < 5; ++i) {
    const auto want = fake_ve(10 + i, d);
    const auto got = r.read(i);
    EXPECT_EQ(got.id, want.id);
    EXPECT_EQ(got.euler, want.euler);
    EXPECT_EQ(got.grain_id, want.grain_id);
    ASSERT_EQ(got.grains.size(), want.grains.size());
    for (std::size_t k = 0; k < got.grains.size(); ++k) {
      EXPECT_EQ(got.grains[k].orientation.z, want.grains[k].orientation.z);
      EXPECT_EQ(got.grains[k].volume_voxels, want.grains[k].volume_voxels);
      EXPECT_EQ(got.grains[k].centre, want.grains[k].centre);
      EXPECT_EQ(got.grains[k].target_esd, want.grains[k].target_esd);
    }
    EXPECT_EQ(got.stats.face_grains, want.stats.face_grains);
    EXPECT_EQ(got.stats.mean_esd, want.stats.mean_esd);
  }
  std::vector<float> batch(2 * 3 * d * d * d);
  r.read_euler(3, 2, batch);
  EXPECT_EQ(std::vector<float>(batch.begin(), batch.begin() + 3 * d * d * d), fake_ve(13, d).euler);
  EXPECT_THROW(r.read(5), core::InputError);
}

TEST(VeSet, IncompleteSetIsNotPublished) {
  const auto path = mspipe::test_scratch::fresh_scratch_dir("ve_set_partial") / "partial.h5";
  core::Comm self(MPI_COMM_SELF);
  {
    io::VeSetWriter w(path, {4, 1.0, "cubic", 1, 3, ""}, self);
    std::vector<microstructure::VolumeElement> a = {fake_ve(0, 4)};
    w.append(0, a);
    EXPECT_THROW(w.commit(), core::CollectiveError);
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
}

TEST(VeSet, ReaderRejectsOtherFiles) {
  const auto path = mspipe::test_scratch::fresh_scratch_dir("ve_set_other") / "other.h5";
  {
    auto f = io::h5::File::create(path);
    f.root().write_attribute("schema", "something.else");
    f.commit();
  }
  try {
    io::VeSetReader r(path);
    FAIL() << "no error";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("not a VE set"), std::string::npos) << e.what();
  }
}
