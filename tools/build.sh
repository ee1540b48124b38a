#!/usr/bin/env bash
# Configures and builds mspipe with the release preset (build/release).
#   tools/build.sh            everything (library, driver, tests, benchmarks)
#   tools/build.sh mspipe     only the named targets (the demo needs only the driver)
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake --preset release "${launcher[@]}" >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build --preset release -j "$(nproc)" "${targets[@]}"
