#include <algorithm>

#include "pipeline/generate_stage.hpp"
#include "pipeline/stage.hpp"

namespace mspipe::pipeline {

const std::vector<std::string>& known_stages() {
  static const std::vector<std::string> names = {"generate"};
  return names;
}

std::unique_ptr<Stage> make_stage(std::string_view name) {
  if (name == "generate") return make_generate_stage();
  return nullptr;
}

}  // namespace mspipe::pipeline
