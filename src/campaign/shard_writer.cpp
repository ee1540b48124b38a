#include "campaign/shard_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "campaign/journal.hpp"
#include "campaign/parts.hpp"
#include "core/errors.hpp"

namespace mspipe::campaign {

void sync_file(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  const int rc = fd < 0 ? -1 : ::fsync(fd);
  const int err = errno;
  if (fd >= 0) ::close(fd);
  if (rc != 0)
    throw core::InputError(
        core::format_error(file.string(), std::string("cannot sync: ") + std::strerror(err)));
}

ShardWriter::ShardWriter(std::filesystem::path dir, Identity identity, std::int64_t collector,
                         std::int64_t shard_size, std::int64_t next_index, PartFamily family)
    : dir_(std::move(dir)),
      identity_(std::move(identity)),
      collector_(collector),
      shard_size_(shard_size),
      next_(next_index),
      family_(family) {
  if (shard_size_ <= 0) throw std::invalid_argument("shard_size must be positive");
}

void ShardWriter::add(const Record& r) {
  append_row(rows_, r);
}

std::int64_t ShardWriter::commit() {
  if (rows_.size() == 0) return -1;
  const auto path = shard_path(dir_, collector_, next_, family_);
  if (std::filesystem::exists(path))
    throw core::InputError(core::format_error(
        path.string(), "campaign shard exists already; shards are never rewritten"));
  io::write_campaign_file(path, identity_, rows_, io::ShardTag{collector_, next_});
  sync_file(path);
  sync_directory(dir_);
  rows_ = io::CampaignColumns{};
  return next_++;
}

}  // namespace mspipe::campaign
