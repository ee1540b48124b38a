// cp_damask may use io and cp; pipeline is above it.
#include "cp/solver.hpp"
#include "io/hdf5.hpp"
#include "pipeline/stage.hpp"
