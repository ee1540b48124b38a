#pragma once
// What a campaign folder says has been done: rebuild() reads the committed shards and
// replays the journal segments (read-only; torn tails are ignored, not cut) and keeps one
// record per VE id.
//
// Which record of an id wins (the same rule in rebuild() and merge()):
//   1. a terminal record beats a non-terminal one: reruns only schedule non-terminal ids,
//      so a non-terminal record after a terminal one can only be a stale duplicate (a
//      result the task farm had given up on and handed out again);
//   2. then the one with more attempts: attempts only grow, attempt n + 1 is scheduled
//      after attempt n was recorded;
//   3. then the one written later (by collector, shard/segment index, position). A
//      shard and the journal segment of the same index hold the same records in the same
//      order (the segment is only left behind by a crash before its deletion), so this
//      case compares identical records.
// Terminal: converged, not_converged, timeout, and failed with attempts >= max_attempts.
// The trainers' fingerprints (fingerprints.hpp) are read beside the records and joined
// by id: State::fingerprints says which ids have one, and of which checkpoint.
// To rerun: interrupted, and failed with attempts < max_attempts.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "campaign/fingerprints.hpp"
#include "campaign/identity.hpp"
#include "campaign/parts.hpp"
#include "campaign/record.hpp"

namespace mspipe::campaign {

struct RebuildOptions {
  std::int32_t max_attempts = 3;
  // When given, every shard and segment must belong to this campaign.
  const Identity* expect = nullptr;
};

bool is_terminal(Status s, std::int32_t attempts, std::int32_t max_attempts);

// The winning record of one id, as far as resuming needs it.
struct Entry {
  std::int64_t ve_id = 0;
  Status status = Status::converged;
  std::int32_t attempts = 0;
};

struct State {
  std::optional<Identity> identity;  // of the files read; empty when there were none
  std::vector<Entry> entries;        // one per id, sorted by id
  std::vector<std::int64_t> done;    // terminal ids, sorted
  std::vector<std::int64_t> rerun;   // ids to run again, sorted
  std::size_t shards = 0, segments = 0, records_read = 0;
  std::size_t torn_segments = 0;  // segments whose replay stopped before their end
  Fingerprints fingerprints;      // the trainers' (ids and checkpoints, no values)

  const Entry* find(std::int64_t ve_id) const;
  bool is_done(std::int64_t ve_id) const;
};

// Throws core::InputError when a file is unreadable or the files belong to different
// campaigns (or to another than options.expect).
State rebuild(const std::filesystem::path& dir, const RebuildOptions& options = {});

// ---- shared with merge() ---------------------------------------------------------------

// One record found in a folder, with its place in write order.
struct Candidate {
  std::int64_t ve_id = 0;
  Status status = Status::converged;
  std::int32_t attempts = 0;
  std::int64_t collector = 0, part = 0, position = 0;
  std::size_t source = 0, row = 0;  // where the caller keeps the record
};
// One winner per id, sorted by id (rule above).
std::vector<Candidate> select_winners(std::vector<Candidate> all, std::int32_t max_attempts);

// Everything in a folder: every record of every shard and segment of one family
// (parts.hpp) as a candidate, and, with keep_rows, the records themselves
// (rows[c.source], row c.row).
struct FolderScan {
  std::optional<Identity> identity;
  std::vector<io::CampaignColumns> rows;
  std::vector<Candidate> candidates;
  std::size_t shards = 0, segments = 0, torn_segments = 0;
};
FolderScan scan_folder(const std::filesystem::path& dir, bool keep_rows, const Identity* expect,
                       PartFamily family = PartFamily::records);

}  // namespace mspipe::campaign
