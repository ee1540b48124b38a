#pragma once
// A folder of its own for each test (support/scratch_dir.hpp), emptied when the test
// starts; the message of an expected InputError.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>

#include "core/errors.hpp"
#include "support/scratch_dir.hpp"

namespace mspipe::test_campaign {

inline std::filesystem::path fresh_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return test_scratch::fresh_scratch_dir(std::string("campaign_") + info->test_suite_name() + "_" +
                                         info->name());
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
