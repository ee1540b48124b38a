#include "campaign/state.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "campaign/journal.hpp"
#include "campaign/parts.hpp"
#include "core/errors.hpp"

namespace mspipe::campaign {

bool is_terminal(Status s, std::int32_t attempts, std::int32_t max_attempts) {
  switch (s) {
    case Status::converged:
    case Status::not_converged:
    case Status::timeout:
      return true;
    case Status::failed:
      return attempts >= max_attempts;
    case Status::interrupted:
      return false;
  }
  return false;
}

std::vector<Candidate> select_winners(std::vector<Candidate> all, std::int32_t max_attempts) {
  // Sorted by id, then from the best record down; the first of each id wins.
  const auto rank = [&](const Candidate& c) {
    return std::tuple(is_terminal(c.status, c.attempts, max_attempts), c.attempts, c.collector,
                      c.part, c.position);
  };
  std::sort(all.begin(), all.end(), [&](const Candidate& a, const Candidate& b) {
    if (a.ve_id != b.ve_id) return a.ve_id < b.ve_id;
    return rank(a) > rank(b);
  });
  all.erase(std::unique(all.begin(), all.end(),
                        [](const Candidate& a, const Candidate& b) { return a.ve_id == b.ve_id; }),
            all.end());
  return all;
}

namespace {

void check_identity(FolderScan& scan, const std::filesystem::path& file, const Identity& found) {
  if (!scan.identity) {
    scan.identity = found;
    return;
  }
  const auto diff = io::identity_difference(found, *scan.identity);
  if (!diff.empty())
    throw core::InputError(core::format_error(
        file.string(), "part of another campaign than the other files (" + diff + ")"));
}

}  // namespace

FolderScan scan_folder(const std::filesystem::path& dir, bool keep_rows, const Identity* expect,
                       PartFamily family) {
  FolderScan scan;
  if (expect) scan.identity = *expect;
  for (const auto& part : list_parts(dir, family)) {
    const std::size_t source = scan.rows.size();
    io::CampaignColumns rows;
    const auto add = [&](std::int64_t id, std::int8_t code, std::int32_t attempts,
                         std::size_t row) {
      const auto status = status_from_code(code);
      if (!status)
        throw core::InputError(core::format_error(
            part.path.string(), fmt::format("unknown status {} of VE {}", code, id)));
      scan.candidates.push_back(
          {id, *status, attempts, part.collector, part.index, std::int64_t(row), source, row});
    };
    if (part.kind == PartKind::shard) {
      auto f = io::read_campaign_file(part.path, !keep_rows);
      check_identity(scan, part.path, f.identity);
      for (std::size_t i = 0; i < f.rows.size(); ++i)
        add(f.rows.ve_id[i], f.rows.status[i], f.rows.attempts[i], i);
      if (keep_rows) rows = std::move(f.rows);
      ++scan.shards;
    } else {
      auto c = read_journal(part.path, nullptr, !keep_rows);
      check_identity(scan, part.path, c.header.identity);
      for (std::size_t i = 0; i < c.records.size(); ++i) {
        const auto& r = c.records[i];
        add(r.ve_id, static_cast<std::int8_t>(r.status), r.attempts, i);
        if (keep_rows) append_row(rows, r);
      }
      ++scan.segments;
      if (!c.stop.empty()) ++scan.torn_segments;
    }
    scan.rows.push_back(std::move(rows));
  }
  return scan;
}

State rebuild(const std::filesystem::path& dir, const RebuildOptions& options) {
  auto scan = scan_folder(dir, false, options.expect);
  State st;
  st.identity = scan.identity;
  st.shards = scan.shards;
  st.segments = scan.segments;
  st.torn_segments = scan.torn_segments;
  st.records_read = scan.candidates.size();
  for (const auto& c : select_winners(std::move(scan.candidates), options.max_attempts)) {
    st.entries.push_back({c.ve_id, c.status, c.attempts});
    (is_terminal(c.status, c.attempts, options.max_attempts) ? st.done : st.rerun)
        .push_back(c.ve_id);
  }
  st.fingerprints = read_fingerprints(dir, st.identity ? &*st.identity : nullptr, false);
  return st;
}

const Entry* State::find(std::int64_t ve_id) const {
  const auto it = std::lower_bound(entries.begin(), entries.end(), ve_id,
                                   [](const Entry& e, std::int64_t id) { return e.ve_id < id; });
  return it != entries.end() && it->ve_id == ve_id ? &*it : nullptr;
}

bool State::is_done(std::int64_t ve_id) const {
  return std::binary_search(done.begin(), done.end(), ve_id);
}

}  // namespace mspipe::campaign
