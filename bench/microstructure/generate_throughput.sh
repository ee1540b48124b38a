#!/usr/bin/env bash
# Throughput of `mspipe generate` in VEs per second, with and without writing the VE set.
#   bench/microstructure/generate_throughput.sh BUILD_DIR [RANKS] [COUNT] [PRESET]
# Defaults: 2 ranks, 64 VEs of the paper's training preset (64^3, about 39 grains).
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [RANKS] [COUNT] [PRESET]}
ranks=${2:-2}
count=${3:-64}
preset=${4:-inputs/generate/training.toml}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() {
  local t0 t1
  t0=$(date +%s.%N)
  mpirun -n "$ranks" --oversubscribe "$build/drivers/mspipe" --log-level warn generate "$preset" \
    --count "$count" --out "$out/set.h5" "$@"
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
dry=$(run --dry-run)
wet=$(run)
size=$(stat -c %s "$out/set.h5")
printf '%s, %d VEs on %d rank(s)\n' "$preset" "$count" "$ranks"
printf '  generate only : %6.1f VE/s (%.2f s, including start-up)\n' "$(echo "$count / $dry" | bc -l)" "$dry"
printf '  generate+write: %6.1f VE/s (%.2f s), file %.1f MB (%.0f kB per VE)\n' "$(echo "$count / $wet" | bc -l)" "$wet" \
  "$(echo "$size / 1000000" | bc -l)" "$(echo "$size / 1000 / $count" | bc -l)"
