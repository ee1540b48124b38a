#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "campaign/journal.hpp"
#include "core/errors.hpp"
#include "scratch.hpp"
#include "support/campaign_records.hpp"

using namespace mspipe;
namespace fs = std::filesystem;
using campaign::Journal;
using campaign::JournalHeader;

namespace {

void flip_byte(const fs::path& p, std::uintmax_t at) {
  std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(std::streamoff(at));
  char c = 0;
  f.get(c);
  f.seekp(std::streamoff(at));
  f.put(char(c ^ 0x5a));
}

}  // namespace

TEST(CampaignJournal, AppendedRecordsReachTheFileOnlyAtSync) {
  const auto dir = test_campaign::fresh_dir();
  const auto id = test_campaign::identity();
  const auto path = dir / "journal_0_0.log";
  auto j = Journal::create(path, JournalHeader{id, 0, 0});
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
  const auto header_bytes = fs::file_size(path);
  EXPECT_EQ(j.append(test_campaign::record(1, id)), 1u);
  EXPECT_EQ(j.append(test_campaign::record(2, id)), 2u);
  EXPECT_EQ(j.synced_count(), 0u);
  EXPECT_EQ(fs::file_size(path), header_bytes);
  EXPECT_TRUE(campaign::read_journal(path).records.empty());
  j.sync();
  EXPECT_EQ(j.synced_count(), 2u);
  const auto c = campaign::read_journal(path, &id);
  ASSERT_EQ(c.records.size(), 2u);
  EXPECT_EQ(c.records[1], test_campaign::record(2, id));
  EXPECT_EQ(c.header.collector, 0);
  EXPECT_TRUE(c.stop.empty());
  EXPECT_EQ(c.valid_bytes, c.file_bytes);
}

TEST(CampaignJournal, ReplayStopsAtATornTailAndReopenCutsItSoLaterAppendsAreSeen) {
  const auto dir = test_campaign::fresh_dir();
  const auto id = test_campaign::identity();
  const auto path = dir / "journal_0_0.log";
  {
    auto j = Journal::create(path, JournalHeader{id, 0, 0});
    for (int i = 0; i < 5; ++i) j.append(test_campaign::record(i, id));
    j.sync();
  }
  const auto whole = fs::file_size(path);
  fs::resize_file(path, whole - 3);  // the last frame was being written when the process died
  auto c = campaign::read_journal(path);
  EXPECT_EQ(c.records.size(), 4u);
  EXPECT_NE(c.stop.find("torn frame payload"), std::string::npos) << c.stop;
  {
    campaign::JournalContents replayed;
    auto j = Journal::open(path, id, &replayed);
    EXPECT_EQ(replayed.records.size(), 4u);
    EXPECT_EQ(fs::file_size(path), replayed.valid_bytes);
    j.append(test_campaign::record(10, id));
    j.sync();
  }
  c = campaign::read_journal(path);
  ASSERT_EQ(c.records.size(), 5u);
  EXPECT_EQ(c.records.back().ve_id, 10);
  EXPECT_TRUE(c.stop.empty());
}

TEST(CampaignJournal, AJournalLongerThanTheReadWindowReplaysWhole) {
  const auto dir = test_campaign::fresh_dir();
  const auto id = test_campaign::identity(256, 21);  // 2.1 kB records: 3000 are 6.3 MB
  const auto path = dir / "journal_0_0.log";
  {
    auto j = Journal::create(path, JournalHeader{id, 0, 0});
    for (int i = 0; i < 3000; ++i)
      j.append(test_campaign::record(i, id, campaign::Status::failed, 1));
    j.sync();
  }
  auto c = campaign::read_journal(path);
  ASSERT_EQ(c.records.size(), 3000u);
  for (int i = 0; i < 3000; i += 7)
    EXPECT_EQ(c.records[std::size_t(i)], test_campaign::record(i, id, campaign::Status::failed, 1));
  const auto ids = campaign::read_journal(path, &id, true);
  ASSERT_EQ(ids.records.size(), 3000u);
  EXPECT_EQ(ids.records[2999].ve_id, 2999);
  EXPECT_EQ(ids.records[2999].message, "solver diverged in VE 2999");
  EXPECT_TRUE(ids.records[2999].fingerprint.empty());
  fs::resize_file(path, fs::file_size(path) - 100);
  EXPECT_EQ(campaign::read_journal(path).records.size(), 2999u);
}

TEST(CampaignJournal, ACorruptFrameEndsTheReplayThere) {
  const auto dir = test_campaign::fresh_dir();
  const auto id = test_campaign::identity();
  const auto path = dir / "journal_0_0.log";
  std::uintmax_t after_two = 0;
  {
    auto j = Journal::create(path, JournalHeader{id, 0, 0});
    j.append(test_campaign::record(0, id));
    j.append(test_campaign::record(1, id));
    j.sync();
    after_two = fs::file_size(path);
    j.append(test_campaign::record(2, id));
    j.append(test_campaign::record(3, id));
    j.sync();
  }
  flip_byte(path, after_two + 20);  // inside the payload of record 2: CRC mismatch
  auto c = campaign::read_journal(path);
  EXPECT_EQ(c.records.size(), 2u);
  EXPECT_NE(c.stop.find("checksum mismatch"), std::string::npos) << c.stop;
  EXPECT_EQ(c.valid_bytes, after_two);
  flip_byte(path, after_two + 20);
  flip_byte(path, after_two);  // the frame magic
  c = campaign::read_journal(path);
  EXPECT_EQ(c.records.size(), 2u);
  EXPECT_NE(c.stop.find("magic"), std::string::npos) << c.stop;
}

TEST(CampaignJournal, AJournalOfAnotherCampaignIsRefusedNamingTheDifference) {
  const auto dir = test_campaign::fresh_dir();
  const auto id = test_campaign::identity(8, 3, 42);
  const auto path = dir / "journal_0_0.log";
  { auto j = Journal::create(path, JournalHeader{id, 0, 0}); }
  const auto other = test_campaign::identity(8, 3, 43);
  const auto msg = test_campaign::input_error_of([&] { Journal::open(path, other); });
  EXPECT_NE(msg.find("journal_0_0.log: error: journal of another campaign"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("seed 42 vs 43"), std::string::npos) << msg;
  const auto longer = test_campaign::identity(16, 3, 42);
  EXPECT_NE(test_campaign::input_error_of([&] {
              campaign::read_journal(path, &longer);
            }).find("fingerprint length 8 vs 16"),
            std::string::npos);
}

TEST(CampaignJournal, NotAJournalAndAnExistingSegmentAreRefused) {
  const auto dir = test_campaign::fresh_dir();
  const auto id = test_campaign::identity();
  const auto path = dir / "journal_0_0.log";
  std::ofstream(path) << "hello, I am text";
  EXPECT_NE(test_campaign::input_error_of([&] {
              campaign::read_journal(path);
            }).find("not a campaign journal"),
            std::string::npos);
  EXPECT_THROW(Journal::create(path, JournalHeader{id, 0, 0}), core::InputError);
}
