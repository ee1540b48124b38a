#!/usr/bin/env bash
# Quick start 1: install what is missing, build the driver, and run the whole pipeline on
# inputs/demo.toml with 3 MPI ranks on any number of cores: generate -> campaign (the
# collector sleeps while it waits; one rank trains the VAE, one simulates) -> the
# surrogate -> the latent-space analysis; then `surrogate compare` with a learning curve,
# the plots and one HTML report. Results go to results/demo/; the end of the output lists
# every file made and how to open the report.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh mspipe
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
tools/demo_run.sh build/release/drivers/mspipe
