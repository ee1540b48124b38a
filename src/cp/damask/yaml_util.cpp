#include "cp/damask/yaml_util.hpp"

#include <cmath>

#include <fmt/core.h>

#include "core/errors.hpp"
#include "core/suggest.hpp"

namespace mspipe::cp::damask {

YamlFile::YamlFile(const std::string& file) : file_(file) {
  try {
    root_ = YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    throw core::InputError(core::format_error(file, "cannot open the file"));
  } catch (const YAML::ParserException& e) {
    throw core::InputError(fmt::format("{}:{}:{}: error: {}", file, e.mark.line + 1,
                                       e.mark.column + 1, e.msg));
  }
  if (!root_.IsMap()) throw core::InputError(core::format_error(file, "expected a YAML mapping"));
}

void YamlFile::fail(const YAML::Node& at, const std::string& path, const std::string& what) const {
  const auto m = at.Mark();
  if (m.line >= 0)
    throw core::InputError(
        fmt::format("{}:{}:{}: error: {}: {}", file_, m.line + 1, m.column + 1, path, what));
  throw core::InputError(fmt::format("{}: error: {}: {}", file_, path, what));
}

YAML::Node YamlFile::map(const YAML::Node& parent, const std::string& key, const std::string& path) const {
  const YAML::Node n = parent[key];
  if (!n) fail(parent, join(path, key), "is required");
  if (!n.IsMap()) fail(n, join(path, key), "expected a mapping");
  return n;
}

double YamlFile::number(const YAML::Node& n, const std::string& path) const {
  if (!n.IsScalar()) fail(n, path, "expected a number");
  const std::string s = n.Scalar();
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != s.size() || !std::isfinite(v)) fail(n, path, fmt::format("'{}' is not a finite number", s));
  return v;
}

std::vector<double> YamlFile::numbers(const YAML::Node& n, const std::string& path) const {
  std::vector<double> out;
  if (n.IsScalar()) {
    out.push_back(number(n, path));
  } else if (n.IsSequence()) {
    for (std::size_t i = 0; i < n.size(); ++i)
      out.push_back(number(n[i], fmt::format("{}[{}]", path, i)));
  } else {
    fail(n, path, "expected a number or a list of numbers");
  }
  return out;
}

std::string YamlFile::string(const YAML::Node& n, const std::string& path) const {
  if (!n.IsScalar()) fail(n, path, "expected a string");
  return n.Scalar();
}

void YamlFile::only(const YAML::Node& m, const std::set<std::string>& known, const std::string& path) const {
  for (const auto& kv : m) {
    const std::string k = kv.first.Scalar();
    if (known.count(k)) continue;
    // Half the key's length keeps one-letter keys (DAMASK's R, O) from odd suggestions.
    const auto best = core::closest_match(k, known, k.size() / 2);
    fail(kv.first, join(path, k),
         best ? fmt::format("is not supported here (did you mean '{}'?)", *best) : "is not supported here");
  }
}

}  // namespace mspipe::cp::damask
