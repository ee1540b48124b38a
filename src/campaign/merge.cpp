#include "campaign/merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "campaign/fingerprints.hpp"
#include "core/errors.hpp"
#include "core/partition.hpp"
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

// Ids with a terminal record from more than one collector, sorted: the id ranges of
// two jobs (or collectors) overlapped. A non-terminal record (interrupted, or a failure
// with tries left) from one collector and the terminal one from another is a resume
// under another layout (collectors.hpp), not a duplicate.
std::vector<std::int64_t> shared_between_collectors(std::vector<Candidate> all,
                                                    std::int32_t max_attempts) {
  std::erase_if(all, [&](const Candidate& c) { return !is_terminal(c.status, c.attempts, max_attempts); });
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

// Checks the trainers' fingerprints (fingerprints.hpp) against the winners and returns
// the identity of the merged file: for a campaign that trained its VAE, the digest of the
// checkpoint that made the fingerprints.
Identity check_fingerprints(const std::filesystem::path& dir, Identity identity,
                            const std::vector<Candidate>& winners, const Fingerprints& fps,
                            MergeSummary& summary) {
  std::vector<std::int64_t> lacking;
  std::vector<std::vector<std::int64_t>> by_checkpoint(fps.digests.size());
  for (const auto& w : winners) {
    const auto k = fps.find(w.ve_id);
    if (k < 0) {
      lacking.push_back(w.ve_id);
      continue;
    }
    by_checkpoint[fps.checkpoint[std::size_t(k)]].push_back(w.ve_id);
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

// Everything the merged file is made of, every refusal decided.
struct Plan {
  FolderScan scan;
  std::vector<Candidate> winners;  // sorted by id
  Fingerprints fingerprints;       // the trainers', with values
  Identity identity;               // of the merged file
  MergeSummary summary;
};

Plan plan_merge(const std::filesystem::path& dir, const MergeOptions& options) {
  Plan p;
  p.scan = scan_folder(dir, true, nullptr);
  if (!p.scan.identity) refuse(dir, "no shards or journal segments in this folder");
  p.summary.records_read = p.scan.candidates.size();

  const auto shared = shared_between_collectors(p.scan.candidates, options.max_attempts);
  if (!shared.empty())
    refuse(dir, "duplicated ids, recorded by more than one collector: " + id_list(shared));
  p.winners = select_winners(std::move(p.scan.candidates), options.max_attempts);

  if (options.count) {
    const std::int64_t first = options.first_id.value_or(0), count = options.count.value_or(0);
    std::vector<std::int64_t> missing, outside;
    std::size_t w = 0;
    const auto& winners = p.winners;
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
  for (const auto& c : p.winners) ++p.summary.per_status[std::size_t(c.status)];
  p.summary.rows = p.winners.size();
  p.fingerprints = read_fingerprints(dir, &*p.scan.identity, true);
  p.identity = check_fingerprints(dir, *p.scan.identity, p.winners, p.fingerprints, p.summary);
  return p;
}

// Rows [begin, end) of the merged file: the winners' records, with the trainers'
// fingerprint where there is one (else the record's own, the inline Encoder's).
io::CampaignColumns rows_of(const Plan& p, std::size_t begin, std::size_t end) {
  const RecordLayout layout = layout_of(p.identity);
  const auto L = std::size_t(layout.fingerprint_length);
  io::CampaignColumns rows;
  rows.fingerprint.reserve((end - begin) * L);
  rows.stress.reserve((end - begin) * std::size_t(layout.points) * 6);
  for (std::size_t i = begin; i < end; ++i) {
    const auto& c = p.winners[i];
    copy_row(p.scan.rows[c.source], c.row, rows, layout);
    const auto k = p.fingerprints.find(c.ve_id);
    if (k >= 0)
      std::copy_n(p.fingerprints.values.begin() + k * std::ptrdiff_t(L), L,
                  rows.fingerprint.end() - std::ptrdiff_t(L));
  }
  return rows;
}

// An order-sensitive digest of the merged ids (FNV-1a over their bytes): what the ranks
// of a parallel merge compare before writing.
std::uint64_t ids_digest(const std::vector<Candidate>& winners) {
  std::uint64_t h = 1469598103934665603ull;
  for (const auto& c : winners)
    for (int b = 0; b < 8; ++b) {
      h ^= (std::uint64_t(c.ve_id) >> (8 * b)) & 0xffu;
      h *= 1099511628211ull;
    }
  return h;
}

}  // namespace

MergeSummary merge(const std::filesystem::path& dir, const std::filesystem::path& out,
                   const MergeOptions& options) {
  const Plan p = plan_merge(dir, options);
  io::write_campaign_file(out, p.identity, rows_of(p, 0, p.winners.size()));
  return p.summary;
}

MergeSummary merge(const std::filesystem::path& dir, const std::filesystem::path& out,
                   const MergeOptions& options, const core::Comm& comm) {
  // Every rank reads the folder and decides the refusals itself (the same files, the same
  // answer); rank 0's message is the one every rank raises, before anything is written.
  std::optional<Plan> p;
  std::optional<std::string> error;
  core::ExitCode code = core::ExitCode::failure;
  try {
    p.emplace(plan_merge(dir, options));
  } catch (const core::CollectiveError& e) {
    error = e.what();
    code = e.code();
  }
  core::raise_if_any(comm, error, code);
  // The ranks agree on the rows: the same count and ids (a file changed while they read
  // the folder would make them differ).
  const auto digest = std::int64_t(ids_digest(p->winners) >> 1);
  const auto n = std::int64_t(p->winners.size());
  if (comm.min(digest) != comm.max(digest) || comm.min(n) != comm.max(n))
    core::throw_collective(
        core::format_error(dir.string(),
                           "campaign merge: the ranks read different ids from the folder (was it "
                           "written to during the merge?); nothing written"),
        core::ExitCode::input);
  // One rank writes the file serially: the same columns (io/campaign_file.cpp), without
  // the MPI-IO driver's start-up (about 2 s on a loaded machine).
  if (comm.size() == 1) {
    io::write_campaign_file(out, p->identity, rows_of(*p, 0, p->winners.size()));
    return p->summary;
  }
  const auto block = core::block_range(n, comm.size(), comm.rank());
  io::write_campaign_file(out, p->identity,
                          rows_of(*p, std::size_t(block.begin), std::size_t(block.end)), comm);
  return p->summary;
}

}  // namespace mspipe::campaign
