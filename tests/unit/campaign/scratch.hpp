#pragma once
// A folder of its own for each test, under build/<preset>/test_scratch/test_campaign/,
// emptied when the test starts; the message of an expected InputError.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>

#include "core/errors.hpp"

namespace mspipe::test_campaign {

inline std::filesystem::path fresh_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const auto dir =
      std::filesystem::path(MSPIPE_CAMPAIGN_SCRATCH) / info->test_suite_name() / info->name();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The message of the core::InputError that fn() throws; empty when it throws none.
inline std::string input_error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const core::InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace mspipe::test_campaign
