#include "pipeline/surrogate_predict.hpp"

#include <fmt/core.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "core/errors.hpp"
#include "io/campaign_file.hpp"
#include "io/fingerprints.hpp"
#include "io/hdf5.hpp"

namespace mspipe::pipeline {

namespace {

FingerprintInput read_csv(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw core::InputError(core::format_error(file.string(), "cannot open input file"));
  FingerprintInput f;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const auto where = fmt::format("{}:{}", file.string(), n);
    if (line.empty() || line[0] == '#') continue;
    if (n == 1 && !(std::isdigit(static_cast<unsigned char>(line[0])) || line[0] == '-')) continue;  // header
    std::istringstream cells(line);
    std::string cell;
    std::vector<std::string> v;
    while (std::getline(cells, cell, ',')) v.push_back(cell);
    if (v.size() < 2) throw core::InputError(core::format_error(where, "expected ve_id followed by fingerprint values"));
    const auto length = static_cast<std::int64_t>(v.size()) - 1;
    if (f.length != 0 && length != f.length)
      throw core::InputError(core::format_error(where, fmt::format("{} fingerprint values, earlier rows have {}", length, f.length)));
    f.length = length;
    try {
      std::size_t used = 0;
      f.ve_id.push_back(std::stoll(v[0], &used));
      if (used != v[0].size()) throw std::invalid_argument(v[0]);
    } catch (const std::exception&) {
      throw core::InputError(core::format_error(where, fmt::format("'{}' is not a VE id", v[0])));
    }
    for (std::size_t c = 1; c < v.size(); ++c) {
      double value = NAN;
      try {
        std::size_t used = 0;
        value = std::stod(v[c], &used);
        while (used < v[c].size() && std::isspace(static_cast<unsigned char>(v[c][used]))) ++used;
        if (used != v[c].size()) value = NAN;
      } catch (const std::exception&) {
      }
      if (!std::isfinite(value))
        throw core::InputError(core::format_error(where, fmt::format("column {}: '{}' is not a finite number", c + 1, v[c])));
      f.x.push_back(static_cast<float>(value));
    }
  }
  return f;
}

}  // namespace

FingerprintInput read_fingerprint_input(const std::filesystem::path& file) {
  FingerprintInput f;
  if (file.extension() == ".csv") {
    f = read_csv(file);
  } else {
    std::string schema;
    {
      const auto h = io::h5::File::open(file);
      if (h.root().has_attribute("schema")) schema = h.root().string_attribute("schema");
    }
    if (schema == io::kCampaignSchema) {
      auto c = io::read_campaign_file(file);
      f.length = c.identity.fingerprint_length;
      f.ve_id = std::move(c.rows.ve_id);
      f.x = std::move(c.rows.fingerprint);
      f.material = c.identity.material;
      f.load_case = c.identity.load_case;
    } else {
      auto fp = io::read_fingerprints(file);
      f.length = fp.latent;
      f.ve_id = std::move(fp.ve_id);
      f.x = std::move(fp.fingerprint);
    }
    for (std::size_t i = 0; i < f.x.size(); ++i)
      if (!std::isfinite(f.x[i]))
        throw core::InputError(core::format_error(
            file.string(), fmt::format("/fingerprint of VE {}: value {} is not a finite number",
                                       f.ve_id[i / static_cast<std::size_t>(f.length)], i % f.length)));
  }
  if (f.ve_id.empty()) throw core::InputError(core::format_error(file.string(), "holds no fingerprint"));
  return f;
}

}  // namespace mspipe::pipeline
