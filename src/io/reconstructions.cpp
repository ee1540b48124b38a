#include "io/reconstructions.hpp"

#include <fmt/core.h>

#include <stdexcept>

#include "io/hdf5.hpp"
#include "io/schema.hpp"
#include "io/vti.hpp"

namespace mspipe::io {

namespace {

void check_lengths(const Reconstructions& r) {
  const std::size_t n = r.ve_id.size(), v = static_cast<std::size_t>(r.voxels());
  if (r.phi4.size() != n || r.input.size() != 3 * v * n || r.reconstruction.size() != 3 * v * n ||
      (!r.voxel_phi4.empty() && r.voxel_phi4.size() != v * n))
    throw std::invalid_argument(
        fmt::format("reconstructions: {} rows of {}^3 voxels need {} phi4, {} Euler "
                    "values each and {} voxel phi4",
                    n, r.edge, n, 3 * v * n, v * n));
}

void write_to(h5::File file, const Reconstructions& r) {
  check_lengths(r);
  const auto& root = file.root();
  write_schema(root, kReconstructionsSchema, kReconstructionsSchemaVersion);
  root.write_attribute("model", r.model);
  root.write_attribute("checkpoint", r.checkpoint);
  const auto n = static_cast<hsize_t>(r.total), first = static_cast<hsize_t>(r.first);
  const auto m = static_cast<hsize_t>(r.ve_id.size()), d = static_cast<hsize_t>(r.edge);
  root.create_dataset<std::int64_t>("ve_id", {n})
      .write(std::span<const std::int64_t>(r.ve_id), {first}, {m});
  root.create_dataset<double>("phi4", {n}).write(std::span<const double>(r.phi4), {first}, {m});
  const auto write_field = [&](const char* group, const std::vector<float>& values) {
    root.create_group(group)
        .create_dataset<float>("euler", {n, 3, d, d, d})
        .write(std::span<const float>(values), {first, 0, 0, 0, 0}, {m, 3, d, d, d});
  };
  write_field("input", r.input);
  write_field("reconstruction", r.reconstruction);
  file.commit();
}

}  // namespace

void write_reconstructions(const std::filesystem::path& path, const Reconstructions& rows) {
  write_to(h5::File::create(path), rows);
}

void write_reconstructions(const std::filesystem::path& path, const Reconstructions& rows,
                           const core::Comm& comm) {
  write_to(h5::File::create(path, comm), rows);
}

Reconstructions read_reconstructions(const std::filesystem::path& path) {
  const auto f = open_schema_file(path, kReconstructionsSchema, kReconstructionsSchemaVersion,
                                  "a reconstruction file");
  const auto& root = f.root();
  Reconstructions r;
  r.model = root.string_attribute("model");
  r.checkpoint = root.string_attribute("checkpoint");
  r.ve_id = root.dataset("ve_id").read_all<std::int64_t>();
  r.total = static_cast<std::int64_t>(r.ve_id.size());
  const auto input = root.group("input").dataset("euler");
  const auto dims = input.dims();
  if (dims.size() != 5 || dims[0] != r.ve_id.size() || dims[1] != 3)
    input.fail("expected (n, 3, D, D, D) values");
  r.edge = static_cast<int>(dims[2]);
  r.phi4 = root.dataset("phi4").read_all<double>();
  r.input = input.read_all<float>();
  r.reconstruction = root.group("reconstruction").dataset("euler").read_all<float>();
  check_lengths(r);
  return r;
}

void write_reconstruction_vtis(const std::filesystem::path& dir, const Reconstructions& r) {
  check_lengths(r);
  const std::size_t v = static_cast<std::size_t>(r.voxels());
  for (std::size_t k = 0; k < r.ve_id.size(); ++k) {
    vti::ImageData img;
    img.cells = {r.edge, r.edge, r.edge};
    // The VAE's channel-major (C, z, y, x) blocks become VTK's interleaved components.
    std::vector<float> in(3 * v), rec(3 * v);
    const float* xi = r.input.data() + 3 * v * k;
    const float* ri = r.reconstruction.data() + 3 * v * k;
    for (std::size_t c = 0; c < 3; ++c)
      for (std::size_t i = 0; i < v; ++i)
        in[3 * i + c] = xi[c * v + i], rec[3 * i + c] = ri[c * v + i];
    img.cell_data.push_back({"euler_normalised", 3, std::move(in)});
    img.cell_data.push_back({"euler_reconstructed", 3, std::move(rec)});
    if (!r.voxel_phi4.empty())
      img.cell_data.push_back(
          {"phi4", 1,
           std::vector<float>(r.voxel_phi4.begin() + v * k, r.voxel_phi4.begin() + v * (k + 1))});
    vti::write(dir / fmt::format("ve_{}_reconstruction.vti", r.ve_id[k]), img);
  }
}

}  // namespace mspipe::io
