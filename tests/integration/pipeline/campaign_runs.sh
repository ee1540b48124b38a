#!/usr/bin/env bash
# campaign_runs.sh CASE SCRATCH MSPIPE CONFIG MPIEXEC...: real campaigns of the small Cu
# config run, interrupted and rerun; every case compares the resulting campaign.h5 rows
# with an uninterrupted run (same_campaign.py). Cases:
#   ranks  np 2 and np 4 give the same rows; a rerun of a finished campaign runs nothing
#   kill   SIGKILL to every rank mid-way, rerun: the rows of an uninterrupted run
#   usr1   SIGUSR1 to mpirun mid-way: exit 0, "rerun" told; the rerun completes the campaign
#   shard  --shard 0 and 1 of 2 (no campaign.h5), then `campaign merge`: the unsharded rows
#   mixed  a rerun with another seed into the same folder is refused (exit 4, no hang);
#          shards of two campaigns (seeds differ) in one folder: merge refuses, writes nothing
#   encode a VAE checkpoint (one training step, campaign_encode.toml): workers encode each VE
#          inline; the fingerprints are the checkpoint's length, finite, and differ by VE
#   collectors  2 collectors + 2 workers (np 4) give the rows of 1 collector (np 2), each
#          collector wrote its own shards; `mpirun -n 2 mspipe campaign merge` writes the
#          file of the serial merge (every dataset and attribute equal)
#   relayout  SIGKILL a 2-collector run mid-way and rerun with 1 collector, and a 1-collector
#          run rerun with 2: the rows of an uninterrupted run, no id twice (the merge refuses
#          duplicates)
set -u
case_=$1 scratch=$2 mspipe=$3 config=$4
shift 4
mpi=("$@")
same=$(cd "$(dirname "$0")" && pwd)/same_campaign.py
rm -rf -- "$scratch" && mkdir -p -- "$scratch" && cd -- "$scratch" || exit 1
fail() { echo "campaign_runs $case_: $*"; exit 1; }
# The interrupted cases need ids left when the first shard appears: with the config's 4,
# a loaded machine can finish the run before the signal lands (then "a killed run exited
# 0"). 12 ids leave at least 8 to do after the first committed shard of 2.
longer() { sed 's/^count = 4$/count = 12/' "$config" >long.toml && config=$PWD/long.toml; }
run() {  # DIR NP ARGS...: runs the campaign with its output under DIR
  local dir=$1 np=$2
  shift 2
  mkdir -p "$dir" && (cd "$dir" && "${mpi[@]}" -n "$np" --oversubscribe --bind-to none "$mspipe" "${cfg:-$config}" "$@")
}
# Starts a run in the background, waits until `records` records are durable (committed
# shards of 2), and sends `signal` to mpirun or to its ranks.
interrupt() {  # DIR NP SIGNAL TARGET(mpirun|ranks)
  local dir=$1 np=$2 sig=$3 target=$4
  mkdir -p "$dir"
  (cd "$dir" && exec "${mpi[@]}" -n "$np" --oversubscribe --bind-to none "$mspipe" "${cfg:-$config}") >"$dir.log" 2>&1 &
  local pid=$!
  for _ in $(seq 600); do
    [ -e "$dir/results/campaign/shard_0_0.h5" ] && break
    sleep 0.1
  done
  [ -e "$dir/results/campaign/shard_0_0.h5" ] || { kill -KILL "$pid"; fail "no shard appeared"; }
  if [ "$target" = mpirun ]; then kill -"$sig" "$pid"; else pkill -"$sig" -P "$pid"; fi
  wait "$pid"
  local rc=$?
  cat "$dir.log"
  return $rc
}
case $case_ in
  ranks)
    run a 2 || fail "np 2 failed"
    run b 4 || fail "np 4 failed"
    /usr/bin/python3 "$same" a/results/campaign.h5 b/results/campaign.h5 || exit 1
    out=$(run b 4 2>&1) || fail "rerun failed: $out"
    echo "$out"
    grep -q "4 ids skipped (done before), 0 tries" <<<"$out" || fail "the rerun ran tasks again"
    /usr/bin/python3 "$same" a/results/campaign.h5 b/results/campaign.h5 || exit 1 ;;
  kill)
    longer
    run ref 2 || fail "reference run failed"
    interrupt k 3 KILL ranks && fail "a killed run exited 0"
    [ -e k/results/campaign.h5 ] && fail "a killed run wrote campaign.h5"
    run k 3 || fail "rerun after SIGKILL failed"
    /usr/bin/python3 "$same" ref/results/campaign.h5 k/results/campaign.h5 || exit 1 ;;
  usr1)
    longer
    interrupt u 2 USR1 mpirun || fail "SIGUSR1: exit code $?, expected 0"
    grep -q "ids left. Rerun the same command to resume" u.log || fail "no resume hint after SIGUSR1"
    [ -e u/results/campaign.h5 ] && fail "a stopped run wrote campaign.h5"
    run u 2 || fail "rerun after SIGUSR1 failed"
    /usr/bin/python3 "$same" u/results/campaign.h5 --count 12 || exit 1 ;;
  shard)
    run ref 2 || fail "reference run failed"
    run s 2 --shard 0 --num-shards 2 || fail "shard 0 failed"
    run s 2 --shard 1 --num-shards 2 || fail "shard 1 failed"
    [ -e s/results/campaign.h5 ] && fail "a shard wrote campaign.h5"
    "${mpi[@]}" -n 1 "$mspipe" campaign merge s/results/campaign || fail "merge failed"
    /usr/bin/python3 "$same" ref/results/campaign.h5 s/results/campaign.h5 || exit 1 ;;
  mixed)
    run m 2 --shard 0 --num-shards 2 || fail "shard 0 failed"
    sed 's/^seed = 7/seed = 8/' "$config" >seed8.toml
    mkdir -p o && (cd o && "${mpi[@]}" -n 2 --oversubscribe --bind-to none "$mspipe" ../seed8.toml --shard 1 --num-shards 2) ||
      fail "shard 1 (seed 8) failed"
    # The same folder rerun with another seed: refused, on every rank, nothing written.
    out=$(cd m && "${mpi[@]}" -n 2 --oversubscribe --bind-to none "$mspipe" ../seed8.toml --shard 0 --num-shards 2 2>&1)
    rc=$?
    echo "$out"
    [ "$rc" = 4 ] || fail "rerun with another seed: exit code $rc, expected 4"
    grep -q "seed 7 vs 8\|seed 8 vs 7" <<<"$out" || fail "the message does not name the seeds"
    cp o/results/campaign/shard_1_* m/results/campaign/
    out=$("${mpi[@]}" -n 1 "$mspipe" campaign merge m/results/campaign 2>&1)
    rc=$?
    echo "$out"
    [ "$rc" = 4 ] || fail "merge of two campaigns: exit code $rc, expected 4"
    grep -q "seed 7 vs 8\|seed 8 vs 7" <<<"$out" || fail "the message does not name the seeds"
    [ -e m/results/campaign.h5 ] && fail "a refused merge wrote campaign.h5" ;;
  encode)
    data=$(cd "$(dirname "$config")" && pwd)
    mkdir -p e && cd e || exit 1
    "${mpi[@]}" -n 1 "$mspipe" "$data/vae_tiny16.toml" >/dev/null || fail "training the checkpoint failed"
    "${mpi[@]}" -n 3 --oversubscribe --bind-to none "$mspipe" "$data/campaign_encode.toml" || fail "campaign failed"
    /usr/bin/python3 - <<'PY' || fail "fingerprints"
import h5py, numpy as np, sys
with h5py.File("results/campaign.h5", "r") as f:
    fp, st = f["fingerprint"][()], f["status"][()]
    digest = f.attrs["vae_checkpoint_digest"]
print("fingerprints", fp.shape, "status", st, "digest", digest)
ok = fp.shape == (2, 4) and np.all(np.isfinite(fp)) and np.any(fp[0] != fp[1]) and np.all(np.any(fp != 0, axis=1))
sys.exit(0 if ok and len(digest) > 0 else 1)
PY
    ;;
  collectors)
    sed 's/^trainers = 0/trainers = 0\ncollectors = 2/' "$config" >c2.toml
    run a 2 || fail "np 2 failed"
    cfg=$PWD/c2.toml run b 4 || fail "np 4 with 2 collectors failed"
    ls b/results/campaign/shard_0_*.h5 b/results/campaign/shard_1_*.h5 >/dev/null || fail "not every collector wrote shards"
    /usr/bin/python3 "$same" a/results/campaign.h5 b/results/campaign.h5 || exit 1
    "${mpi[@]}" -n 1 "$mspipe" campaign merge b/results/campaign -o serial.h5 || fail "serial merge failed"
    "${mpi[@]}" -n 2 --oversubscribe "$mspipe" campaign merge b/results/campaign -o parallel.h5 || fail "merge on 2 ranks failed"
    /usr/bin/python3 - <<'PY' || fail "the merge on 2 ranks differs from the serial one"
import h5py, sys
with h5py.File("serial.h5", "r") as a, h5py.File("parallel.h5", "r") as b:
    bad = [k for k in set(a) | set(b) if k not in a or k not in b or a[k][()].tobytes() != b[k][()].tobytes()]
    bad += ["attribute " + k for k in set(a.attrs) | set(b.attrs) if str(a.attrs.get(k)) != str(b.attrs.get(k))]
print("merge on 2 ranks vs serial:", bad or "identical")
sys.exit(1 if bad else 0)
PY
    ;;
  relayout)
    longer
    sed 's/^trainers = 0/trainers = 0\ncollectors = 2/' "$config" >c2.toml
    run ref 2 || fail "reference run failed"
    cfg=$PWD/c2.toml interrupt k 4 KILL ranks && fail "a killed run exited 0"
    [ -e k/results/campaign.h5 ] && fail "a killed run wrote campaign.h5"
    run k 2 || fail "rerun with 1 collector after SIGKILL of 2 failed"
    /usr/bin/python3 "$same" ref/results/campaign.h5 k/results/campaign.h5 || exit 1
    interrupt j 3 KILL ranks && fail "a killed run exited 0"
    cfg=$PWD/c2.toml run j 4 || fail "rerun with 2 collectors after SIGKILL of 1 failed"
    /usr/bin/python3 "$same" ref/results/campaign.h5 j/results/campaign.h5 || exit 1 ;;
  *) fail "unknown case" ;;
esac
echo "campaign_runs $case_: ok"
