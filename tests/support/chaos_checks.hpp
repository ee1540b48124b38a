#pragma once
// What the campaign's crash tests share: a failure counter that lets every check run
// (a crash test reports all it finds, not the first), and an independent reader of the
// HDF5 files left on disk (python3-h5py, read-only, every dataset read, no repair).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace mspipe::test_chaos {

inline int failures = 0;

// False when /usr/bin/python3 cannot import h5py (the test then exits 77, skipped).
inline bool h5py_available() { return std::system("/usr/bin/python3 -c 'import h5py' 2>/dev/null") == 0; }

// True when h5py opens every file of `files` and reads all its datasets; the list of
// names goes through the text file `list`.
inline bool h5py_reads_all(const std::vector<std::string>& files, const std::filesystem::path& list) {
  {
    std::ofstream out(list);
    for (const auto& f : files) out << f << "\n";
  }
  const std::string reader =
      "/usr/bin/python3 -c 'import sys, h5py\n"
      "bad = 0\n"
      "for p in open(sys.argv[1]).read().split():\n"
      "    try:\n"
      "        with h5py.File(p, \"r\") as f:\n"
      "            f.visititems(lambda n, o: o[()] if isinstance(o, h5py.Dataset) else None)\n"
      "    except Exception as e:\n"
      "        print(\"h5py cannot read\", p, e); bad += 1\n"
      "sys.exit(1 if bad else 0)' " +
      list.string();
  return std::system(reader.c_str()) == 0;
}

}  // namespace mspipe::test_chaos

#define CHECK(cond, ...)                                \
  do {                                                  \
    if (!(cond)) {                                      \
      std::fprintf(stderr, "FAIL: " __VA_ARGS__);       \
      std::fprintf(stderr, "\n");                       \
      ++::mspipe::test_chaos::failures;                 \
    }                                                   \
  } while (0)
