// campaign_storage_bench [RECORDS] [DIR]: the collector storage at the paper's record size
// (L = 256, 21 points: 2.1 kB per record). Prints
//   - records/s appended with sync() once per second (the collector's flush interval),
//     shards of 1000 committed on the way;
//   - records/s appended with sync() after every record (2,000 records);
//   - rebuild() of RECORDS records from committed shards, and from one journal segment;
//   - the trainers' fingerprints (fingerprints.hpp): RECORDS of them appended to the
//     fingerprint storage (sync once per second), then rebuild() of the records and the
//     fingerprints together (what a campaign that trains its VAE reads on resume);
//   - merge() of the shards into campaign.h5 (with the fingerprints joined).
// A timed program, not a test: figures depend on the disk.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "campaign/collector_storage.hpp"
#include "campaign/fingerprints.hpp"
#include "campaign/merge.hpp"
#include "campaign/state.hpp"

using namespace mspipe;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

campaign::Identity bench_identity() {
  campaign::Identity id;
  id.seed = 1;
  id.generator = "[generate]\ncount = 50000\nsize = 64\n";
  id.fingerprint_length = 256;
  id.points = 21;
  for (int k = 0; k < 21; ++k) id.strain.push_back(0.0005 * k);
  id.material = "Mg";
  id.load_case = "uniaxial tension";
  id.engine = "mspipe";
  return campaign::complete(id);
}

campaign::Record bench_record(std::int64_t v, const campaign::Identity& id) {
  campaign::Record r;
  r.ve_id = v;
  r.iterations = 120;
  r.wall_s = 600;
  r.fingerprint.resize(std::size_t(id.fingerprint_length));
  r.stress.resize(std::size_t(id.points) * 6);
  for (std::size_t i = 0; i < r.fingerprint.size(); ++i)
    r.fingerprint[i] = float(v) * 1e-3f + float(i);
  for (std::size_t i = 0; i < r.stress.size(); ++i) r.stress[i] = 1e6 * double(i) + double(v);
  return r;
}

// Appends `n` records, syncing whenever `interval_s` has passed (0: after every record).
double append_rate(const fs::path& dir, std::int64_t n, double interval_s, std::int64_t shard_size,
                   bool finish) {
  const auto id = bench_identity();
  fs::remove_all(dir);
  const auto t0 = Clock::now();
  campaign::CollectorStorage s(dir, id, {.collector = 0, .shard_size = shard_size});
  auto last = Clock::now();
  for (std::int64_t v = 0; v < n; ++v) {
    s.append(bench_record(v, id));
    if (interval_s == 0 || seconds_since(last) >= interval_s) {
      s.sync();
      last = Clock::now();
    }
  }
  if (finish)
    s.finish();
  else
    s.sync();
  return double(n) / seconds_since(t0);
}

void time_rebuild(const char* what, const fs::path& dir) {
  const auto t0 = Clock::now();
  const auto st = campaign::rebuild(dir);
  std::printf(
      "rebuild from %-14s %zu records (%zu shards, %zu segments), %zu fingerprints: %.3f s\n", what,
      st.records_read, st.shards, st.segments, st.fingerprints.size(), seconds_since(t0));
}

// Appends `n` fingerprints to the fingerprint storage of `dir` (sync once per second).
double fingerprint_rate(const fs::path& dir, std::int64_t n) {
  const auto id = bench_identity();
  const auto t0 = Clock::now();
  campaign::CollectorStorage s(dir, campaign::fingerprint_identity(id),
                               {.shard_size = 1000, .family = campaign::PartFamily::fingerprints});
  auto last = Clock::now();
  for (std::int64_t v = 0; v < n; ++v) {
    std::vector<float> values(std::size_t(id.fingerprint_length), float(v));
    s.append(campaign::fingerprint_record(v, std::move(values), "fnv1a64:0000000000000001", 0.01));
    if (seconds_since(last) >= 1.0) {
      s.sync();
      last = Clock::now();
    }
  }
  s.finish();
  return double(n) / seconds_since(t0);
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t n = argc > 1 ? std::atoll(argv[1]) : 50000;
  const fs::path root = argc > 2 ? fs::path(argv[2]) : fs::path("campaign_bench_data");
  std::printf("records of L = 256, 21 points; %lld records; folder %s\n", (long long)n,
              root.c_str());

  const double per_second = append_rate(root / "shards", n, 1.0, 1000, true);
  std::printf("append, sync every 1 s, shards of 1000: %.0f records/s\n", per_second);
  const double per_record = append_rate(root / "every", 2000, 0.0, 1000, true);
  std::printf("append, sync every record:              %.0f records/s\n", per_record);
  append_rate(root / "journal", n, 1.0, n + 1, false);

  time_rebuild("shards", root / "shards");
  time_rebuild("one journal", root / "journal");
  const double fp_rate = fingerprint_rate(root / "shards", n);
  std::printf("fingerprints appended, sync every 1 s:  %.0f fingerprints/s\n", fp_rate);
  time_rebuild("shards + fps", root / "shards");

  const auto t0 = Clock::now();
  const auto m = campaign::merge(root / "shards", root / "campaign.h5",
                                 {.first_id = 0, .count = n, .max_attempts = 3});
  std::printf("merge of %zu rows into campaign.h5: %.3f s\n", m.rows, seconds_since(t0));
  fs::remove_all(root);
  return 0;
}
