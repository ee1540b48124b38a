#include <algorithm>

#include "pipeline/stage.hpp"

namespace mspipe::pipeline {

const std::vector<std::string>& known_stages() {
  static const std::vector<std::string> names = {};
  return names;
}

std::unique_ptr<Stage> make_stage(std::string_view name) {
  (void)name;
  return nullptr;
}

}  // namespace mspipe::pipeline
