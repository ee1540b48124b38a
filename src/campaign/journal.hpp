#pragma once
// An append-only journal segment of framed records. Every frame is
//
//   magic u32 ("MSJR", or "MSJH" for the header) | payload length u32 |
//   CRC-32 of the payload u32 (zlib's crc32) | payload
//
// The first frame is the header: schema "mspipe.campaign_journal", version, collector,
// segment number and the campaign identity. A segment is created whole under
// `<name>.tmp` (header written and fsync'ed, then renamed, then the folder fsync'ed), so a
// file under its final name always has a valid header. Record frames are appended.
//
// Replay reads every whole, checksum-valid frame and stops at the first torn or corrupt
// one; reopening for append truncates the file there, so later appends never sit behind
// garbage that would hide them from the next replay.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "campaign/identity.hpp"
#include "campaign/record.hpp"

namespace mspipe::campaign {

inline constexpr const char* kJournalSchema = "mspipe.campaign_journal";
inline constexpr std::uint32_t kJournalSchemaVersion = 1;

struct JournalHeader {
  Identity identity;
  std::int64_t collector = 0;
  std::int64_t segment = 0;
};

struct JournalContents {
  JournalHeader header;
  std::vector<Record> records;
  std::uint64_t valid_bytes = 0;  // end of the last whole, valid frame
  std::uint64_t file_bytes = 0;
  std::string stop;  // why replay stopped before the end of the file; empty when it did not
};

// Reads a segment. Throws core::InputError naming the file when it is not a journal (or
// its header is damaged), is of a newer version, or, when `expect` is given, belongs to
// another campaign. With `ids_only` the records come without fingerprint and stress
// (every frame is still checked whole).
JournalContents read_journal(const std::filesystem::path& path, const Identity* expect = nullptr,
                             bool ids_only = false);

class Journal {
 public:
  // Creates a new segment; fails if `path` exists.
  static Journal create(const std::filesystem::path& path, const JournalHeader& header);
  // Opens an existing segment of campaign `expect` for appending; its valid records are
  // returned in `replayed`, a torn or corrupt tail is cut off (and reported in the log).
  static Journal open(const std::filesystem::path& path, const Identity& expect,
                      JournalContents* replayed = nullptr);

  Journal(Journal&&) noexcept;
  Journal& operator=(Journal&&) noexcept;
  ~Journal();  // closes; records not yet synced are not promised to anyone

  // Buffers one record; returns its ticket, the number of records appended so far
  // through this object. The record is durable once synced_count() >= ticket.
  std::uint64_t append(const Record& r);
  // Writes the buffered frames and fdatasync()s the file. After a failed sync the
  // journal takes nothing more (what reached the file is unknown); reopening it replays
  // what is whole.
  void sync();
  std::uint64_t appended_count() const { return appended_; }
  std::uint64_t synced_count() const { return synced_; }
  const std::filesystem::path& path() const { return path_; }
  const JournalHeader& header() const { return header_; }

 private:
  Journal() = default;
  std::filesystem::path path_;
  JournalHeader header_;
  RecordLayout layout_;
  int fd_ = -1;
  std::vector<char> buffer_;
  std::vector<char> scratch_;
  std::uint64_t appended_ = 0, synced_ = 0;
  bool failed_ = false;
};

// fsync()s a folder so that a rename or a new file in it survives a system crash.
void sync_directory(const std::filesystem::path& dir);

}  // namespace mspipe::campaign
