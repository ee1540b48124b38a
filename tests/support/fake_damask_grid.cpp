// A stand-in for DAMASK_grid v3.0.2 in tests: the same command line, the same input
// files (read with mspipe's readers), mspipe's spectral solver, and a result file in the
// DADF5 layout (per-cell F and P per written increment, /cell_to/phase, "t/s") plus the
// .sta statistics file, so the runner and the result reader can be tested without DAMASK.
//
// MSPIPE_FAKE_DAMASK_MODE selects a failure: "fail" (exit 1), "no_result" (exit 0, no
// result file), "garbage" (a result file that is not HDF5), "sleep" (sleeps 60 s),
// "fail_late" (a complete result, then exit 1), "drop_last" (exit 0 without the last
// increment in the result).
#include <mpi.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <fmt/core.h>

#include "core/comm.hpp"
#include "core/errors.hpp"
#include "cp/damask/damask_files.hpp"
#include "cp/spectral_solver.hpp"
#include "io/hdf5.hpp"
#include "dadf5_layout.hpp"

namespace fs = std::filesystem;
using namespace mspipe;

namespace {

struct Args {
  std::string geom, load, material, numerics, job, wd;
};

// DAMASK_grid's flags: "--flag value" or "--flag=value", short and long spellings.
bool parse(int argc, char** argv, Args& a) {
  const std::map<std::string, std::string Args::*> flags = {
      {"-g", &Args::geom},     {"--geom", &Args::geom},         {"--geometry", &Args::geom},
      {"-l", &Args::load},     {"--load", &Args::load},         {"--loadcase", &Args::load},
      {"-m", &Args::material}, {"--material", &Args::material}, {"--materialconfig", &Args::material},
      {"-n", &Args::numerics}, {"--numerics", &Args::numerics}, {"--numericsconfig", &Args::numerics},
      {"-j", &Args::job},      {"--job", &Args::job},           {"--jobname", &Args::job},
      {"-w", &Args::wd},       {"--wd", &Args::wd},             {"--workingdir", &Args::wd},
      {"--workingdirectory", &Args::wd}};
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i], value;
    if (const auto eq = flag.find('='); eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      std::fprintf(stderr, "fake DAMASK_grid: %s has no value\n", flag.c_str());
      return false;
    }
    const auto it = flags.find(flag);
    if (it == flags.end()) {
      std::fprintf(stderr, "fake DAMASK_grid: unknown flag %s\n", flag.c_str());
      return false;
    }
    a.*(it->second) = value;
  }
  if (a.geom.empty() || a.load.empty() || a.material.empty()) {
    std::fprintf(stderr, "fake DAMASK_grid: --geom, --load and --material are required\n");
    return false;
  }
  return true;
}

std::string stem(const std::string& f) { return fs::path(f).stem().string(); }

// The whole field (9 values per cell, x fastest) on rank 0.
std::vector<double> gather(const core::Comm& comm, const double* local, std::size_t cells,
                           std::size_t total) {
  const int n = int(9 * cells);
  const auto counts = comm.allgather(n);
  std::vector<int> displs(counts.size(), 0);
  for (std::size_t r = 1; r < counts.size(); ++r) displs[r] = displs[r - 1] + counts[r - 1];
  std::vector<double> out(comm.is_root() ? 9 * total : 0);
  MPI_Gatherv(local, n, MPI_DOUBLE, out.data(), counts.data(), displs.data(), MPI_DOUBLE, 0,
              comm.get());
  return out;
}

int run(const core::Comm& world, const Args& a, const std::string& mode) {
  cp::GridMaterial grid;
  cp::damask::read_material(a.material, grid);
  cp::damask::read_geometry(a.geom, grid);
  const auto load = cp::damask::read_load(a.load);
  cp::SolverNumerics numerics;
  if (!a.numerics.empty()) cp::damask::read_numerics(a.numerics, numerics);
  const std::string job = a.job.empty() ? stem(a.geom) + "_" + stem(a.load) + "_" + stem(a.material) +
                                              (a.numerics.empty() ? "" : "_" + stem(a.numerics))
                                        : a.job;
  // Rows of each phase in cell order, as DAMASK numbers its entries.
  const std::size_t total = grid.material.size();
  std::vector<std::string> label_of_cell(total);
  std::vector<std::int64_t> entry(total);
  std::vector<std::int64_t> rows(grid.phases.size(), 0);
  std::vector<std::vector<std::size_t>> cells_of_phase(grid.phases.size());
  for (std::size_t c = 0; c < total; ++c) {
    const int p = grid.materials.at(std::size_t(grid.material[c])).phase;
    label_of_cell[c] = grid.phases[p].name;
    entry[c] = rows[p]++;
    cells_of_phase[p].push_back(c);
  }
  std::optional<io::h5::File> file;
  std::ofstream sta;
  if (world.is_root()) {
    file.emplace(io::h5::File::create(job + ".hdf5"));
    const auto& root = file->root();
    root.write_attribute("DADF5_version_major", std::int64_t{1});
    root.write_attribute("DADF5_version_minor", std::int64_t{1});
    root.write_attribute("solver", "grid");
    const auto geometry = root.create_group("geometry");
    const std::int64_t cells[3] = {grid.cells[0], grid.cells[1], grid.cells[2]};
    geometry.write_attribute("cells", std::span<const std::int64_t>(cells, 3));
    geometry.write_attribute("size", std::span<const double>(grid.size.data(), 3));
    test::write_cell_to_phase(root, label_of_cell, entry);
    sta.open(job + ".sta");
    sta << "Increment Time CutbackLevel Converged IterationsNeeded StagIterationsNeeded\n";
  }
  cp::SpectralSolver solver(world, grid, numerics);
  const auto result = solver.run(load, [&](const cp::IncrementResult& inc) {
    const auto F = gather(world, solver.F_local(), solver.local_cells(), total);
    const auto P = gather(world, solver.P_local(), solver.local_cells(), total);
    if (!world.is_root() || !inc.converged) return;
    if (mode == "drop_last" && inc.increment == load.total_increments()) return;
    if (inc.increment > 0)
      sta << fmt::format(" {} {:.15e} 0 T {} 1\n", inc.increment, inc.time, inc.iterations);
    std::vector<std::string> names;
    std::vector<std::vector<double>> Fp, Pp;
    for (std::size_t p = 0; p < grid.phases.size(); ++p) {
      names.push_back(grid.phases[p].name);
      auto& f = Fp.emplace_back();
      auto& s = Pp.emplace_back();
      for (std::size_t c : cells_of_phase[p]) {
        f.insert(f.end(), &F[9 * c], &F[9 * c] + 9);
        s.insert(s.end(), &P[9 * c], &P[9 * c] + 9);
      }
    }
    test::write_increment(file->root(), inc.increment, inc.time, names, Fp, Pp);
  });
  if (world.is_root()) file->commit();
  std::printf("fake DAMASK_grid: %zu increments written, %s\n", result.increments.size(),
              result.converged ? "converged" : "NOT converged");
  return result.converged && mode != "fail_late" ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const char* m = std::getenv("MSPIPE_FAKE_DAMASK_MODE");
  const std::string mode = m ? m : "";
  core::MpiSession mpi(argc, argv);
  const auto& world = mpi.world();
  Args a;
  if (!parse(argc, argv, a)) return 2;
  if (!a.wd.empty() && chdir(a.wd.c_str()) != 0) {
    std::perror(a.wd.c_str());
    return 2;
  }
  std::printf("fake DAMASK_grid on %d ranks, mode '%s'\n", world.size(), mode.c_str());
  std::fflush(stdout);
  if (mode == "fail") {
    std::fprintf(stderr, "fake DAMASK_grid: failing as asked\n");
    return 1;
  }
  if (mode == "no_result") return 0;
  if (mode == "sleep") {
    std::this_thread::sleep_for(std::chrono::seconds(60));
    return 0;
  }
  if (mode == "garbage") {
    if (world.is_root()) std::ofstream(a.job.empty() ? "result.hdf5" : a.job + ".hdf5") << "not HDF5\n";
    return 0;
  }
  try {
    return run(world, a, mode);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fake DAMASK_grid: %s\n", e.what());
    MPI_Abort(MPI_COMM_WORLD, 3);
  }
  return 3;
}
