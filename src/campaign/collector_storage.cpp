#include "campaign/collector_storage.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <map>
#include <set>
#include <stdexcept>
#include <utility>

#include "campaign/parts.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"

namespace mspipe::campaign {

namespace {

[[noreturn]] void fail(const std::filesystem::path& path, std::string_view what) {
  throw core::InputError(core::format_error(path.string(), what));
}

int lock_collector(const std::filesystem::path& dir, std::int64_t collector, PartFamily family) {
  const auto path = lock_path(dir, collector, family);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) fail(path, "cannot create lock file");
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    fail(dir, fmt::format("another process is writing collector {} of this campaign", collector));
  }
  return fd;
}

using IdAttempt = std::pair<std::int64_t, std::int32_t>;

}  // namespace

CollectorStorage::CollectorStorage(std::filesystem::path dir, const Identity& identity,
                                   const StorageOptions& options)
    : dir_(std::move(dir)), identity_(complete(identity)), options_(options) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) fail(dir_, "cannot create campaign folder: " + ec.message());
  const std::int64_t c = options_.collector;
  const PartFamily family = options_.family;
  lock_fd_ = lock_collector(dir_, c, family);

  for (const auto& tmp : stale_temporaries(dir_, c, family)) {
    std::filesystem::remove(tmp);
    ++recovery_.temporaries_removed;
  }

  std::map<std::int64_t, std::set<IdAttempt>> shard_rows;
  std::vector<Record> pending;
  std::int64_t last_shard = -1, last_open = -1;
  for (const auto& part : list_parts(dir_, family)) {
    if (part.collector != c) continue;
    if (part.kind == PartKind::shard) {
      const auto f = io::read_campaign_file(part.path, true);
      const auto diff = io::identity_difference(f.identity, identity_);
      if (!diff.empty())
        fail(part.path, "shard of another campaign (shard vs this run: " + diff + ")");
      auto& rows = shard_rows[part.index];
      for (std::size_t i = 0; i < f.rows.size(); ++i)
        rows.emplace(f.rows.ve_id[i], f.rows.attempts[i]);
      last_shard = part.index;
      ++shards_committed_;
      continue;
    }
    auto contents = read_journal(part.path, &identity_);
    const auto covered = shard_rows.find(part.index);
    if (covered == shard_rows.end()) {
      last_open = part.index;
    } else {
      // Committed, but the crash came before the segment was deleted. Records the shard
      // lacks (none, unless files were moved by hand) stay pending.
      std::erase_if(contents.records, [&](const Record& r) {
        return covered->second.contains({r.ve_id, r.attempts});
      });
      if (contents.records.empty()) {
        std::filesystem::remove(part.path);
        ++recovery_.segments_removed;
      }
    }
    for (auto& r : contents.records) pending.push_back(std::move(r));
  }
  recovery_.records_replayed = pending.size();

  std::int64_t next = 0;
  if (last_open > last_shard) {
    next = last_open;
    JournalContents replayed;
    journal_.emplace(Journal::open(journal_path(dir_, c, next, family), identity_, &replayed));
    recovery_.torn_bytes_cut = replayed.file_bytes - replayed.valid_bytes;
  } else {
    // No segment to continue (a fresh start, or the last one was covered by its shard):
    // a new one, holding again whatever an odd older segment still had pending.
    next = std::max(last_shard, last_open) + 1;
    journal_.emplace(
        Journal::create(journal_path(dir_, c, next, family), JournalHeader{identity_, c, next}));
    for (const auto& r : pending) journal_->append(r);
    journal_->sync();
    carried_ = pending.size();
  }
  shards_.emplace(dir_, identity_, c, options_.shard_size, next, family);
  for (const auto& r : pending) shards_->add(r);
  if (shards_->full()) commit_shard();
}

CollectorStorage::~CollectorStorage() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

std::uint64_t CollectorStorage::append(const Record& r) {
  if (finished_) throw std::logic_error("CollectorStorage::append after finish()");
  const std::uint64_t ticket = base_ + journal_->append(r) - carried_;
  shards_->add(r);
  if (shards_->full()) commit_shard();
  return ticket;
}

void CollectorStorage::sync() {
  if (!finished_) journal_->sync();
  last_sync_ = std::chrono::steady_clock::now();
}

bool CollectorStorage::sync_if_due() {
  const auto now = std::chrono::steady_clock::now();
  if (finished_ || synced_count() == appended_count() ||
      std::chrono::duration<double>(now - last_sync_).count() < options_.flush_interval_s)
    return false;
  sync();
  return true;
}

void CollectorStorage::commit_shard() {
  journal_->sync();
  const std::int64_t k = shards_->commit();
  ++shards_committed_;
  base_ += journal_->appended_count() - carried_;
  carried_ = 0;
  const std::int64_t next = shards_->next_index();
  journal_.emplace(Journal::create(journal_path(dir_, options_.collector, next, options_.family),
                                   JournalHeader{identity_, options_.collector, next}));
  remove_segments_up_to(k);
}

void CollectorStorage::finish() {
  if (finished_) return;
  journal_->sync();
  const std::int64_t k = shards_->commit();
  if (k >= 0) ++shards_committed_;
  remove_segments_up_to(shards_->next_index());
  finished_ = true;
}

void CollectorStorage::remove_segments_up_to(std::int64_t index) {
  for (const auto& part : list_parts(dir_, options_.family))
    if (part.kind == PartKind::journal && part.collector == options_.collector &&
        part.index <= index)
      std::filesystem::remove(part.path);
}

}  // namespace mspipe::campaign
