#include <gtest/gtest.h>

#include "microstructure/generator.hpp"
#include "pipeline/ve_sources.hpp"

namespace mspipe {
namespace {

TEST(GeneratedSource, GivesTheGeneratorsVeForEachId) {
  microstructure::GeneratorParams p;
  p.size = 16, p.resolution = 1.0, p.grain_size.mean_esd = 6.0;
  auto src = pipeline::make_generated_source(p, 21, 40, 3);
  EXPECT_EQ(src->edge(), 16);
  EXPECT_EQ(src->id(2), 42);
  std::vector<float> v(src->floats_per_ve());
  src->load(2, v);
  EXPECT_EQ(v, microstructure::generate_ve(p, 21, 42).euler);
}

}  // namespace
}  // namespace mspipe
