#include "cp/damask/child_process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>

#include <fmt/core.h>

extern char** environ;

namespace mspipe::cp::damask {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Releases posix_spawn's attribute and file-action objects on every path.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

// Polls until the child has ended or `deadline_s` (<= 0: none) has passed, without reaping
// it: until reap() its pid, and so its process group id, cannot be reused, which keeps
// kill(-pid) aimed at our group. The interval grows from 10 ms to 200 ms: short runs
// return quickly, long ones cost nothing.
bool wait_exit(pid_t pid, Clock::time_point t0, double deadline_s) {
  auto pause = std::chrono::milliseconds(10);
  for (;;) {
    siginfo_t info{};
    const int r = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT);
    if (r == 0 && info.si_pid == pid) return true;
    if (r < 0 && errno != EINTR) return true;  // lost track of it: reap() reports a failure
    if (deadline_s > 0 && seconds_since(t0) >= deadline_s) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(200));
  }
}

int reap(pid_t pid) {
  int status = 0;
  for (;;) {
    if (waitpid(pid, &status, 0) == pid) return status;
    if (errno != EINTR) return 255 << 8;  // count a child we cannot account for as failed
  }
}

}  // namespace

std::string ChildStatus::describe() const {
  if (!started) return "could not be started: " + error;
  if (timed_out) return fmt::format("timed out after {:.3g} s and was killed", wall_s);
  if (signal != 0) return fmt::format("was ended by signal {} ({})", signal, strsignal(signal));
  return fmt::format("exited with status {}", exit_code);
}

bool is_mpi_job_variable(std::string_view e) {
  if (e.rfind("OMPI_ALLOW_RUN_AS_ROOT", 0) == 0) return false;
  for (std::string_view p : {"OMPI_", "PMIX_", "PRTE_", "OPAL_"})
    if (e.rfind(p, 0) == 0) return true;
  return false;
}

std::vector<std::string> child_environment() {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e)
    if (!is_mpi_job_variable(*e)) out.emplace_back(*e);
  return out;
}

ChildStatus run_child(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                      const std::filesystem::path& log, double timeout_s) {
  ChildStatus st;
  if (argv.empty()) {
    st.error = "empty command";
    return st;
  }
  const auto env = child_environment();
  std::vector<char*> cargv, cenv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  for (const auto& e : env) cenv.push_back(const_cast<char*>(e.c_str()));
  cenv.push_back(nullptr);

  SpawnSetup s;
  posix_spawn_file_actions_addopen(&s.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&s.actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&s.actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addchdir_np(&s.actions, cwd.c_str());
  // A fresh process group (the timeout kills all of it), default signal dispositions and
  // an empty signal mask whatever the MPI library did to ours.
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setpgroup(&s.attr, 0);
  posix_spawnattr_setsigmask(&s.attr, &none);
  posix_spawnattr_setsigdefault(&s.attr, &all);
  posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);

  const auto t0 = Clock::now();
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, cargv[0], &s.actions, &s.attr, cargv.data(), cenv.data());
  if (rc != 0) {
    st.error = fmt::format("{}: {}", argv[0], std::strerror(rc));
    return st;
  }
  st.started = true;
  if (!wait_exit(pid, t0, timeout_s)) {
    st.timed_out = true;
    kill(-pid, SIGTERM);
    if (!wait_exit(pid, Clock::now(), 2.0)) kill(-pid, SIGKILL);
    wait_exit(pid, Clock::now(), 0);
    kill(-pid, SIGKILL);  // whatever the leader left behind in its group
  }
  const int status = reap(pid);
  st.wall_s = seconds_since(t0);
  if (st.timed_out) return st;
  if (WIFEXITED(status)) st.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) st.signal = WTERMSIG(status);
  return st;
}

}  // namespace mspipe::cp::damask
