#!/usr/bin/env bash
# A sharded campaign with plain mpirun: runs shards one after the other (each on
# MSPIPE_RANKS ranks), then merges them into <run.output_dir>/campaign.h5.
#
#   jobscripts/generic/shards.sh CONFIG N          all N shards, then the merge
#   jobscripts/generic/shards.sh CONFIG N I J ...  only shards I, J, ... and no merge
#
# The second form spreads a campaign over machines that share the output folder: give
# each machine its shards, then run jobscripts/generic/merge.sh once all have finished.
# A shard that fails or is stopped with SIGUSR1 (forwarded, graceful) ends the script
# before the next shard and the merge; running the same command again resumes.
set -euo pipefail
source "$(dirname "$0")/../lib/mspipe_job.sh"
[ $# -ge 2 ] || mspipe_job_die "usage: shards.sh CONFIG N [SHARD...]"
config=$1 shards=$2
shift 2
[[ $shards =~ ^[1-9][0-9]*$ ]] || mspipe_job_die "N: expected a positive integer, found '$shards'"
list=("$@")
[ $# -gt 0 ] || mapfile -t list < <(seq 0 $((shards - 1)))
mspipe_job_require_exe
for i in "${list[@]}"; do
  mspipe_mpirun "$config" --shard "$i" --num-shards "$shards"
  if [ "$mspipe_stop_sent" = 1 ]; then
    echo "shards.sh: stopped during shard $i of $shards; run the same command again to resume"
    exit 0
  fi
done
if [ $# -eq 0 ]; then
  MSPIPE_RANKS=1 mspipe_mpirun campaign merge "$(mspipe_campaign_dir "$config")"
fi
