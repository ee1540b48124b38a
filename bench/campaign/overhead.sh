#!/usr/bin/env bash
# overhead.sh [NP] [COUNT] [DOWNSAMPLE]: the campaign's own cost on a real small Mg campaign
# (overhead_mg.toml: COUNT VEs of 16^3, default 12, simulated on (16 / DOWNSAMPLE)^3 grids,
# default 1, on NP ranks, default 3 = 1 collector + 2 one-rank workers). Many short
# simulations per worker (e.g. `overhead.sh 3 200 2`) measure the farm; few long ones
# mostly the tail. Overhead = wall time of the campaign stage against the ideal,
# the sum of the simulations' wall_s divided by the worker count (target <= 1 %). The
# stage's time includes start-up, the tail (the last VE runs while other groups idle) and
# the final merge; run on an idle machine (note `uptime` below), COUNT a multiple of the
# workers.
set -euo pipefail
np=${1:-3} count=${2:-12} downsample=${3:-1}
here=$(cd "$(dirname "$0")" && pwd)
mspipe=${MSPIPE:-$here/../../build/release/drivers/mspipe}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed -e "s/^count = 12/count = $count/" -e "s/^downsample = 1/downsample = $downsample/" \
  "$here/overhead_mg.toml" >"$work/overhead.toml"
cd "$work"
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
echo "load before: $(uptime)"
log=$(mpirun -n "$np" --oversubscribe --bind-to none "$mspipe" overhead.toml 2>&1)
echo "load after:  $(uptime)"
wall=$(sed -n 's/^== stage campaign done in \([0-9.]*\) s ==$/\1/p' <<<"$log")
[ -n "$wall" ] || { echo "$log"; echo "overhead.sh: the campaign did not finish"; exit 1; }
/usr/bin/python3 - "$wall" "$np" <<'PY'
import sys
import h5py
wall, np_ = float(sys.argv[1]), int(sys.argv[2])
with h5py.File("results/campaign.h5", "r") as f:
    sims = f["wall_s"][()]
    status = f["status"][()]
workers = np_ - 1
ideal = sims.sum() / workers
print(f"{len(sims)} simulations ({int((status == 0).sum())} converged), {workers} workers: "
      f"sum of wall_s {sims.sum():.2f} s, mean {sims.mean():.2f} s")
print(f"campaign wall {wall:.2f} s, ideal (sum / workers) {ideal:.2f} s, "
      f"ratio {wall / ideal:.4f}, overhead {100 * (wall / ideal - 1):.2f} % (target <= 1 %)")
PY
