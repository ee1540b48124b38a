// The trainers' fingerprints (fingerprints.hpp): their own files beside the records', the
// join by id in rebuild() and merge(), and the refusals of the merge for a campaign that
// trains its VAE (identity.hpp).
#include <gtest/gtest.h>

#include "campaign/collector_storage.hpp"
#include "campaign/fingerprints.hpp"
#include "campaign/merge.hpp"
#include "campaign/state.hpp"
#include "core/errors.hpp"
#include "io/campaign_file.hpp"
#include "scratch.hpp"
#include "support/campaign_records.hpp"

using namespace mspipe;
namespace fs = std::filesystem;
using campaign::Status;

namespace {

void write_records(const fs::path& dir, const campaign::Identity& id,
                   const std::vector<std::int64_t>& ids) {
  campaign::CollectorStorage s(dir, id, {.shard_size = 4});
  for (auto v : ids) {
    auto r = test_campaign::record(v, id);
    std::fill(r.fingerprint.begin(), r.fingerprint.end(), 0.0f);  // as workers without encoder
    s.append(r);
  }
  s.finish();
}

// The trainers' fingerprint of `v` under checkpoint `digest`: -(v + i / 4).
std::vector<float> trainer_values(std::int64_t v, std::int64_t L) {
  std::vector<float> out;
  for (std::int64_t i = 0; i < L; ++i) out.push_back(-(float(v) + 0.25f * float(i)));
  return out;
}

// Writes fingerprints through the fingerprint storage; with finish false the last ones
// stay in its journal.
void write_fingerprints(const fs::path& dir, const campaign::Identity& id,
                        const std::vector<std::int64_t>& ids, const std::string& digest,
                        bool finish = true) {
  campaign::CollectorStorage s(dir, campaign::fingerprint_identity(id),
                               {.shard_size = 3, .family = campaign::PartFamily::fingerprints});
  for (auto v : ids)
    s.append(
        campaign::fingerprint_record(v, trainer_values(v, id.fingerprint_length), digest, 0.1));
  s.sync();
  if (finish) s.finish();
}

std::string merge_error(const fs::path& dir, const campaign::MergeOptions& o = {}) {
  return test_campaign::input_error_of([&] { campaign::merge(dir, dir / "out.h5", o); });
}

}  // namespace

TEST(CampaignFingerprints, TrainedInCampaignNamesTheVaeConfigNotACheckpoint) {
  const auto a = campaign::trained_in_campaign("latent = 16\n");
  EXPECT_EQ(a.rfind("trained in campaign: fnv1a64:", 0), 0u) << a;
  EXPECT_EQ(a, campaign::trained_in_campaign("latent = 16\n"));
  EXPECT_NE(a, campaign::trained_in_campaign("latent = 32\n"));
  EXPECT_TRUE(campaign::trains_in_campaign(test_campaign::trained_identity()));
  EXPECT_FALSE(campaign::trains_in_campaign(test_campaign::identity()));
}

TEST(CampaignFingerprints, ABatchRoundTripsAndAWrongLengthIsRefused) {
  const std::vector<std::int64_t> ids{4, 9};
  const std::vector<double> seconds{0.5, 0.25};
  const std::vector<float> values{1, 2, 3, 4, 5, 6};
  std::vector<char> bytes;
  campaign::encode_batch(ids, seconds, values, bytes);
  EXPECT_EQ(bytes.size(), 4u + 2u * (8 + 8 + 3 * 4));
  const auto b = campaign::decode_batch(bytes, 3);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->ids, ids);
  EXPECT_EQ(b->seconds, seconds);
  EXPECT_EQ(b->values, values);
  EXPECT_FALSE(campaign::decode_batch(bytes, 2));
  bytes.pop_back();
  EXPECT_FALSE(campaign::decode_batch(bytes, 3));
}

TEST(CampaignFingerprints, TheirFilesAreApartAndRebuildJoinsThemById) {
  const auto dir = test_campaign::fresh_dir();
  const auto id = test_campaign::trained_identity(4, 3);
  write_records(dir, id, {0, 1, 2, 3, 4});
  write_fingerprints(dir, id, {3, 1, 7, 0}, "fnv1a64:000000000000000a", false);
  EXPECT_TRUE(fs::exists(campaign::shard_path(dir, 0, 0, campaign::PartFamily::fingerprints)));
  // The records' readers see records only; the fingerprints' see fingerprints only.
  EXPECT_EQ(campaign::list_parts(dir).size(), 2u);  // records: shards 0 and 1
  const auto state = campaign::rebuild(dir, {.expect = &id});
  EXPECT_EQ(state.records_read, 5u);
  EXPECT_EQ(state.fingerprints.ids, (std::vector<std::int64_t>{0, 1, 3, 7}));
  ASSERT_EQ(state.fingerprints.digests.size(), 1u);
  EXPECT_EQ(state.fingerprints.digests[0], "fnv1a64:000000000000000a");
  EXPECT_TRUE(state.fingerprints.values.empty());
  EXPECT_EQ(state.fingerprints.find(2), -1);
  // A later fingerprint of an id wins (another checkpoint encoded it again).
  write_fingerprints(dir, id, {1}, "fnv1a64:000000000000000b");
  const auto again = campaign::read_fingerprints(dir, &id, true);
  const auto k = again.find(1);
  ASSERT_GE(k, 0);
  EXPECT_EQ(again.digests[again.checkpoint[std::size_t(k)]], "fnv1a64:000000000000000b");
  EXPECT_EQ(again.values[std::size_t(k) * 4 + 3], -1.75f);
  // Fingerprint files of another campaign are refused like records.
  const auto other = test_campaign::trained_identity(4, 3, 99);
  EXPECT_THROW(campaign::read_fingerprints(dir, &other, false), core::InputError);
}

TEST(CampaignFingerprints, MergeTakesTheTrainersFingerprintAndTheirCheckpointDigest) {
  const auto dir = test_campaign::fresh_dir();
  const auto id = test_campaign::trained_identity(4, 3);
  write_records(dir, id, {0, 1, 2, 3, 4});
  write_fingerprints(dir, id, {4, 2, 0, 9}, "fnv1a64:000000000000000a");
  write_fingerprints(dir, id, {1, 3}, "fnv1a64:000000000000000a", false);
  campaign::MergeOptions range;
  range.count = 5;
  const auto s = campaign::merge(dir, dir / "out.h5", range);
  EXPECT_EQ(s.rows, 5u);
  EXPECT_EQ(s.fingerprints_joined, 5u);
  const auto f = io::read_campaign_file(dir / "out.h5");
  EXPECT_EQ(f.identity.vae_checkpoint_digest, "fnv1a64:000000000000000a");
  for (std::int64_t v = 0; v < 5; ++v) {
    const auto want = trainer_values(v, 4);
    const std::vector<float> got(f.rows.fingerprint.begin() + v * 4,
                                 f.rows.fingerprint.begin() + v * 4 + 4);
    EXPECT_EQ(got, want) << v;
    // The rest of the row is the record's.
    EXPECT_EQ(f.rows.stress[std::size_t(v) * 18], test_campaign::record(v, id).stress[0]);
  }
}

TEST(CampaignFingerprints, MergeRefusesATrainedCampaignWithoutEveryFingerprint) {
  const auto dir = test_campaign::fresh_dir();
  const auto id = test_campaign::trained_identity(4, 3);
  write_records(dir, id, {0, 1, 2, 3, 4});
  write_fingerprints(dir, id, {0, 2, 3}, "fnv1a64:000000000000000a");
  const auto e = merge_error(dir);
  EXPECT_NE(e.find("campaign merge: the VAE is trained in this campaign, but the trainers "
                   "delivered no fingerprint for 2 ids: 1, 4"),
            std::string::npos)
      << e;
  EXPECT_FALSE(fs::exists(dir / "out.h5"));
}

TEST(CampaignFingerprints, MergeRefusesFingerprintsOfTwoCheckpoints) {
  const auto dir = test_campaign::fresh_dir();
  const auto id = test_campaign::trained_identity(4, 3);
  write_records(dir, id, {0, 1, 2});
  write_fingerprints(dir, id, {0, 1}, "fnv1a64:000000000000000a");
  write_fingerprints(dir, id, {2}, "fnv1a64:000000000000000b");
  const auto e = merge_error(dir);
  EXPECT_NE(e.find("fingerprints of more than one VAE checkpoint (checkpoint "
                   "fnv1a64:000000000000000a: 2 ids: 0, 1; checkpoint fnv1a64:000000000000000b: "
                   "1 id: 2)"),
            std::string::npos)
      << e;
}

TEST(CampaignFingerprints, ACampaignWithACheckpointMergesItsRecordsFingerprints) {
  const auto dir = test_campaign::fresh_dir();
  const auto id = test_campaign::identity(4, 3);  // a checkpoint: workers encode inline
  {
    campaign::CollectorStorage s(dir, id, {.shard_size = 4});
    for (std::int64_t v = 0; v < 3; ++v) s.append(test_campaign::record(v, id));
    s.finish();
  }
  const auto s = campaign::merge(dir, dir / "out.h5");
  EXPECT_EQ(s.fingerprints_joined, 0u);
  const auto f = io::read_campaign_file(dir / "out.h5");
  EXPECT_EQ(f.identity.vae_checkpoint_digest, id.vae_checkpoint_digest);
  EXPECT_EQ(f.rows.fingerprint[4], test_campaign::record(1, id).fingerprint[0]);
}
