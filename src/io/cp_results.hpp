#pragma once
// The CP results of a VE set (what the simulate stage writes), schema "mspipe.cp_campaign"
// version 1:
//
//   /ve_id       int64   (N)             the VE of each row
//   /stress      float64 (N, points, 6)  volume-averaged Cauchy stress in Pa, Voigt order
//                                        (sigma_11 sigma_22 sigma_33 sigma_23 sigma_13
//                                        sigma_12); NaN at points that did not converge
//   /strain      float64 (points)        the applied strain at each point
//   /status      int8    (N)             CpStatus
//   /iterations  int64   (N)             solver iterations summed over the converged points
//   /wall_s      float64 (N)             wall-clock seconds of each simulation
//   attributes of /: schema, schema_version, material, stress_components; of /stress: unit
//
// Written serially (one rank) under a temporary name and renamed when complete.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mspipe::io {

inline constexpr const char* kCpResultsSchema = "mspipe.cp_campaign";
inline constexpr std::int64_t kCpResultsSchemaVersion = 1;

// A simulation that does not converge is a result, not an error.
enum class CpStatus : std::int8_t { converged = 0, not_converged = 1, failed = 2, timeout = 3 };

struct CpResultTable {
  std::string material;                  // preset name or the material file
  int points = 0;                        // stress points per VE (increments + 1)
  std::vector<std::int64_t> ve_id;       // N
  std::vector<double> stress;            // N x points x 6, Pa
  std::vector<double> strain;            // points
  std::vector<CpStatus> status;          // N
  std::vector<std::int64_t> iterations;  // N
  std::vector<double> wall_s;            // N
  std::int64_t count() const { return static_cast<std::int64_t>(ve_id.size()); }
};

// Writes `<path>.tmp` and renames it to `path`; std::invalid_argument when the columns'
// lengths disagree with count() and points.
void write_cp_results(const std::filesystem::path& path, const CpResultTable& table);
// An InputError naming the file when it is not a CP result file or its shapes disagree.
CpResultTable read_cp_results(const std::filesystem::path& path);

}  // namespace mspipe::io
