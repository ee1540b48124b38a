#pragma once
// The campaign of the task-farm programs: real curve length, short fingerprint.
#include "support/campaign_records.hpp"

namespace mspipe::test_campaign {

inline campaign::Identity farm_identity() {
  return identity(16, 21, 7);
}

}  // namespace mspipe::test_campaign
