#pragma once
// Helpers shared by the DAMASK YAML readers: typed access with errors that read
// "file:line:col: error: key.path: message" and unknown-key checks.
#include <yaml-cpp/yaml.h>

#include <set>
#include <string>
#include <vector>

namespace mspipe::cp::damask {

class YamlFile {
 public:
  explicit YamlFile(const std::string& file);  // throws InputError (missing, syntax)
  const YAML::Node& root() const { return root_; }
  const std::string& name() const { return file_; }

  [[noreturn]] void fail(const YAML::Node& at, const std::string& path, const std::string& what) const;
  // A mapping node at path (required).
  YAML::Node map(const YAML::Node& parent, const std::string& key, const std::string& path) const;
  double number(const YAML::Node& n, const std::string& path) const;
  std::vector<double> numbers(const YAML::Node& n, const std::string& path) const;  // scalar or list
  std::string string(const YAML::Node& n, const std::string& path) const;
  // Fails on the first key of `m` not in `known`.
  void only(const YAML::Node& m, const std::set<std::string>& known, const std::string& path) const;

 private:
  std::string file_;
  YAML::Node root_;
};

inline std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

}  // namespace mspipe::cp::damask
