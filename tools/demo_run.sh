#!/usr/bin/env bash
# demo_run.sh MSPIPE: the demo itself, in the current folder (which has inputs/): the
# pipeline of inputs/demo.toml on 3 ranks, `surrogate compare` with a learning curve, then
# tools/demo_summary.sh (plots, report.html, the list of files). tools/demo.sh installs,
# builds and calls it from the repository; the demo_end_to_end test from a scratch folder.
set -euo pipefail
mspipe=(mpirun --oversubscribe --bind-to none -n 3 "$1")
start=$(date +%s)
"${mspipe[@]}" inputs/demo.toml
# The comparison trains 5 inputs at 3 sizes: its table and learning curve, not a line each.
echo "== surrogate compare (baselines, learning curve) =="
"${mspipe[@]}" --log-level warn surrogate compare inputs/demo.toml --learning-curve 8,16,all
"$(dirname "$0")/demo_summary.sh" results/demo "$start"
