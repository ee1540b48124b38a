// Lattice geometry and interaction tables against DAMASK v3.0.2's crystal tables
// (tests/data/cp/crystal-tables.md) and known crystallography.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "cp/lattice.hpp"
#include "cp/lattice_tables.hpp"

using namespace mspipe::cp;

namespace {

// Sections of crystal-tables.md: title -> rows of integers.
std::map<std::string, std::vector<std::vector<int>>> read_tables() {
  std::ifstream in(std::string(MSPIPE_TEST_DATA_DIR) + "/cp/crystal-tables.md");
  std::map<std::string, std::vector<std::vector<int>>> out;
  std::string line, title;
  const std::regex sys(R"(^\s*\d+: d=\[([^\]]*)\]\s+n=\(([^)]*)\))");
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) {
      title = line.substr(3);
      continue;
    }
    std::smatch m;
    std::vector<int> row;
    std::string numbers;
    if (std::regex_search(line, m, sys)) numbers = m[1].str() + " " + m[2].str();
    else if (std::regex_match(line, std::regex(R"(^\s*\d+(\s+\d+)+\s*$)"))) numbers = line;
    else continue;
    std::istringstream is(numbers);
    int v;
    while (is >> v) row.push_back(v);
    out[title].push_back(row);
  }
  return out;
}

std::vector<std::vector<int>> table(const std::string& prefix) {
  static const auto all = read_tables();
  for (const auto& [k, v] : all)
    if (k.rfind(prefix, 0) == 0) return v;
  ADD_FAILURE() << "no table " << prefix;
  return {};
}

template <class T>
void expect_same(const T& code, const std::vector<std::vector<int>>& ref, const char* what) {
  ASSERT_EQ(code.size(), ref.size()) << what;
  for (std::size_t r = 0; r < ref.size(); ++r) {
    ASSERT_EQ(code[r].size(), ref[r].size()) << what;
    for (std::size_t c = 0; c < ref[r].size(); ++c)
      EXPECT_EQ(int(code[r][c]), ref[r][c]) << what << " row " << r + 1 << " col " << c + 1;
  }
}

}  // namespace

TEST(Lattice, TablesMatchDamaskCrystalTables) {
  expect_same(tables::cf_slip, table("CF_SYSTEMSLIP"), "cF slip");
  expect_same(tables::hp_slip, table("HP_SYSTEMSLIP"), "hP slip");
  expect_same(tables::hp_twin, table("HP_SYSTEMTWIN (v3.0.2)"), "hP twin");
  expect_same(tables::cf_slip_slip, table("CF_INTERACTIONSLIPSLIP"), "cF slip-slip");
  expect_same(tables::hp_slip_slip, table("HP_INTERACTIONSLIPSLIP"), "hP slip-slip");
  expect_same(tables::hp_twin_twin, table("HP_INTERACTIONTWINTWIN"), "hP twin-twin");
  expect_same(tables::hp_slip_twin, table("HP_INTERACTIONSLIPTWIN"), "hP slip-twin");
  expect_same(tables::hp_twin_slip, table("HP_INTERACTIONTWINSLIP"), "hP twin-slip");
}

TEST(Lattice, SystemsAreOrthonormalAndTraceless) {
  const int cf[] = {12, 6};
  const int hs[] = {3, 3, 6, 12, 6};
  const int ht[] = {6, 6, 6, 6};
  for (const auto& set : {slip_systems(Bravais::cF, cf, 1.0), slip_systems(Bravais::hP, hs, 1.6235),
                          twin_systems(Bravais::hP, ht, 1.6235)})
    for (const auto& s : set) {
      EXPECT_NEAR(s.direction.norm(), 1.0, 1e-14);
      EXPECT_NEAR(s.normal.norm(), 1.0, 1e-14);
      EXPECT_NEAR(s.direction.dot(s.normal), 0.0, 1e-12);  // shear lies in the plane
      EXPECT_NEAR(s.schmid().trace(), 0.0, 1e-12);
    }
}

TEST(Lattice, CubicSlipIs110On111) {
  const int n[] = {12};
  const auto s = slip_systems(Bravais::cF, n, 1.0);
  ASSERT_EQ(s.size(), 12u);
  EXPECT_NEAR(s[0].direction.y(), 1.0 / std::sqrt(2.0), 1e-15);  // [0 1 -1]/√2
  EXPECT_NEAR(s[0].normal.x(), 1.0 / std::sqrt(3.0), 1e-15);     // (1 1 1)/√3
}

TEST(Lattice, HexagonalBasalAndPrismaticGeometry) {
  const double ca = 1.6235;
  const int n[] = {3, 3};
  const auto s = slip_systems(Bravais::hP, n, ca);
  // Basal: normal ∥ c, direction a1 ∥ x.
  EXPECT_NEAR(s[0].normal.z(), 1.0, 1e-15);
  EXPECT_NEAR(s[0].direction.x(), 1.0, 1e-15);
  // Prismatic planes are perpendicular to the basal plane.
  for (int i = 3; i < 6; ++i) EXPECT_NEAR(s[i].normal.z(), 0.0, 1e-15);
  // Tension twin {10-12}<-1011>: the plane makes atan((c/a)/√3) with the basal plane
  // (43.1° for Mg).
  const int t[] = {6};
  const auto tw = twin_systems(Bravais::hP, t, ca);
  EXPECT_NEAR(std::acos(tw[0].normal.z()), std::atan(ca / std::sqrt(3.0)), 1e-12);
}

TEST(Lattice, TwinShearMatchesReferenceValues) {
  const int n[] = {1, 1, 1, 1};
  const auto g = twin_shear(Bravais::hP, n, 1.6235);
  EXPECT_NEAR(g[0], 0.12953, 5e-5);  // REFERENCE §C: tension {10-12}
  EXPECT_NEAR(g[2], 0.13718, 5e-5);  // compression {10-11}
}

TEST(Lattice, InteractionMatrixUsesTypesOfActiveSystems) {
  const int n[] = {12};
  const std::vector<double> h = {1, 1, 5.123, 0.574, 1.123, 1.123, 1};
  const auto m = slip_slip_interaction(Bravais::cF, n, h);
  ASSERT_EQ(m.rows(), 12);
  // Row 1 of the type table: 1 2 2 4 7 6 3 5 5 4 6 7.
  const int types[] = {1, 2, 2, 4, 7, 6, 3, 5, 5, 4, 6, 7};
  for (int c = 0; c < 12; ++c) EXPECT_EQ(m(0, c), h[types[c] - 1]);
  // Mg: hP slip families 1,2,3,5 active; rows are the hardened system (table not symmetric).
  const int nh[] = {3, 3, 0, 0, 6};
  std::vector<double> v(69);
  for (int i = 0; i < 69; ++i) v[i] = i + 1;
  const auto mh = slip_slip_interaction(Bravais::hP, nh, v);
  EXPECT_EQ(mh(0, 3), 3);   // basal hardened by prismatic: type 3
  EXPECT_EQ(mh(3, 0), 7);   // prismatic hardened by basal: type 7
  EXPECT_EQ(mh(6, 0), 68);  // first pyr<c+a> 2nd order row 25, col 1
  EXPECT_THROW(slip_slip_interaction(Bravais::cF, n, std::vector<double>{1, 1}),
               std::invalid_argument);
}
