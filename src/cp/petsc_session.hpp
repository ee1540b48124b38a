#pragma once
// PETSc is initialised once per process, on first use, after MPI. PETSC_COMM_WORLD stays
// MPI_COMM_WORLD; every solver creates its PETSc objects on the communicator it is
// given, so simulations run side by side on sub-communicators. PetscFinalize runs
// when MPI is finalised (an attribute on MPI_COMM_SELF), whoever finalises MPI.
namespace mspipe::cp {

void ensure_petsc();

}  // namespace mspipe::cp
