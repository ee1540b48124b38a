#include "cp/damask/result_files.hpp"

#include <cstdio>

#include <fmt/core.h>

#include "core/atomic_file.hpp"
#include "core/errors.hpp"
#include "io/cp_increments.hpp"

namespace mspipe::cp {

std::filesystem::path csv_beside(const std::filesystem::path& h5) {
  auto p = h5;
  p.replace_extension(".csv");
  return p;
}

void write_result_csv(const std::filesystem::path& file, const SimulationResult& r) {
  std::string text = "increment,time,iterations";
  for (const char* t : {"F", "P", "sigma"})
    for (int i = 1; i <= 3; ++i)
      for (int j = 1; j <= 3; ++j) text += fmt::format(",{}_{}{}", t, i, j);
  text += '\n';
  for (const auto& inc : r.increments) {
    text += fmt::format("{},{:.10g},{}", inc.increment, inc.time, inc.iterations);
    for (const Mat3* m : {&inc.F_avg, &inc.P_avg, &inc.sigma_avg})
      for (int k = 0; k < 9; ++k) text += fmt::format(",{:.12e}", m->data()[k]);
    text += '\n';
  }
  core::write_file_atomically(file, text);
}

void write_result_h5(const std::filesystem::path& file, const SimulationResult& r,
                     const GridMaterial& grid, const std::string& method) {
  io::CpIncrementTable t;
  t.solver = "spectral_basic/" + method;
  t.converged = r.converged;
  t.wall_s = r.wall_s;
  for (int d = 0; d < 3; ++d) t.cells[d] = grid.cells[d], t.size_m[d] = grid.size[d];
  for (const auto& x : r.increments) {
    t.increment.push_back(x.increment);
    t.iterations.push_back(x.iterations);
    t.increment_converged.push_back(x.converged ? 1 : 0);
    t.time.push_back(x.time);
    t.F.insert(t.F.end(), x.F_avg.data(), x.F_avg.data() + 9);
    t.P.insert(t.P.end(), x.P_avg.data(), x.P_avg.data() + 9);
    t.sigma.insert(t.sigma.end(), x.sigma_avg.data(), x.sigma_avg.data() + 9);
  }
  io::write_cp_increments(file, t);
}

}  // namespace mspipe::cp

#include "io/vti.hpp"

namespace mspipe::cp {

void write_fields_vti(const std::filesystem::path& file, const SpectralSolver& solver,
                      const GridMaterial& grid, const core::Comm& comm) {
  // Slabs are in z order across ranks, so gathering in rank order gives x-fastest order.
  const std::size_t local = 9 * solver.local_cells();
  auto F = comm.gatherv(std::span<const double>(solver.F_local(), local));
  auto P = comm.gatherv(std::span<const double>(solver.P_local(), local));
  core::on_root(comm, [&] {
    io::vti::ImageData img;
    img.cells = grid.cells;
    for (int d = 0; d < 3; ++d) img.spacing[d] = grid.size[d] / grid.cells[d];
    img.cell_data.push_back({"material", 1, grid.material});
    img.cell_data.push_back({"F", 9, F});
    img.cell_data.push_back({"P", 9, P});
    io::vti::write(file, img);
  });
}

}  // namespace mspipe::cp
