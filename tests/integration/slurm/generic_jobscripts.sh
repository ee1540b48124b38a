#!/usr/bin/env bash
# generic_jobscripts.sh SCRATCH
# jobscripts/generic/ with fake_mspipe.sh in place of the executable (no SLURM needed):
#  1. shards.sh CONFIG 3 runs shards 0, 1, 2 on 2 ranks each, then the merge of
#     <output_dir>/campaign, which sees their 6 markers;
#  2. shards.sh CONFIG 3 1 runs only shard 1 and no merge;
#  3. kill -USR1 to campaign.sh reaches both ranks through mpirun; the script exits 0.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
scratch=$(realpath -m "$1")
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf -- "$scratch"
mkdir -p "$scratch/out"
cd "$scratch"
export FAKE_OUT=$scratch/out MSPIPE_EXE=$here/fake_mspipe.sh MSPIPE_RANKS=2
export MPIRUN_ARGS="--oversubscribe --bind-to none"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
config=$scratch/fake.toml
printf '[run]\noutput_dir = "%s"\n' "$FAKE_OUT" >"$config"

echo "== 1. shards.sh CONFIG 3"
"$root/jobscripts/generic/shards.sh" "$config" 3
for i in 0 1 2; do
  n=$(grep -cx "rank [01]: $config --shard $i --num-shards 3" "$FAKE_OUT/calls" || true)
  [ "$n" = 2 ] || fail "shard $i ran on $n ranks, expected 2: $(cat "$FAKE_OUT/calls")"
done
[ "$(grep -cx "rank 0: campaign merge $FAKE_OUT/campaign" "$FAKE_OUT/calls")" = 1 ] || fail "$(cat "$FAKE_OUT/calls")"
[ "$(cat "$FAKE_OUT/merge_saw")" = 6 ] || fail "the merge saw $(cat "$FAKE_OUT/merge_saw") markers, expected 6"

echo "== 2. shards.sh CONFIG 3 1"
rm -f "$FAKE_OUT/calls"
"$root/jobscripts/generic/shards.sh" "$config" 3 1
[ "$(wc -l <"$FAKE_OUT/calls")" = 2 ] && grep -qx "rank 0: $config --shard 1 --num-shards 3" "$FAKE_OUT/calls" ||
  fail "expected shard 1 alone on 2 ranks: $(cat "$FAKE_OUT/calls")"

echo "== 3. kill -USR1 to campaign.sh"
rm -f "$FAKE_OUT"/calls "$FAKE_OUT"/running.*
FAKE_SECONDS=60 "$root/jobscripts/generic/campaign.sh" "$config" &
pid=$!
t0=$SECONDS
until [ -e "$FAKE_OUT/running.rank_0" ] && [ -e "$FAKE_OUT/running.rank_1" ]; do
  [ $((SECONDS - t0)) -lt 30 ] || { kill "$pid"; fail "the ranks did not start"; }
  sleep 0.2
done
kill -USR1 "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" = 0 ] || fail "campaign.sh exited $rc after SIGUSR1"
[ $((SECONDS - t0)) -lt 30 ] || fail "the stop took $((SECONDS - t0)) s"
for r in 0 1; do
  grep -qx "rank $r: stopped on SIGUSR1" "$FAKE_OUT/calls" || fail "rank $r was not stopped: $(cat "$FAKE_OUT/calls")"
done
echo "generic_jobscripts: ok"
