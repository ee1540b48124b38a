#pragma once
// "Did you mean ...?" for misspelt keys, and the record of which keys of a table some
// code asked for, so that the keys nobody asked for can be reported as unknown. Shared
// by the TOML configuration and the DAMASK parameter readers.
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mspipe::core {

// Levenshtein distance (insertions, deletions, substitutions).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word` within `max_distance` edits (the first of equally near
// ones), or std::nullopt.
template <class Range>
std::optional<std::string> closest_match(std::string_view word, const Range& candidates,
                                         std::size_t max_distance) {
  std::optional<std::string> best;
  std::size_t best_d = max_distance + 1;
  for (const auto& c : candidates)
    if (const auto d = edit_distance(word, c); d < best_d) best_d = d, best = std::string(c);
  return best;
}

// The keys of one table that code asked for (present or not).
class AskedKeys {
 public:
  void ask(std::string_view key) { asked_.emplace(key); }
  bool asked(std::string_view key) const { return asked_.find(key) != asked_.end(); }
  const std::set<std::string, std::less<>>& keys() const { return asked_; }

  // The first of `present` that nobody asked for, if any.
  std::optional<std::string> first_unasked(const std::vector<std::string>& present) const;

 private:
  std::set<std::string, std::less<>> asked_;
};

}  // namespace mspipe::core
