#include "campaign/collectors.hpp"

#include <stdexcept>
#include <string>

#include "core/partition.hpp"

namespace mspipe::campaign {

CollectorShare share_of(const Layout& l, int world_size, int c) {
  if (c < 0 || c >= l.collectors)
    throw std::invalid_argument("share_of: no collector " + std::to_string(c) + " of " +
                                std::to_string(l.collectors));
  CollectorShare s;
  s.collector = c;
  const int groups = l.groups(world_size);
  s.groups = (groups - c + l.collectors - 1) / l.collectors;  // g = c, c + C, c + 2C, ...
  const auto trainers = core::block_range(l.trainers, l.collectors, c);
  s.first_trainer = int(trainers.begin);
  s.trainers = int(trainers.size());
  s.late_groups = (s.trainers + l.ranks_per_sim - 1) / l.ranks_per_sim;
  return s;
}

int collector_of(int r, const Layout& l, int world_size) {
  int group = -1;
  switch (role_of(r, l, &group)) {
    case Role::collector:
      return r;
    case Role::trainer:
      return core::block_owner(l.trainers, l.collectors, r - l.collectors);
    case Role::worker:
      return group % l.collectors;
  }
  (void)world_size;
  return 0;
}

IdBlock ids_of(const Layout& l, int world_size, int c, std::int64_t first_id, std::int64_t count) {
  // Cumulative shares: collector c gets [count * W_c / W, count * W_{c+1} / W) with W_c the
  // groups served by collectors before c; integer arithmetic, so every rank agrees.
  std::int64_t before = 0, total = 0;
  for (int k = 0; k < l.collectors; ++k) {
    const int w = share_of(l, world_size, k).served();
    if (k < c) before += w;
    total += w;
  }
  const std::int64_t w = share_of(l, world_size, c).served();
  if (total == 0) return {first_id, c == 0 ? count : 0};
  const std::int64_t begin = count * before / total, end = count * (before + w) / total;
  return {first_id + begin, end - begin};
}

void narrow_to_collector(FarmOptions& farm, StorageOptions& storage, const Layout& l,
                         int world_size, int c, int shard) {
  const auto share = share_of(l, world_size, c);
  const auto ids = ids_of(l, world_size, c, farm.first_id, farm.count);
  farm.first_id = ids.first_id;
  farm.count = ids.count;
  farm.groups = share.groups;
  farm.ranks_per_sim = l.ranks_per_sim;
  if (farm.trainers > 0) farm.trainers = share.trainers;
  storage.collector = storage_index(l, shard, c);
}

}  // namespace mspipe::campaign
