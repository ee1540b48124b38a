#include "campaign/parts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>
#include <tuple>

namespace mspipe::campaign {

namespace {

struct Names {
  std::string_view shard, journal;  // prefixes; suffixes are .h5 and .log
};
Names names(PartFamily family) {
  return family == PartFamily::records ? Names{"shard_", "journal_"}
                                       : Names{"fingerprints_", "fingerprint_journal_"};
}

}  // namespace

std::filesystem::path shard_path(const std::filesystem::path& dir, std::int64_t collector,
                                 std::int64_t index, PartFamily family) {
  return dir / fmt::format("{}{}_{}.h5", names(family).shard, collector, index);
}
std::filesystem::path journal_path(const std::filesystem::path& dir, std::int64_t collector,
                                   std::int64_t index, PartFamily family) {
  return dir / fmt::format("{}{}_{}.log", names(family).journal, collector, index);
}
std::filesystem::path lock_path(const std::filesystem::path& dir, std::int64_t collector,
                                PartFamily family) {
  return dir /
         fmt::format("{}lock_{}", family == PartFamily::records ? "" : "fingerprint_", collector);
}

namespace {

std::optional<std::int64_t> number(std::string_view s) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty() || v < 0) return std::nullopt;
  return v;
}

// "<prefix><collector>_<index><suffix>" -> (collector, index)
std::optional<std::pair<std::int64_t, std::int64_t>> parse(std::string_view name,
                                                           std::string_view prefix,
                                                           std::string_view suffix) {
  if (!name.starts_with(prefix) || !name.ends_with(suffix)) return std::nullopt;
  name = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  const auto sep = name.find('_');
  if (sep == std::string_view::npos) return std::nullopt;
  const auto c = number(name.substr(0, sep));
  const auto k = number(name.substr(sep + 1));
  if (!c || !k) return std::nullopt;
  return std::pair{*c, *k};
}

}  // namespace

std::vector<Part> list_parts(const std::filesystem::path& dir, PartFamily family) {
  const Names n = names(family);
  std::vector<Part> parts;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const auto name = e.path().filename().string();
    if (const auto s = parse(name, n.shard, ".h5"))
      parts.push_back({PartKind::shard, s->first, s->second, e.path()});
    else if (const auto j = parse(name, n.journal, ".log"))
      parts.push_back({PartKind::journal, j->first, j->second, e.path()});
  }
  std::sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) {
    return std::tuple(a.collector, a.index, a.kind) < std::tuple(b.collector, b.index, b.kind);
  });
  return parts;
}

std::vector<std::filesystem::path> stale_temporaries(const std::filesystem::path& dir,
                                                     std::int64_t collector, PartFamily family) {
  const Names n = names(family);
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const auto name = e.path().filename().string();
    const auto s = parse(name, n.shard, ".h5.tmp");
    const auto j = parse(name, n.journal, ".log.tmp");
    if ((s && s->first == collector) || (j && j->first == collector)) out.push_back(e.path());
  }
  return out;
}

}  // namespace mspipe::campaign
