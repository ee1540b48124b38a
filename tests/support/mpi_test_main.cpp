// GoogleTest main for MPI tests: every rank runs every test; the exit code is the
// maximum over ranks, so a failure on any rank fails the run on every rank.
// Rank 0 prints the usual report. GoogleTest's report on rank 0 knows only rank 0's
// results (it says OK for a test that failed on another rank), so after the run every
// rank's failures are gathered and rank 0 lists them as
//   [rank 2] Suite.Name: file:line: Failure
// followed by the failed tests with their ranks and one summary line. Other ranks also
// print their failures as they happen, so a run that hangs later still shows them.
// Plain MPI here, not core::Comm: the main must not depend on the code it tests.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

// Records this rank's failures; on ranks other than 0 also prints them at once.
class FailureRecorder : public testing::EmptyTestEventListener {
 public:
  FailureRecorder(int rank, bool print) : rank_(rank), print_(print) {}
  // The name is kept here: UnitTest::current_test_info() would take the lock that
  // GoogleTest holds while it reports a result.
  void OnTestStart(const testing::TestInfo& t) override {
    current_ = std::string(t.test_suite_name()) + "." + t.name();
  }
  void OnTestPartResult(const testing::TestPartResult& r) override {
    if (!r.failed()) return;
    std::ostringstream line;
    line << "[rank " << rank_ << "] " << current_ << ": " << (r.file_name() ? r.file_name() : "?")
         << ":" << r.line_number() << ": Failure\n"
         << r.summary() << "\n";
    details_ += line.str();
    if (print_) fprintf(stderr, "%s", line.str().c_str());
  }
  void OnTestEnd(const testing::TestInfo& t) override {
    if (t.result()->Failed()) failed_tests_ += current_ + "\n";
    current_ = "(outside any test)";
  }
  const std::string& details() const { return details_; }
  const std::string& failed_tests() const { return failed_tests_; }

 private:
  int rank_;
  bool print_;
  std::string current_ = "(outside any test)";
  std::string details_, failed_tests_;
};

// Every rank's `text` on rank 0 (empty strings elsewhere).
std::vector<std::string> gather_text(const std::string& text, int rank, int size) {
  int len = static_cast<int>(text.size());
  std::vector<int> lens(static_cast<std::size_t>(size)), displs(static_cast<std::size_t>(size));
  MPI_Gather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  int total = 0;
  for (int r = 0; r < size; ++r) displs[r] = total, total += lens[r];
  std::string all(rank == 0 ? static_cast<std::size_t>(total) : 0, '\0');
  MPI_Gatherv(text.data(), len, MPI_CHAR, all.data(), lens.data(), displs.data(), MPI_CHAR, 0, MPI_COMM_WORLD);
  std::vector<std::string> out(rank == 0 ? static_cast<std::size_t>(size) : 0);
  for (int r = 0; rank == 0 && r < size; ++r) out[r] = all.substr(displs[r], lens[r]);
  return out;
}

// Rank 0's report of the failures on every rank.
void report(const std::vector<std::string>& details, const std::vector<std::string>& failed_tests) {
  std::map<std::string, std::set<int>> ranks_of;  // test -> ranks it failed on
  std::set<int> failing_ranks;
  for (int r = 0; r < static_cast<int>(failed_tests.size()); ++r) {
    std::istringstream in(failed_tests[r]);
    for (std::string name; std::getline(in, name);) ranks_of[name].insert(r);
    if (!failed_tests[r].empty() || !details[r].empty()) failing_ranks.insert(r);
  }
  const int size = static_cast<int>(details.size());
  if (failing_ranks.empty()) {
    printf("[   MPI    ] every test passed on all %d ranks\n", size);
    return;
  }
  printf("[   MPI    ] failures gathered from all ranks:\n");
  for (const auto& d : details) printf("%s", d.c_str());
  for (const auto& [name, ranks] : ranks_of) {
    std::string list;
    for (int r : ranks) list += (list.empty() ? "" : ", ") + std::to_string(r);
    printf("[  FAILED  ] %s on rank%s %s\n", name.c_str(), ranks.size() > 1 ? "s" : "", list.c_str());
  }
  printf("[   MPI    ] %zu test%s failed on %zu of %d ranks\n", ranks_of.size(), ranks_of.size() == 1 ? "" : "s",
         failing_ranks.size(), size);
}

}  // namespace

int main(int argc, char** argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  testing::InitGoogleTest(&argc, argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  auto& listeners = testing::UnitTest::GetInstance()->listeners();
  if (rank != 0) delete listeners.Release(listeners.default_result_printer());
  auto* recorder = new FailureRecorder(rank, rank != 0);
  listeners.Append(recorder);  // owned by GoogleTest
  const int local = RUN_ALL_TESTS();
  fflush(stdout);
  fflush(stderr);
  const auto details = gather_text(recorder->details(), rank, size);
  const auto failed_tests = gather_text(recorder->failed_tests(), rank, size);
  const auto* unit = testing::UnitTest::GetInstance();
  const bool ran = unit->successful_test_count() + unit->failed_test_count() > 0;  // not --gtest_list_tests
  if (rank == 0 && ran) report(details, failed_tests);
  fflush(stdout);
  int global = 0;
  MPI_Allreduce(&local, &global, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return global;
}
