// split_roles: every rank lands in the role, group and communicators that role_of() and
// the layout say, on 2 and 4 ranks; join_pool gives trainers the late groups that follow
// the regular ones.
#include <gtest/gtest.h>

#include "campaign/layout.hpp"

using namespace mspipe;
using campaign::Layout;
using campaign::Role;

namespace {

void check_split(const core::Comm& world, const Layout& layout) {
  const auto s = campaign::split_roles(world, layout);
  int group = -2;
  EXPECT_EQ(s.role, campaign::role_of(world.rank(), layout, &group));
  EXPECT_EQ(s.group, group);
  const int n = world.size();
  switch (s.role) {
    case Role::collector:
      EXPECT_EQ(s.role_comm.size(), layout.collectors);
      EXPECT_EQ(s.farm.rank(), world.rank());
      break;
    case Role::trainer: {
      EXPECT_EQ(s.role_comm.size(), layout.trainers);
      EXPECT_EQ(s.role_comm.rank(), world.rank() - layout.collectors);
      // After the groups in the farm; its late group's root is where the manager looks.
      const int groups = layout.groups(n);
      EXPECT_EQ(s.farm.rank(), 1 + groups * layout.ranks_per_sim + s.role_comm.rank());
      const auto late = campaign::join_pool(s.role_comm, layout, n);
      EXPECT_EQ(late.index, groups + s.role_comm.rank() / layout.ranks_per_sim);
      EXPECT_EQ(late.comm.size(), layout.ranks_per_sim);
      EXPECT_EQ(late.comm.rank(), s.role_comm.rank() % layout.ranks_per_sim);
      EXPECT_EQ(s.farm.rank(), 1 + late.index * layout.ranks_per_sim + late.comm.rank());
      break;
    }
    case Role::worker:
      EXPECT_EQ(s.role_comm.size(), layout.ranks_per_sim);
      EXPECT_EQ(s.role_comm.rank(),
                (world.rank() - layout.collectors - layout.trainers) % layout.ranks_per_sim);
      // The farm rank the manager expects for this rank: 1 + g * ranks_per_sim + i.
      EXPECT_EQ(s.farm.rank(), 1 + s.group * layout.ranks_per_sim + s.role_comm.rank());
      break;
  }
  EXPECT_EQ(s.farm.size(), n);
  // Every worker group has exactly ranks_per_sim members: the sum over roots of the
  // group sizes counts every worker once.
  const int root_sizes =
      world.sum(s.role == Role::worker && s.role_comm.is_root() ? s.role_comm.size() : 0);
  EXPECT_EQ(root_sizes, n - layout.collectors - layout.trainers);
}

}  // namespace

TEST(SplitRoles, OneCollectorAndSingleRankGroups) {
  core::Comm world(MPI_COMM_WORLD);
  check_split(world, campaign::resolve(world.size(), {1, 0, 1}, true));
}

TEST(SplitRoles, Trainers) {
  core::Comm world(MPI_COMM_WORLD);
  if (world.size() < 4) GTEST_SKIP() << "needs 4 ranks";
  check_split(world, campaign::resolve(world.size(), {1, 2, 1}, false));
  check_split(world, campaign::resolve(world.size(), {}, false));  // automatic: 1 trainer, 2 groups
}
