#pragma once
// The graceful stop: SIGUSR1 (which Open MPI's mpirun forwards to every rank, and SLURM's
// --signal sends) sets a process-wide flag; the task manager's loop and every running
// task's StopToken read it. The handler only stores to a lock-free atomic, the one thing
// a signal handler may do.
namespace mspipe::campaign {

// Installs the SIGUSR1 handler with sigaction (SA_RESTART, so interrupted system calls
// resume). Call it early on every rank: until then SIGUSR1 terminates the process.
void install_stop_handler();
bool stop_signal_received();
// Sets the same flag from inside the program (tests, or a stop decided elsewhere).
void request_stop();
// Clears the flag (tests that stop more than once in one process).
void clear_stop();

}  // namespace mspipe::campaign
