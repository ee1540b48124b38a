#pragma once
// The surrogate's predictions, schema "mspipe.surrogate_predictions" version 1:
//
//   /ve_id           int64   (N)
//   /stress_mpa      float64 (N, points)  predicted sigma_zz, MPa (ensemble mean)
//   /stress_std_mpa  float64 (N, points)  spread over the ensemble's members, MPa
//   /strain          float64 (points)     eps_zz of each point
//   attributes of /: schema, schema_version, model (its path), material, load_case,
//                    campaign_digest (of the model's training campaign)
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mspipe::io {

inline constexpr const char* kSurrogatePredictionSchema = "mspipe.surrogate_predictions";
inline constexpr std::int64_t kSurrogatePredictionSchemaVersion = 1;

struct SurrogatePredictions {
  std::int64_t points = 0;
  std::vector<std::int64_t> ve_id;
  std::vector<double> stress_mpa, stress_std_mpa;  // N * points
  std::vector<double> strain;
  std::string model, material, load_case, campaign_digest;
};

// Writes `<path>.tmp` and renames it. Throws InputError naming the file.
void write_surrogate_predictions(const std::filesystem::path& path, const SurrogatePredictions& p);
SurrogatePredictions read_surrogate_predictions(const std::filesystem::path& path);

}  // namespace mspipe::io
