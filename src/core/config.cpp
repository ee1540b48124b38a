#include "core/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/comm.hpp"
#include "core/errors.hpp"
#include "core/suggest.hpp"

namespace mspipe::core {

namespace detail {
struct ConfigState {
  std::string source;
  std::string text;
  toml::table root;
  std::map<const toml::table*, AskedKeys> asked;
};
}  // namespace detail

namespace {

const toml::table* as_tbl(const void* p) { return static_cast<const toml::table*>(p); }
const toml::node* as_node(const void* p) { return static_cast<const toml::node*>(p); }

std::string position(const std::string& file, const toml::source_region& r) {
  std::ostringstream os;
  os << file;
  if (r.begin.line > 0) os << ':' << r.begin.line << ':' << r.begin.column;
  return os.str();
}

std::string describe(const toml::node& n) {
  if (n.is_table()) return "a table";
  if (n.is_array()) {
    std::ostringstream os;
    os << "an array of " << n.as_array()->size() << " values";
    return os.str();
  }
  std::ostringstream os;
  n.visit([&](auto&& v) {
    if constexpr (toml::is_string<decltype(v)>) os << '"' << v.get() << '"';
    else if constexpr (toml::is_value<decltype(v)>) os << v;
  });
  return os.str();
}

std::string fmt_number(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

std::string range_words(const Range& r, std::string_view noun) {
  const bool vowel = !noun.empty() && std::string_view("aeiou").find(noun[0]) != std::string_view::npos;
  std::string w = r.words.empty() ? (vowel ? "an" : "a") : r.words;
  std::string out = w + " " + std::string(noun);
  if (r.words.empty() && (r.lo || r.hi)) {
    if (r.lo && r.hi)
      out += std::string(" in ") + (r.lo_open ? "(" : "[") + fmt_number(*r.lo) + ", " +
             fmt_number(*r.hi) + (r.hi_open ? ")" : "]");
    else if (r.lo)
      out += std::string(r.lo_open ? " > " : " >= ") + fmt_number(*r.lo);
    else
      out += std::string(r.hi_open ? " < " : " <= ") + fmt_number(*r.hi);
  }
  return out;
}

}  // namespace

Range Range::at_least(double lo) { return {lo, std::nullopt, false, false, ""}; }
Range Range::between(double lo, double hi) { return {lo, hi, false, false, ""}; }
Range Range::open_between(double lo, double hi) { return {lo, hi, true, true, ""}; }
bool Range::contains(double v) const {
  if (std::isnan(v)) return false;
  if (lo && (lo_open ? !(v > *lo) : !(v >= *lo))) return false;
  if (hi && (hi_open ? !(v < *hi) : !(v <= *hi))) return false;
  return true;
}

Section::Section(std::shared_ptr<detail::ConfigState> state, const void* table, std::string path)
    : state_(std::move(state)), table_(table), path_(std::move(path)) {}

const std::string& Section::source() const { return state_->source; }

std::string Section::dotted(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  return path_ + "." + std::string(key);
}

const void* Section::node(std::string_view key) const {
  state_->asked[as_tbl(table_)].ask(key);
  return as_tbl(table_)->get(key);
}

bool Section::has(std::string_view key) const { return node(key) != nullptr; }

ValueKind Section::kind(std::string_view key) const {
  auto* n = as_node(node(key));
  if (!n) return ValueKind::absent;
  switch (n->type()) {
    case toml::node_type::table: return ValueKind::table;
    case toml::node_type::array: return ValueKind::array;
    case toml::node_type::string: return ValueKind::string;
    case toml::node_type::integer: return ValueKind::integer;
    case toml::node_type::floating_point: return ValueKind::floating;
    case toml::node_type::boolean: return ValueKind::boolean;
    default: return ValueKind::date_time;
  }
}

std::vector<std::string> Section::keys() const {
  std::vector<std::pair<toml::source_position, std::string>> ks;
  for (auto&& [k, v] : *as_tbl(table_)) ks.emplace_back(k.source().begin, std::string(k.str()));
  std::sort(ks.begin(), ks.end(), [](auto& a, auto& b) {
    return std::pair(a.first.line, a.first.column) < std::pair(b.first.line, b.first.column);
  });
  std::vector<std::string> out;
  for (auto& [p, k] : ks) out.push_back(k);
  return out;
}

std::string Section::where(std::string_view key) const {
  if (!key.empty()) {
    if (auto* n = as_tbl(table_)->get(key)) return position(state_->source, n->source());
  }
  if (path_.empty()) return state_->source;  // the root table has no line of its own
  return position(state_->source, as_tbl(table_)->source());
}

void Section::fail(std::string_view key, std::string_view what) const { ref(key).fail(what); }

KeyRef Section::ref(std::string_view key) const { return {where(key), dotted(key)}; }

void KeyRef::fail(std::string_view what) const {
  throw ConfigError(format_error(where, path + ": " + std::string(what)));
}

void config_error(const Section& section, std::string_view key, std::string_view what) {
  section.fail(key, what);
}

Section Section::section(std::string_view key) const {
  auto s = optional_section(key);
  if (!s) fail(key, "missing required table [" + dotted(key) + "]");
  return *s;
}

std::optional<Section> Section::optional_section(std::string_view key) const {
  auto* n = as_node(node(key));
  if (!n) return std::nullopt;
  if (!n->is_table()) fail(key, "expected a table, found " + describe(*n));
  return Section(state_, n->as_table(), dotted(key));
}

std::int64_t Section::integer(std::string_view key, std::optional<std::int64_t> fallback,
                              const Range& range) const {
  auto* n = as_node(node(key));
  if (!n) {
    if (!fallback) fail(key, "missing required key (expected " + range_words(range, "integer") + ")");
    return *fallback;
  }
  if (!n->is_integer() || !range.contains(static_cast<double>(n->as_integer()->get())))
    fail(key, "expected " + range_words(range, "integer") + ", found " + describe(*n));
  return n->as_integer()->get();
}

double Section::number(std::string_view key, std::optional<double> fallback,
                       const Range& range) const {
  auto* n = as_node(node(key));
  if (!n) {
    if (!fallback) fail(key, "missing required key (expected " + range_words(range, "number") + ")");
    return *fallback;
  }
  if (!n->is_number()) fail(key, "expected " + range_words(range, "number") + ", found " + describe(*n));
  double v = n->is_integer() ? static_cast<double>(n->as_integer()->get())
                             : n->as_floating_point()->get();
  if (!std::isfinite(v) || !range.contains(v))
    fail(key, "expected " + range_words(range, "finite number") + ", found " + describe(*n));
  return v;
}

bool Section::boolean(std::string_view key, std::optional<bool> fallback) const {
  auto* n = as_node(node(key));
  if (!n) {
    if (!fallback) fail(key, "missing required key (expected true or false)");
    return *fallback;
  }
  if (!n->is_boolean()) fail(key, "expected true or false, found " + describe(*n));
  return n->as_boolean()->get();
}

std::string Section::string(std::string_view key, std::optional<std::string> fallback,
                            std::initializer_list<std::string_view> choices) const {
  std::string expected = "a string";
  if (choices.size() > 0) {
    expected = "one of";
    for (auto c : choices) expected += std::string(" \"") + std::string(c) + "\"";
  }
  auto* n = as_node(node(key));
  if (!n) {
    if (!fallback) fail(key, "missing required key (expected " + expected + ")");
    return *fallback;
  }
  if (!n->is_string()) fail(key, "expected " + expected + ", found " + describe(*n));
  std::string v = n->as_string()->get();
  if (choices.size() > 0 && std::find(choices.begin(), choices.end(), v) == choices.end())
    fail(key, "expected " + expected + ", found " + describe(*n));
  return v;
}

namespace {
template <class T, class Check>
std::vector<T> read_array(const Section& s, const toml::node* n, std::string_view key,
                          std::size_t exact_size, const std::string& noun, Check&& element) {
  if (!n->is_array()) s.fail(key, "expected an array of " + noun + ", found " + describe(*n));
  auto& arr = *n->as_array();
  if (exact_size > 0 && arr.size() != exact_size)
    s.fail(key, "expected " + std::to_string(exact_size) + " " + noun + ", found " +
                    std::to_string(arr.size()));
  std::vector<T> out;
  out.reserve(arr.size());
  for (std::size_t i = 0; i < arr.size(); ++i) {
    auto v = element(arr[i]);
    if (!v)
      s.fail(key, "element " + std::to_string(i) + ": expected " + noun + ", found " + describe(arr[i]));
    out.push_back(*v);
  }
  return out;
}
}  // namespace

std::vector<double> Section::numbers(std::string_view key, std::optional<std::vector<double>> fallback,
                                     std::size_t exact_size, const Range& range) const {
  auto* n = as_node(node(key));
  std::string noun = range_words(range, "number");
  noun = noun.substr(noun.find(' ') + 1) + "s";
  if (!n) {
    if (!fallback) fail(key, "missing required key (expected an array of " + noun + ")");
    return *fallback;
  }
  return read_array<double>(*this, n, key, exact_size, noun,
                            [&](const toml::node& e) -> std::optional<double> {
                              if (!e.is_number()) return std::nullopt;
                              double v = e.is_integer() ? double(e.as_integer()->get())
                                                        : e.as_floating_point()->get();
                              if (!std::isfinite(v) || !range.contains(v)) return std::nullopt;
                              return v;
                            });
}

std::vector<std::int64_t> Section::integers(std::string_view key,
                                            std::optional<std::vector<std::int64_t>> fallback,
                                            std::size_t exact_size, const Range& range) const {
  auto* n = as_node(node(key));
  if (!n) {
    if (!fallback) fail(key, "missing required key (expected an array of integers)");
    return *fallback;
  }
  return read_array<std::int64_t>(*this, n, key, exact_size, "integers",
                                  [&](const toml::node& e) -> std::optional<std::int64_t> {
                                    if (!e.is_integer()) return std::nullopt;
                                    auto v = e.as_integer()->get();
                                    if (!range.contains(double(v))) return std::nullopt;
                                    return v;
                                  });
}

std::vector<std::string> Section::strings(std::string_view key,
                                          std::optional<std::vector<std::string>> fallback) const {
  auto* n = as_node(node(key));
  if (!n) {
    if (!fallback) fail(key, "missing required key (expected an array of strings)");
    return *fallback;
  }
  return read_array<std::string>(*this, n, key, 0, "strings",
                                 [&](const toml::node& e) -> std::optional<std::string> {
                                   if (!e.is_string()) return std::nullopt;
                                   return e.as_string()->get();
                                 });
}

void Section::finish() const {
  auto& asked = state_->asked[as_tbl(table_)];
  const auto k = asked.first_unasked(keys());
  if (!k) return;
  std::string msg = "unknown key '" + dotted(*k) + "'";
  if (auto best = closest_match(*k, asked.keys(), 2)) msg += " (did you mean '" + dotted(*best) + "'?)";
  auto it = as_tbl(table_)->find(*k);
  throw ConfigError(format_error(position(state_->source, it->first.source()), msg));
}

Config Config::parse(std::string text, std::string source) {
  Config c;
  c.state_ = std::make_shared<detail::ConfigState>();
  c.state_->source = std::move(source);
  c.state_->text = std::move(text);
  try {
    c.state_->root = toml::parse(c.state_->text, c.state_->source);
  } catch (const toml::parse_error& e) {
    throw ConfigError(format_error(position(c.state_->source, e.source()),
                                   "malformed TOML: " + std::string(e.description())));
  }
  return c;
}

Section Config::root() const { return Section(state_, &state_->root, ""); }
const std::string& Config::source() const { return state_->source; }
const std::string& Config::text() const { return state_->text; }

Config load_config(const std::filesystem::path& file, const Comm& comm) {
  std::string text;
  std::optional<std::string> err;
  if (comm.rank() == 0) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      err = format_error(file.string(), "cannot open configuration file");
    } else {
      std::ostringstream os;
      os << in.rdbuf();
      text = os.str();
    }
  }
  raise_if_any(comm, err, ExitCode::config);
  comm.bcast(text, 0);
  return Config::parse(std::move(text), file.string());
}

}  // namespace mspipe::core
