// The manager's progress line (progress.hpp): the ETA from the recent rate, the rate over
// a sliding window, and the line's fields.
#include <gtest/gtest.h>

#include "campaign/progress.hpp"

using namespace mspipe;

TEST(CampaignProgress, EtaIsWhatIsLeftOverTheRate) {
  EXPECT_DOUBLE_EQ(campaign::eta_seconds(200, 1000, 4.0), 200.0);
  EXPECT_DOUBLE_EQ(campaign::eta_seconds(1000, 1000, 0.0), 0.0);  // done: no rate needed
  EXPECT_LT(campaign::eta_seconds(10, 1000, 0.0), 0.0);           // unknown
}

TEST(CampaignProgress, TheRateIsOverTheLastWindowOnly) {
  campaign::RateWindow w(60);
  EXPECT_EQ(w.rate(), 0.0);
  w.add(0, 0);
  EXPECT_EQ(w.rate(), 0.0);  // one sample: no rate yet
  // 10 ids/s for two minutes, then 1 id/s for a minute: the rate is the last minute's.
  for (int t = 1; t <= 120; ++t) w.add(t, 10 * t);
  EXPECT_DOUBLE_EQ(w.rate(), 10.0);
  for (int t = 121; t <= 180; ++t) w.add(t, 1200 + (t - 120));
  EXPECT_DOUBLE_EQ(w.rate(), 1.0);
  // Within the first minute, the rate spans what there is.
  campaign::RateWindow young(60);
  young.add(0, 5);
  young.add(4, 25);
  EXPECT_DOUBLE_EQ(young.rate(), 5.0);
}

TEST(CampaignProgress, TheLineHasCountsRateEtaFingerprintsAndTheSlowestGroup) {
  campaign::ProgressSnapshot p;
  p.done = 1200;
  p.total = 50000;
  p.rate = 3.1;
  p.per_status[0] = 1150;
  p.per_status[1] = 30;
  p.per_status[2] = 15;
  p.per_status[3] = 5;
  p.per_status[4] = 2;
  p.fingerprints_done = 800;
  p.fingerprints_total = 50000;
  p.slowest_group = 17;
  p.slowest_id = 4411;
  p.slowest_s = 612;
  // 48800 ids at 3.1/s: 15742 s = 4h22m.
  EXPECT_EQ(campaign::progress_line(p),
            "campaign: 1200/50000 ids (2.4%), 3.10 ids/s, ETA 4h22m; converged 1150, "
            "not_converged 30, failed 15, timeout 5, interrupted 2; fingerprints 800/50000; "
            "slowest group 17 (VE 4411, 10m12s)");
  // Without trainers, without a running task, before any rate.
  campaign::ProgressSnapshot q;
  q.total = 10;
  EXPECT_EQ(campaign::progress_line(q),
            "campaign: 0/10 ids (0.0%), 0.00 ids/s, ETA --; converged 0, not_converged 0, "
            "failed 0, timeout 0, interrupted 0");
}
