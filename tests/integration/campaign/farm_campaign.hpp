#pragma once
// The campaign of the task-farm programs: real curve length, short fingerprint.
#include "support/campaign_records.hpp"

namespace mspipe::test_campaign {

inline campaign::Identity farm_identity() {
  return identity(16, 21, 7);
}

// The same campaign when its trainers train the VAE (campaign_farm_run --trainers), and
// the checkpoint digest the trainers report.
inline campaign::Identity farm_trained_identity() {
  return trained_identity(16, 21, 7);
}
inline constexpr const char* kFarmCheckpoint = "fnv1a64:00000000000000f0";

}  // namespace mspipe::test_campaign
