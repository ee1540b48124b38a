#!/usr/bin/env bash
# Submits a campaign as a chain of SLURM jobs and prints their ids.
#
#   jobscripts/slurm/submit.sh [--shards N] [--train-vae] [--repeat K] [--dry-run] CONFIG
#
#   (default)     one campaign.sbatch job;
#   --repeat K    K campaign.sbatch jobs, each starting when the previous one has ended
#                 (afterany): a campaign longer than the time limit stops gracefully at the
#                 end of each job and the next one resumes it; a job that finds every id
#                 done only writes campaign.h5 again and exits;
#   --shards N    array.sbatch as the array 0..N-1 (one shard per task), then merge.sbatch
#                 on <run.output_dir>/campaign once every shard succeeded (afterok);
#   --train-vae   train_vae.sbatch first; the campaign jobs start only if it succeeded
#                 (afterok). The configuration's campaign.vae_checkpoint must name the
#                 checkpoint it writes (<run.output_dir>/<vae.output_dir>/checkpoint.pt);
#   --dry-run     print the sbatch commands instead of running them.
#
# Submit from the folder the configuration's relative paths are relative to. Extra sbatch
# options per kind of job come from the environment, split at blanks:
#   MSPIPE_SBATCH_CAMPAIGN, MSPIPE_SBATCH_ARRAY, MSPIPE_SBATCH_MERGE, MSPIPE_SBATCH_TRAIN
#   (e.g. MSPIPE_SBATCH_ARRAY="--ntasks=64 --time=08:00:00"), and sbatch's own variables
#   (SBATCH_ACCOUNT, SBATCH_PARTITION, ...) for every job. The jobs find this checkout
#   through MSPIPE_ROOT, exported here; the settings of jobscripts/lib/mspipe_job.sh
#   (MSPIPE_EXE, MSPIPE_RANKS, MPIRUN_ARGS) travel with the environment too.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mspipe_job=submit.sh
source "$here/../lib/mspipe_job.sh"
export MSPIPE_ROOT

usage() { mspipe_job_die "usage: submit.sh [--shards N] [--train-vae] [--repeat K] [--dry-run] CONFIG"; }
shards=0 train=0 repeat=1 dry=0 config=""
while [ $# -gt 0 ]; do
  case $1 in
    --shards) [ $# -ge 2 ] || usage; shards=$2; shift 2 ;;
    --repeat) [ $# -ge 2 ] || usage; repeat=$2; shift 2 ;;
    --train-vae) train=1; shift ;;
    --dry-run) dry=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) usage ;;
    *) [ -z "$config" ] || usage; config=$1; shift ;;
  esac
done
[ -n "$config" ] || usage
[ -f "$config" ] || mspipe_job_die "cannot open configuration file '$config'"
[[ $shards =~ ^[0-9]+$ ]] || mspipe_job_die "--shards: expected a positive integer, found '$shards'"
[[ $repeat =~ ^[1-9][0-9]*$ ]] || mspipe_job_die "--repeat: expected a positive integer, found '$repeat'"
if [ "$shards" -gt 1 ] && [ "$repeat" -gt 1 ]; then
  mspipe_job_die "--repeat is for one campaign job; rerun failed shards with array.sbatch (see its header)"
fi
# Trainers without a checkpoint train a VAE in every shard: different fingerprints.
if [ "$shards" -gt 1 ] && [ -z "$(mspipe_config_value "$config" campaign vae_checkpoint)" ] &&
   [ "$(mspipe_config_value "$config" campaign.layout trainers)" != 0 ]; then
  echo "submit.sh: warning: $config has no campaign.vae_checkpoint: every shard would train its own VAE" >&2
fi

# submit KIND SBATCH_ARGS... -- SCRIPT ARGS...: prints the new job's id.
submit() {
  local kind=$1 var extra_args
  shift
  var=MSPIPE_SBATCH_$kind
  read -r -a extra_args <<<"${!var:-}"
  local -a cmd=(sbatch --parsable ${extra_args[@]+"${extra_args[@]}"} "$@")
  if [ "$dry" = 1 ]; then
    echo "${cmd[*]}" >&2
    echo "<${kind,,}>"
  else
    local id
    id=$("${cmd[@]}")
    echo "${id%%;*}"  # --parsable prints "id" or "id;cluster"
  fi
}

after=()
if [ "$train" = 1 ]; then
  id=$(submit TRAIN "$here/train_vae.sbatch" "$config")
  echo "train_vae: $id"
  after=(--dependency=afterok:"$id" --kill-on-invalid-dep=yes)
fi
if [ "$shards" -gt 1 ]; then
  id=$(submit ARRAY --array=0-$((shards - 1)) ${after[@]+"${after[@]}"} "$here/array.sbatch" "$config")
  echo "array ($shards shards): $id"
  dir=$(mspipe_campaign_dir "$config")
  id=$(submit MERGE --dependency=afterok:"$id" --kill-on-invalid-dep=yes "$here/merge.sbatch" "$dir")
  echo "merge of $dir: $id"
else
  for ((k = 1; k <= repeat; k++)); do
    id=$(submit CAMPAIGN ${after[@]+"${after[@]}"} "$here/campaign.sbatch" "$config")
    echo "campaign ($k of $repeat): $id"
    after=(--dependency=afterany:"$id")
  done
fi
