#!/usr/bin/env bash
# Two mspipe builds (or two solver methods) on the same crystal plasticity case, run
# alternately in one invocation so that both see the same machine load:
#
#   bench/cp/before_after.sh [--before BIN] [--after BIN] [--cases "A B"] [--repeat N]
#                            [--args-before "..."] [--args-after "..."] [--work DIR]
#
# e.g. old against new binary:  --before /tmp/mspipe_old --after build/release/drivers/mspipe
#      two methods of one build: --args-before "--method anderson" --args-after "--method newton_krylov"
# Cases (bench/cp/side_by_side.py): A Mg 16^3 on case B's geometry, B Cu 16^3 (DAMASK's
# case B), C Mg 32^3. 1 rank, 1 thread. Prints the load before and after and one markdown
# row per run: wall and CPU time (user + system: steadier than wall time on a loaded
# machine), peak RSS, iterations, residual evaluations, constitutive updates
# and the work counts of `mspipe cp -v`, the largest relative difference of sigma_zz from
# the first run of the same case, and (case B) from DAMASK's recorded curve.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
before="$root/build/release/drivers/mspipe" after="$root/build/release/drivers/mspipe"
cases="A" repeat=1 args_before="" args_after="" work=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --before) before=$2; shift 2 ;;
    --after) after=$2; shift 2 ;;
    --cases) cases=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --args-before) args_before=$2; shift 2 ;;
    --args-after) args_after=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "before_after.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
if [[ -z "$work" ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
py=${PYTHON:-/usr/bin/python3}   # with numpy (side_by_side.py writes the cases)
export OMP_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
echo "load before: $(uptime)"
echo "| case | run | wall | CPU | peak RSS | iterations | residual evaluations | updates (elastic) | state iterations | Newton iterations (Jacobians) | tangents | max rel. d sigma_zz to first run | to DAMASK |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for c in $cases; do
  dir="$work/$c"
  mkdir -p "$dir"
  "$py" "$here/side_by_side.py" case "$c" "$dir"
  first=""
  for ((k = 1; k <= repeat; ++k)); do
    for which in before after; do
      if [[ $which == before ]]; then bin=$before args=$args_before; else bin=$after args=$args_after; fi
      out="$dir/$which$k"
      # shellcheck disable=SC2086  # args is a list of words
      /usr/bin/time -f "%e %U %S %M %x" -o "$out.time" "$bin" cp -g "$dir/geom.vti" -l "$dir/load.yaml" \
        -m "$dir/material.yaml" -o "$out/result.h5" --threads 1 -v $args > "$out.log" 2>&1 || true
      read -r wall user sys rss rc < <(tail -n 1 "$out.time")
      cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
      [[ -z "$first" ]] && first="$out/result.csv"
      ref="-"
      [[ $c == B ]] && ref="$root/tests/data/cp/case_B/result.csv"
      "$py" - "$out/result.csv" "$first" "$ref" "$out.log" "$c" "$which$k" "$wall" "$cpu" "$rss" "$rc" <<'EOF'
import re, sys
csv, first, ref, log, case, run, wall, cpu, rss, rc = sys.argv[1:]
def curve(path):
    rows = open(path).read().split("\n")
    head = rows[0].split(",")
    cols = [dict(zip(head, map(float, r.split(",")))) for r in rows[1:] if r]
    return [r["sigma_33"] for r in cols], sum(int(r["iterations"]) for r in cols)
def rel(a, b):
    n = min(len(a), len(b))
    return max((abs(a[i] - b[i]) / abs(b[i]) for i in range(1, n) if b[i] != 0), default=0.0)
try:
    s, it = curve(csv)
except (OSError, ValueError):
    print(f"| {case} | {run} | exit {rc}: no result |")
    sys.exit(0)
d_first = rel(s, curve(first)[0])
d_ref = "-"
if ref != "-":
    # DAMASK's result.csv: increment, eps_zz, sigma_zz (Pa), ... as written by the case's run.txt
    lines = [l for l in open(ref).read().split("\n") if l and not l.startswith("#")]
    head = lines[0].split(",")
    k = next(i for i, h in enumerate(head) if "sigma" in h and ("33" in h or "zz" in h))
    r = [float(l.split(",")[k]) for l in lines[1:]]
    d_ref = f"{rel(s, r):.1e}"
w = re.search(r"work: (\d+) residual evaluations, (\d+) Jacobian products; (\d+) constitutive updates \((\d+) elastic\), "
              r"(\d+) sub-steps, (\d+) state iterations(?: \(\d+ ran out\))?, (\d+) Newton iterations on Lp \((\d+) Jacobians\), (\d+) tangents",
              open(log).read())
g = w.groups() if w else ["?"] * 9
jac = f" + {g[1]} Jacobian products" if g[1] not in ("0", "?") else ""
print(f"| {case} | {run} | {float(wall):.1f} s | {cpu} s | {int(rss) / 1024:.0f} MB | {it} | {g[0]}{jac} | {g[2]} ({g[3]}) | "
      f"{g[5]} | {g[6]} ({g[7]}) | {g[8]} | {d_first:.1e} | {d_ref} |")
EOF
    done
  done
done
echo "load after: $(uptime)"
