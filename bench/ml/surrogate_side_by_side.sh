#!/usr/bin/env bash
# surrogate_side_by_side.sh [BUILD_DIR] [TRAIN_SECONDS]
# Times one crystal plasticity simulation of a 16^3 Mg VE (bench/cp/tension16_mg.toml,
# one rank: the simulate stage's time) and runs ml_surrogate_bench with it beside the
# surrogate's. Run from anywhere; writes results/bench_tension16_mg/ in the repository.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build/release}
limit=${2:-120}
cd "$root"
log=$(OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -n 1 "$build/drivers/mspipe" \
        bench/cp/tension16_mg.toml 2>&1)
cp_s=$(grep -o 'stage simulate done in [0-9.]*' <<<"$log" | awk '{print $5}')
echo "one CP simulation (16^3 Mg, 20 increments, 1 rank): ${cp_s} s"
"$build/bench/ml/ml_surrogate_bench" --cp-seconds "$cp_s" --train-seconds "$limit"
