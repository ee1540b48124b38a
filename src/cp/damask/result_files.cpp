#include "cp/damask/result_files.hpp"

#include <cstdio>

#include <fmt/core.h>

#include "core/atomic_file.hpp"
#include "core/errors.hpp"
#include "io/hdf5.hpp"

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
  auto f = io::h5::File::create(file);
  const auto& root = f.root();
  root.write_attribute("schema", "mspipe.cp_result");
  root.write_attribute("schema_version", std::int64_t{1});
  root.write_attribute("solver", "spectral_basic/" + method);
  root.write_attribute("status", r.converged ? "converged" : "not converged");
  root.write_attribute("wall_s", r.wall_s);
  const std::int64_t cells[3] = {grid.cells[0], grid.cells[1], grid.cells[2]};
  root.write_attribute("cells", std::span<const std::int64_t>(cells, 3));
  root.write_attribute("size_m", std::span<const double>(grid.size.data(), 3));
  const std::size_t n = r.increments.size();
  std::vector<std::int64_t> inc(n), iters(n);
  std::vector<std::int8_t> conv(n);
  std::vector<double> time(n), F(9 * n), P(9 * n), S(9 * n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& x = r.increments[i];
    inc[i] = x.increment;
    iters[i] = x.iterations;
    conv[i] = x.converged ? 1 : 0;
    time[i] = x.time;
    for (int k = 0; k < 9; ++k) {
      F[9 * i + k] = x.F_avg.data()[k];
      P[9 * i + k] = x.P_avg.data()[k];
      S[9 * i + k] = x.sigma_avg.data()[k];
    }
  }
  const io::h5::Dims d1{n}, d3{n, 3, 3};
  root.write_dataset<std::int64_t>("increment", d1, inc);
  root.write_dataset<double>("time", d1, time);
  root.write_dataset<std::int64_t>("iterations", d1, iters);
  root.write_dataset<std::int8_t>("converged", d1, conv);
  root.write_dataset<double>("F", d3, F);
  root.write_dataset<double>("P", d3, P);
  root.write_dataset<double>("sigma", d3, S).write_attribute("unit", "Pa");
  f.commit();
}

}  // namespace mspipe::cp

#include "io/vti.hpp"

namespace mspipe::cp {

void write_fields_vti(const std::filesystem::path& file, const SpectralSolver& solver,
                      const GridMaterial& grid, const core::Comm& comm) {
  // Slabs are in z order across ranks, so gathering in rank order gives x-fastest order.
  const int local = static_cast<int>(9 * solver.local_cells());
  const auto counts = comm.allgather(local);
  std::vector<int> displs(counts.size(), 0);
  for (std::size_t r = 1; r < counts.size(); ++r) displs[r] = displs[r - 1] + counts[r - 1];
  const std::size_t total = 9 * grid.material.size();
  std::vector<double> F(comm.is_root() ? total : 0), P(comm.is_root() ? total : 0);
  MPI_Gatherv(solver.F_local(), local, MPI_DOUBLE, F.data(), counts.data(), displs.data(),
              MPI_DOUBLE, 0, comm.get());
  MPI_Gatherv(solver.P_local(), local, MPI_DOUBLE, P.data(), counts.data(), displs.data(),
              MPI_DOUBLE, 0, comm.get());
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
