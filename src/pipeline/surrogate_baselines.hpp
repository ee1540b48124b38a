#pragma once
// Inputs of the surrogate's baselines computed from the campaign's VEs: physics
// descriptors of the grain table (Schmid factors per slip/twin family along the load
// axis, texture moments) and 2-point statistics, both from src/analysis.
#include <cstdint>
#include <string>
#include <vector>

#include "microstructure/generator.hpp"
#include "pipeline/surrogate_setup.hpp"

namespace mspipe::pipeline {

struct BaselineInputs {
  std::int64_t length = 0;
  std::vector<float> x;  // one row per converged record, in the campaign's order
  std::string note;      // set when the input cannot be made (then x is empty)
};

// "physics" or "two_point" for every converged record of `c`, computed on the VE's grid of
// 1 voxel in `downsample` per axis (the voxels the fingerprint's encoder sees); the
// 2-point statistics are reduced to `components` values (the fingerprint's length).
BaselineInputs baseline_inputs(const std::string& kind, const CampaignRows& c, const SurrogateSetup& s,
                               std::int64_t components, int downsample);

// The generator parameters a campaign's identity holds (its [generate] TOML text).
// Throws core::InputError naming the campaign when they do not parse.
microstructure::GeneratorParams generator_of(const io::CampaignIdentity& id, const std::string& source);

}  // namespace mspipe::pipeline
