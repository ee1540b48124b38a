#pragma once
// campaign::merge: one campaign.h5 (io/campaign_file.hpp) from a campaign folder.
#include <cstdint>
#include <filesystem>
#include <optional>

#include "campaign/state.hpp"
#include "core/comm.hpp"

namespace mspipe::campaign {

struct MergeOptions {
  // The ids the campaign must hold: [first_id, first_id + count) (first_id 0 unless
  // given). Without count, any set of ids is merged.
  std::optional<std::int64_t> first_id, count;
  std::int32_t max_attempts = 3;
};

struct MergeSummary {
  std::size_t rows = 0;
  std::size_t records_read = 0;         // before de-duplication
  std::size_t per_status[5] = {};       // winners by status code
  std::size_t fingerprints_joined = 0;  // rows whose fingerprint is the trainers'
};

// Reads every shard and journal segment of `dir` (of any number of collectors), keeps one
// record per id (the rule in state.hpp) and writes `out` with rows sorted by id. Refuses,
// with core::InputError and nothing written:
//   - files of different campaigns (seed, generator, points, L, material, load case,
//     engine or VAE digest differ);
//   - ids that two collectors both recorded as terminal (the id ranges of the job-array
//     tasks overlapped), listed; a terminal record from one collector after an
//     interrupted or failed try from another is a resume under another layout, not a
//     duplicate;
//   - with an expected id range, missing ids and ids outside it, listed.
//   - fingerprints of more than one VAE checkpoint among the rows, listed by checkpoint;
//   - for a campaign that trains its VAE (identity.hpp, trains_in_campaign), ids whose
//     record has no fingerprint from the trainers, listed.
// Fingerprints are joined by id: a row's fingerprint is the trainers' when there is one
// (fingerprints.hpp), else the record's own (the inline Encoder's). For a campaign that
// trained its VAE, the merged file's vae_checkpoint_digest is the digest of the
// checkpoint that made the fingerprints.
// Lists name the first 20 ids and the count.
MergeSummary merge(const std::filesystem::path& dir, const std::filesystem::path& out,
                   const MergeOptions& options = {});

// The same file, written by every rank of `comm` together (collective; the collectors of a
// job, or `mpirun -n K mspipe campaign merge`): each rank reads the folder and decides the
// refusals above itself, the ranks raise rank 0's message (core::CollectiveError, the same
// exit code) before anything is written, check that they read the same ids (a digest
// compared across ranks), and each writes a contiguous block of the rows through parallel
// HDF5 (io::write_campaign_file with a Comm; a single rank writes it serially, the same
// columns without the MPI-IO driver's start-up). The file appears only when whole.
MergeSummary merge(const std::filesystem::path& dir, const std::filesystem::path& out,
                   const MergeOptions& options, const core::Comm& comm);

}  // namespace mspipe::campaign
