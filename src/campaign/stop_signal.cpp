#include "campaign/stop_signal.hpp"

#include <signal.h>

#include <atomic>
#include <cstring>

namespace mspipe::campaign {

namespace {
std::atomic<int> stop_flag{0};
static_assert(std::atomic<int>::is_always_lock_free, "a signal handler needs a lock-free flag");

extern "C" void on_stop_signal(int) {
  stop_flag.store(1, std::memory_order_relaxed);
}
}  // namespace

void install_stop_handler() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &sa, nullptr);
}

bool stop_signal_received() {
  return stop_flag.load(std::memory_order_relaxed) != 0;
}
void request_stop() {
  stop_flag.store(1, std::memory_order_relaxed);
}
void clear_stop() {
  stop_flag.store(0, std::memory_order_relaxed);
}

}  // namespace mspipe::campaign
