#!/usr/bin/env bash
# Stands in for the mspipe executable in slurm_jobscripts.sh, to test the job scripts
# alone: every rank appends "rank R: ARGS" to $FAKE_OUT/calls, then
#   campaign merge DIR ...  writes $FAKE_OUT/merge_saw: how many shard markers DIR holds;
#   CONFIG --shard I ...    writes the marker DIR/shard_I.rank_R (DIR = $FAKE_OUT/campaign);
#   CONFIG                  runs for $FAKE_SECONDS (default 0) unless SIGUSR1 arrives: then
#                           it appends "rank R: stopped on SIGUSR1" and exits 0, as mspipe's
#                           graceful stop does. Without the signal it exits 0 at the end.
set -u
rank=${OMPI_COMM_WORLD_RANK:-0}
stop=0
trap 'stop=1' USR1
echo "rank $rank: $*" >>"$FAKE_OUT/calls"
if [ "${1:-}" = campaign ] && [ "${2:-}" = merge ]; then
  [ "$rank" != 0 ] || find "$3" -name 'shard_*' | wc -l >"$FAKE_OUT/merge_saw"
  exit 0
fi
if [ "${2:-}" = --shard ]; then
  mkdir -p "$FAKE_OUT/campaign"
  : >"$FAKE_OUT/campaign/shard_$3.rank_$rank"
fi
: >"$FAKE_OUT/running.rank_$rank"
end=$((SECONDS + ${FAKE_SECONDS:-0}))
while [ "$SECONDS" -lt "$end" ]; do
  # A short sleep: bash runs the trap only between commands.
  sleep 0.1
  if [ "$stop" = 1 ]; then
    echo "rank $rank: stopped on SIGUSR1" >>"$FAKE_OUT/calls"
    exit 0
  fi
done
