#include "cp/damask/damask_grid_runner.hpp"

#include <mpi.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include <fmt/core.h>

#include "core/errors.hpp"
#include "core/log.hpp"
#include "cp/damask/child_process.hpp"
#include "cp/damask/dadf5_reader.hpp"
#include "cp/damask/damask_writers.hpp"

namespace mspipe::cp::damask {

namespace {

namespace fs = std::filesystem;

constexpr const char* kJob = "mspipe";
constexpr const char* kLog = "damask_grid.log";
// Every file a run creates in its directory (DAMASK_grid: <job>.hdf5 and <job>.sta).
const std::vector<std::string> kRunFiles = {"geom.vti",    "load.yaml",   "material.yaml",
                                            "numerics.yaml", "mspipe.hdf5", "mspipe.sta", kLog};

// access() alone is not enough: for root it grants X_OK on files without any x bit.
bool is_executable_file(const fs::path& p) {
  std::error_code ec;
  const auto st = fs::status(p, ec);
  const auto x = fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec;
  return !ec && fs::is_regular_file(st) && (st.permissions() & x) != fs::perms::none &&
         access(p.c_str(), X_OK) == 0;
}

// Output increments the load case asks for: 0, then every f_out-th of each step,
// numbered by the total increment count as DAMASK_grid names them.
std::vector<int> expected_increments(const LoadCase& load) {
  std::vector<int> out{0};
  int total = 0;
  for (const auto& s : load.steps)
    for (int inc = 1; inc <= s.N; ++inc) {
      ++total;
      if (inc % s.f_out == 0) out.push_back(total);
    }
  return out;
}

// The last `bytes` of a file (all of it when shorter); empty when it cannot be read.
std::string file_tail(const fs::path& file, std::size_t bytes) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  in.seekg(0, std::ios::end);
  const auto size = std::size_t(std::max<std::streamoff>(0, in.tellg()));
  const std::size_t n = std::min(size, bytes);
  in.seekg(std::streamoff(size - n));
  std::string out(n, '\0');
  in.read(out.data(), std::streamsize(n));
  out.resize(std::size_t(in.gcount()));
  return out;
}

void remove_run_files(const fs::path& dir) {
  std::error_code ec;
  for (const auto& f : kRunFiles) fs::remove(dir / f, ec);
}

// The root's part: inputs, the child, the result.
GridRunOutcome run_on_root(const GridMaterial& grid, const LoadCase& load,
                           const SolverNumerics& numerics, const GridRunConfig& config,
                           const fs::path& dir, int ranks) {
  GridRunOutcome out;
  out.log = dir / kLog;
  out.result.converged = false;
  const auto see_log = [&] { return fmt::format("see {}", out.log.string()); };
  try {
    fs::create_directories(dir);
    remove_run_files(dir);  // a stale result of an earlier run must never be read as this one's
    write_geometry(dir / "geom.vti", grid);
    write_material(dir / "material.yaml", grid);
    write_load(dir / "load.yaml", load);
    write_numerics(dir / "numerics.yaml", numerics);
    const auto exe = find_executable(config.executable);
    if (exe.empty()) {
      out.message = fmt::format("DAMASK_grid: '{}' is not an executable file nor found on PATH",
                                config.executable);
      return out;
    }
    const auto status = run_child(grid_command(config, exe, ranks, dir), dir,
                                  out.log, config.timeout_s);
    out.result.wall_s = status.wall_s;
    const auto h5 = dir / (std::string(kJob) + ".hdf5");
    // DAMASK_grid's message box is the last thing it prints; 64 KiB of the log is plenty.
    out.not_converged = status.started && !status.timed_out && status.signal == 0 && status.exit_code == 1 &&
                        reports_max_cutbacks(file_tail(out.log, 1 << 16));
    if (out.not_converged)
      out.message = fmt::format("DAMASK_grid did not converge (error 950: max number of cutbacks exceeded); {}",
                                see_log());
    else if (!status.ok())
      out.message = fmt::format("DAMASK_grid {}; {}", status.describe(), see_log());
    if (!fs::exists(h5)) {
      if (status.ok())
        out.message = fmt::format("DAMASK_grid wrote no result file {}; {}", h5.string(), see_log());
      return out;
    }
    try {
      auto r = read_dadf5(h5);
      r.wall_s = status.wall_s;
      out.result = std::move(r);
    } catch (const core::InputError& e) {
      if (status.ok()) out.message = fmt::format("{}; {}", e.what(), see_log());
      out.result.converged = false;
      return out;
    }
    try {
      const auto sta = read_sta(dir / (std::string(kJob) + ".sta"));
      for (auto& inc : out.result.increments)
        if (auto it = sta.find(inc.increment); it != sta.end()) {
          inc.iterations = it->second.iterations;
          inc.cutbacks = it->second.cutbacks;
        }
    } catch (const core::InputError&) {
      // Iteration counts are informative only; the averages are what matters.
    }
    if (status.ok()) {
      std::vector<int> have;
      for (const auto& inc : out.result.increments) have.push_back(inc.increment);
      for (int want : expected_increments(load))
        if (std::find(have.begin(), have.end(), want) == have.end()) {
          out.message = fmt::format("DAMASK_grid result {} has no increment {} (the load case writes it); {}",
                                    h5.string(), want, see_log());
          break;
        }
    }
  } catch (const std::exception& e) {
    out.message = fmt::format("DAMASK_grid run in {}: {}", dir.string(), e.what());
  }
  out.ok = out.message.empty();
  out.result.converged = out.ok;
  return out;
}

// Waits for every rank of `comm` without spinning: the waiting ranks sleep between tests
// of a non-blocking barrier, so the cores stay free for the external program.
void wait_for_all(const core::Comm& comm) {
  auto req = comm.ibarrier();
  auto pause = std::chrono::milliseconds(1);
  while (!req.test()) {
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
}

// The root's outcome to every rank of `comm`.
void share(const core::Comm& comm, GridRunOutcome& o) {
  constexpr int kPer = 32;  // increment, time, iterations, converged, cutbacks, F, P, sigma
  int head[3] = {o.ok ? 1 : 0, int(o.result.increments.size()), o.not_converged ? 1 : 0};
  comm.bcast(std::span<int>(head, 3));
  std::vector<double> v(std::size_t(head[1]) * kPer + 1);
  if (comm.is_root()) {
    v[0] = o.result.wall_s;
    for (int i = 0; i < head[1]; ++i) {
      const auto& x = o.result.increments[i];
      double* p = &v[1 + std::size_t(i) * kPer];
      p[0] = x.increment, p[1] = x.time, p[2] = x.iterations, p[3] = x.converged ? 1 : 0, p[4] = x.cutbacks;
      for (int k = 0; k < 9; ++k)
        p[5 + k] = x.F_avg.data()[k], p[14 + k] = x.P_avg.data()[k], p[23 + k] = x.sigma_avg.data()[k];
    }
  }
  comm.bcast(std::span<double>(v));
  comm.bcast(o.message);
  std::string log = o.log.string();
  comm.bcast(log);
  if (comm.is_root()) return;
  o.ok = head[0] != 0;
  o.not_converged = head[2] != 0;
  o.log = log;
  o.result = SimulationResult{};
  o.result.converged = o.ok;
  o.result.wall_s = v[0];
  for (int i = 0; i < head[1]; ++i) {
    const double* p = &v[1 + std::size_t(i) * kPer];
    IncrementResult x;
    x.increment = int(p[0]), x.time = p[1], x.iterations = int(p[2]), x.converged = p[3] != 0;
    x.cutbacks = int(p[4]);
    for (int k = 0; k < 9; ++k)
      x.F_avg.data()[k] = p[5 + k], x.P_avg.data()[k] = p[14 + k], x.sigma_avg.data()[k] = p[23 + k];
    o.result.increments.push_back(x);
  }
}

}  // namespace

bool reports_max_cutbacks(std::string_view log_tail) {
  // The box reads "error 950" and, a line below, "max number of cutbacks exceeded".
  const auto at = log_tail.rfind("error 950");
  return at != std::string_view::npos &&
         log_tail.find("max number of cutbacks exceeded", at) != std::string_view::npos;
}

fs::path find_executable(const std::string& name) {
  if (name.empty()) return {};
  if (name.find('/') != std::string::npos) return is_executable_file(name) ? fs::path(name) : fs::path();
  const char* path = std::getenv("PATH");
  std::string_view rest = path ? path : "";
  while (true) {
    const auto colon = rest.find(':');
    const std::string dir(rest.substr(0, colon));
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
    if (is_executable_file(candidate)) return candidate;
    if (colon == std::string_view::npos) return {};
    rest.remove_prefix(colon + 1);
  }
}

std::vector<std::string> grid_command(const GridRunConfig& config, const fs::path& executable,
                                      int ranks, const fs::path& dir) {
  std::vector<std::string> launcher;
  if (config.launcher) launcher = *config.launcher;
  else if (ranks > 1) launcher = {"mpirun", "-n", "{ranks}"};
  std::vector<std::string> cmd;
  for (auto a : launcher) {
    for (auto at = a.find("{ranks}"); at != std::string::npos; at = a.find("{ranks}"))
      a.replace(at, 7, std::to_string(ranks));
    cmd.push_back(a);
  }
  cmd.push_back(executable.string());
  const fs::path d = fs::absolute(dir);
  for (const auto& [flag, file] : {std::pair{"--geom", "geom.vti"}, std::pair{"--load", "load.yaml"},
                                   std::pair{"--material", "material.yaml"},
                                   std::pair{"--numerics", "numerics.yaml"}}) {
    cmd.emplace_back(flag);
    cmd.push_back((d / file).string());
  }
  cmd.insert(cmd.end(), {"--workingdirectory", d.string(), "--jobname", kJob});
  return cmd;
}

GridRunConfig read_grid_run_config(const core::Section& parent, const fs::path& output_dir,
                                   int ranks) {
  GridRunConfig c;
  c.work_dir = output_dir / "damask_grid";
  const auto table = parent.optional_section("damask_grid");
  if (!table) {
    if (find_executable(c.executable).empty())
      parent.fail("damask_grid", "DAMASK_grid is not found on PATH: set damask_grid.executable");
    if (ranks > 1 && find_executable("mpirun").empty())
      parent.fail("damask_grid", "mpirun is not found on PATH: set damask_grid.launcher");
    return c;
  }
  const auto& s = *table;
  c.executable = s.string("executable", c.executable);
  if (find_executable(c.executable).empty())
    s.fail("executable", fmt::format("'{}' is not an executable file and not found on PATH", c.executable));
  if (s.has("launcher")) {
    c.launcher = s.strings("launcher");
    for (const auto& a : *c.launcher)
      if (a.empty()) s.fail("launcher", "has an empty element");
    if (!c.launcher->empty() && find_executable(c.launcher->front()).empty())
      s.fail("launcher", fmt::format("'{}' is not found on PATH", c.launcher->front()));
  } else if (ranks > 1 && find_executable("mpirun").empty()) {
    s.fail("launcher", "is needed: ranks_per_sim > 1 and mpirun is not on PATH");
  }
  c.work_dir = output_dir / s.string("work_dir", "damask_grid");
  c.keep_files = s.boolean("keep_files", false);
  c.timeout_s = s.number("timeout_s", 0.0, core::Range::non_negative());
  s.finish();
  return c;
}

GridRunOutcome run_damask_grid(const core::Comm& comm, const GridMaterial& grid,
                               const LoadCase& load, const SolverNumerics& numerics,
                               const GridRunConfig& config, const fs::path& dir) {
  GridRunOutcome out;
  if (comm.is_root()) {
    out = run_on_root(grid, load, numerics, config, dir, comm.size());
    if (out.ok && !config.keep_files) {
      remove_run_files(dir);
      std::error_code ec;
      fs::remove(dir, ec);  // only if nothing else is left in it
    }
  }
  wait_for_all(comm);
  share(comm, out);
  return out;
}

}  // namespace mspipe::cp::damask
