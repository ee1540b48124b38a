#include "campaign/layout.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/errors.hpp"

namespace mspipe::campaign {

namespace {

[[noreturn]] void refuse(std::string_view where, const std::string& key_message, int world_size,
                         const Layout& suggestion) {
  throw core::ConfigError(
      core::format_error(where, key_message + "; a layout that fits " + std::to_string(world_size) +
                                    " ranks: [campaign.layout] " + describe(suggestion)));
}

// The largest divisor of n (>= 1) that is at most r.
int divisor_at_most(int n, int r) {
  for (int d = std::clamp(r, 1, n); d > 1; --d)
    if (n % d == 0) return d;
  return 1;
}

// A layout of `world_size` ranks that keeps as much of `wanted` as possible: its
// ranks_per_sim when the ranks after the collector are a multiple of it (else the
// largest that divides them), then its trainers in whole groups, as many as leave one
// group (at least one group's worth when trainers were wanted and there is room). Not
// the only kind that fits (trainers need not be whole groups), the simplest to read.
Layout suggest(int world_size, Layout wanted) {
  if (world_size < 2) return {1, 0, 1};
  const int n = world_size - 1;
  const int r = divisor_at_most(n, wanted.ranks_per_sim);
  int t = std::clamp(wanted.trainers, 0, n - r) / r * r;
  if (wanted.trainers > 0 && t == 0 && 2 * r <= n) t = r;
  return {.collectors = 1, .trainers = t, .ranks_per_sim = r};
}

// For a message: world sizes that would keep ranks_per_sim r.
std::string sizes_for(int r, int world_size) {
  const int next = 1 + (world_size - 1 + r - 1) / r * r;
  return "ranks_per_sim = " + std::to_string(r) + " fits 1 + a multiple of " + std::to_string(r) +
         " ranks, e.g. " + std::to_string(next == world_size ? next + r : next);
}

}  // namespace

std::string describe(const Layout& l) {
  return "collectors = " + std::to_string(l.collectors) +
         ", trainers = " + std::to_string(l.trainers) +
         ", ranks_per_sim = " + std::to_string(l.ranks_per_sim);
}

std::string_view role_name(Role r) {
  switch (r) {
    case Role::collector:
      return "collector";
    case Role::trainer:
      return "trainer";
    case Role::worker:
      return "worker";
  }
  return "?";
}

Layout resolve(int world_size, Layout l, bool have_checkpoint, std::string_view where) {
  if (l.collectors == Layout::automatic) l.collectors = 1;
  if (l.ranks_per_sim == Layout::automatic) l.ranks_per_sim = 1;
  if (l.trainers == Layout::automatic) {
    const int r = std::max(1, l.ranks_per_sim), n = world_size - 1;
    const int smallest = n % r == 0 ? r : n % r;  // the fewest trainers leaving whole groups
    const int quarter = std::min(n / 4, n - r);
    const int t = quarter >= smallest ? smallest + (quarter - smallest) / r * r : smallest;
    l.trainers = have_checkpoint || t > n - r ? 0 : t;
  }
  const Layout fit = suggest(world_size, l);
  if (world_size < 2)
    throw core::ConfigError(core::format_error(
        where,
        "campaign.layout: a campaign needs at least 2 ranks (a collector and one worker), got " +
            std::to_string(world_size)));
  if (l.collectors != 1)
    refuse(where, "campaign.layout.collectors: must be 1, got " + std::to_string(l.collectors),
           world_size, fit);
  if (l.trainers < 0)
    refuse(where, "campaign.layout.trainers: must be >= 0, got " + std::to_string(l.trainers),
           world_size, fit);
  if (l.ranks_per_sim < 1)
    refuse(where,
           "campaign.layout.ranks_per_sim: must be >= 1, got " + std::to_string(l.ranks_per_sim),
           world_size, fit);
  const int rest = world_size - l.collectors - l.trainers;
  if (rest < l.ranks_per_sim)
    refuse(where,
           "campaign.layout.trainers, campaign.layout.ranks_per_sim: " + describe(l) + " leaves " +
               std::to_string(rest) + " of " + std::to_string(world_size) +
               " ranks for worker groups, fewer than one group",
           world_size, fit);
  const std::string hint = fit.ranks_per_sim != l.ranks_per_sim
                               ? " (" + sizes_for(l.ranks_per_sim, world_size) + ")"
                               : "";
  if (rest % l.ranks_per_sim != 0)
    refuse(where,
           "campaign.layout.trainers, campaign.layout.ranks_per_sim: " + describe(l) + " leaves " +
               std::to_string(rest) + " of " + std::to_string(world_size) +
               " ranks for worker groups, not a multiple of ranks_per_sim" + hint,
           world_size, fit);
  return l;
}

Role role_of(int r, const Layout& l, int* group) {
  if (group) *group = -1;
  if (r < l.collectors) return Role::collector;
  if (r < l.collectors + l.trainers) return Role::trainer;
  if (group) *group = (r - l.collectors - l.trainers) / l.ranks_per_sim;
  return Role::worker;
}

int farm_rank_of(int r, const Layout& l, int world_size) {
  switch (role_of(r, l)) {
    case Role::collector:
      return r;
    case Role::worker:
      return r - l.trainers;
    case Role::trainer:
      return r + l.groups(world_size) * l.ranks_per_sim;  // collectors + groups, then t
  }
  return r;
}

RoleSplit split_roles(const core::Comm& world, const Layout& layout) {
  RoleSplit s;
  s.role = role_of(world.rank(), layout, &s.group);
  // Colours: 0 collectors, 1 trainers, 2 + g worker group g.
  const int colour = s.role == Role::collector ? 0 : s.role == Role::trainer ? 1 : 2 + s.group;
  s.role_comm = world.split(colour, world.rank());
  s.farm = world.split(0, farm_rank_of(world.rank(), layout, world.size()));
  return s;
}

int late_group_of(int trainer_rank, const Layout& layout, int world_size) {
  return layout.groups(world_size) + trainer_rank / layout.ranks_per_sim;
}

LateGroup join_pool(const core::Comm& trainers, const Layout& layout, int world_size) {
  LateGroup g;
  g.index = late_group_of(trainers.rank(), layout, world_size);
  g.comm = trainers.split(trainers.rank() / layout.ranks_per_sim, trainers.rank());
  return g;
}

}  // namespace mspipe::campaign
