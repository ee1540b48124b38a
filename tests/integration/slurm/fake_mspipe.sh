#!/usr/bin/env bash
# Stands in for the mspipe executable in the job-script tests, to test the scripts alone:
# every rank appends "rank R: ARGS" to $FAKE_OUT/calls, then
#   campaign merge DIR ...  rank 0 writes $FAKE_OUT/merge_saw: how many shard markers DIR holds;
#   vae train CONFIG        takes 2 s, then rank 0 leaves $FAKE_OUT/trained;
#   CONFIG --shard I ...    writes the marker DIR/shard_I.rank_R (DIR = $FAKE_OUT/campaign)
#                           holding "trained" or "untrained": was the VAE there at the start;
#   CONFIG                  runs for $FAKE_SECONDS (default 0) unless SIGUSR1 arrives: then
#                           it appends "rank R: stopped on SIGUSR1" and exits 0, as mspipe's
#                           graceful stop does. Rank 0 holds $FAKE_OUT/busy while it runs and
#                           appends "overlap" to calls if another run held it at its start.
set -u
rank=${OMPI_COMM_WORLD_RANK:-0}
stop=0
trap 'stop=1' USR1
echo "rank $rank: $*" >>"$FAKE_OUT/calls"
case "${1:-} ${2:-}" in
  "campaign merge")
    [ "$rank" != 0 ] || find "$3" -name 'shard_*' | wc -l >"$FAKE_OUT/merge_saw"
    exit 0 ;;
  "vae train")
    sleep 2
    [ "$rank" != 0 ] || : >"$FAKE_OUT/trained"
    exit 0 ;;
esac
if [ "${2:-}" = --shard ]; then
  mkdir -p "$FAKE_OUT/campaign"
  if [ -e "$FAKE_OUT/trained" ]; then state=trained; else state=untrained; fi
  echo "$state" >"$FAKE_OUT/campaign/shard_$3.rank_$rank"
fi
if [ "$rank" = 0 ]; then
  [ ! -e "$FAKE_OUT/busy" ] || echo overlap >>"$FAKE_OUT/calls"
  : >"$FAKE_OUT/busy"
fi
: >"$FAKE_OUT/running.rank_$rank"
end=$((SECONDS + ${FAKE_SECONDS:-0}))
while [ "$SECONDS" -lt "$end" ]; do
  # A short sleep: bash runs the trap only between commands.
  sleep 0.1
  if [ "$stop" = 1 ]; then
    echo "rank $rank: stopped on SIGUSR1" >>"$FAKE_OUT/calls"
    break
  fi
done
[ "$rank" != 0 ] || rm -f "$FAKE_OUT/busy"
