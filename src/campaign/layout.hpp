#pragma once
// How one campaign job divides MPI_COMM_WORLD: collector rank(s) first (world rank 0 is
// the collector and task manager), then VAE trainers, then crystal-plasticity worker
// groups of ranks_per_sim consecutive ranks (one simulation per group, PETSc on the
// group's communicator). Trainers join the pool when their work is done (task_farm.hpp):
// every ranks_per_sim consecutive trainers become one more worker group ("late group");
// when ranks_per_sim does not divide the trainers, the last late group is smaller (a
// simulation's result does not depend on its rank count), so no trainer idles.
//
// The automatic choice (a field left at Layout::automatic):
//   collectors     1 (the only value supported: one task manager per job; a job array
//                  shards the id range between jobs, each with its own collector index);
//   ranks_per_sim  1;
//   trainers       0 when a VAE checkpoint is given (nothing to train); otherwise about a
//                  quarter of the ranks after the collector: the largest count T <=
//                  max(q, s) with q = min((W - 1) / 4, W - 1 - r) that leaves whole groups
//                  of r = ranks_per_sim (T = W - 1 mod r, plus multiples of r; s is the
//                  smallest such T > 0), and 0 when even s leaves no group. So 512 ranks
//                  in groups of 4 get 127 trainers and 96 groups.
// A layout fits when collectors + trainers + k * ranks_per_sim == W for some k >= 1.
#include <string>
#include <string_view>

#include "core/comm.hpp"

namespace mspipe::campaign {

struct Layout {
  static constexpr int automatic = -1;
  int collectors = 1;
  int trainers = automatic;
  int ranks_per_sim = automatic;

  int groups(int world_size) const { return (world_size - collectors - trainers) / ranks_per_sim; }
  // Worker groups the trainers form when they join the pool (the last may be smaller).
  int late_groups() const { return (trainers + ranks_per_sim - 1) / ranks_per_sim; }
  bool operator==(const Layout&) const = default;
};

// Fills the automatic fields for `world_size` ranks and checks that the result fits.
// Throws core::ConfigError ("<where>: error: campaign.layout.<key>: ...") naming the keys
// at fault and suggesting a layout that fits `world_size`.
Layout resolve(int world_size, Layout requested, bool have_checkpoint,
               std::string_view where = "campaign");

// "collectors = 1, trainers = 2, ranks_per_sim = 4" (the keys of [campaign.layout]).
std::string describe(const Layout& layout);

enum class Role { collector, trainer, worker };
std::string_view role_name(Role r);

// What one rank is in the job.
struct RoleSplit {
  Role role = Role::worker;
  core::Comm role_comm;  // the collectors, the trainers, or this worker's group
  int group = -1;        // worker group index (0, 1, ...); -1 for other roles
  // Every rank (the task farm's traffic): the collector first, then the worker groups in
  // order (group g's rank i at farm rank 1 + g * ranks_per_sim + i), then the trainers
  // (trainer t at farm rank 1 + groups * ranks_per_sim + t), so that the trainers' late
  // groups continue the groups' numbering and root rule.
  core::Comm farm;
};

// The world rank's place in `layout` (already resolved). Role of world rank r: r <
// collectors: collector; then trainers; then worker group (r - collectors - trainers) /
// ranks_per_sim.
Role role_of(int world_rank, const Layout& layout, int* group = nullptr);
// The farm rank of a world rank (RoleSplit::farm's order).
int farm_rank_of(int world_rank, const Layout& layout, int world_size);
// Collective over `world` (Comm::split twice).
RoleSplit split_roles(const core::Comm& world, const Layout& layout);

// A trainer's worker group once its encoder pass is done (run_worker's group and
// group_index): trainers t .. t + ranks_per_sim - 1 of the trainers' communicator (t a
// multiple of ranks_per_sim; fewer in the last group) form group groups(W) + t / ranks_per_sim.
struct LateGroup {
  int index = -1;
  core::Comm comm;
};
int late_group_of(int trainer_rank, const Layout& layout, int world_size);
// Collective over `trainers` (RoleSplit::role_comm of the trainers). Call it before the
// encoder pass, while the trainers are in step after training: after it, a trainer that
// finished its share early would wait for the others inside MPI, at 100 % of a core.
LateGroup join_pool(const core::Comm& trainers, const Layout& layout, int world_size);

}  // namespace mspipe::campaign
