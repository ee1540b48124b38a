#!/usr/bin/env bash
# slurm_array.sh SCRATCH
# The private cluster itself works as the campaign tests need it: a job array of 4 tasks
# sees SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT and writes 4 outputs, and a job
# submitted with --dependency=afterok:<array> starts only after all 4 have finished
# (it counts their outputs). Then the daemons are stopped and must be gone.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/cluster.sh"
scratch=$(realpath -m "$1")
cluster_start "$scratch/cluster"
jobs=$scratch/jobs
mkdir -p "$jobs"

# Each task sleeps so the later tasks are still pending or running when the dependent job
# is submitted: the dependency is then really waited for.
array=$(sbatch --parsable --array=0-3 --ntasks=1 --output="$jobs/task_%a.out" --chdir="$jobs" \
  --wrap 'sleep 2; echo "$(hostname) $SLURM_ARRAY_TASK_ID $SLURM_ARRAY_TASK_COUNT"')
after=$(sbatch --parsable --ntasks=1 --dependency=afterok:"$array" --output="$jobs/after.out" \
  --chdir="$jobs" --wrap 'ls task_*.out | wc -l')
echo "array job $array, dependent job $after"
cluster_wait_job "$array" 120
cluster_wait_job "$after" 60

host=$(hostname)
for i in 0 1 2 3; do
  f=$jobs/task_$i.out
  [ -f "$f" ] || fail "$f missing"
  [ "$(cat "$f")" = "$host $i 4" ] || fail "$f holds '$(cat "$f")', expected '$host $i 4'"
done
[ "$(cluster_job_field "$after" JobState)" = COMPLETED ] || fail "dependent job: $(scontrol show job "$after")"
[ "$(tr -d ' \n' <"$jobs/after.out")" = 4 ] || fail "the dependent job saw $(cat "$jobs/after.out") outputs, expected 4"

pids=("${cluster_pids[@]}")
cluster_ok=1
cluster_stop
for pid in "${pids[@]}"; do
  ! kill -0 "$pid" 2>/dev/null || fail "daemon $pid still running after cluster_stop"
done
echo "slurm_array: ok"
