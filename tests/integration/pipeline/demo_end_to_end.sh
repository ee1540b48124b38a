#!/usr/bin/env bash
# demo_end_to_end.sh SOURCE_DIR MSPIPE SCRATCH: the demo as tools/demo.sh runs it (without
# installing or building), in a scratch folder; every file the summary promises must be
# there, the campaign whole (48 converged records) and the report self-contained.
set -euo pipefail
src=$1 mspipe=$2 scratch=$3
rm -rf -- "$scratch" && mkdir -p -- "$scratch" && cd -- "$scratch"
ln -s "$src/inputs" inputs
"$src/tools/demo_run.sh" "$mspipe" | tee demo.log
d=results/demo
for f in ve_demo.h5 vae/checkpoint.pt campaign.h5 surrogate/model.pt surrogate/metrics.csv surrogate/summary.txt \
         surrogate/compare/compare.csv surrogate/compare/learning_curve.csv analysis/summary.json \
         plots/stress_strain.png plots/latent.png surrogate/plots/surrogate_learning_curve.png \
         surrogate/plots/surrogate_curves.png report.html; do
  [ -s "$d/$f" ] || { echo "demo_end_to_end: $d/$f is missing"; exit 1; }
done
/usr/bin/python3 - <<'PY'
import csv, h5py
with h5py.File("results/demo/campaign.h5") as f:
    assert (f["status"][...] == 0).sum() == 48, f["status"][...]
rows = list(csv.DictReader(open("results/demo/surrogate/compare/learning_curve.csv")))
assert {r["input"] for r in rows} == {"null", "control", "physics", "two_point", "fingerprint"}, rows
assert sorted({int(r["train_size"]) for r in rows})[:2] == [8, 16], rows
page = open("results/demo/report.html").read()
assert page.count("<img src=\"data:image/png;base64,") >= 10 and "learning curve" in page
print("demo_end_to_end: files, campaign, learning curve and report ok")
PY
grep -E "^mspipe demo finished in [0-9]+ s" demo.log
