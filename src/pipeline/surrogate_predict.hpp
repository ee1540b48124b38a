#pragma once
// Fingerprints to predict from: a fingerprint file (io/fingerprints.hpp), a campaign file
// (its /fingerprint rows, with its material and load case) or a CSV file of rows
// "ve_id,f_0,...,f_{L-1}" (a first line that does not start with a number is a header;
// '#' starts a comment line).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mspipe::pipeline {

struct FingerprintInput {
  std::int64_t length = 0;  // values per fingerprint (0 for an empty CSV)
  std::vector<std::int64_t> ve_id;
  std::vector<float> x;
  std::string material, load_case;  // known for campaign files only
};

// Throws core::InputError naming the file (and line, for CSV) for anything malformed,
// including values that are not finite numbers.
FingerprintInput read_fingerprint_input(const std::filesystem::path& file);

}  // namespace mspipe::pipeline
