#!/usr/bin/env bash
# Full 20-increment tension, Mg and Cu, 16^3 and 32^3, on 1 and 2 ranks: prints one
# markdown row per run (solver wall time and CPU time of the simulate stage, iterations,
# final sigma_zz). Usage: bench/cp/tension_matrix.sh [MSPIPE] [SIZES] [MATERIALS] [RANKS] [THREADS]
#   e.g. bench/cp/tension_matrix.sh build/release/drivers/mspipe "16 32" "mg cu" "1 2" "1 2"
# THREADS is OpenMP threads per rank ([run] threads; ranks are started with --bind-to none).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mspipe=$(realpath "${1:-build/release/drivers/mspipe}")
sizes=${2:-"16 32"} materials=${3:-"mg cu"} ranks_list=${4:-"1 2"} threads_list=${5:-"1"}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$here/../.."   # material files are named relative to the repository root
echo "| material | VE | ranks | threads | solver wall s | CPU s (all ranks) | iterations | final sigma_zz MPa |"
echo "|---|---|---|---|---|---|---|---|"
for size in $sizes; do
  for mat in $materials; do
    for ranks in $ranks_list; do
     for threads in $threads_list; do
      run="${size}_${mat}_${ranks}_${threads}"
      cfg="$work/t$run.toml"
      sed -e "s/^ranks_per_sim = .*/ranks_per_sim = $ranks/" \
          -e "s|^output_dir = .*|output_dir = \"$work/out_$run\"\nthreads = $threads|" \
          "$here/tension${size}_${mat}.toml" > "$cfg"
      /usr/bin/time -f "%U %S" -o "$work/time" \
        mpirun -n "$ranks" --oversubscribe --bind-to none "$mspipe" "$cfg" > "$work/log" 2>&1 ||
        { echo "run failed: $cfg"; cat "$work/log"; exit 1; }
      cpu=$(awk '{printf "%.1f", $1 + $2}' "$work/time")
      /usr/bin/python3 - "$work/out_$run/cp.h5" "$mat" "$size" "$ranks" "$threads" "$cpu" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
print(f"| {sys.argv[2]} | {sys.argv[3]}^3 | {sys.argv[4]} | {sys.argv[5]} | {f['wall_s'][0]:.1f} | {sys.argv[6]} | "
      f"{int(f['iterations'][0])} | {f['stress'][0, -1, 2] / 1e6:.3f} |")
PY
     done
    done
  done
done
