#!/usr/bin/env bash
# mspipe against DAMASK_grid on the same case, one after the other in one invocation:
# 1 rank, 1 thread each, default numerics on both sides (DAMASK's tolerances; mspipe's
# default scheme "auto": Newton-Krylov for Mg, Anderson for Cu, or --method), DAMASK's
# reference load (tension along z, 20 increments).
# Cases (bench/cp/side_by_side.py): A Mg on case B's 16^3 geometry, B Cu 16^3 (20
# grains), C Mg 32^3 (60 grains; DAMASK needs about 10 min, so only when asked).
#
#   bench/cp/side_by_side.sh [--mspipe build/release/drivers/mspipe] [--cases "A B"]
#                            [--work DIR] [--method auto|anderson|ngmres|newton_krylov]
#
# Needs DAMASK_grid on PATH (a clear message and exit 0 otherwise), /usr/bin/time and
# python3 with numpy and h5py ($PYTHON, default /usr/bin/python3). Prints the machine
# load before and after and one markdown row per case: wall time each, ratio,
# iterations, peak RSS each, max relative difference of sigma_zz over the increments.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mspipe="$here/../../build/release/drivers/mspipe" cases="A B" work="" method="auto"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --mspipe) mspipe=$2; shift 2 ;;
    --cases) cases=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --method) method=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "side_by_side.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
if ! command -v DAMASK_grid > /dev/null; then
  echo "side_by_side.sh: skipped: DAMASK_grid is not on PATH"
  exit 0
fi
mspipe=$(realpath "$mspipe")
if [[ -z "$work" ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
py=${PYTHON:-/usr/bin/python3}   # with numpy and h5py
export OMP_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# "wall_s peak_rss_MB exit_status" from /usr/bin/time -v's report.
timing() {
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; ++i) s = 60 * s + t[i] }
              /Maximum resident set size/ { rss = $2 / 1024 }
              /Exit status/ { rc = $2 }
              END { printf "%.1f %.0f %d\n", s, rss, rc }' "$1"
}
echo "load before: $(uptime)"
rows=""
for c in $cases; do
  dir="$work/$c"
  rm -rf "$dir" && mkdir -p "$dir/damask"
  "$py" "$here/side_by_side.py" case "$c" "$dir"
  /usr/bin/time -v -o "$dir/mspipe.time" "$mspipe" cp -g "$dir/geom.vti" -l "$dir/load.yaml" \
    -m "$dir/material.yaml" -o "$dir/mspipe/result.h5" --threads 1 --method "$method" > "$dir/mspipe.log" 2>&1 || true
  (cd "$dir/damask" && /usr/bin/time -v -o "$dir/damask.time" DAMASK_grid -g ../geom.vti -l ../load.yaml \
    -m ../material.yaml -j job > "$dir/damask.log" 2>&1) || true
  read -r m_s m_rss m_rc < <(timing "$dir/mspipe.time")
  read -r d_s d_rss d_rc < <(timing "$dir/damask.time")
  if [[ -s "$dir/mspipe/result.csv" && -s "$dir/damask/job.hdf5" ]]; then
    read -r rel m_it d_it note < <("$py" "$here/side_by_side.py" compare "$dir/mspipe/result.csv" \
      "$dir/damask/job.hdf5" "$dir/damask/job.sta") || true
  else
    rel="-" m_it="-" d_it="-" note="a result is missing"
  fi
  ratio=$(awk -v m="$m_s" -v d="$d_s" 'BEGIN { printf "%.1f\n", (m > 0) ? d / m : 0 }')
  row="| $c | $m_s s | $d_s s | ${ratio}x | $m_it / $d_it | $m_rss / $d_rss MB | $rel | exit $m_rc / $d_rc ${note:-} |"
  echo "$row"
  rows+="$row"$'\n'
done
echo "load after: $(uptime)"
echo
echo "| case | mspipe wall | DAMASK_grid wall | speed-up | iterations mspipe / DAMASK | peak RSS mspipe / DAMASK | max rel. d sigma_zz | |"
echo "|---|---|---|---|---|---|---|---|"
printf "%s" "$rows"
