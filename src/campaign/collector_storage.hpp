#pragma once
// The collector's storage: every record it receives goes to a checksummed journal and
// then into HDF5 shards. The promise is that a record acknowledged once is never lost,
// whatever kills the process (kill -9 at any instruction), and that a rerun completes the
// campaign exactly once.
//
// Files (one folder, any number of collectors; c = collector, k = shard index):
//   journal_<c>_<k>.log  segment k of the journal: the records that will form shard k
//   shard_<c>_<k>.h5     shard k, committed (closed, renamed, fsync'ed)
//   *.tmp                a segment or shard being created; never read, removed on reopen
//   lock_<c>             flock()ed while a process writes collector c
//
// What is durable when:
//   - append() only encodes the record into memory. Nothing is promised yet.
//   - sync() writes the buffered frames and fdatasync()s the segment. Every record
//     appended before it is then durable: synced_count() >= its ticket. The collector
//     calls sync_if_due() in its loop (a sync at least once per flush interval, 1 s by
//     default) and acknowledges (counts done, tells the task farm, logs) only records
//     whose ticket is covered.
//   - When a segment holds shard_size records, append() syncs it, writes shard k whole
//     (under .tmp, renamed when closed, then the file and the folder fsync'ed), creates
//     segment k + 1 (header under .tmp, fsync'ed, renamed) and deletes segment k.
//     Between those steps a crash leaves the same records in shard k and segment k:
//     harmless, the rerun de-duplicates and deletes the segment.
//   - finish() (end of the run) commits the last, partial shard and deletes its segment;
//     the folder then holds shards only.
//
// Compaction: the journal is a chain of segments, one per shard, and a segment is deleted
// as soon as the shard holding its records is committed. At most one segment per
// collector is live (plus, after a crash at the wrong moment, one already covered), so
// the journal never holds more than about shard_size records.
//
// Why HDF5 is never trusted when it was open during a crash: HDF5 promises nothing for a
// file that was open for writing when its process died (metadata is cached and written
// out of order; the file may not even open, and the current format leaves a superblock
// flag that refuses later opens until `h5clear -s`). So no HDF5 file is ever open under
// its final name: a shard is written in one go from memory into <name>.tmp, and only a
// closed file is renamed. A .tmp file is garbage by definition and is deleted on
// reopen; the records it was being written from are still in the journal segment, which
// is only deleted after the rename and fsync.
//
// What a rerun does (the constructor, before any append):
//   1. takes lock_<c> (a second writer of the same collector is refused),
//   2. deletes this collector's *.tmp files,
//   3. deletes every segment whose records are all in the committed shard of the same
//      index (a crash between shard commit and segment deletion),
//   4. replays the remaining segments (every whole frame with a valid CRC-32, stopping at
//      the first torn or corrupt one) into the pending shard, reopens the newest for
//      appending and cuts its torn tail off, so later frames are never hidden behind
//      garbage. A segment of another campaign (seed, generator, points, L, material,
//      load case, engine or VAE digest differ) stops the run with a message naming
//      the differences.
// Which VEs still need work is rebuild()'s answer (state.hpp), read before or after
// opening the storage: it reads shards and segments without changing anything.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>

#include "campaign/identity.hpp"
#include "campaign/journal.hpp"
#include "campaign/parts.hpp"
#include "campaign/record.hpp"
#include "campaign/shard_writer.hpp"

namespace mspipe::campaign {

struct StorageOptions {
  std::int64_t collector = 0;
  std::int64_t shard_size = 1000;  // records per shard (and per journal segment)
  double flush_interval_s = 1.0;   // sync_if_due() syncs when this much time has passed
  // Which files (parts.hpp): the records, or the trainers' fingerprints (a second storage
  // of the same collector, with its own lock, journal and shards).
  PartFamily family = PartFamily::records;
};

// What reopening found and did.
struct Recovery {
  std::size_t records_replayed = 0;  // from uncommitted segments, now pending
  std::size_t temporaries_removed = 0;
  std::size_t segments_removed = 0;  // already covered by committed shards
  std::uint64_t torn_bytes_cut = 0;
};

class CollectorStorage {
 public:
  CollectorStorage(std::filesystem::path dir, const Identity& identity,
                   const StorageOptions& options = {});
  ~CollectorStorage();
  CollectorStorage(const CollectorStorage&) = delete;
  CollectorStorage& operator=(const CollectorStorage&) = delete;

  // Buffers a record; returns its ticket (1, 2, 3, ... for this object). May commit a
  // full shard (then every earlier ticket is synced as well).
  std::uint64_t append(const Record& r);
  // Makes every appended record durable.
  void sync();
  // Syncs when flush_interval_s has passed since the last sync (or the start) and records
  // are waiting; returns whether it did. The collector calls it from its loop.
  bool sync_if_due();
  std::uint64_t appended_count() const { return base_ + journal_->appended_count() - carried_; }
  // Records with ticket <= synced_count() are durable.
  std::uint64_t synced_count() const { return base_ + journal_->synced_count() - carried_; }
  // End of the run: syncs, commits the partial shard, deletes the last segment. The
  // object takes no more records afterwards.
  void finish();

  const Recovery& recovery() const { return recovery_; }
  std::int64_t shards_committed() const { return shards_committed_; }

 private:
  void commit_shard();
  void remove_segments_up_to(std::int64_t index);

  std::filesystem::path dir_;
  Identity identity_;
  StorageOptions options_;
  int lock_fd_ = -1;
  std::optional<Journal> journal_;
  std::optional<ShardWriter> shards_;
  std::uint64_t base_ = 0;     // tickets of the segments already closed
  std::uint64_t carried_ = 0;  // records copied into the live segment on reopen (no tickets)
  std::int64_t shards_committed_ = 0;
  bool finished_ = false;
  std::chrono::steady_clock::time_point last_sync_ = std::chrono::steady_clock::now();
  Recovery recovery_;
};

}  // namespace mspipe::campaign
