#!/usr/bin/env bash
# Quick start 1: install what is missing, build the driver, and run the whole pipeline on
# inputs/demo.toml through the campaign with 3 MPI ranks on any number of cores (the
# collector sleeps while it waits; one rank trains the VAE, one simulates). Results go to
# results/demo/; the end of the output lists every file made.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh mspipe
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
start=$(date +%s)
mpirun -n 3 --oversubscribe --bind-to none build/release/drivers/mspipe inputs/demo.toml
tools/demo_summary.sh results/demo "$(( $(date +%s) - start ))"
