#include "cp/petsc_session.hpp"

#include <petscsys.h>

#include <stdexcept>

#include <fmt/core.h>

#include "core/mpi_finalize.hpp"

namespace mspipe::cp {

namespace {
// Called while MPI finalises: nothing may throw here, and nobody is left to tell.
void finalize_petsc() {
  PetscBool finalized = PETSC_FALSE;
  if (PetscFinalized(&finalized) == 0 && !finalized) (void)PetscFinalize();
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
  PETSC_COMM_WORLD = MPI_COMM_SELF;
  petsc_check(PetscInitializeNoArguments(), "PetscInitializeNoArguments");
  core::at_mpi_finalize(finalize_petsc);
}

}  // namespace mspipe::cp
