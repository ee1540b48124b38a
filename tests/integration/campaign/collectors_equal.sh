#!/usr/bin/env bash
# collectors_equal.sh SCRATCH PROGRAM SAME MPIEXEC...: whole campaign jobs of the test runner
# (campaign_farm_run, 120 ids) with two collectors give the rows of one collector, bit for
# bit (SAME is same_campaign.py: ids, status, attempts, stress, strain, fingerprints):
#   mpirun -n 4, 2 collectors + 2 workers          vs  1 collector + 3 workers
#   mpirun -n 6, 2 collectors + 2 trainers + 2     vs  mpirun -n 4, 1 collector + 1 trainer + 2
#     (each collector's trainer encodes its ids; the merged file has every fingerprint)
# Each two-collector job must have written shards of both collectors.
set -u
scratch=$1 program=$2 same=$3
shift 3
mpi=("$@")
rm -rf -- "$scratch" && mkdir -p -- "$scratch" && cd -- "$scratch" || exit 1
fail() { echo "collectors_equal: $*"; exit 1; }
job() {  # NAME NP ARGS...
  local name=$1 np=$2
  shift 2
  "${mpi[@]}" -n "$np" --oversubscribe --bind-to none "$program" "$name" 120 --merge "$name.h5" --flush 0.05 "$@" \
    >"$name.log" 2>&1 || { cat "$name.log"; fail "$name failed"; }
  grep -q "^merged 120" "$name.log" || { cat "$name.log"; fail "$name merged no file"; }
}
job one 4
job two 4 --collectors 2
ls two/shard_0_*.h5 two/shard_1_*.h5 >/dev/null || fail "not both collectors wrote shards"
/usr/bin/python3 "$same" one.h5 two.h5 || fail "two collectors differ from one"
job one_trained 4 --trainers 1 --train-ms 100 --encode-ms 1
job two_trained 6 --trainers 2 --collectors 2 --train-ms 100 --encode-ms 1
ls two_trained/fingerprints_0_*.h5 two_trained/fingerprints_1_*.h5 >/dev/null ||
  fail "not both collectors kept fingerprints"
/usr/bin/python3 "$same" one_trained.h5 two_trained.h5 || fail "two collectors with trainers differ from one"
echo "collectors_equal: ok"
