#include "cp/petsc_session.hpp"

#include <petscsys.h>

#include <stdexcept>

#include "core/mpi_finalize.hpp"

namespace mspipe::cp {

namespace {
void finalize_petsc() {
  PetscBool finalized = PETSC_FALSE;
  PetscFinalized(&finalized);
  if (!finalized) PetscFinalize();
}
}  // namespace

void ensure_petsc() {
  PetscBool initialised = PETSC_FALSE;
  PetscInitialized(&initialised);
  if (initialised) return;
  // mspipe handles its own signals and floating-point environment.
  PetscOptionsSetValue(nullptr, "-no_signal_handler", nullptr);
  if (PetscInitializeNoArguments() != 0) throw std::runtime_error("PetscInitialize failed");
  core::at_mpi_finalize(finalize_petsc);
}

}  // namespace mspipe::cp
