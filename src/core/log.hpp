#pragma once
// Rank-aware logging. By default only the log leader (world rank 0) prints info and
// debug messages; warnings and errors print on every rank with a "[rank r role]" prefix.
// With a log directory every rank also writes all of its messages to rank_<r>.log there.
#include <fmt/core.h>

#include <string>
#include <string_view>

namespace mspipe::core::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3, quiet = 4 };

struct Settings {
  int rank = 0;
  std::string role = "main";
  Level level = Level::info;
  bool leader = true;        // prints info/debug to the terminal
  std::string directory;     // per-rank log files when not empty
};

void configure(const Settings& s);
void set_role(std::string_view role);
const Settings& settings();
Level parse_level(std::string_view name);  // "debug" | "info" | "warn" | "error" | "quiet"

void write(Level level, std::string_view message);

template <class... Args>
void debug(fmt::format_string<Args...> f, Args&&... a) { write(Level::debug, fmt::format(f, std::forward<Args>(a)...)); }
template <class... Args>
void info(fmt::format_string<Args...> f, Args&&... a) { write(Level::info, fmt::format(f, std::forward<Args>(a)...)); }
template <class... Args>
void warn(fmt::format_string<Args...> f, Args&&... a) { write(Level::warn, fmt::format(f, std::forward<Args>(a)...)); }
template <class... Args>
void error(fmt::format_string<Args...> f, Args&&... a) { write(Level::error, fmt::format(f, std::forward<Args>(a)...)); }

}  // namespace mspipe::core::log
