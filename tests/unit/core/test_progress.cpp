#include <gtest/gtest.h>

#include "core/progress.hpp"

using mspipe::core::Progress;

TEST(Progress, DurationFormats) {
  EXPECT_EQ(Progress::format_duration(12.34), "12.3s");
  EXPECT_EQ(Progress::format_duration(185), "3m05s");
  EXPECT_EQ(Progress::format_duration(3720), "1h02m");
  EXPECT_EQ(Progress::format_duration(-1), "?");
}

TEST(Progress, LineShowsCountsAndPercent) {
  Progress p("simulate", 500, 1e9);
  const auto line = p.line(120);
  EXPECT_EQ(line.rfind("simulate: 120/500 (24%)", 0), 0u) << line;
}
