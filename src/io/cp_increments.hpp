#pragma once
// One simulation's per-increment volume averages (what `mspipe cp` writes), schema
// "mspipe.cp_result" version 1:
//
//   /increment, /iterations  int64   (n)
//   /time                    float64 (n)        s
//   /converged               int8    (n)        1 where the increment converged
//   /F, /P, /sigma           float64 (n, 3, 3)  row-major; P and sigma in Pa (/sigma: unit)
//   attributes of /: schema, schema_version, solver, status ("converged" | "not converged"),
//                    wall_s, cells (3 int64), size_m (3 float64)
//
// Written serially (one rank) under a temporary name and renamed when complete.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mspipe::io {

inline constexpr const char* kCpIncrementsSchema = "mspipe.cp_result";
inline constexpr std::int64_t kCpIncrementsSchemaVersion = 1;

struct CpIncrementTable {
  std::string solver;  // "spectral_basic/<method>"
  bool converged = false;
  double wall_s = 0;
  std::array<std::int64_t, 3> cells{};
  std::array<double, 3> size_m{};
  std::vector<std::int64_t> increment, iterations;  // n
  std::vector<std::int8_t> increment_converged;     // n
  std::vector<double> time;                         // n
  std::vector<double> F, P, sigma;                  // n x 9, row-major 3x3
  std::size_t count() const { return increment.size(); }
};

// std::invalid_argument when the columns' lengths disagree.
void write_cp_increments(const std::filesystem::path& path, const CpIncrementTable& table);
CpIncrementTable read_cp_increments(const std::filesystem::path& path);

}  // namespace mspipe::io
