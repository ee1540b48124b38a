#!/usr/bin/env bash
# Quick start 2: install what is missing, build, and run the whole test suite
# (unit, MPI on 2 and 4 ranks, integration). Extra arguments go to ctest (e.g. -L mpi).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh
exec ctest --preset release --label-exclude slow "$@"
