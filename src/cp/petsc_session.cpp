#include "cp/petsc_session.hpp"

#include <mpi.h>
#include <petscsys.h>

#include <stdexcept>

#include <fmt/core.h>

namespace mspipe::cp {

namespace {
// Called by MPI while it finalises: nothing may throw here, and nobody is left to tell.
int finalize_petsc(MPI_Comm, int, void*, void*) {
  PetscBool finalized = PETSC_FALSE;
  if (PetscFinalized(&finalized) == 0 && !finalized) (void)PetscFinalize();
  return MPI_SUCCESS;
}
}  // namespace

void petsc_check(int ierr, const char* what) {
  if (ierr == 0) return;
  const char* text = nullptr;
  PetscErrorMessage(static_cast<PetscErrorCode>(ierr), &text, nullptr);
  throw std::runtime_error(text ? fmt::format("PETSc error {} ({}) in {}", ierr, text, what)
                                : fmt::format("PETSc error {} in {}", ierr, what));
}

void ensure_petsc() {
  PetscBool initialised = PETSC_FALSE;
  petsc_check(PetscInitialized(&initialised), "PetscInitialized");
  if (initialised) return;
  // mspipe handles its own signals and floating-point environment.
  petsc_check(PetscOptionsSetValue(nullptr, "-no_signal_handler", nullptr), "PetscOptionsSetValue");
  petsc_check(PetscInitializeNoArguments(), "PetscInitializeNoArguments");
  int key = MPI_KEYVAL_INVALID;
  MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, finalize_petsc, &key, nullptr);
  MPI_Comm_set_attr(MPI_COMM_SELF, key, nullptr);
}

}  // namespace mspipe::cp
