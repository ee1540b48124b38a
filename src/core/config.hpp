#pragma once
// Typed, validated access to a TOML configuration. Errors read like a compiler's:
//   inputs/mg.toml:14:9: error: cp.ranks_per_sim: expected a positive integer, found -2
//   inputs/mg.toml:22:1: error: unknown key 'vae.learnig_rate' (did you mean 'vae.learning_rate'?)
// Every accessor records the key it was asked for; Section::finish() then reports any key
// present in the file that no code asked for, so typos never pass silently.
// toml++ stays behind this header (it is slow to compile).
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mspipe::core {

class Comm;

// A closed or open interval for numeric values, with the words used in messages.
struct Range {
  std::optional<double> lo, hi;
  bool lo_open = false, hi_open = false;
  std::string words;  // e.g. "a positive", "a non-negative"

  static Range any() { return {}; }
  static Range positive() { return {0.0, std::nullopt, true, false, "a positive"}; }
  static Range non_negative() { return {0.0, std::nullopt, false, false, "a non-negative"}; }
  static Range at_least(double lo);
  static Range between(double lo, double hi);        // closed [lo, hi]
  static Range open_between(double lo, double hi);   // open (lo, hi)
  bool contains(double v) const;
};

namespace detail { struct ConfigState; }

// What a key holds, so that code can branch on it (a number or a list of numbers, a
// preset name or a table) without catching errors.
enum class ValueKind { absent, table, array, string, integer, floating, boolean, date_time };

// Where a key is in its file, remembered at configure time for a check that can only be
// made later (at run time: the rank count, a file's contents). fail() then reports the
// problem at the key, as Section::fail does.
struct KeyRef {
  std::string where;  // "file:line:col" of the value (of its table when the key is absent)
  std::string path;   // dotted key path, e.g. "simulate.ranks_per_sim"
  // Throws ConfigError "where: error: path: what".
  [[noreturn]] void fail(std::string_view what) const;
};

class Section {
 public:
  // Key path of this table ("" for the root, "vae", "cp.material").
  const std::string& path() const { return path_; }
  // Name of the file this configuration came from.
  const std::string& source() const;

  bool has(std::string_view key) const;
  ValueKind kind(std::string_view key) const;
  // Keys present in this table, in file order.
  std::vector<std::string> keys() const;

  Section section(std::string_view key) const;                     // required table
  std::optional<Section> optional_section(std::string_view key) const;

  std::int64_t integer(std::string_view key, std::optional<std::int64_t> fallback = std::nullopt,
                       const Range& range = Range::any()) const;
  double number(std::string_view key, std::optional<double> fallback = std::nullopt,
                const Range& range = Range::any()) const;           // integers accepted
  bool boolean(std::string_view key, std::optional<bool> fallback = std::nullopt) const;
  std::string string(std::string_view key, std::optional<std::string> fallback = std::nullopt,
                     std::initializer_list<std::string_view> choices = {}) const;
  std::vector<double> numbers(std::string_view key,
                              std::optional<std::vector<double>> fallback = std::nullopt,
                              std::size_t exact_size = 0, const Range& range = Range::any()) const;
  std::vector<std::int64_t> integers(std::string_view key,
                                     std::optional<std::vector<std::int64_t>> fallback = std::nullopt,
                                     std::size_t exact_size = 0,
                                     const Range& range = Range::any()) const;
  std::vector<std::string> strings(std::string_view key,
                                   std::optional<std::vector<std::string>> fallback = std::nullopt) const;

  // "file:line:col" of the key's value (of this table when the key is absent).
  std::string where(std::string_view key = {}) const;
  // Throws ConfigError "where(key): error: path.key: what" for checks the accessors
  // cannot express (cross-field constraints).
  [[noreturn]] void fail(std::string_view key, std::string_view what) const;
  // The key's location and path, to fail at it later (see KeyRef).
  KeyRef ref(std::string_view key) const;
  // Reports the first key of this table that no accessor asked for.
  void finish() const;

 private:
  friend class Config;
  Section(std::shared_ptr<detail::ConfigState> state, const void* table, std::string path);
  const void* node(std::string_view key) const;  // toml::node*, null when absent
  std::string dotted(std::string_view key) const;
  std::shared_ptr<detail::ConfigState> state_;
  const void* table_;  // toml::table*
  std::string path_;
};

class Config {
 public:
  // Parses TOML text; `source` names it in messages. Throws ConfigError.
  static Config parse(std::string text, std::string source);
  Section root() const;
  const std::string& source() const;
  const std::string& text() const;

 private:
  std::shared_ptr<detail::ConfigState> state_;
};

// The same as section.fail(key, what), for code that reads better with a free function.
[[noreturn]] void config_error(const Section& section, std::string_view key, std::string_view what);

// Rank 0 reads the file and broadcasts the text (or the read error, so nobody hangs);
// every rank parses it and so finds the same errors.
Config load_config(const std::filesystem::path& file, const Comm& comm);

}  // namespace mspipe::core
