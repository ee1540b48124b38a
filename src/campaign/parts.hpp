#pragma once
// The files of a campaign folder: shard_<collector>_<k>.h5 (committed shards) and
// journal_<collector>_<k>.log (journal segments). Segment k of a collector holds the
// records that go into its shard k.
//
// The fingerprints that the trainers deliver (task_farm.hpp, run_encoder_pass) are a
// second family of the same kind of files, fingerprints_<collector>_<k>.h5 and
// fingerprint_journal_<collector>_<k>.log, written by a second CollectorStorage of the
// collector: a reader of one family never sees the other's files.
#include <cstdint>
#include <filesystem>
#include <vector>

namespace mspipe::campaign {

enum class PartKind { shard, journal };
enum class PartFamily { records, fingerprints };

struct Part {
  PartKind kind;
  std::int64_t collector = 0;
  std::int64_t index = 0;
  std::filesystem::path path;
};

std::filesystem::path shard_path(const std::filesystem::path& dir, std::int64_t collector,
                                 std::int64_t index, PartFamily family = PartFamily::records);
std::filesystem::path journal_path(const std::filesystem::path& dir, std::int64_t collector,
                                   std::int64_t index, PartFamily family = PartFamily::records);
// lock_<collector> (records) or fingerprint_lock_<collector>.
std::filesystem::path lock_path(const std::filesystem::path& dir, std::int64_t collector,
                                PartFamily family = PartFamily::records);

// Every shard and segment in `dir` (other names, *.tmp included, are ignored), ordered by
// collector, index, then shard before segment. A missing folder has no parts.
std::vector<Part> list_parts(const std::filesystem::path& dir,
                             PartFamily family = PartFamily::records);

// Temporary files that a killed writer left in `dir` for `collector`: a shard or segment
// being written (they are never read, only removed).
std::vector<std::filesystem::path> stale_temporaries(const std::filesystem::path& dir,
                                                     std::int64_t collector,
                                                     PartFamily family = PartFamily::records);

}  // namespace mspipe::campaign
