#pragma once
// How one campaign job divides MPI_COMM_WORLD: collector ranks first (each a task manager
// of its own farm; with several, collectors.hpp says who serves what), then VAE trainers, then crystal-plasticity worker
// groups of ranks_per_sim consecutive ranks (one simulation per group, PETSc on the
// group's communicator). Trainers join the pool when their work is done (task_farm.hpp):
// every ranks_per_sim consecutive trainers become one more worker group ("late group");
// when ranks_per_sim does not divide the trainers, the last late group is smaller (a
// simulation's result does not depend on its rank count), so no trainer idles.
//
// The automatic choice (a field left at Layout::automatic):
//   collectors     1 (C > 1 splits the job's ids and worker groups between C task
//                  managers, collectors.hpp: for jobs of thousands of ranks);
//   ranks_per_sim  1;
//   trainers       0 when a VAE checkpoint is given (nothing to train); otherwise about a
//                  quarter of the ranks after the collector: the largest count T <=
//                  max(q, s) with q = min((W - 1) / 4, W - 1 - r) that leaves whole groups
//                  of r = ranks_per_sim (T = W - 1 mod r, plus multiples of r; s is the
//                  smallest such T > 0), and 0 when even s leaves no group. So 512 ranks
//                  in groups of 4 get 127 trainers and 96 groups. With C collectors, W - C
//                  in place of W - 1, and at least C trainers.
// A layout fits when collectors + trainers + k * ranks_per_sim == W for some k >= 1, the
// trainers are 0 or at least one per collector (each collector's trainers encode its ids),
// and without trainers there is a worker group per collector at least.
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
  int collector = 0;     // whose farm this rank is in (collectors.hpp)
  int group = -1;        // worker group index in its farm (0, 1, ...); -1 for other roles
  // The ranks of one collector's task farm: the collector first, then the worker groups it
  // serves in order (its group j's rank i at farm rank 1 + j * ranks_per_sim + i), then its
  // trainers (its trainer t at farm rank 1 + groups * ranks_per_sim + t), so that the
  // trainers' late groups continue the groups' numbering and root rule. With one
  // collector: every rank.
  core::Comm farm;
  // Trainers only: the trainers of the same collector (its encoder pass, run_encoder_pass).
  core::Comm farm_trainers;
};

// The world rank's place in `layout` (already resolved). Role of world rank r: r <
// collectors: collector; then trainers; then worker group (r - collectors - trainers) /
// ranks_per_sim (the job's numbering; RoleSplit::group is the farm's).
Role role_of(int world_rank, const Layout& layout, int* group = nullptr);
// The rank of a world rank in its collector's farm (RoleSplit::farm's order).
int farm_rank_of(int world_rank, const Layout& layout, int world_size);
// Collective over `world` (Comm::split twice).
RoleSplit split_roles(const core::Comm& world, const Layout& layout);

// A trainer's worker group once its encoder pass is done (run_worker's group and
// group_index): the trainers of one collector, in blocks of ranks_per_sim (fewer in the
// last), continue that collector's groups: with one collector, trainers t .. t +
// ranks_per_sim - 1 (t a multiple of ranks_per_sim) form group groups(W) + t / ranks_per_sim.
struct LateGroup {
  int index = -1;
  core::Comm comm;
};
// The farm's index of trainer `trainer_rank`'s (rank among all trainers) late group.
int late_group_of(int trainer_rank, const Layout& layout, int world_size);
// Collective over `trainers` (RoleSplit::role_comm of the trainers: all of them). Call it before the
// encoder pass, while the trainers are in step after training: after it, a trainer that
// finished its share early would wait for the others inside MPI, at 100 % of a core.
LateGroup join_pool(const core::Comm& trainers, const Layout& layout, int world_size);

}  // namespace mspipe::campaign
