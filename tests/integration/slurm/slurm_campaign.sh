#!/usr/bin/env bash
# slurm_campaign.sh SCRATCH MSPIPE_EXE
# A real campaign (tests/data/slurm/tiny_campaign.toml: 16 ids, seconds each) through the
# job scripts on a private SLURM cluster, every job 2 ranks (collector + one worker):
#  1. the reference: one campaign.sbatch job, run to the end;
#  2. submit.sh --shards 4: an array of 4 shards and the merge job after it; the merged
#     campaign.h5 equals the reference, sorted by id (every dataset bit-equal but wall_s,
#     every attribute equal) and the campaign folder holds only whole files;
#  3. `scancel --batch --signal=USR1` on a running campaign.sbatch job once its first
#     shard is committed (3 ids done of 16): the job ends COMPLETED 0:0 before finishing
#     the campaign (no campaign.h5), its folder holds only whole files; the same job
#     submitted again completes it, and its campaign.h5 equals the reference.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
source "$here/cluster.sh"
scratch=$(realpath -m "$1")
exe=$(realpath "$2")
cluster_start "$scratch/cluster"

export MSPIPE_ROOT=$root MSPIPE_EXE=$exe MSPIPE_RANKS=2 MPIRUN_ARGS="--oversubscribe --bind-to none"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
config=$root/tests/data/slurm/tiny_campaign.toml
out=results/tiny_campaign  # run.output_dir's default for this file, under each job's folder
count=16
jobs=$scratch/jobs
rm -rf -- "$jobs" "$scratch"/{single,array,stop}  # nothing of an earlier run may count
mkdir -p "$jobs" "$scratch"/{single,array,stop}
check_files() { /usr/bin/python3 "$here/campaign_files.py" "$@"; }

expect_state() {  # expect_state JOB STATE EXIT_CODE LOG
  local state code
  state=$(cluster_job_field "$1" JobState)
  code=$(cluster_job_field "$1" ExitCode)
  [ "$state $code" = "$2 $3" ] || fail "job $1 ended $state $code, expected $2 $3; $4: $(tail -n 30 "$4" 2>&1)"
}
campaign_job() {  # campaign_job FOLDER LOG: submits campaign.sbatch there, prints the id
  sbatch --parsable --ntasks=1 --chdir="$1" --output="$2" "$root/jobscripts/slurm/campaign.sbatch" "$config"
}

t0=$SECONDS
single=$(campaign_job "$scratch/single" "$jobs/single.out")
submitted=$(cd "$scratch/array" && MSPIPE_SBATCH_ARRAY="--ntasks=1 --output=$jobs/shard_%a.out" \
  MSPIPE_SBATCH_MERGE="--output=$jobs/merge.out" "$root/jobscripts/slurm/submit.sh" --shards 4 "$config")
echo "$submitted"
array=$(sed -n 's/^array (4 shards): //p' <<<"$submitted")
merge=$(sed -n 's/^merge of .*: //p' <<<"$submitted")
[ -n "$array" ] && [ -n "$merge" ] || fail "submit.sh printed no job ids"
stop=$(campaign_job "$scratch/stop" "$jobs/stop.out")
echo "reference $single, array $array, merge $merge, to stop $stop"

echo "== 3. the graceful stop, once a first shard (3 records) is committed"
until [ -e "$scratch/stop/$out/campaign/shard_0_0.h5" ]; do
  state=$(cluster_job_field "$stop" JobState)
  [[ $state =~ ^(PENDING|RUNNING)$ ]] || fail "job $stop ended ($state) before it could be stopped: $(tail -n 20 "$jobs/stop.out")"
  [ $((SECONDS - t0)) -lt 300 ] || fail "job $stop committed no shard in 300 s: $(tail -n 20 "$jobs/stop.out" 2>&1)"
  sleep 0.5
done
scancel --batch --signal=USR1 "$stop"
cluster_wait_job "$stop" 180
expect_state "$stop" COMPLETED 0:0 "$jobs/stop.out"
grep -q "stopped on SIGUSR1 with exit code 0" "$jobs/stop.out" || fail "no graceful stop: $(tail -n 30 "$jobs/stop.out")"
[ ! -e "$scratch/stop/$out/campaign.h5" ] || fail "the stopped job finished the campaign: the stop was not tested"
check_files whole "$scratch/stop/$out/campaign" || fail "the stopped campaign's folder"
resumed=$(campaign_job "$scratch/stop" "$jobs/resume.out")

echo "== 1. and 2. the reference and the array with its merge"
cluster_wait_job "$single" 600
expect_state "$single" COMPLETED 0:0 "$jobs/single.out"
cluster_wait_job "$array" 600
for i in 0 1 2 3; do
  expect_state "${array}_$i" COMPLETED 0:0 "$jobs/shard_$i.out"
  grep -q -- "--shard $i --num-shards 4" "$jobs/shard_$i.out" || fail "shard $i: $(head -n 5 "$jobs/shard_$i.out")"
done
cluster_wait_job "$merge" 300
expect_state "$merge" COMPLETED 0:0 "$jobs/merge.out"
check_files same "$scratch/single/$out/campaign.h5" "$scratch/array/$out/campaign.h5" 0 "$count" ||
  fail "the merged array differs from the single run"
check_files whole "$scratch/array/$out/campaign" || fail "the array's campaign folder"

echo "== 3. the resubmitted job"
cluster_wait_job "$resumed" 600
expect_state "$resumed" COMPLETED 0:0 "$jobs/resume.out"
check_files same "$scratch/single/$out/campaign.h5" "$scratch/stop/$out/campaign.h5" 0 "$count" ||
  fail "the stopped and resumed campaign differs from the single run"
echo "all jobs done in $((SECONDS - t0)) s"

cluster_ok=1
echo "slurm_campaign: ok"
