#pragma once
// PETSc calls C++ back (SNES residual and convergence test, shell-matrix product). No C++
// exception may unwind through PETSc's C frames: every callback body runs through
// petsc_callback, which keeps the first exception and hands PETSc an error code; the
// code that called PETSc then rethrows it with rethrow_or_check. PETSc stops at the error
// on the ranks where it happened only: see core::run_confined for what that means for
// the other ranks of a communicator.
#include <petscsys.h>

#include <exception>
#include <utility>

#include "cp/petsc_session.hpp"

namespace mspipe::cp {

template <class F>
PetscErrorCode petsc_callback(std::exception_ptr& kept, F&& body) noexcept {
  try {
    body();
    return 0;
  } catch (...) {
    if (!kept) {
      kept = std::current_exception();
      // PETSc would print a traceback of every frame the code passes back through; the
      // kept exception says what happened, so it goes back quietly until rethrow_or_check.
      (void)PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
    }
    return PETSC_ERR_USER;
  }
}

// After a PETSc call that may have run callbacks: the kept exception if there is one
// (the real cause), else petsc_check(ierr, what).
inline void rethrow_or_check(std::exception_ptr& kept, PetscErrorCode ierr, const char* what) {
  if (kept) {
    (void)PetscPopErrorHandler();  // pushed by petsc_callback; a failure here changes nothing
    std::rethrow_exception(std::exchange(kept, nullptr));
  }
  petsc_check(ierr, what);
}

}  // namespace mspipe::cp
