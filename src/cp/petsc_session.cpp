#include "cp/petsc_session.hpp"

#include <mpi.h>
#include <petscsys.h>

#include <stdexcept>

namespace mspipe::cp {

namespace {
int finalize_petsc(MPI_Comm, int, void*, void*) {
  PetscBool finalized = PETSC_FALSE;
  PetscFinalized(&finalized);
  if (!finalized) PetscFinalize();
  return MPI_SUCCESS;
}
}  // namespace

void ensure_petsc() {
  PetscBool initialised = PETSC_FALSE;
  PetscInitialized(&initialised);
  if (initialised) return;
  // mspipe handles its own signals and floating-point environment.
  PetscOptionsSetValue(nullptr, "-no_signal_handler", nullptr);
  if (PetscInitializeNoArguments() != 0) throw std::runtime_error("PetscInitialize failed");
  int key = MPI_KEYVAL_INVALID;
  MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, finalize_petsc, &key, nullptr);
  MPI_Comm_set_attr(MPI_COMM_SELF, key, nullptr);
}

}  // namespace mspipe::cp
