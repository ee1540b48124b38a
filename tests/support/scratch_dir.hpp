#pragma once
// A folder of one test's own: test_scratch/<name> under the working directory (ctest
// runs every test binary in its build folder), emptied when made. No two tests share a
// path, so the suite runs under `ctest -j`, and no file of an earlier run can make a
// test pass. MPI tests put the rank count in the name (np2 and np4 run side by side).
#include <filesystem>
#include <string>

namespace mspipe::test_scratch {

inline std::filesystem::path fresh_scratch_dir(const std::string& name) {
  const auto dir = std::filesystem::current_path() / "test_scratch" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Collective: rank 0 empties the folder, every rank gets its path after the barrier.
template <class Comm>
std::filesystem::path fresh_scratch_dir(const std::string& name, const Comm& comm) {
  const auto dir = std::filesystem::current_path() / "test_scratch" /
                   (name + "_np" + std::to_string(comm.size()));
  if (comm.rank() == 0) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  comm.barrier();
  return dir;
}

}  // namespace mspipe::test_scratch
