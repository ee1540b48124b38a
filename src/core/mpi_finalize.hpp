#pragma once
// Work that must happen while MPI is being finalised, whoever finalises it.

namespace mspipe::core {

// Runs fn() inside MPI_Finalize, before MPI shuts down (libraries such as PETSc must
// finalise while MPI still works): a delete callback of an attribute on MPI_COMM_SELF,
// which MPI frees first. Hooks run newest first.
void at_mpi_finalize(void (*fn)());

}  // namespace mspipe::core
