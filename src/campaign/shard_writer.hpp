#pragma once
// Collects records in memory and writes them as one HDF5 shard (io/campaign_file.hpp,
// schema "mspipe.campaign_shard") when shard_size are there or at the end of the run.
// A shard is written whole in one go, under <name>.tmp, renamed when closed, and then
// fsync'ed with its folder: a shard under its final name is complete and durable, and is
// never opened for writing again.
#include <cstdint>
#include <filesystem>

#include "campaign/identity.hpp"
#include "campaign/parts.hpp"
#include "campaign/record.hpp"
#include "io/campaign_file.hpp"

namespace mspipe::campaign {

class ShardWriter {
 public:
  // Shards are shard_<collector>_<k>.h5 (parts.hpp, by family) in `dir`, k counting from
  // `next_index`.
  ShardWriter(std::filesystem::path dir, Identity identity, std::int64_t collector,
              std::int64_t shard_size, std::int64_t next_index,
              PartFamily family = PartFamily::records);

  void add(const Record& r);
  bool full() const { return std::int64_t(rows_.size()) >= shard_size_; }
  std::size_t pending() const { return rows_.size(); }
  std::int64_t next_index() const { return next_; }
  // Writes the pending records as shard next_index() (nothing when there are none) and
  // returns the index written, or -1.
  std::int64_t commit();

 private:
  std::filesystem::path dir_;
  Identity identity_;
  std::int64_t collector_, shard_size_, next_;
  PartFamily family_;
  io::CampaignColumns rows_;
};

// fsync()s a closed file so that it survives a system crash, not only a process crash.
void sync_file(const std::filesystem::path& file);

}  // namespace mspipe::campaign
