#pragma once
// The VAE's inference tasks whose results are files: ml computes, io stores. Collective
// over `world`.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "ml/vae_inference.hpp"
#include "ml/ve_source.hpp"

namespace mspipe::core {
class Comm;
}

namespace mspipe::pipeline {

// The fingerprints (mu) of every VE of `source` -> `out` (io/fingerprints.hpp), naming
// the checkpoint and its digest. Returns the number of VEs.
std::int64_t write_fingerprints_of(const core::Comm& world, const ml::InferenceOptions& options,
                                   const ml::VeSource& source, const std::filesystem::path& out);

// Reconstructions of source VEs `indices` -> `out` (io/reconstructions.hpp) and, with
// `vti_dir`, one .vti per VE there.
void write_reconstructions_of(const core::Comm& world, const ml::InferenceOptions& options,
                              const ml::VeSource& source, const std::vector<std::int64_t>& indices,
                              const std::filesystem::path& out,
                              const std::filesystem::path& vti_dir = {});

}  // namespace mspipe::pipeline
