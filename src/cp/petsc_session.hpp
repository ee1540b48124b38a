#pragma once
// PETSc is initialised once per process, on first use, after MPI, with PETSC_COMM_WORLD
// set to MPI_COMM_SELF: initialisation is then local to the process, so a rank that never
// simulates (a collector, a trainer, a worker group left without a VE) never has to join
// it. Every solver creates its PETSc objects on the communicator it is given, so
// simulations run side by side on sub-communicators. PetscFinalize runs
// when MPI is finalised (an attribute on MPI_COMM_SELF), whoever finalises MPI.
namespace mspipe::cp {

void ensure_petsc();

// The one check every PETSc call goes through: throws std::runtime_error
// "PETSc error <code> (<PETSc's text>) in <what>" when `ierr` is not 0. `ierr` is a
// PetscErrorCode (an int; PETSc's headers stay out of this one).
void petsc_check(int ierr, const char* what);

}  // namespace mspipe::cp
