#pragma once
// The campaign's task farm: the collector (farm rank 0, also the task manager) hands VE
// ids to worker groups on request and makes their results durable; a worker group runs
// one task at a time through a TaskRunner (task.hpp) and knows nothing of storage.
//
// With several collectors (collectors.hpp) each runs this farm over its own share: its
// `farm` communicator, its ids (FarmOptions::first_id/count), its groups and trainers
// (narrow_to_collector); the protocol below does not change.
// Communicators: `farm` holds every rank (RoleSplit::farm: collector first, then group g's
// ranks at farm ranks 1 + g * ranks_per_sim + i, then the trainers); `group` is one
// worker group (its rank 0 is the group's root, the only rank that talks to the manager).
// Trainers (FarmOptions::trainers of them, at farm ranks 1 + groups * ranks_per_sim + t)
// first deliver fingerprints (run_encoder_pass, below) and then join the pool as "late
// groups" groups, groups + 1, ... of ranks_per_sim trainers each (layout.hpp,
// join_pool): farm rank 1 + g * ranks_per_sim is the root of group g for late groups too.
//
// Protocol (tags on `farm` unless said otherwise; ids are i64):
//   tag_ready   root -> manager   [group]             once, when the group starts
//   tag_result  root -> manager   encoded Record      the try's outcome (record.hpp bytes,
//                                                      size unknown: matched probe + recv);
//                                                      also asks for the next task
//   tag_assign  manager -> root   [id, attempt]       the next task; id -1: stop
//   tag_group   root -> members   [id, attempt]       on `group`: the same, passed on
// The encoder pass (trainers; t is the trainer's rank among the trainers):
//   encode_begin     trainer 0 -> manager   checkpoint digest (chars)   once, after training
//   encode_ids       manager -> trainer 0   [L, ids...]: the ids of the range that lack a
//                                           fingerprint of this checkpoint (on resume only
//                                           those; none once a stop began); [-1]: no pass
//                                           (the manager failed)
//   fingerprints     trainer t -> manager   a batch (fingerprints.hpp encode_batch)
//   fingerprints_ok  manager -> trainer t   [1] go on, [0] stop (a graceful stop began);
//                                           one per batch, awaited before the next batch
//   encode_done      trainer t -> manager   [fingerprints sent]   the trainer's pass is over
// Trainer 0 passes the id list to the trainers (bcast on `trainers`); trainer t encodes
// the ids at positions t, t + T, t + 2T, ... (T trainers, ids in order: the split balances
// itself without messages), each trainer alone (Encoder::fingerprint on a 1-rank
// communicator: a fingerprint is one forward pass of one VE, nothing to share), and sends
// batches of fingerprint_batch fingerprints (or what it has after a second). The manager
// appends every fingerprint to its fingerprint storage (fingerprints.hpp: the same
// journal, sync and shard rules as records) and counts it ("fingerprint <id>" on
// acknowledgements) only once a sync covers it.
//
// Who waits where, and why nobody spins:
//   - The manager never blocks on a group. Its loop takes every waiting message with
//     iprobe (matched, so a message of unknown size is received into a buffer of its
//     size), syncs the storage when due, fences overdue groups, and sleeps when nothing
//     came: 10 us (the kernel adds its timer slack), doubling to idle_sleep_max_us
//     (2 ms). Open MPI's blocking calls poll the network without sleeping, so a blocking
//     manager would take a whole core from the simulations it serves (`mpirun
//     --oversubscribe` on a laptop); bench/campaign/farm_bench.cpp measures the idle
//     share (under 2 % of a core). Its replies are 16-byte sends that leave eagerly,
//     without waiting for the receiver.
//   - A group's root waits for its reply with irecv + test + the same growing sleep, and
//     the group's other ranks wait for the root's word the same way, for the same reason
//     (a blocking receive polls at 100 % of a core). A reply comes within a loop turn of
//     the manager, so the sleep adds well under a millisecond per task while the farm
//     is busy, and at most 2 ms after a long wait.
//
// Terminal statuses (exactly one per id, status meanings in task.hpp): the manager
// appends every try's record; a failed try is handed out again (attempt + 1) until
// max_attempts; interrupted tries are rerun by the next run (rebuild() lists them).
// A record counts as done (acknowledged: "ack <id> <status> <attempts>" on
// FarmOptions::acknowledgements) only after a sync covers it (CollectorStorage tickets).
//
// Failures:
//   - A group that does not answer within task_timeout_s + fence_margin_s of its
//     assignment is fenced off: the manager records the try as failed ("no answer
//     within ... s"), hands the id to another group (attempt + 1, up to max_attempts)
//     and goes on. A late answer from a fenced group is discarded (never recorded), and
//     the group, alive after all, gets new work. There are no heartbeats during a task:
//     a worker's only thread is inside the solver and MPI is initialised FUNNELED, so a
//     deadline is what can be checked. A dead rank ends the whole Open MPI job (mpirun
//     kills the others); a rerun then resumes from the storage (exactly once).
//   - The folder cannot be opened (files of another campaign, a second writer of the
//     same collector): run_manager tells every group to stop and rethrows, so the
//     error ends the job on every rank (worker groups return having run nothing).
//   - A record that does not decode, or a message with an unknown tag, is a bug: the
//     manager throws (the driver aborts the job).
//   - At the end of the work, the manager waits for a fenced group one more allowance
//     (task_timeout_s + fence_margin_s) after its fence, to tell it to stop. One that
//     never answers cannot be joined (MPI_Finalize would wait for it): run_manager returns with
//     FarmSummary::abandoned_groups > 0 after everything is durable, and the driver must end the
//     job with MPI_Abort.
// The end of the run with trainers: when every id of the range is terminal, the manager
// tells the regular groups to stop, keeps serving the encoder pass until every trainer
// sent encode_done, and then answers each late group's ready with stop (or with work, when
// some remains). It does not finish before every late group has been told to stop.
// There is no deadline on training and encoding (their length is the VAE's business);
// a trainer that dies ends the job like any rank.
// Graceful stop (SIGUSR1: mpirun forwards it to every rank, stop_signal.hpp):
//   - every running task sees it through its StopToken and returns interrupted;
//   - the manager, seeing the flag (or any interrupted result: some rank was signalled),
//     hands out no more work: every request is answered with stop, every result is
//     recorded first. It waits for the busy groups until stop_grace_s minus a reserve
//     (a tenth, at least 1 s) has passed since the stop; a group still busy then gets an
//     interrupted record written for it and is abandoned (as above).
//   - a trainer stops its encoder pass between batches (its own flag, or the manager's
//     [0] answer to a batch), sends encode_done and then joins the pool, where its ready
//     is answered with stop. Trainers and late groups that have not done so by the
//     deadline are abandoned as busy groups are (the driver aborts the job). Fingerprints
//     not sent are encoded by the rerun.
//   - then it syncs, commits the last shard (finish()) and returns; worker groups return
//     from run_worker once told to stop. Ids never handed out have no record; the rerun
//     finds them missing and runs them.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "campaign/collector_storage.hpp"
#include "campaign/identity.hpp"
#include "campaign/task.hpp"
#include "core/comm.hpp"

namespace mspipe::campaign {

namespace farm_tag {
inline constexpr int ready = 7301;
inline constexpr int result = 7302;
inline constexpr int assign = 7303;
inline constexpr int group = 7304;
inline constexpr int encode_begin = 7305;
inline constexpr int encode_ids = 7306;
inline constexpr int fingerprints = 7307;
inline constexpr int fingerprints_ok = 7308;
inline constexpr int encode_done = 7309;
}  // namespace farm_tag

struct FarmOptions {
  std::int64_t first_id = 0;  // the ids [first_id, first_id + count)
  std::int64_t count = 0;
  std::int32_t max_attempts = 3;
  double task_timeout_s = 3600;           // a try's wall limit (StopToken::expired())
  double fence_margin_s = 60;             // grace beyond the timeout before a group is fenced
  double stop_grace_s = 60;               // SIGUSR1 to a clean exit
  int idle_sleep_max_us = 2000;           // longest sleep of a waiting loop
  int groups = 0;                         // worker groups in the farm (manager)
  int ranks_per_sim = 1;                  // ranks per group (manager: where the roots are)
  std::FILE* acknowledgements = nullptr;  // "ack <id> <status> <attempts>" lines, flushed
  // Trainer ranks in the farm after the groups (manager): each delivers an encoder pass,
  // then every ranks_per_sim of them join as one late group (the last one may be smaller).
  int trainers = 0;
  double progress_interval_s = 10;  // the manager's progress line (progress.hpp); 0: none
  // Trainers: the digest of the checkpoint whose encoder makes the fingerprints (stored
  // with each, and in the merged file), and fingerprints per message.
  std::string vae_checkpoint_digest{};
  int fingerprint_batch = 64;
};

struct FarmSummary {
  std::size_t skipped = 0;           // ids already terminal in the folder
  std::size_t handed_out = 0;        // tries assigned
  std::size_t recorded = 0;          // records appended (tries, fences and stops included)
  std::size_t acknowledged = 0;      // records covered by a sync
  std::size_t per_status[5] = {};    // recorded, by status code
  std::size_t fenced = 0;            // tries given up on
  std::size_t late_discarded = 0;    // answers of fenced groups
  std::size_t abandoned_groups = 0;  // groups that never answered (the driver aborts)
  bool stopped = false;              // a graceful stop happened
  std::size_t unfinished = 0;        // ids left to a rerun (never handed out, interrupted, failed)
  // With trainers: fingerprints appended and covered by a sync in this run, and ids of the
  // range still without a fingerprint of the trainers' checkpoint (a rerun encodes them).
  std::size_t fingerprints_recorded = 0;
  std::size_t fingerprints_acknowledged = 0;
  std::size_t fingerprints_missing = 0;
};

// The collector's side. Reads the folder (rebuild()), opens its storage, runs the farm
// until every id is terminal or a stop completes, and closes the storage (finish()).
// `collectors`: every collector of the run (each calls this once), so that no storage is
// opened before all have read the folder; nullptr for a single collector.
FarmSummary run_manager(const core::Comm& farm, const std::filesystem::path& dir,
                        const Identity& identity, const StorageOptions& storage,
                        const FarmOptions& options, const core::Comm* collectors = nullptr);

// A worker group's side: every rank of `group` calls it; returns when told to stop.
// Returns the number of tasks this group ran. Trainers call it after their encoder pass
// with the group and index of join_pool() (layout.hpp; called before the pass), encoder
// nullptr.
std::size_t run_worker(const core::Comm& farm, const core::Comm& group, int group_index,
                       const RecordLayout& layout, TaskRunner& runner, Encoder* encoder,
                       const FarmOptions& options);

// A trainer's side of the encoder pass: every trainer rank calls it after training (the
// trainers' communicator is RoleSplit::role_comm), with the encoder of the trained model
// and options.vae_checkpoint_digest set; returns the number of fingerprints this rank
// sent. An id whose encoding throws (or returns a vector of another length than L) is
// logged and skipped: it stays without a fingerprint, so the merge refuses the campaign
// until a rerun encodes it.
std::size_t run_encoder_pass(const core::Comm& farm, const core::Comm& trainers, Encoder& encoder,
                             const FarmOptions& options);

}  // namespace mspipe::campaign
