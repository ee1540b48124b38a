#pragma once
// Several collector ranks in one campaign job (campaign.layout.collectors = C > 1): world
// ranks 0 .. C - 1 are collectors, and each is the task manager of its own task farm,
// exactly as the single collector is (task_farm.hpp), over its own share of the job:
//   - worker groups: regular group g is served by collector g mod C (its index in that
//     farm is g / C);
//   - trainers: a contiguous block of the trainers (core::block_range), so that the late
//     groups they form when they join the pool (ranks_per_sim consecutive trainers) stay
//     inside one farm; the encoder pass of collector c's trainers covers c's ids;
//   - ids: a contiguous block of the job's id range (of the shard's block with --shard),
//     in proportion to the worker groups (regular and late) the collector serves, so that
//     the farms run out of work at about the same time;
//   - storage: collector index shard * C + c (file names stay unique across collectors
//     and the shards of a job array).
// VAE training stays one data-parallel communicator over all trainers. The collectors'
// own communicator (RoleSplit::role_comm) writes the merged file together at the end
// (merge.hpp). With C = 1 everything above is the single-collector job.
#include <cstdint>

#include "campaign/layout.hpp"
#include "campaign/task_farm.hpp"

namespace mspipe::campaign {

// What collector c serves in a job of world_size ranks (layout already resolved).
struct CollectorShare {
  int collector = 0;
  int groups = 0;         // regular worker groups (farm indices 0 .. groups - 1)
  int first_trainer = 0;  // its trainers: [first_trainer, first_trainer + trainers) of all
  int trainers = 0;
  int late_groups = 0;  // the groups its trainers form (the last may be smaller)
  int served() const { return groups + late_groups; }
};
CollectorShare share_of(const Layout& layout, int world_size, int collector);

// The collector whose farm a world rank belongs to.
int collector_of(int world_rank, const Layout& layout, int world_size);

struct IdBlock {
  std::int64_t first_id = 0, count = 0;
};
// Collector c's ids of [first_id, first_id + count): consecutive blocks in collector
// order, sized in proportion to share_of(...).served() (floors of the cumulative shares).
IdBlock ids_of(const Layout& layout, int world_size, int collector, std::int64_t first_id,
               std::int64_t count);

// The storage index (StorageOptions::collector) of collector c in shard `shard`.
inline std::int64_t storage_index(const Layout& layout, int shard, int collector) {
  return std::int64_t(shard) * layout.collectors + collector;
}

// Collector c's side of a job: `farm` and `storage` describe the job (or shard: its id
// block, every group, every trainer, storage index `shard`); on return, c's share (its
// ids, groups and trainers, storage_index(layout, shard, c)). No trainers in the farm
// (farm.trainers == 0: a checkpoint was given) stay 0.
void narrow_to_collector(FarmOptions& farm, StorageOptions& storage, const Layout& layout,
                         int world_size, int collector, int shard);

}  // namespace mspipe::campaign
