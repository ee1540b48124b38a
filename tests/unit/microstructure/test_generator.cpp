#include <gtest/gtest.h>

#include "microstructure/generator.hpp"
#include "texture/fundamental_zone.hpp"

using namespace mspipe;
using namespace mspipe::microstructure;

TEST(Generator, SmokeSmall) {
  GeneratorParams p;
  p.size = 32;
  const auto ve = generate_ve(p, 1, 0);
  EXPECT_GT(ve.grains.size(), 1u);
}
