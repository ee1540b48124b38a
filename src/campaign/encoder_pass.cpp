// The trainers' side of the encoder pass (task_farm.hpp describes the protocol).
#include <mpi.h>

#include <exception>
#include <string>
#include <vector>

#include "campaign/farm_wait.hpp"
#include "campaign/fingerprints.hpp"
#include "campaign/stop_signal.hpp"
#include "campaign/task_farm.hpp"
#include "core/log.hpp"

namespace mspipe::campaign {

namespace {

using farm_wait::Clock;

// What one trainer sends: batches of fingerprints, each answered before the next leaves
// (the answer says whether a stop began), and encode_done at the end.
class BatchSender {
 public:
  BatchSender(const core::Comm& farm, const FarmOptions& options)
      : farm_(farm), options_(options) {}

  void add(std::int64_t id, double seconds, const std::vector<float>& values) {
    ids_.push_back(id);
    seconds_.push_back(seconds);
    values_.insert(values_.end(), values.begin(), values.end());
  }
  // Sends what is collected when the batch is full or a second has passed since the
  // last send; false once the manager said stop (what is collected then waits for
  // `now`, the end of the pass: fingerprints made are always delivered).
  bool flush(bool now) {
    const bool due = std::ptrdiff_t(ids_.size()) >= std::max(1, options_.fingerprint_batch) ||
                     farm_wait::seconds_since(last_) >= 1.0;
    if (ids_.empty() || !(now || due)) return go_on_;
    if (!await_answer() && !now) return false;
    bytes_.clear();
    encode_batch(ids_, seconds_, values_, bytes_);
    farm_.send(std::span<const char>(bytes_), 0, farm_tag::fingerprints);
    sent_ += ids_.size();
    ids_.clear();
    seconds_.clear();
    values_.clear();
    answer_ = farm_.irecv(std::span<std::int64_t>(&go_on_flag_, 1), 0, farm_tag::fingerprints_ok);
    last_ = Clock::now();
    return true;
  }
  // Waits for the answer to the batch in flight; false when it said stop.
  bool await_answer() {
    if (answer_.active()) {
      farm_wait::wait_polling(answer_, options_.idle_sleep_max_us);
      go_on_ = go_on_flag_ != 0;
    }
    return go_on_;
  }
  std::size_t finish() {
    flush(true);
    await_answer();
    const std::int64_t n = std::int64_t(sent_);
    farm_.send(std::span<const std::int64_t>(&n, 1), 0, farm_tag::encode_done);
    return sent_;
  }

 private:
  const core::Comm& farm_;
  const FarmOptions& options_;
  std::vector<std::int64_t> ids_;
  std::vector<double> seconds_;
  std::vector<float> values_;
  std::vector<char> bytes_;
  core::Request answer_;
  std::int64_t go_on_flag_ = 1;
  bool go_on_ = true;
  std::size_t sent_ = 0;
  Clock::time_point last_ = Clock::now();
};

// Trainer 0 names the checkpoint and receives the ids to encode; every trainer gets them.
std::vector<std::int64_t> ids_to_encode(const core::Comm& farm, const core::Comm& trainers,
                                        const FarmOptions& options) {
  std::vector<std::int64_t> work;
  if (trainers.is_root()) {
    const std::string& digest = options.vae_checkpoint_digest;
    farm.send(std::span<const char>(digest.data(), digest.size()), 0, farm_tag::encode_begin);
    farm_wait::Backoff backoff(options.idle_sleep_max_us);
    auto m = farm.iprobe(0, farm_tag::encode_ids);
    for (; !m; m = farm.iprobe(0, farm_tag::encode_ids)) backoff.wait();
    work = m->recv<std::int64_t>();
  }
  std::int64_t n = std::int64_t(work.size());
  trainers.bcast(n);
  work.resize(std::size_t(n));
  trainers.bcast(std::span<std::int64_t>(work));
  return work;
}

}  // namespace

std::size_t run_encoder_pass(const core::Comm& farm, const core::Comm& trainers, Encoder& encoder,
                             const FarmOptions& options) {
  if (options.vae_checkpoint_digest.empty())
    throw std::invalid_argument("run_encoder_pass: FarmOptions::vae_checkpoint_digest is empty");
  const auto work = ids_to_encode(farm, trainers, options);
  if (work.empty() || work[0] < 0) return 0;  // the manager failed: no pass
  const auto L = std::size_t(work[0]);
  // Each trainer encodes alone: a fingerprint is one forward pass of one VE.
  const core::Comm self(MPI_COMM_SELF);
  BatchSender sender(farm, options);
  std::size_t skipped = 0;
  for (std::size_t i = 1 + std::size_t(trainers.rank()); i < work.size();
       i += std::size_t(trainers.size())) {
    if (stop_signal_received()) break;
    const auto id = work[i];
    const auto start = Clock::now();
    std::vector<float> values;
    try {
      values = encoder.fingerprint(self, id);
    } catch (const std::exception& e) {
      core::log::warn("encoder pass: VE {}: {}; left without a fingerprint", id, e.what());
      ++skipped;
      continue;
    }
    if (values.size() != L) {
      core::log::warn(
          "encoder pass: VE {}: the encoder returned {} values, expected {}; left "
          "without a fingerprint",
          id, values.size(), L);
      ++skipped;
      continue;
    }
    sender.add(id, farm_wait::seconds_since(start), values);
    if (!sender.flush(false)) break;
  }
  return sender.finish();
}

}  // namespace mspipe::campaign
