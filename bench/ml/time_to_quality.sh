#!/usr/bin/env bash
# Wall time until a VAE's test phi4 reaches 0.8x, 0.6x and 0.4x of the input-blind
# reference (the set's mean Euler angles in every voxel), with the stronger input-blind
# reference (the set's mean orientation in every voxel) beside it.
#
#   bench/ml/time_to_quality.sh CONFIG [SEGMENT_STEPS] [BUDGET_S] [MSPIPE]
#
# Trains CONFIG from scratch in segments of SEGMENT_STEPS (default 250) with
# `mspipe vae train --max-steps` (a resumed run continues bit-identically, so the segments
# are one run) and after each runs `mspipe vae eval`, which prints test phi4 and both
# references on the configuration's held-out VEs. Only training time is counted; the
# evaluations are not. Stops when the training ends or the training time passes BUDGET_S
# (default 600). Prints one line per segment, a summary, and the rows as CSV lines
# prefixed "csv," (grep ^csv, | cut -c5- gives the file).
set -euo pipefail
config=${1:?usage: time_to_quality.sh CONFIG [SEGMENT_STEPS] [BUDGET_S] [MSPIPE]}
segment=${2:-250}
budget=${3:-600}
mspipe=${4:-$(command -v mspipe || echo build/release/drivers/mspipe)}
[[ -x $mspipe ]] || { echo "time_to_quality.sh: error: no mspipe at '$mspipe'" >&2; exit 2; }

declare -A reached=()
rows=()
trained=0 steps=0 target=0
fresh=--fresh
while :; do
  target=$((target + segment))
  t0=$(date +%s.%N)
  log=$("$mspipe" --log-level info vae train "$config" $fresh --max-steps "$target" 2>&1) || {
    echo "$log" >&2; exit 1; }
  t1=$(date +%s.%N)
  fresh=
  trained=$(echo "$trained + $t1 - $t0" | bc -l)
  now=$(echo "$log" | sed -n 's/.*vae train: \([0-9]*\) steps.*/\1/p' | tail -1)
  out=$("$mspipe" --log-level warn vae eval "$config")
  phi4=$(echo "$out" | sed -n 's/^| [^|]* | [0-9]* | \([0-9.]*\) ± .*/\1/p')
  ref=$(echo "$out" | sed -n 's/^reference: .* give phi4 \([0-9.]*\) ± .*/\1/p')
  oref=$(echo "$out" | sed -n 's/^stronger reference: .* gives phi4 \([0-9.]*\) ± .*/\1/p')
  ratio=$(echo "$phi4 / $ref" | bc -l)
  oratio=$(echo "$phi4 / $oref" | bc -l)
  printf 'step %5d  train %7.1f s  phi4 %.4f  reference %.4f  ratio %.3f  mean orientation %.4f  ratio %.3f\n' \
    "$now" "$trained" "$phi4" "$ref" "$ratio" "$oref" "$oratio"
  rows+=("$now,$trained,$phi4,$ref,$ratio,$oref,$oratio")
  for f in 0.8 0.6 0.4; do
    if [[ -z ${reached[$f]:-} ]] && (($(echo "$ratio <= $f" | bc -l))); then reached[$f]="$trained s (step $now)"; fi
  done
  ((now <= steps)) && break  # the configured epochs are done
  steps=$now
  (($(echo "$trained >= $budget" | bc -l))) && break
done
echo "time to quality, $config (segments of $segment steps; training wall time only):"
for f in 0.8 0.6 0.4; do echo "  ${f}x reference: ${reached[$f]:-not reached in $trained s / $steps steps}"; done
echo "csv,step,train_seconds,phi4,reference,ratio,orientation_reference,orientation_ratio"
for r in "${rows[@]}"; do echo "csv,$r"; done
