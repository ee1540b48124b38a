// What happens when C++ code that PETSc calls back throws: SNESSolve returns an error
// code on every rank where a callback failed, and the exception itself (type and message)
// reaches the caller. Runs on 1 and 2 ranks.
#include <gtest/gtest.h>

#include <petscsnes.h>

#include <stdexcept>
#include <string>

#include "core/comm.hpp"
#include "cp/petsc_callback.hpp"

using namespace mspipe;
using namespace mspipe::cp;

namespace {

// x - 1 = 0 on one value per rank, with a residual that may throw.
struct Problem {
  std::exception_ptr kept;
  int calls = 0;
  int throw_at = -1;  // the call that throws (on every rank), -1: never

  static PetscErrorCode residual(SNES, Vec x, Vec f, void* ctx) {
    auto* p = static_cast<Problem*>(ctx);
    return petsc_callback(p->kept, [&] {
      if (p->calls++ == p->throw_at) throw std::domain_error("injected at call " + std::to_string(p->throw_at));
      petsc_check(VecCopy(x, f), "VecCopy");
      petsc_check(VecShift(f, -1.0), "VecShift");
    });
  }
};

// Solves the problem on `comm`; returns the exception's message, or "" when it converged.
std::string solve(const core::Comm& comm, Problem& p) {
  ensure_petsc();
  Vec x, r;
  SNES snes;
  petsc_check(VecCreateMPI(comm.get(), 1, PETSC_DETERMINE, &x), "VecCreateMPI");
  petsc_check(VecDuplicate(x, &r), "VecDuplicate");
  petsc_check(VecSet(x, 0.0), "VecSet");
  petsc_check(SNESCreate(comm.get(), &snes), "SNESCreate");
  petsc_check(SNESSetFunction(snes, r, Problem::residual, &p), "SNESSetFunction");
  petsc_check(SNESSetType(snes, SNESANDERSON), "SNESSetType");
  std::string message;
  try {
    rethrow_or_check(p.kept, SNESSolve(snes, nullptr, x), "SNESSolve");
  } catch (const std::domain_error& e) {  // the callback's own type, not a PETSc error
    message = e.what();
  }
  SNESDestroy(&snes);
  VecDestroy(&r);
  VecDestroy(&x);
  return message;
}

}  // namespace

TEST(PetscCallback, WithoutAnExceptionTheSolveConverges) {
  core::Comm comm(MPI_COMM_WORLD);
  Problem p;
  EXPECT_EQ(solve(comm, p), "");
  EXPECT_GT(p.calls, 1);
}

TEST(PetscCallback, AnExceptionOnEveryRankComesOutOfSnesSolveWithItsTypeAndMessage) {
  core::Comm comm(MPI_COMM_WORLD);
  Problem p;
  p.throw_at = 1;  // after SNES has evaluated the residual once
  EXPECT_EQ(solve(comm, p), "injected at call 1");
  EXPECT_EQ(p.calls, 2);  // SNES stopped at the failing call
  EXPECT_FALSE(p.kept);   // handed over, not left for the next solve
  Problem again;          // and PETSc is as before: the next solve converges
  EXPECT_EQ(solve(comm, again), "");
}

TEST(PetscCallback, PetscCheckNamesTheCallAndPassesZero) {
  EXPECT_NO_THROW(petsc_check(0, "VecSet"));
  try {
    petsc_check(PETSC_ERR_ARG_WRONG, "VecSet");
    ADD_FAILURE() << "petsc_check did not throw";
  } catch (const std::runtime_error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("in VecSet"), std::string::npos) << m;
    EXPECT_EQ(m.rfind("PETSc error ", 0), 0u) << m;
  }
}
