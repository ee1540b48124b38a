#include "campaign/merge.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "campaign/fingerprints.hpp"
#include "core/errors.hpp"
#include "io/campaign_file.hpp"

namespace mspipe::campaign {

namespace {

// "3 ids: 4, 9, 17" with at most 20 listed.
std::string id_list(const std::vector<std::int64_t>& ids) {
  std::string s = fmt::format("{} id{}: ", ids.size(), ids.size() == 1 ? "" : "s");
  for (std::size_t i = 0; i < ids.size() && i < 20; ++i)
    s += fmt::format("{}{}", i ? ", " : "", ids[i]);
  if (ids.size() > 20) s += ", ...";
  return s;
}

[[noreturn]] void refuse(const std::filesystem::path& dir, std::string_view what) {
  throw core::InputError(core::format_error(dir.string(), "campaign merge: " + std::string(what)));
}

// Ids recorded by more than one collector, sorted.
std::vector<std::int64_t> shared_between_collectors(std::vector<Candidate> all) {
  std::sort(all.begin(), all.end(), [](const Candidate& a, const Candidate& b) {
    return std::pair(a.ve_id, a.collector) < std::pair(b.ve_id, b.collector);
  });
  std::vector<std::int64_t> out;
  for (std::size_t i = 1; i < all.size(); ++i)
    if (all[i].ve_id == all[i - 1].ve_id && all[i].collector != all[i - 1].collector &&
        (out.empty() || out.back() != all[i].ve_id))
      out.push_back(all[i].ve_id);
  return out;
}

// Puts the trainers' fingerprints into the rows (fingerprints.hpp) and returns the
// identity of the merged file: for a campaign that trained its VAE, the digest of the
// checkpoint that made the fingerprints.
Identity join_fingerprints(const std::filesystem::path& dir, Identity identity,
                           io::CampaignColumns& rows, MergeSummary& summary) {
  const auto fps = read_fingerprints(dir, &identity, true);
  const auto L = std::size_t(identity.fingerprint_length);
  std::vector<std::int64_t> lacking;
  std::vector<std::vector<std::int64_t>> by_checkpoint(fps.digests.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto k = fps.find(rows.ve_id[i]);
    if (k < 0) {
      lacking.push_back(rows.ve_id[i]);
      continue;
    }
    std::copy_n(fps.values.begin() + k * std::ptrdiff_t(L), L, rows.fingerprint.begin() + i * L);
    by_checkpoint[fps.checkpoint[std::size_t(k)]].push_back(rows.ve_id[i]);
    ++summary.fingerprints_joined;
  }
  if (trains_in_campaign(identity) && !lacking.empty())
    refuse(dir,
           "the VAE is trained in this campaign, but the trainers delivered no fingerprint "
           "for " +
               id_list(lacking) + " (rerun the campaign to encode them)");
  std::vector<std::size_t> used;
  for (std::size_t d = 0; d < by_checkpoint.size(); ++d)
    if (!by_checkpoint[d].empty()) used.push_back(d);
  if (used.size() > 1) {
    std::string list;
    for (const auto d : used)
      list += fmt::format("{}checkpoint {}: {}", list.empty() ? "" : "; ", fps.digests[d],
                          id_list(by_checkpoint[d]));
    refuse(dir, "fingerprints of more than one VAE checkpoint (" + list + ")");
  }
  if (used.size() == 1 && trains_in_campaign(identity))
    identity.vae_checkpoint_digest = fps.digests[used.front()];
  return identity;
}

}  // namespace

MergeSummary merge(const std::filesystem::path& dir, const std::filesystem::path& out,
                   const MergeOptions& options) {
  auto scan = scan_folder(dir, true, nullptr);
  if (!scan.identity) refuse(dir, "no shards or journal segments in this folder");
  MergeSummary summary;
  summary.records_read = scan.candidates.size();

  const auto shared = shared_between_collectors(scan.candidates);
  if (!shared.empty())
    refuse(dir, "duplicated ids, recorded by more than one collector: " + id_list(shared));
  const auto winners = select_winners(std::move(scan.candidates), options.max_attempts);

  if (options.count) {
    const std::int64_t first = options.first_id.value_or(0), count = options.count.value_or(0);
    std::vector<std::int64_t> missing, outside;
    std::size_t w = 0;
    for (std::int64_t id = first; id < first + count; ++id) {
      while (w < winners.size() && winners[w].ve_id < id) outside.push_back(winners[w++].ve_id);
      if (w < winners.size() && winners[w].ve_id == id)
        ++w;
      else
        missing.push_back(id);
    }
    for (; w < winners.size(); ++w) outside.push_back(winners[w].ve_id);
    std::string problems;
    if (!missing.empty()) problems += fmt::format("missing {}", id_list(missing));
    if (!outside.empty())
      problems += fmt::format("{}{} outside [{}, {})", problems.empty() ? "" : "; ",
                              id_list(outside), first, first + count);
    if (!problems.empty()) refuse(dir, problems);
  }

  const RecordLayout layout = layout_of(*scan.identity);
  io::CampaignColumns rows;
  rows.fingerprint.reserve(winners.size() * std::size_t(layout.fingerprint_length));
  rows.stress.reserve(winners.size() * std::size_t(layout.points) * 6);
  for (const auto& c : winners) {
    copy_row(scan.rows[c.source], c.row, rows, layout);
    ++summary.per_status[std::size_t(c.status)];
  }
  summary.rows = rows.size();
  const auto identity = join_fingerprints(dir, *scan.identity, rows, summary);
  io::write_campaign_file(out, identity, rows);
  return summary;
}

}  // namespace mspipe::campaign
