#include "core/log.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>

namespace mspipe::core::log {
namespace {
Settings g_settings;
std::ofstream g_file;
std::mutex g_mutex;
const auto g_start = std::chrono::steady_clock::now();

const char* level_name(Level l) {
  switch (l) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warning";
    case Level::error: return "error";
    default: return "";
  }
}
}  // namespace

void configure(const Settings& s) {
  std::lock_guard lock(g_mutex);
  g_settings = s;
  g_file.close();
  if (!s.directory.empty()) {
    std::filesystem::create_directories(s.directory);
    g_file.open(std::filesystem::path(s.directory) / ("rank_" + std::to_string(s.rank) + ".log"),
                std::ios::app);
  }
}

void set_role(std::string_view role) {
  std::lock_guard lock(g_mutex);
  g_settings.role = role;
}

const Settings& settings() { return g_settings; }

Level parse_level(std::string_view name) {
  if (name == "debug") return Level::debug;
  if (name == "info") return Level::info;
  if (name == "warn" || name == "warning") return Level::warn;
  if (name == "error") return Level::error;
  if (name == "quiet") return Level::quiet;
  throw std::invalid_argument("unknown log level '" + std::string(name) +
                              "' (expected debug, info, warn, error or quiet)");
}

void write(Level level, std::string_view message) {
  std::lock_guard lock(g_mutex);
  const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - g_start).count();
  if (g_file.is_open())
    g_file << fmt::format("{:9.2f} {} {}\n", t, level_name(level), message) << std::flush;
  if (level < g_settings.level) return;
  if (level >= Level::warn) {
    std::cerr << fmt::format("[rank {} {}] {}: {}\n", g_settings.rank, g_settings.role,
                             level_name(level), message)
              << std::flush;
  } else if (g_settings.leader) {
    std::cout << message << '\n' << std::flush;
  }
}

}  // namespace mspipe::core::log
