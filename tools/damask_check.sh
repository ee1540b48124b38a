#!/usr/bin/env bash
# mspipe's damask_grid engine against the real DAMASK_grid: cases B, D and E of
# tests/data/cp, each run through the built-in engine and through engine "damask_grid"
# (DAMASK_grid from PATH, 1 rank, 1 thread), σ_zz compared at every increment within
# 0.1 % and the stress-prescribed components within DAMASK's max(1e3 Pa, 1e-3 |P|).
# Prints each case's table, then one summary row per case.
#
#   tools/damask_check.sh [--program build/release/bench/cp/damask_check] [--work DIR]
#                         [--cases "D E B"] [--method auto] [--skip-code N]
#
# Without DAMASK_grid on PATH it says so and exits with the skip code (0 unless given;
# ctest passes 77). Exit 1 when a case differs or a run fails. Case B takes about 5 min
# of DAMASK_grid on one core.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
program="$root/build/release/bench/cp/damask_check"
work="" cases="D E B" method="auto" skip_code=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --program) program=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --cases) cases=$2; shift 2 ;;
    --method) method=$2; shift 2 ;;
    --skip-code) skip_code=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "damask_check.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
if ! command -v DAMASK_grid > /dev/null; then
  echo "damask_check.sh: skipped: DAMASK_grid is not on PATH (install DAMASK v3.0.2's grid solver to run this check)"
  exit "$skip_code"
fi
if [[ ! -x "$program" ]]; then
  echo "damask_check.sh: $program is not built (cmake --build --preset release --target damask_check)" >&2
  exit 2
fi
if [[ -z "$work" ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
export OMP_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
echo "DAMASK_grid: $(command -v DAMASK_grid); load: $(uptime | sed 's/.*load average: //')"
summary="| case | mspipe s | DAMASK_grid s | max rel. d sigma_zz | iterations mspipe / DAMASK | result |
|---|---|---|---|---|---|"
status=0
for c in $cases; do
  dir="$root/tests/data/cp/case_$c"
  for f in geom.vti load.yaml material.yaml; do
    [[ -s "$dir/$f" ]] || { echo "damask_check.sh: $dir/$f is missing" >&2; exit 2; }
  done
  rm -rf "$work/$c"
  rc=0
  "$program" --case "$dir" --work "$work/$c" --method "$method" | tee "$work/$c.out" || rc=$?
  [[ $rc -eq 0 ]] || status=1
  read -r _ _ verdict rel ms dg it it_ref < <(grep '^summary: ' "$work/$c.out" || echo "summary: - failed - - - - -")
  summary+=$'\n'"| $c | $ms | $dg | $rel | $it / $it_ref | $verdict |"
  echo
done
echo "load after: $(uptime | sed 's/.*load average: //')"
echo "$summary"
exit $status
