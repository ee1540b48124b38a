// Child processes for the DAMASK_grid runner: exit status, signals, timeouts that end the
// whole process group, the log, the MPI-free environment and the command line.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "cp/damask/child_process.hpp"
#include "cp/damask/damask_grid_runner.hpp"
#include "support/scratch_dir.hpp"

using namespace mspipe::cp::damask;
namespace fs = std::filesystem;

namespace {

fs::path dir() {
  static const auto d = mspipe::test_scratch::fresh_scratch_dir("child_process");
  return d;
}

std::string text_of(const fs::path& f) {
  std::ifstream in(f);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ChildStatus sh(const std::string& script, const fs::path& log, double timeout = 0) {
  return run_child({"sh", "-c", script}, dir(), log, timeout);
}

}  // namespace

TEST(ChildProcess, ExitStatusSignalAndLog) {
  const auto log = dir() / "status.log";
  fs::remove(log);
  auto s = sh("echo out; echo err >&2; pwd; exit 3", log);
  EXPECT_TRUE(s.started);
  EXPECT_EQ(s.exit_code, 3);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.describe(), "exited with status 3");
  const auto text = text_of(log);
  EXPECT_NE(text.find("out\nerr\n"), std::string::npos) << text;
  EXPECT_NE(text.find(fs::canonical(dir()).string()), std::string::npos) << text;  // ran in cwd
  s = sh("kill -9 $$", log);
  EXPECT_EQ(s.signal, 9);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(sh("exit 0", log).ok());
}

TEST(ChildProcess, MissingProgramIsNotStarted) {
  const auto s = run_child({"/nonexistent/DAMASK_grid", "--help"}, dir(), dir() / "missing.log", 0);
  EXPECT_FALSE(s.started);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.describe().find("/nonexistent/DAMASK_grid"), std::string::npos) << s.describe();
}

TEST(ChildProcess, TimeoutKillsTheWholeGroup) {
  const auto log = dir() / "timeout.log";
  const auto marker = dir() / "grandchild_survived";
  fs::remove(marker);
  const auto t0 = std::chrono::steady_clock::now();
  // A grandchild that would leave a marker after 2 s; the group kill must stop it too.
  const auto s = sh("(sleep 2; touch " + marker.string() + ") & sleep 30", log, 0.3);
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(s.timed_out);
  EXPECT_FALSE(s.ok());
  EXPECT_LT(waited, 5.0);
  EXPECT_NE(s.describe().find("timed out"), std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_FALSE(fs::exists(marker));
}

TEST(ChildProcess, EnvironmentHasNoMpiJobVariables) {
  EXPECT_TRUE(is_mpi_job_variable("OMPI_COMM_WORLD_RANK=0"));
  EXPECT_TRUE(is_mpi_job_variable("OMPI_MCA_ess=^singleton"));
  EXPECT_TRUE(is_mpi_job_variable("PMIX_RANK=0"));
  EXPECT_TRUE(is_mpi_job_variable("PRTE_MCA_x=1"));
  EXPECT_TRUE(is_mpi_job_variable("OPAL_PREFIX=/usr"));
  EXPECT_FALSE(is_mpi_job_variable("OMPI_ALLOW_RUN_AS_ROOT=1"));
  EXPECT_FALSE(is_mpi_job_variable("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"));
  EXPECT_FALSE(is_mpi_job_variable("PATH=/usr/bin"));
  EXPECT_FALSE(is_mpi_job_variable("MY_OMPI_X=1"));
  setenv("OMPI_COMM_WORLD_SIZE", "4", 1);
  setenv("PMIX_NAMESPACE", "x", 1);
  setenv("MSPIPE_CHILD_TEST", "kept", 1);
  const auto log = dir() / "env.log";
  fs::remove(log);
  ASSERT_TRUE(sh("env", log).ok());
  const auto text = text_of(log);
  EXPECT_EQ(text.find("OMPI_COMM_WORLD_SIZE"), std::string::npos);
  EXPECT_EQ(text.find("PMIX_NAMESPACE"), std::string::npos);
  EXPECT_NE(text.find("MSPIPE_CHILD_TEST=kept"), std::string::npos);
}

TEST(GridCommand, LauncherFlagsAndRanks) {
  GridRunConfig c;
  const fs::path d = "/work/x/ve_3";
  const std::vector<std::string> flags = {
      "/opt/DAMASK_grid", "--geom", "/work/x/ve_3/geom.vti", "--load", "/work/x/ve_3/load.yaml",
      "--material", "/work/x/ve_3/material.yaml", "--numerics", "/work/x/ve_3/numerics.yaml",
      "--workingdirectory", "/work/x/ve_3", "--jobname", "mspipe"};
  EXPECT_EQ(grid_command(c, "/opt/DAMASK_grid", 1, d), flags);
  auto with = [&](std::vector<std::string> prefix) {
    prefix.insert(prefix.end(), flags.begin(), flags.end());
    return prefix;
  };
  EXPECT_EQ(grid_command(c, "/opt/DAMASK_grid", 4, d), with({"mpirun", "-n", "4"}));
  c.launcher = std::vector<std::string>{"srun", "--ntasks={ranks}", "--mpi=pmix"};
  EXPECT_EQ(grid_command(c, "/opt/DAMASK_grid", 2, d), with({"srun", "--ntasks=2", "--mpi=pmix"}));
  c.launcher = std::vector<std::string>{};  // explicitly none, even for several ranks
  EXPECT_EQ(grid_command(c, "/opt/DAMASK_grid", 2, d), flags);
}

TEST(GridCommand, FindExecutable) {
  EXPECT_FALSE(find_executable("sh").empty());
  EXPECT_EQ(find_executable("sh").filename(), "sh");
  EXPECT_TRUE(find_executable("no_such_program_mspipe").empty());
  EXPECT_TRUE(find_executable("/nonexistent/DAMASK_grid").empty());
  const auto plain = dir() / "not_executable";
  std::ofstream(plain) << "#!/bin/sh\n";
  fs::permissions(plain, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_TRUE(find_executable(plain.string()).empty());
  EXPECT_EQ(find_executable("/bin/sh"), fs::path("/bin/sh"));
}
