// synthetic_campaign DIR: writes the surrogate's command-line test inputs into DIR.
//   campaign.h5         600 VEs, L = 16, curves a known function of 3 fingerprint
//                       components plus 2 MPa noise (support/synthetic_curves.hpp); every
//                       10th VE not converged (its curve is garbage: it must be skipped);
//                       Mg, the generator parameters of 16^3 VEs (the tiny VAE's size)
//   cu_campaign.h5      the same as copper (a model of Mg must refuse it)
//   none_converged.h5   40 VEs, none converged
//   nan_campaign.h5     campaign.h5 with one NaN in a converged VE's fingerprint
//   fingerprints.csv    ve_id + 16 values per row (20 rows of campaign.h5)
//   fp_short.csv        8 values per row;  fp_nan.csv: one value "nan"
//   campaign_l8.h5      200 VEs with L = 8 (the tiny VAE's fingerprint length), Mg
#include <fmt/core.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "io/campaign_file.hpp"
#include "microstructure/generator.hpp"
#include "support/synthetic_curves.hpp"

namespace {

using namespace mspipe;

io::CampaignIdentity identity(const std::string& material, std::int64_t L) {
  microstructure::GeneratorParams g;
  g.size = 16;
  g.resolution = 1.0;
  g.lattice = texture::Lattice::hexagonal;
  g.count = 600;
  io::CampaignIdentity id;
  id.seed = 7;
  id.generator = microstructure::to_toml(g);
  id.generator_digest = io::text_digest(id.generator);
  id.fingerprint_length = L;
  id.points = 21;
  for (int p = 0; p < 21; ++p) id.strain.push_back(0.0005 * p);
  id.material = material;
  id.load_case = "uniaxial_z rate 1e-3/s to 0.01 in 20 increments";
  id.engine = "mspipe";
  id.vae_checkpoint_digest = "fnv1a64:0000000000000000";
  id.mspipe_version = "test";
  return id;
}

io::CampaignColumns columns(const testing::SyntheticCurves& s, bool any_converged) {
  io::CampaignColumns c;
  for (std::int64_t r = 0; r < s.rows; ++r) {
    const bool converged = any_converged && r % 10 != 9;
    c.ve_id.push_back(s.ve_id[r]);
    c.status.push_back(converged ? 0 : 1);
    c.attempts.push_back(1);
    c.iterations.push_back(125);
    c.wall_s.push_back(16.7);
    for (std::int64_t p = 0; p < s.points; ++p)
      for (int k = 0; k < 6; ++k) c.stress.push_back(k == 2 ? (converged ? s.y[r * s.points + p] : 1e12) : 0.0);
    c.message_offset.push_back(0);
  }
  c.fingerprint = s.x;
  return c;
}

void write_csv(const std::filesystem::path& file, const testing::SyntheticCurves& s, std::int64_t rows,
               std::int64_t values, bool with_nan) {
  std::ofstream out(file);
  out << "ve_id";
  for (std::int64_t k = 0; k < values; ++k) out << ",f" << k;
  out << '\n';
  for (std::int64_t r = 0; r < rows; ++r) {
    out << s.ve_id[r];
    for (std::int64_t k = 0; k < values; ++k)
      out << ',' << (with_nan && r == 3 && k == 5 ? std::string("nan") : fmt::format("{:.9g}", s.x[r * s.inputs + k]));
    out << '\n';
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: synthetic_campaign DIR\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  constexpr std::int64_t L = 16;
  const auto s = testing::synthetic_curves(600, L, 21, 11, 2e6);
  io::write_campaign_file(dir / "campaign.h5", identity("Mg", L), columns(s, true));
  io::write_campaign_file(dir / "cu_campaign.h5", identity("Cu", L), columns(s, true));
  const auto few = testing::synthetic_curves(40, L, 21, 11, 2e6);
  io::write_campaign_file(dir / "none_converged.h5", identity("Mg", L), columns(few, false));
  auto nan_cols = columns(s, true);
  nan_cols.fingerprint[4 * L + 2] = std::nanf("");
  io::write_campaign_file(dir / "nan_campaign.h5", identity("Mg", L), nan_cols);
  write_csv(dir / "fingerprints.csv", s, 20, L, false);
  io::write_campaign_file(dir / "campaign_l8.h5", identity("Mg", 8), columns(testing::synthetic_curves(200, 8, 21, 13, 2e6), true));
  write_csv(dir / "fp_short.csv", s, 20, 8, false);
  write_csv(dir / "fp_nan.csv", s, 20, L, true);
  std::cout << "synthetic_campaign: wrote " << dir.string() << '\n';
  return 0;
}
