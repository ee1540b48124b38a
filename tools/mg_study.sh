#!/usr/bin/env bash
# The Mg dataset study from a finished inputs/mg_cpu.toml campaign to its figures:
#   merge the campaign folder -> the compact dataset data/mg_cpu.h5 (ids, stress curves,
#   statuses, generator parameters and seed; tools/export_campaign.py) -> the fingerprint
#   VAE inputs/vae/mg_quick.toml and its study-loss twin inputs/vae/mg_quick_study_loss.toml
#   (each trained when its checkpoint is missing; vae eval) ->
#   surrogate train and compare with the learning curve 250, 500, 1000, all
#   (inputs/surrogate/mg_cpu.toml) -> plots (tools/plot_surrogate.py) -> report.html.
#
#   tools/mg_study.sh               the finished campaign in results/mg_cpu -> data/mg_cpu.h5,
#                                   results in results/mg_study
#   tools/mg_study.sh --from-data   no simulations needed: start from the committed data/mg_cpu.h5
#   tools/mg_study.sh --partial     an unfinished campaign: a snapshot in
#                                   results/mg_study_partial (nothing under data/)
# Environment: MSPIPE (the driver, default build/release/drivers/mspipe), RUN (a prefix for
# the encoding commands, e.g. "mpirun -n 2"), CAMPAIGN_DIR (default results/mg_cpu/campaign),
# LEARNING_CURVE (default the configuration's "250,500,1000,all"; a snapshot of a few
# hundred VEs needs smaller sizes, e.g. "50,100,all").
set -euo pipefail
cd "$(dirname "$0")/.."
MSPIPE=${MSPIPE:-build/release/drivers/mspipe}
RUN=${RUN:-}
CAMPAIGN_DIR=${CAMPAIGN_DIR:-results/mg_cpu/campaign}
PY=/usr/bin/python3
COUNT=2000          # inputs/mg_cpu.toml: campaign.count
VAE_CONFIG=inputs/vae/mg_quick.toml
VAE_CHECKPOINT=results/vae_mg_quick/vae/checkpoint.pt
# The same recipe with the study's loss alone, compared side by side (fingerprint:study_loss).
STUDY_LOSS_CONFIG=inputs/vae/mg_quick_study_loss.toml
STUDY_LOSS_CHECKPOINT=results/vae_mg_quick_study_loss/vae/checkpoint.pt
SURROGATE_CONFIG=inputs/surrogate/mg_cpu.toml

mode=${1:-finished}
case "$mode" in
  finished) out=results/mg_study; data=data/mg_cpu.h5 ;;
  --from-data) out=results/mg_study; data=data/mg_cpu.h5 ;;
  --partial) out=results/mg_study_partial; data=$out/mg_cpu_partial.h5 ;;
  *) echo "usage: tools/mg_study.sh [--from-data | --partial]" >&2; exit 2 ;;
esac
mkdir -p "$out"
step() { echo; echo "== $*"; }

if [ "$mode" != --from-data ]; then
  # The merge refuses missing ids with --count: a finished campaign or nothing.
  step "merge $CAMPAIGN_DIR"
  if [ "$mode" = --partial ]; then
    "$MSPIPE" campaign merge "$CAMPAIGN_DIR" -o "$out/campaign.h5"
    $PY tools/export_campaign.py "$out/campaign.h5" "$data" --partial --count $COUNT
  else
    "$MSPIPE" campaign merge "$CAMPAIGN_DIR" -o "$out/campaign.h5" --first-id 0 --count $COUNT
    $PY tools/export_campaign.py "$out/campaign.h5" "$data" --count $COUNT
  fi
fi

# The report's campaign statistics read <run>/campaign.h5.
[ "$mode" != --from-data ] || cp "$data" "$out/campaign.h5"

if [ ! -f "$VAE_CHECKPOINT" ]; then
  step "train the fingerprint VAE ($VAE_CONFIG)"
  "$MSPIPE" vae train "$VAE_CONFIG"
fi
if [ ! -f "$STUDY_LOSS_CHECKPOINT" ]; then
  step "train the study-loss VAE ($STUDY_LOSS_CONFIG)"
  "$MSPIPE" vae train "$STUDY_LOSS_CONFIG"
fi
step "vae eval: phi4 against the input-blind reference"
"$MSPIPE" vae eval "$VAE_CONFIG" | tee "$out/vae_eval.txt"
"$MSPIPE" vae eval "$STUDY_LOSS_CONFIG" | tee "$out/vae_eval_study_loss.txt"

step "surrogate train on $data"
$RUN "$MSPIPE" surrogate train "$SURROGATE_CONFIG" --campaign "$data" --output-dir "$out/surrogate"
step "surrogate compare (learning curve ${LEARNING_CURVE:-250,500,1000,all})"
$RUN "$MSPIPE" surrogate compare "$SURROGATE_CONFIG" --campaign "$data" --output-dir "$out/surrogate" \
  ${LEARNING_CURVE:+--learning-curve "$LEARNING_CURVE"}

step "figures and report"
$PY tools/plot_surrogate.py "$out/surrogate"
$PY tools/report.py "$out"
echo
echo "mg_study: table $out/surrogate/compare/compare.md, learning curve $out/surrogate/compare/learning_curve.csv,"
echo "          figures $out/surrogate/plots/, report $out/report.html (xdg-open it)"
