#!/usr/bin/env bash
# Quick start 1: install what is missing, build, and run the whole pipeline on
# inputs/demo.toml with 2 MPI ranks. Results go to results/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
exec mpirun -n 2 --oversubscribe --bind-to none build/release/drivers/mspipe inputs/demo.toml
