// The surrogate on synthetic curves with a known ceiling (tests/support/synthetic_curves.hpp):
// it must come close to the best achievable R² when the fingerprint carries the curve,
// and score R² ≈ 0 when the fingerprint is pure noise; the split, the model file and the
// checks on inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "core/errors.hpp"
#include "ml/surrogate.hpp"
#include "ml/surrogate_metrics.hpp"
#include "support/scratch_dir.hpp"
#include "support/synthetic_curves.hpp"

namespace mspipe::ml {
namespace {

constexpr std::int64_t kInputs = 16, kPoints = 21;

SurrogateRows rows_of(const testing::SyntheticCurves& s) {
  return {s.inputs, s.points, s.ve_id, s.x, s.y};
}

SurrogateOptions quick_options(int ensemble) {
  SurrogateOptions o;
  o.network.hidden = {64};
  o.training.epochs = 150;
  o.training.lr = 3e-3;
  o.training.batch = 64;
  o.training.weight_decay = 0;
  o.training.patience = 20;
  o.training.ensemble = ensemble;
  o.training.seed = 3;
  return o;
}

SurrogateMeta meta_mg() {
  SurrogateMeta m;
  m.material = "mg";
  m.load_case = "uniaxial_z";
  return m;
}

struct Fit {
  CurveMetrics test;
  double ceiling = 0;
};

Fit fit(bool informative, int ensemble = 1) {
  const auto all = testing::synthetic_curves(1500, kInputs, kPoints, 11, 2e6, informative);
  const auto rows = rows_of(all);
  const auto roles = split_by_id(rows.ve_id, 0.2, 0.1, 5);
  const auto train = select_rows(rows, roles, SplitRole::train);
  const auto model = Surrogate::train(train, select_rows(rows, roles, SplitRole::validation),
                                      quick_options(ensemble), meta_mg());
  const auto test = select_rows(rows, roles, SplitRole::test);
  const auto p = model.predict(test.x, test.size());
  const auto [lo, hi] = std::minmax_element(train.y.begin(), train.y.end());
  Fit f;
  f.test = curve_metrics(p.mean_pa, test.y, kPoints, mean_curve(train.y, kPoints), *hi - *lo,
                         ensemble > 1 ? std::span<const double>(p.std_pa) : std::span<const double>());
  testing::SyntheticCurves t;  // the ceiling on the test rows
  t.rows = test.size();
  t.points = kPoints;
  t.y = test.y;
  for (std::int64_t r = 0; r < all.rows; ++r)
    if (roles[r] == SplitRole::test)
      t.clean.insert(t.clean.end(), all.clean.begin() + r * kPoints, all.clean.begin() + (r + 1) * kPoints);
  f.ceiling = t.ceiling_r2();
  return f;
}

TEST(SurrogateSplit, RoleDependsOnIdNotOrder) {
  std::vector<std::int64_t> ids(2000);
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<std::int64_t>(i) * 7 + 3;
  auto reversed = ids;
  std::reverse(reversed.begin(), reversed.end());
  const auto a = split_by_id(ids, 0.1, 0.1, 42), b = split_by_id(reversed, 0.1, 0.1, 42);
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(a[i], b[ids.size() - 1 - i]);
  const auto tests = std::count(a.begin(), a.end(), SplitRole::test);
  const auto vals = std::count(a.begin(), a.end(), SplitRole::validation);
  // Binomial(2000, 0.1): mean 200, sd 13.4; ±5 sd
  EXPECT_NEAR(tests, 200, 67);
  EXPECT_NEAR(vals, 200, 67);
  EXPECT_NE(split_by_id(ids, 0.1, 0.1, 43), a);  // another seed, another split
}

TEST(SurrogateSplit, SubsetsAreNestedAndIndependentOfOrder) {
  SurrogateRows rows{1, 1, {}, {}, {}};
  for (std::int64_t i = 0; i < 500; ++i) {
    rows.ve_id.push_back(i * 3 + 1);
    rows.x.push_back(float(i));
    rows.y.push_back(double(i));
  }
  auto reversed = rows;
  std::reverse(reversed.ve_id.begin(), reversed.ve_id.end());
  std::reverse(reversed.x.begin(), reversed.x.end());
  std::reverse(reversed.y.begin(), reversed.y.end());
  std::vector<std::int64_t> previous;
  for (const std::int64_t n : {1, 10, 100, 499}) {
    const auto a = first_rows_by_id(rows, n, 9);
    ASSERT_EQ(a.size(), n);
    EXPECT_TRUE(std::is_sorted(a.ve_id.begin(), a.ve_id.end()));  // row order kept
    for (std::int64_t r = 0; r < n; ++r) EXPECT_EQ(a.y[r], double((a.ve_id[r] - 1) / 3));  // x, y follow the id
    auto b = first_rows_by_id(reversed, n, 9).ve_id;
    std::sort(b.begin(), b.end());
    EXPECT_EQ(a.ve_id, b);  // the same VEs whatever the row order
    EXPECT_TRUE(std::includes(a.ve_id.begin(), a.ve_id.end(), previous.begin(), previous.end())) << n;
    previous = a.ve_id;
  }
  EXPECT_EQ(first_rows_by_id(rows, 0, 9).size(), 500);
  EXPECT_EQ(first_rows_by_id(rows, 800, 9).size(), 500);
  EXPECT_NE(first_rows_by_id(rows, 50, 9).ve_id, first_rows_by_id(rows, 50, 10).ve_id);  // seeded
}

TEST(Surrogate, ReachesTheKnownCeilingWhenTheFingerprintCarriesTheCurve) {
  const auto f = fit(true, 3);
  // ceiling ~0.99 (2 MPa noise on curves spread by ~20 MPa)
  EXPECT_GT(f.ceiling, 0.95);
  EXPECT_GT(f.test.r2, f.ceiling - 0.03) << "ceiling " << f.ceiling;
  EXPECT_LE(f.test.r2, f.ceiling + 0.01);
  EXPECT_LT(f.test.mae_mpa, 3.0);
  EXPECT_GT(f.test.coverage90, 0.0);
  EXPECT_LE(f.test.coverage90, 1.0);
}

TEST(Surrogate, PureNoiseFingerprintGivesNoSkill) {
  const auto f = fit(false);
  EXPECT_GT(f.ceiling, 0.95);  // the curves are as predictable as above, from the right input
  EXPECT_NEAR(f.test.r2, 0.0, 0.06);
}

TEST(Surrogate, ModelFileRoundTripGivesIdenticalPredictions) {
  const auto dir = test_scratch::fresh_scratch_dir("surrogate_round_trip");
  const auto s = testing::synthetic_curves(200, kInputs, kPoints, 1, 1e6);
  auto o = quick_options(2);
  o.training.epochs = 5;
  auto meta = meta_mg();
  meta.campaign_digest = "fnv1a64:0123456789abcdef";
  meta.strain.assign(kPoints, 0.0005);
  const auto model = Surrogate::train(rows_of(s), SurrogateRows{kInputs, kPoints, {}, {}, {}}, o, meta);
  const auto file = dir / "model.pt";
  model.save(file);
  EXPECT_FALSE(std::filesystem::exists(dir / "model.pt.tmp"));
  const auto back = Surrogate::load(file);
  EXPECT_EQ(back.members(), 2);
  EXPECT_EQ(back.meta().campaign_digest, meta.campaign_digest);
  EXPECT_EQ(back.meta().inputs, kInputs);
  EXPECT_EQ(back.meta().strain, meta.strain);
  EXPECT_EQ(describe_options(back.options()), describe_options(o));
  const auto a = model.predict(s.x, s.rows), b = back.predict(s.x, s.rows);
  EXPECT_EQ(a.mean_pa, b.mean_pa);
  EXPECT_EQ(a.std_pa, b.std_pa);
}

TEST(Surrogate, HandWrittenPassEqualsLibTorchsOneRowOrMany) {
  // predict() runs its own forward pass in blocks of rows; LibTorch's is the reference.
  const auto s = testing::synthetic_curves(200, kInputs, kPoints, 4, 1e6);
  for (const char* activation : {"leaky_relu", "tanh"}) {
    auto o = quick_options(3);
    o.training.epochs = 3;
    o.network.activation = activation;
    o.network.hidden = {32, 24};
    const auto model = Surrogate::train(rows_of(s), SurrogateRows{kInputs, kPoints, {}, {}, {}}, o, meta_mg());
    const auto batch = model.predict_reference(std::span<const float>(s.x).first(64 * kInputs), 64);
    const auto blocks = model.predict(std::span<const float>(s.x).first(61 * kInputs), 61);  // 7 blocks + 5 rows
    for (std::int64_t i = 0; i < 61 * kPoints; ++i) {
      EXPECT_NEAR(blocks.mean_pa[i], batch.mean_pa[i], 1e-6 * 150e6) << activation;
      EXPECT_NEAR(blocks.std_pa[i], batch.std_pa[i], 1e-5 * 150e6) << activation;
    }
    for (std::int64_t r = 0; r < 64; r += 9) {
      const auto one = model.predict(std::span<const float>(s.x).subspan(r * kInputs, kInputs), 1);
      for (std::int64_t p = 0; p < kPoints; ++p) {
        EXPECT_NEAR(one.mean_pa[p], batch.mean_pa[r * kPoints + p], 1e-6 * 150e6) << activation;  // float32 sums
        EXPECT_NEAR(one.std_pa[p], batch.std_pa[r * kPoints + p], 1e-5 * 150e6) << activation;
      }
    }
  }
}

TEST(Surrogate, RefusesDataOfAnotherMaterialLoadCaseOrLength) {
  const auto s = testing::synthetic_curves(50, kInputs, kPoints, 1, 1e6);
  auto o = quick_options(1);
  o.training.epochs = 1;
  const auto model = Surrogate::train(rows_of(s), SurrogateRows{kInputs, kPoints, {}, {}, {}}, o, meta_mg());
  SurrogateMeta same = meta_mg();
  same.inputs = kInputs;
  EXPECT_EQ(model.incompatibility(same), "");
  auto cu = same;
  cu.material = "cu";
  EXPECT_NE(model.incompatibility(cu).find("material 'mg', the data is 'cu'"), std::string::npos);
  auto load = same;
  load.load_case = "shear";
  EXPECT_NE(model.incompatibility(load).find("load case"), std::string::npos);
  auto longer = same;
  longer.inputs = 256;
  EXPECT_NE(model.incompatibility(longer).find("fingerprints of 16 values, the data has 256"), std::string::npos);
}

TEST(Surrogate, NanOrWrongSizeInputIsAnInputError) {
  const auto s = testing::synthetic_curves(20, kInputs, kPoints, 1, 1e6);
  auto o = quick_options(1);
  o.training.epochs = 1;
  const auto model = Surrogate::train(rows_of(s), SurrogateRows{kInputs, kPoints, {}, {}, {}}, o, meta_mg());
  auto x = s.x;
  x[kInputs + 3] = std::numeric_limits<float>::quiet_NaN();
  try {
    model.predict(x, s.rows, "fp.csv");
    FAIL() << "NaN accepted";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("fp.csv: error: row 1 value 3 is not a finite number"), std::string::npos);
  }
  EXPECT_THROW(model.predict(std::span<const float>(s.x).first(kInputs * 2 - 1), 2), core::InputError);
}

}  // namespace
}  // namespace mspipe::ml
