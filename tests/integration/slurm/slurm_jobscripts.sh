#!/usr/bin/env bash
# slurm_jobscripts.sh SCRATCH
# The job scripts of jobscripts/slurm/ on a private SLURM cluster, with fake_mspipe.sh in
# place of the executable (so this tests the scripts, not the campaign):
#  1. submit.sh --train-vae --shards 4: the training job runs `vae train CONFIG`; each
#     array task starts after it (the VAE is there) and runs 2 ranks of `CONFIG --shard I
#     --num-shards 4`; the merge job runs `campaign merge <output_dir>/campaign` only
#     after all four (it sees their 8 markers);
#  1b. submit.sh --repeat 2: two campaign jobs, the second only after the first ended;
#  2. `scancel --batch --signal=USR1` on a running campaign.sbatch: the batch shell
#     forwards it through mpirun to both ranks, which stop; the job ends COMPLETED, 0:0;
#  3. the time limit: --time=1 --signal=B:USR1@50 stops the job the same way before the
#     limit (COMPLETED, not TIMEOUT);
#  4. array.sbatch refuses an array that does not start at 0 (exit 2, nothing run).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
source "$here/cluster.sh"
scratch=$(realpath -m "$1")
cluster_start "$scratch/cluster"

export MSPIPE_ROOT=$root FAKE_OUT=$scratch/out MSPIPE_EXE=$here/fake_mspipe.sh MSPIPE_RANKS=2
export MPIRUN_ARGS="--oversubscribe --bind-to none"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
jobs=$scratch/jobs
rm -rf -- "$FAKE_OUT" "$jobs"  # nothing of an earlier run may count
mkdir -p "$FAKE_OUT" "$jobs"
cd "$scratch"
config=$scratch/fake.toml
printf '[run]\noutput_dir = "%s"\n[campaign]\nvae_checkpoint = "vae.pt"\n' "$FAKE_OUT" >"$config"

expect_state() {  # expect_state JOB STATE EXIT_CODE
  local state code
  state=$(cluster_job_field "$1" JobState)
  code=$(cluster_job_field "$1" ExitCode)
  [ "$state $code" = "$2 $3" ] || fail "job $1 ended $state $code, expected $2 $3: $(tail -n 20 "$jobs"/* 2>/dev/null)"
}

echo "== 1. the VAE, an array of 4 shards, then the merge"
out=$(MSPIPE_SBATCH_TRAIN="--ntasks=1 --output=$jobs/train.out" MSPIPE_SBATCH_MERGE="--output=$jobs/merge.out" \
  MSPIPE_SBATCH_ARRAY="--ntasks=1 --output=$jobs/shard_%a.out" \
  "$root/jobscripts/slurm/submit.sh" --train-vae --shards 4 "$config")
echo "$out"
train=$(sed -n 's/^train_vae: //p' <<<"$out")
array=$(sed -n 's/^array (4 shards): //p' <<<"$out")
merge=$(sed -n 's/^merge of .*: //p' <<<"$out")
[ -n "$train" ] && [ -n "$array" ] && [ -n "$merge" ] || fail "submit.sh printed no job ids"
cluster_wait_job "$array" 120
cluster_wait_job "$merge" 60
expect_state "$train" COMPLETED 0:0
[ "$(grep -cx "rank [01]: vae train $config" "$FAKE_OUT/calls")" = 2 ] || fail "no training: $(cat "$FAKE_OUT/calls")"
for i in 0 1 2 3; do
  expect_state "${array}_$i" COMPLETED 0:0
  n=$(grep -cx "rank [01]: $config --shard $i --num-shards 4" "$FAKE_OUT/calls" || true)
  [ "$n" = 2 ] || fail "shard $i ran on $n ranks, expected 2: $(cat "$FAKE_OUT/calls")"
  for r in 0 1; do
    [ "$(cat "$FAKE_OUT/campaign/shard_$i.rank_$r")" = trained ] || fail "shard $i started before the VAE was trained"
  done
done
expect_state "$merge" COMPLETED 0:0
grep -qx "rank 0: campaign merge $FAKE_OUT/campaign" "$FAKE_OUT/calls" || fail "no merge call: $(cat "$FAKE_OUT/calls")"
[ "$(cat "$FAKE_OUT/merge_saw")" = 8 ] || fail "the merge saw $(cat "$FAKE_OUT/merge_saw") shard markers, expected 8"

echo "== 1b. submit.sh --repeat 2"
rm -f "$FAKE_OUT/calls"
out=$(FAKE_SECONDS=3 MSPIPE_SBATCH_CAMPAIGN="--ntasks=1 --output=$jobs/repeat_%j.out" \
  "$root/jobscripts/slurm/submit.sh" --repeat 2 "$config")
echo "$out"
mapfile -t ids < <(sed -n 's/^campaign ([12] of 2): //p' <<<"$out")
[ ${#ids[@]} = 2 ] || fail "submit.sh printed ${#ids[@]} job ids, expected 2"
cluster_wait_job "${ids[1]}" 120
expect_state "${ids[0]}" COMPLETED 0:0
expect_state "${ids[1]}" COMPLETED 0:0
[ "$(grep -cx "rank 0: $config" "$FAKE_OUT/calls")" = 2 ] || fail "expected 2 runs: $(cat "$FAKE_OUT/calls")"
! grep -qx overlap "$FAKE_OUT/calls" || fail "the repeated jobs ran at the same time"

# start_campaign NAME SBATCH_OPTIONS...: a campaign.sbatch job that would run 110 s;
# prints its id once both ranks are running.
start_campaign() {
  local name=$1 id
  shift
  rm -f "$FAKE_OUT"/calls "$FAKE_OUT"/running.*
  id=$(FAKE_SECONDS=110 sbatch --parsable --ntasks=1 --output="$jobs/$name.out" "$@" \
    "$root/jobscripts/slurm/campaign.sbatch" "$config")
  local t0=$SECONDS
  until [ -e "$FAKE_OUT/running.rank_0" ] && [ -e "$FAKE_OUT/running.rank_1" ]; do
    [ $((SECONDS - t0)) -lt 60 ] || fail "job $id did not start both ranks: $(squeue 2>&1)"
    sleep 0.5
  done
  echo "$id"
}
expect_graceful() {  # expect_graceful JOB NAME: both ranks stopped, the job ended well
  expect_state "$1" COMPLETED 0:0
  for r in 0 1; do
    grep -qx "rank $r: stopped on SIGUSR1" "$FAKE_OUT/calls" || fail "rank $r was not stopped: $(cat "$FAKE_OUT/calls")"
  done
  grep -q "stopped on SIGUSR1 with exit code 0" "$jobs/$2.out" || fail "$(cat "$jobs/$2.out")"
}

echo "== 2. scancel --batch --signal=USR1 on a running campaign.sbatch"
t0=$SECONDS
job=$(start_campaign cancel)
scancel --batch --signal=USR1 "$job"
cluster_wait_job "$job" 60
expect_graceful "$job" cancel
echo "stopped after $((SECONDS - t0)) s"

echo "== 3. the time limit: --time=1 --signal=B:USR1@50"
t0=$SECONDS
job=$(start_campaign timelimit --time=1 --signal=B:USR1@50)
cluster_wait_job "$job" 120
expect_graceful "$job" timelimit
echo "stopped after $((SECONDS - t0)) s"

echo "== 4. array.sbatch refuses --array=1-2"
rm -f "$FAKE_OUT/calls"
job=$(sbatch --parsable --array=1-2 --ntasks=1 --output="$jobs/bad_%a.out" "$root/jobscripts/slurm/array.sbatch" "$config")
cluster_wait_job "$job" 60
expect_state "${job}_1" FAILED 2:0
grep -q "use --array=0-1" "$jobs/bad_1.out" || fail "$(cat "$jobs/bad_1.out")"
[ ! -e "$FAKE_OUT/calls" ] || fail "array.sbatch ran mspipe for a bad array: $(cat "$FAKE_OUT/calls")"

cluster_ok=1
echo "slurm_jobscripts: ok"
