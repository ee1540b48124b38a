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

// A layout of `world_size` ranks that keeps as much of `wanted` as possible: its
// ranks_per_sim when one group fits, then as many groups as fit beside the trainers.
Layout suggest(int world_size, Layout wanted) {
  Layout s{.collectors = 1,
           .trainers = std::max(0, wanted.trainers),
           .ranks_per_sim = std::max(1, wanted.ranks_per_sim)};
  if (world_size < 2) return {1, 0, 1};
  if (s.ranks_per_sim > world_size - 1) s.ranks_per_sim = world_size - 1;
  s.trainers = std::min(s.trainers, world_size - 1 - s.ranks_per_sim);
  const int groups = (world_size - 1 - s.trainers) / s.ranks_per_sim;
  s.trainers = world_size - 1 - groups * s.ranks_per_sim;  // the remainder trains
  return s;
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
    l.trainers = have_checkpoint ? 0
                                 : std::min(std::max(1, (world_size - 1) / 4),
                                            world_size - 1 - l.ranks_per_sim);
    l.trainers = std::max(0, l.trainers);
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
  if (rest % l.ranks_per_sim != 0)
    refuse(where,
           "campaign.layout.trainers, campaign.layout.ranks_per_sim: " + describe(l) + " leaves " +
               std::to_string(rest) + " of " + std::to_string(world_size) +
               " ranks for worker groups, not a multiple of ranks_per_sim",
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

RoleSplit split_roles(const core::Comm& world, const Layout& layout) {
  RoleSplit s;
  s.role = role_of(world.rank(), layout, &s.group);
  // Colours: 0 collectors, 1 trainers, 2 + g worker group g.
  const int colour = s.role == Role::collector ? 0 : s.role == Role::trainer ? 1 : 2 + s.group;
  s.role_comm = world.split(colour, world.rank());
  s.farm = world.split(s.role == Role::trainer ? -1 : 0, world.rank());
  return s;
}

}  // namespace mspipe::campaign
