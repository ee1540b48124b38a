// crash_writer DIR COUNT SHARD_SIZE RNG_SEED: one collector's storage under fire. Resumes
// from rebuild(DIR), then records every VE id in [0, COUNT) not yet done, at random
// short intervals, syncing at random moments, and prints "ack <id> <attempts>" (flushed)
// for each record once a sync covers it. VEs with id % 7 == 3 are first recorded as
// interrupted and rerun later in the same process (attempt 2), so resuming also crosses
// shards that hold an id twice. Prints "finished" after the last shard is committed.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <random>
#include <thread>

#include "campaign/collector_storage.hpp"
#include "campaign/state.hpp"
#include "crash_campaign.hpp"

using namespace mspipe;

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: crash_writer DIR COUNT SHARD_SIZE RNG_SEED\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  const std::int64_t count = std::atoll(argv[2]);
  const std::int64_t shard_size = std::atoll(argv[3]);
  std::mt19937_64 rng(std::strtoull(argv[4], nullptr, 10));
  const auto id = test_campaign::crash_identity();

  const auto state = campaign::rebuild(dir, {.max_attempts = 3, .expect = &id});
  campaign::CollectorStorage storage(
      dir, id, {.collector = 0, .shard_size = shard_size, .flush_interval_s = 0.005});
  std::deque<std::pair<std::int64_t, std::int32_t>> work;  // (id, attempt)
  for (std::int64_t v = 0; v < count; ++v) {
    const auto* e = state.find(v);
    if (!e)
      work.emplace_back(v, 1);
    else if (!state.is_done(v))
      work.emplace_back(v, e->attempts + 1);
  }

  std::vector<std::pair<std::uint64_t, campaign::Record>> unacked;  // (ticket, record)
  const auto acknowledge = [&] {
    std::size_t n = 0;
    for (; n < unacked.size() && unacked[n].first <= storage.synced_count(); ++n)
      std::printf("ack %lld %d\n", (long long)unacked[n].second.ve_id, unacked[n].second.attempts);
    unacked.erase(unacked.begin(), unacked.begin() + std::ptrdiff_t(n));
    std::fflush(stdout);
  };
  std::uniform_int_distribution<int> pause_us(0, 1000), coin(0, 7);
  while (!work.empty()) {
    const auto [v, attempt] = work.front();
    work.pop_front();
    const bool interrupt = v % 7 == 3 && attempt == 1;
    const auto r = test_campaign::record(
        v, id, interrupt ? campaign::Status::interrupted : campaign::Status::converged, attempt);
    unacked.emplace_back(storage.append(r), r);
    if (interrupt) work.emplace_back(v, attempt + 1);
    if (!storage.sync_if_due() && coin(rng) == 0) storage.sync();
    acknowledge();
    std::this_thread::sleep_for(std::chrono::microseconds(pause_us(rng)));
  }
  storage.finish();
  acknowledge();
  std::printf("finished\n");
  std::fflush(stdout);
  return 0;
}
