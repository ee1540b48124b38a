#pragma once
// The message of campaign::resolve's ConfigError for a layout ("" when it fits), with
// "job.toml" as the place.
#include <string>

#include "campaign/layout.hpp"
#include "core/errors.hpp"

namespace mspipe::test_campaign {

inline std::string layout_error(int world, campaign::Layout l, bool checkpoint) {
  try {
    campaign::resolve(world, l, checkpoint, "job.toml");
  } catch (const core::ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace mspipe::test_campaign
