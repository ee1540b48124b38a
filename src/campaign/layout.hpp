#pragma once
// How one campaign job divides MPI_COMM_WORLD: collector rank(s) first (world rank 0 is
// the collector and task manager), then VAE trainers, then crystal-plasticity worker
// groups of ranks_per_sim consecutive ranks (one simulation per group, PETSc on the
// group's communicator).
//
// The automatic choice (a field left at Layout::automatic):
//   collectors     1 (the only value supported: one task manager per job; a job array
//                  shards the id range between jobs, each with its own collector index);
//   ranks_per_sim  1;
//   trainers       0 when a VAE checkpoint is given (nothing to train); otherwise a
//                  quarter of the ranks after the collector, at least 1, and never so
//                  many that no worker group is left: min(max(1, (W - 1) / 4),
//                  W - 1 - ranks_per_sim).
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
  // Collectors and workers (the task farm's traffic), collector first, then groups in
  // order; a null Comm on trainers.
  core::Comm farm;
};

// The world rank's place in `layout` (already resolved). Role of world rank r: r <
// collectors: collector; then trainers; then worker group (r - collectors - trainers) /
// ranks_per_sim.
Role role_of(int world_rank, const Layout& layout, int* group = nullptr);
// Collective over `world` (Comm::split twice).
RoleSplit split_roles(const core::Comm& world, const Layout& layout);

}  // namespace mspipe::campaign
