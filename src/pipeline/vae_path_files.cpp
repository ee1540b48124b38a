#include "pipeline/vae_path_files.hpp"

#include <fmt/core.h>

#include "core/atomic_file.hpp"
#include "core/comm.hpp"
#include "core/errors.hpp"
#include "io/vti.hpp"

namespace mspipe::pipeline {

namespace {
// One VE, channel-major (C, z, y, x) as the VAE holds it, as VTK's interleaved components.
void write_ve(const std::filesystem::path& file, int edge, const float* channels) {
  const std::size_t v = std::size_t(edge) * edge * edge;
  std::vector<float> euler(3 * v);
  for (std::size_t c = 0; c < 3; ++c)
    for (std::size_t i = 0; i < v; ++i) euler[3 * i + c] = channels[c * v + i];
  io::vti::ImageData img;
  img.cells = {edge, edge, edge};
  img.cell_data.push_back({"euler_normalised", 3, std::move(euler)});
  io::vti::write(file, img);
}
}  // namespace

void write_latent_path(const core::Comm& world, const std::filesystem::path& dir,
                       const ml::LatentPath& p) {
  core::collective(world, [&] {
    if (world.rank() != 0) return;
    const std::size_t per = 3 * static_cast<std::size_t>(p.voxels());
    write_ve(dir / "input_a.vti", p.edge, p.input_a.data());
    write_ve(dir / "input_b.vti", p.edge, p.input_b.data());
    std::string csv = fmt::format("# VE {} -> VE {}, {}\nstep,t,file\n", p.id_a, p.id_b, p.model);
    for (std::size_t k = 0; k < p.t.size(); ++k) {
      const auto name = fmt::format("step_{:03d}.vti", k);
      write_ve(dir / name, p.edge, p.decoded.data() + k * per);
      csv += fmt::format("{},{:.6f},{}\n", k, p.t[k], name);
    }
    // Last, so a whole path.csv means every file it names is whole.
    core::write_file_atomically(dir / "path.csv", csv);
  });
}

}  // namespace mspipe::pipeline
