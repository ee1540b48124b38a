// mspipe: one SPMD executable for the whole pipeline. main stays thin: initialise MPI,
// hand over to the command line, and turn failures into exit codes.
#include <exception>
#include <iostream>

#include "core/comm.hpp"
#include "core/errors.hpp"
#include "pipeline/cli.hpp"

int main(int argc, char** argv) {
  mspipe::pipeline::before_mpi(argc, argv);
  mspipe::core::MpiSession mpi(argc, argv);
  try {
    return mspipe::pipeline::main_entry(argc, argv, mpi.world());
  } catch (const mspipe::core::CollectiveError& e) {  // every rank agrees: one message
    if (mpi.world().rank() == 0) std::cerr << e.what() << '\n';
    return e.exit_code();
  } catch (const std::exception& e) {  // one rank failed: take the job down, no hang
    mspipe::core::abort_job(mpi.world(), "main", e.what());
  }
}
