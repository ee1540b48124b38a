#!/usr/bin/env bash
# Large-strain check: case A's geometry (Mg on case B's 16^3 grains, bench/cp/side_by_side.py)
# pulled to 10 % axial strain (F_zz = 1.1, dot_F_zz = 1e-3/s for 100 s, free lateral
# stresses) in N increments, with mspipe's default numerics (DAMASK's tolerances and
# cutbacks). Prints one markdown row per run; exit 1 when a run does not converge.
#
#   bench/cp/large_strain.sh [--mspipe build/release/drivers/mspipe] [--increments "300 100"]
#                            [--method auto] [--flags "--explicit-twin-fraction"] [--work DIR]
#
# Needs python3 with numpy ($PYTHON, default /usr/bin/python3) and /usr/bin/time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mspipe="$here/../../build/release/drivers/mspipe" increments="300 100" method="auto" flags="" work=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --mspipe) mspipe=$2; shift 2 ;;
    --increments) increments=$2; shift 2 ;;
    --method) method=$2; shift 2 ;;
    --flags) flags=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "large_strain.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
mspipe=$(realpath "$mspipe")
if [[ -z "$work" ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
export OMP_NUM_THREADS=1
"${PYTHON:-/usr/bin/python3}" "$here/side_by_side.py" case A "$work"
echo "load before: $(uptime)"
echo "| increments | strain per increment | status | iterations | cutbacks | wall s | final eps_zz | final sigma_zz MPa |"
echo "|---|---|---|---|---|---|---|---|"
rc=0
for n in $increments; do
  run="$work/n$n"
  mkdir -p "$run"
  # DAMASK's reference load with t = 100 s: 10 % at the same strain rate.
  sed -e "s/^\( *\)t: .*/\1t: 100/" -e "s/^\( *\)N: .*/\1N: $n/" "$work/load.yaml" > "$run/load.yaml"
  status=converged
  /usr/bin/time -f "%e" -o "$run/time" "$mspipe" cp -g "$work/geom.vti" -l "$run/load.yaml" \
    -m "$work/material.yaml" -o "$run/result.h5" --threads 1 --method "$method" $flags > "$run/log" 2>&1 ||
    { status="NOT converged"; rc=1; }
  cutbacks=$(awk '{ for (i = 1; i < NF; ++i) if ($i == "cutbacks") c += $(i + 1) } END { print c + 0 }' "$run/log")
  # result.csv: increment,time,iterations,F_11..F_33,P_11..P_33,sigma_11..sigma_33
  awk -F, -v n="$n" -v st="$status" -v cut="$cutbacks" -v wall="$(tail -n 1 "$run/time")" '
    NR > 1 { it += $3; last = $0; rows = NR - 2 }
    END { split(last, v, ",")
          printf "| %d | %.3g %% | %s (%d of %d increments) | %d | %d | %s | %.4f | %.2f |\n",
                 n, 10 / n, st, rows, n, it, cut, wall, v[12] - 1, v[30] / 1e6 }' "$run/result.csv"
done
echo "load after: $(uptime)"
exit $rc
