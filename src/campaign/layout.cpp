#include "campaign/layout.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>

#include "campaign/collectors.hpp"
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

Layout suggest(int world_size, Layout wanted);
std::string sizes_for(int r, int c, int world_size);

// What is wrong with a layout for `world_size` ranks (nothing: std::nullopt), as
// "<keys>: <message>".
// (Its hint calls suggest(), whose candidates leave a multiple of ranks_per_sim: no loop.)
std::optional<std::string> problem(int world_size, const Layout& l) {
  if (l.collectors < 1)
    return "campaign.layout.collectors: must be >= 1, got " + std::to_string(l.collectors);
  if (l.trainers < 0)
    return "campaign.layout.trainers: must be >= 0, got " + std::to_string(l.trainers);
  if (l.ranks_per_sim < 1)
    return "campaign.layout.ranks_per_sim: must be >= 1, got " + std::to_string(l.ranks_per_sim);
  const int rest = world_size - l.collectors - l.trainers;
  if (rest < l.ranks_per_sim)
    return "campaign.layout.trainers, campaign.layout.ranks_per_sim: " + describe(l) + " leaves " +
           std::to_string(rest) + " of " + std::to_string(world_size) +
           " ranks for worker groups, fewer than one group";
  if (rest % l.ranks_per_sim != 0) {
    const Layout fit = suggest(world_size, l);
    const std::string hint = fit.ranks_per_sim != l.ranks_per_sim
                                 ? " (" + sizes_for(l.ranks_per_sim, l.collectors, world_size) + ")"
                                 : "";
    return "campaign.layout.trainers, campaign.layout.ranks_per_sim: " + describe(l) + " leaves " +
           std::to_string(rest) + " of " + std::to_string(world_size) +
           " ranks for worker groups, not a multiple of ranks_per_sim" + hint;
  }
  // Each collector's trainers encode that collector's ids (collectors.hpp).
  if (l.trainers > 0 && l.trainers < l.collectors)
    return "campaign.layout.collectors, campaign.layout.trainers: " + std::to_string(l.collectors) +
           " collectors need at least " + std::to_string(l.collectors) +
           " trainers when the campaign trains its VAE (each collector's trainers encode its ids), got " +
           std::to_string(l.trainers);
  if (l.trainers == 0 && l.groups(world_size) < l.collectors)
    return "campaign.layout.collectors: " + std::to_string(l.collectors) + " collectors for " +
           std::to_string(l.groups(world_size)) +
           " worker group(s); every collector needs at least one group to serve";
  return std::nullopt;
}

// A layout of `world_size` ranks that keeps as much of `wanted` as possible: its
// collectors when some layout with them fits (else fewer, down to 1), its ranks_per_sim
// when the ranks after the collectors are a multiple of it (else the largest that divides
// them), then its trainers in whole groups, as many as leave one group (at least one
// group's worth when trainers were wanted and there is room, and at least one per
// collector). Not the only kind that fits (trainers need not be whole groups), the
// simplest to read.
Layout suggest(int world_size, Layout wanted) {
  if (world_size < 2) return {1, 0, 1};
  for (int c = std::clamp(wanted.collectors, 1, world_size - 1); c >= 1; --c) {
    const int n = world_size - c;
    const int r = divisor_at_most(n, wanted.ranks_per_sim);
    int t = std::clamp(wanted.trainers, 0, n - r) / r * r;
    if (wanted.trainers > 0 && t == 0 && 2 * r <= n) t = r;
    if (t > 0 && t < c) t = (c + r - 1) / r * r;
    const Layout l{.collectors = c, .trainers = t, .ranks_per_sim = r};
    if (!problem(world_size, l)) return l;
  }
  return {1, 0, 1};
}

// For a message: world sizes that would keep ranks_per_sim r with c collectors.
std::string sizes_for(int r, int c, int world_size) {
  const int next = c + (world_size - c + r - 1) / r * r;
  return "ranks_per_sim = " + std::to_string(r) + " fits " + std::to_string(c) + " + a multiple of " +
         std::to_string(r) + " ranks, e.g. " + std::to_string(next == world_size ? next + r : next);
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
    const int c = std::max(1, l.collectors);
    const int r = std::max(1, l.ranks_per_sim), n = world_size - c;
    const int smallest = n % r == 0 ? r : n % r;  // the fewest trainers leaving whole groups
    const int quarter = std::min(n / 4, n - r);
    int t = quarter >= smallest ? smallest + (quarter - smallest) / r * r : smallest;
    // Every collector's trainers encode its ids: at least one trainer per collector.
    if (t < c) t = smallest + (c - smallest + r - 1) / r * r;
    l.trainers = have_checkpoint || t > n - r ? 0 : t;
  }
  if (world_size < 2)
    throw core::ConfigError(core::format_error(
        where,
        "campaign.layout: a campaign needs at least 2 ranks (a collector and one worker), got " +
            std::to_string(world_size)));
  if (const auto p = problem(world_size, l)) refuse(where, *p, world_size, suggest(world_size, l));
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
  int g = -1;
  const Role role = role_of(r, l, &g);
  if (role == Role::collector) return 0;
  const auto share = share_of(l, world_size, collector_of(r, l, world_size));
  if (role == Role::worker) {
    const int i = (r - l.collectors - l.trainers) % l.ranks_per_sim;
    return 1 + g / l.collectors * l.ranks_per_sim + i;
  }
  return 1 + share.groups * l.ranks_per_sim + (r - l.collectors - share.first_trainer);
}

RoleSplit split_roles(const core::Comm& world, const Layout& layout) {
  RoleSplit s;
  int g = -1;
  s.role = role_of(world.rank(), layout, &g);
  s.collector = collector_of(world.rank(), layout, world.size());
  s.group = g < 0 ? -1 : g / layout.collectors;  // its index in its collector's farm
  // Colours: 0 collectors, 1 trainers, 2 + g worker group g.
  const int colour = s.role == Role::collector ? 0 : s.role == Role::trainer ? 1 : 2 + g;
  s.role_comm = world.split(colour, world.rank());
  s.farm = world.split(s.collector, farm_rank_of(world.rank(), layout, world.size()));
  if (s.role == Role::trainer) s.farm_trainers = s.role_comm.split(s.collector, s.role_comm.rank());
  return s;
}

int late_group_of(int trainer_rank, const Layout& layout, int world_size) {
  const auto share =
      share_of(layout, world_size, collector_of(layout.collectors + trainer_rank, layout, world_size));
  return share.groups + (trainer_rank - share.first_trainer) / layout.ranks_per_sim;
}

LateGroup join_pool(const core::Comm& trainers, const Layout& layout, int world_size) {
  LateGroup g;
  g.index = late_group_of(trainers.rank(), layout, world_size);
  // Late groups of different collectors may share an index: the colour tells them apart.
  const int c = collector_of(layout.collectors + trainers.rank(), layout, world_size);
  g.comm = trainers.split(c * (layout.trainers + 1) + g.index, trainers.rank());
  return g;
}

}  // namespace mspipe::campaign
