#include <gtest/gtest.h>

#include <cstring>

#include "campaign/record.hpp"
#include "support/campaign_records.hpp"

using namespace mspipe;
using campaign::Status;

TEST(CampaignRecord, StatusCodesAndNamesAreTheFileSchemas) {
  EXPECT_EQ(campaign::status_name(Status::converged), "converged");
  EXPECT_EQ(campaign::status_name(Status::not_converged), "not_converged");
  EXPECT_EQ(campaign::status_name(Status::failed), "failed");
  EXPECT_EQ(campaign::status_name(Status::timeout), "timeout");
  EXPECT_EQ(campaign::status_name(Status::interrupted), "interrupted");
  EXPECT_EQ(int(Status::interrupted), 4);
  EXPECT_FALSE(campaign::status_from_code(5));
  EXPECT_FALSE(campaign::status_from_code(-1));
  EXPECT_EQ(campaign::status_from_code(3), Status::timeout);
}

TEST(CampaignRecord, EncodingHasTheDocumentedFixedLayout) {
  const auto id = test_campaign::identity(2, 1);
  auto r = test_campaign::record(0x0102030405060708, id, Status::failed, 7);
  r.message = "abc";
  std::vector<char> bytes;
  campaign::encode(r, campaign::layout_of(id), bytes);
  // 8 + 1 + 4 + 8 + 8 + 4 fixed, 3 message bytes, 2 floats, 6 doubles.
  ASSERT_EQ(bytes.size(), 33u + 3u + 2u * 4u + 6u * 8u);
  EXPECT_EQ(bytes[0], 0x08);  // little-endian ve_id
  EXPECT_EQ(bytes[7], 0x01);
  EXPECT_EQ(bytes[8], 2);   // status failed
  EXPECT_EQ(bytes[9], 7);   // attempts
  EXPECT_EQ(bytes[29], 3);  // message length
  EXPECT_EQ(std::string(bytes.data() + 33, 3), "abc");
  double last = 0;
  std::memcpy(&last, bytes.data() + bytes.size() - 8, 8);
  EXPECT_EQ(last, r.stress.back());
}

TEST(CampaignRecord, DecodeGivesBackEveryField) {
  const auto id = test_campaign::identity(256, 21);
  const auto r = test_campaign::record(4711, id, Status::failed, 2);
  std::vector<char> bytes;
  campaign::encode(r, campaign::layout_of(id), bytes);
  const auto back = campaign::decode(bytes, campaign::layout_of(id));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, r);
}

TEST(CampaignRecord, DecodeRefusesBytesOfAnotherLayoutOrStatus) {
  const auto id = test_campaign::identity(4, 2);
  const auto layout = campaign::layout_of(id);
  std::vector<char> bytes;
  campaign::encode(test_campaign::record(3, id), layout, bytes);
  EXPECT_FALSE(campaign::decode(std::span<const char>(bytes).first(bytes.size() - 1), layout));
  EXPECT_FALSE(campaign::decode(bytes, campaign::RecordLayout{5, 2}));
  bytes[8] = 9;  // no such status
  EXPECT_FALSE(campaign::decode(bytes, layout));
}

TEST(CampaignRecord, EncodeRefusesArraysOfTheWrongSize) {
  const auto id = test_campaign::identity(4, 2);
  auto r = test_campaign::record(3, id);
  r.fingerprint.pop_back();
  std::vector<char> bytes;
  EXPECT_THROW(campaign::encode(r, campaign::layout_of(id), bytes), std::invalid_argument);
}

TEST(CampaignIdentity, EncodingRoundTripsAndDigestFollowsTheGenerator) {
  auto id = test_campaign::identity(16, 21, 99);
  std::vector<char> bytes;
  campaign::encode(id, bytes);
  std::size_t used = 0;
  const auto back = campaign::decode_identity(bytes, used);
  ASSERT_TRUE(back);
  EXPECT_EQ(used, bytes.size());
  EXPECT_TRUE(io::identity_difference(*back, id).empty());
  EXPECT_EQ(back->strain, id.strain);
  EXPECT_EQ(back->mspipe_version, id.mspipe_version);
  auto other = id;
  other.generator += "sigma = 0.2\n";
  other = campaign::complete(other);
  EXPECT_NE(other.generator_digest, id.generator_digest);
  EXPECT_EQ(io::identity_difference(id, other).find("generator digest"), 0u);
  EXPECT_FALSE(
      campaign::decode_identity(std::span<const char>(bytes).first(bytes.size() - 1), used));
}
