// `mspipe generate` on several ranks writes the same VE set as on one rank, and every VE
// in the file is the one generate_ve() rebuilds from (seed, id, parameters).
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "core/comm.hpp"
#include "core/config.hpp"
#include "io/hdf5.hpp"
#include "io/ve_set.hpp"
#include "io/vti.hpp"
#include "pipeline/generate_stage.hpp"
#include "support/scratch_dir.hpp"

namespace fs = std::filesystem;
using namespace mspipe;

namespace {
pipeline::GenerateJob job(const fs::path& out, int block) {
  pipeline::GenerateJob j;
  j.params.size = 16;
  j.params.resolution = 0.5;  // 8-unit box: a few grains of mean ESD 4
  j.params.grain_size.mean_esd = 4.0;
  j.params.grain_size.sigma = 0.2;
  j.params.count = 13;  // not a multiple of the ranks x block: the last step is ragged
  j.params.vti_ids = {2, 11};
  j.seed = 77;
  j.output = out;
  j.block = block;
  return j;
}

template <class T>
void expect_same(const io::h5::File& a, const io::h5::File& b, const std::string& group, const std::string& name) {
  const auto da = a.root().group(group).dataset(name);
  const auto db = b.root().group(group).dataset(name);
  EXPECT_EQ(da.dims(), db.dims()) << group << "/" << name;
  const auto va = da.read_all<T>(), vb = db.read_all<T>();
  ASSERT_EQ(va.size(), vb.size());
  EXPECT_EQ(0, std::memcmp(va.data(), vb.data(), va.size() * sizeof(T))) << group << "/" << name << " differs";
}
}  // namespace

TEST(GenerateParallel, FileContentIsBitIdenticalToOneRank) {
  core::Comm world(MPI_COMM_WORLD);
  const auto dir = mspipe::test_scratch::fresh_scratch_dir("generate_parallel", world);
  auto par = job(dir / "parallel.h5", 2);
  par.vti_dir = dir / "vti";
  pipeline::run_generate(par, world);
  if (world.rank() == 0) {
    core::Comm self(MPI_COMM_SELF);
    pipeline::run_generate(job(dir / "serial.h5", 3), self);
    auto a = io::h5::File::open(dir / "parallel.h5");
    auto b = io::h5::File::open(dir / "serial.h5");
    expect_same<float>(a, b, "ve", "euler");
    expect_same<std::int32_t>(a, b, "ve", "grain_id");
    expect_same<std::int64_t>(a, b, "ve", "id");
    expect_same<std::int32_t>(a, b, "ve", "grain_count");
    expect_same<std::int64_t>(a, b, "ve", "grain_offset");
    expect_same<double>(a, b, "stats", "mean_esd");
    expect_same<double>(a, b, "stats", "mean_aspect_ratio");
    expect_same<std::int32_t>(a, b, "stats", "face_grains");
    for (const char* g : {"orientation", "centre", "volume_voxels", "esd", "target_esd", "aspect_ratio"})
      expect_same<double>(a, b, "grains", g);
    for (const char* s : {"schema", "lattice", "generator"})
      EXPECT_EQ(a.root().string_attribute(s), b.root().string_attribute(s));
    for (const char* s : {"schema_version", "size", "seed", "count", "grains"})
      EXPECT_EQ(a.root().integer_attribute(s), b.root().integer_attribute(s));

    // Each VE is the one rebuilt in memory from (seed, id, parameters), the parameters
    // being read back from the file's own 'generator' attribute.
    io::VeSetReader r(dir / "parallel.h5");
    const auto cfg = core::Config::parse(r.header().generator, "generator");
    const auto p = microstructure::parse_generator_params(cfg.root().section("generate"));
    EXPECT_EQ(microstructure::to_toml(p), microstructure::to_toml(job("", 1).params));
    EXPECT_EQ(r.header().seed, 77u);
    for (std::int64_t i = 0; i < r.count(); ++i) {
      const auto fromfile = r.read(i);
      const auto rebuilt = microstructure::generate_ve(p, 77, i);
      EXPECT_EQ(fromfile.id, i);
      EXPECT_EQ(fromfile.grain_id, rebuilt.grain_id);
      EXPECT_EQ(fromfile.euler, rebuilt.euler);
      ASSERT_EQ(fromfile.grains.size(), rebuilt.grains.size());
      EXPECT_EQ(fromfile.grains.back().orientation.w, rebuilt.grains.back().orientation.w);
    }
    // The exported VTK files hold the same grains.
    for (std::int64_t id : {2, 11}) {
      const auto img = io::vti::read(dir / "vti" / ("ve_" + std::to_string(id) + ".vti"));
      EXPECT_EQ(img.get("material", "vti").as_int32("vti"), r.read(id).grain_id);
      EXPECT_EQ(img.get("euler_normalised", "vti").components, 3);
    }
    EXPECT_FALSE(fs::exists(dir / "vti" / "ve_0.vti"));
  }
  world.barrier();
}
