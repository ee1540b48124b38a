// The VE-set writer on several ranks must produce the same content as on one rank.
#include <gtest/gtest.h>

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

// Writes VEs 0..n-1 in blocks of `block` per rank per step, as `mspipe generate` does.
void write_set(const fs::path& path, const core::Comm& comm, int n, int d, int block) {
  io::VeSetWriter w(path, {d, 0.5, "hexagonal", 9, n, "gen"}, comm);
  for (std::int64_t step = 0; step * block * comm.size() < n; ++step) {
    const std::int64_t begin = std::min<std::int64_t>(n, step * block * comm.size() + std::int64_t(comm.rank()) * block);
    const std::int64_t end = std::min<std::int64_t>(n, begin + block);
    std::vector<microstructure::VolumeElement> mine;
    for (std::int64_t i = begin; i < end; ++i) mine.push_back(fake_ve(i, d));
    w.append(begin, mine);
  }
  w.commit();
}

template <class T>
void expect_same(const io::h5::File& a, const io::h5::File& b, const std::string& group, const std::string& name) {
  const auto da = a.root().group(group).dataset(name);
  const auto db = b.root().group(group).dataset(name);
  EXPECT_EQ(da.dims(), db.dims()) << group << "/" << name;
  EXPECT_EQ(da.read_all<T>(), db.read_all<T>()) << group << "/" << name;
}
}  // namespace

TEST(VeSetParallel, ContentIsIndependentOfRankCount) {
  core::Comm world(MPI_COMM_WORLD);
  const auto dir = mspipe::test_scratch::fresh_scratch_dir("ve_set_parallel", world);
  const auto par = dir / "parallel.h5";
  const auto ser = dir / "serial.h5";
  const int n = 11, d = 5;  // 11 VEs: the last step leaves some ranks without work
  write_set(par, world, n, d, 2);
  if (world.rank() == 0) {
    core::Comm self(MPI_COMM_SELF);
    write_set(ser, self, n, d, 3);
    auto a = io::h5::File::open(par);
    auto b = io::h5::File::open(ser);
    expect_same<float>(a, b, "ve", "euler");
    expect_same<std::int32_t>(a, b, "ve", "grain_id");
    expect_same<std::int64_t>(a, b, "ve", "id");
    expect_same<std::int32_t>(a, b, "ve", "grain_count");
    expect_same<std::int64_t>(a, b, "ve", "grain_offset");
    expect_same<double>(a, b, "stats", "mean_esd");
    expect_same<std::int32_t>(a, b, "stats", "face_grains");
    for (const char* g : {"orientation", "centre", "volume_voxels", "esd", "target_esd", "aspect_ratio"})
      expect_same<double>(a, b, "grains", g);
    EXPECT_EQ(a.root().integer_attribute("grains"), b.root().integer_attribute("grains"));
    io::VeSetReader r(par);
    EXPECT_EQ(r.read(7).grain_id, fake_ve(7, d).grain_id);
    EXPECT_EQ(r.read(10).grains.size(), fake_ve(10, d).grains.size());
  }
  world.barrier();
}

TEST(VeSetParallel, OutOfOrderBlocksAreACollectiveError) {
  core::Comm world(MPI_COMM_WORLD);
  const auto path = mspipe::test_scratch::fresh_scratch_dir("ve_set_out_of_order", world) / "bad.h5";
  bool thrown = false;
  {
    io::VeSetWriter w(path, {4, 1.0, "cubic", 0, 8, ""}, world);
    std::vector<microstructure::VolumeElement> mine = {fake_ve(world.size() - 1 - world.rank(), 4)};
    try {
      w.append(world.size() - 1 - world.rank(), mine);  // reversed rank order
    } catch (const core::CollectiveError& e) {
      thrown = true;
      EXPECT_NE(std::string(e.what()).find("expected 0"), std::string::npos) << e.what();
    }
  }
  EXPECT_TRUE(thrown);
  world.barrier();
  EXPECT_FALSE(fs::exists(path));
}
