#include <gtest/gtest.h>

#include "campaign/collector_storage.hpp"
#include "campaign/merge.hpp"
#include "core/errors.hpp"
#include "io/campaign_file.hpp"
#include "io/hdf5.hpp"
#include "scratch.hpp"
#include "support/campaign_records.hpp"

using namespace mspipe;
namespace fs = std::filesystem;
using campaign::Status;

namespace {

// Writes ids through collector `c`, leaving the last ones only in the journal.
void write_ids(const fs::path& dir, const campaign::Identity& id, std::int64_t c,
               const std::vector<std::int64_t>& ids, bool finish = true) {
  campaign::CollectorStorage s(dir, id, {.collector = c, .shard_size = 4});
  for (auto v : ids) s.append(test_campaign::record(v, id));
  s.sync();
  if (finish) s.finish();
}

std::string merge_error(const fs::path& dir, const fs::path& out,
                        const campaign::MergeOptions& o = {}) {
  return test_campaign::input_error_of([&] { campaign::merge(dir, out, o); });
}

}  // namespace

TEST(CampaignMerge, WritesOneRowPerIdSortedWithTheCampaignAttributes) {
  const auto dir = test_campaign::fresh_dir();
  const auto id = test_campaign::identity(8, 3);
  write_ids(dir, id, 0, {9, 3, 7, 1, 5});
  write_ids(dir, id, 1, {2, 8, 0, 6, 4}, false);  // partly still in the journal
  {
    campaign::CollectorStorage s(dir, id, {.collector = 2, .shard_size = 4});
    s.append(test_campaign::record(10, id, Status::interrupted, 1));
    s.append(test_campaign::record(11, id, Status::failed, 1));
    s.append(test_campaign::record(10, id, Status::not_converged, 2));
    s.finish();
  }
  const auto out = dir / "campaign.h5";
  const auto summary = campaign::merge(dir, out, {.first_id = 0, .count = 12, .max_attempts = 3});
  EXPECT_EQ(summary.rows, 12u);
  EXPECT_EQ(summary.records_read, 13u);
  EXPECT_EQ(summary.per_status[0], 10u);
  EXPECT_EQ(summary.per_status[1], 1u);
  EXPECT_EQ(summary.per_status[2], 1u);

  const auto f = io::read_campaign_file(out);
  EXPECT_FALSE(f.shard);
  std::vector<std::int64_t> want(12);
  for (int i = 0; i < 12; ++i) want[std::size_t(i)] = i;
  EXPECT_EQ(f.rows.ve_id, want);
  const auto layout = campaign::layout_of(id);
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(campaign::row(f.rows, std::size_t(i), layout), test_campaign::record(i, id));
  EXPECT_EQ(campaign::row(f.rows, 10, layout),
            test_campaign::record(10, id, Status::not_converged, 2));
  EXPECT_EQ(campaign::row(f.rows, 11, layout).message, "solver diverged in VE 11");
  EXPECT_TRUE(io::identity_difference(f.identity, id).empty());

  // The datasets and attributes a reader of campaign.h5 is promised.
  auto h = io::h5::File::open(out);
  const auto& root = h.root();
  EXPECT_EQ(root.string_attribute("schema"), "mspipe.campaign");
  EXPECT_EQ(root.integer_attribute("schema_version"), 1);
  EXPECT_EQ(root.string_attribute("material"), "Mg");
  EXPECT_EQ(root.integer_attribute("seed"), 42);
  EXPECT_EQ(root.string_attribute("generator"), id.generator);
  EXPECT_EQ(root.string_attribute("mspipe_version"), "0.1.0");
  EXPECT_EQ(root.dataset("fingerprint").dims(), (io::h5::Dims{12, 8}));
  EXPECT_EQ(root.dataset("stress").dims(), (io::h5::Dims{12, 3, 6}));
  EXPECT_EQ(root.dataset("stress").string_attribute("unit"), "Pa");
  EXPECT_EQ(root.dataset("strain").read_all<double>(), id.strain);
  EXPECT_EQ(root.dataset("status").string_attribute("names"),
            "0 converged, 1 not_converged, 2 failed, 3 timeout, 4 interrupted");
  EXPECT_TRUE(root.dataset("status").stores(H5T_NATIVE_INT8));
  EXPECT_TRUE(root.has("attempts") && root.has("iterations") && root.has("wall_s"));
}

TEST(CampaignMerge, MissingAndUnexpectedIdsAreRefusedWithAList) {
  const auto dir = test_campaign::fresh_dir();
  const auto id = test_campaign::identity();
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 100; ++i)
    if (i % 4 != 1) ids.push_back(i);
  ids.push_back(500);
  write_ids(dir, id, 0, ids);
  const auto out = dir / "campaign.h5";
  const auto msg = merge_error(dir, out, {.first_id = 0, .count = 100, .max_attempts = 3});
  EXPECT_NE(msg.find("campaign merge: missing 25 ids: 1, 5, 9, 13, 17, 21, 25, 29, 33, 37, 41, 45, "
                     "49, 53, 57, 61, "
                     "65, 69, 73, 77, ...; 1 id: 500 outside [0, 100)"),
            std::string::npos)
      << msg;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out.string() + ".tmp"));
}

TEST(CampaignMerge, IdsRecordedByTwoCollectorsAreRefused) {
  const auto dir = test_campaign::fresh_dir();
  const auto id = test_campaign::identity();
  write_ids(dir, id, 0, {0, 1, 2, 3});
  write_ids(dir, id, 1, {3, 4, 5, 1});
  const auto msg = merge_error(dir, dir / "campaign.h5");
  EXPECT_NE(msg.find("duplicated ids, recorded by more than one collector: 2 ids: 1, 3"),
            std::string::npos)
      << msg;
}

TEST(CampaignMerge, ShardsOfDifferentCampaignsAreRefused) {
  const auto dir = test_campaign::fresh_dir();
  write_ids(dir, test_campaign::identity(8, 3, 1), 0, {0, 1});
  auto other = test_campaign::identity(8, 3, 1);
  other.generator = "count = 100\nsize = 32\n";
  write_ids(dir, campaign::complete(other), 1, {2, 3});
  const auto msg = merge_error(dir, dir / "campaign.h5");
  EXPECT_NE(
      msg.find(
          "shard_1_0.h5: error: part of another campaign than the other files (generator digest"),
      std::string::npos)
      << msg;
  EXPECT_NE(merge_error(dir / "empty", dir / "x.h5").find("no shards or journal segments"),
            std::string::npos);
}
