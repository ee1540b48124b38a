#pragma once
// The campaign of the crash test: the real curve length, a short fingerprint (the test
// is about durability, not size).
#include "support/campaign_records.hpp"

namespace mspipe::test_campaign {

inline campaign::Identity crash_identity() {
  return identity(32, 21, 2024);
}

}  // namespace mspipe::test_campaign
