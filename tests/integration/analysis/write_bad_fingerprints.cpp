// Writes fingerprint files the analysis must refuse into a folder:
//   nan.h5 (a NaN in row 2, column 1) and empty.h5 (no row).
#include <cmath>
#include <filesystem>

#include "io/fingerprints.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  mspipe::io::Fingerprints f;
  f.total = 4, f.latent = 3;
  f.ve_id = {0, 1, 2, 3};
  f.fingerprint = {0, 1, 2, 3, 4, 5, 6, std::nanf(""), 8, 9, 10, 11};
  f.model = "none", f.checkpoint = "none.pt", f.checkpoint_digest = "fnv1a64:0";
  mspipe::io::write_fingerprints(dir / "nan.h5", f);
  f.total = 0, f.ve_id.clear(), f.fingerprint.clear();
  mspipe::io::write_fingerprints(dir / "empty.h5", f);
  return 0;
}
