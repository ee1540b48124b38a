#!/usr/bin/python3
"""check_learning_curve.py FOLDER: the learning curve of `surrogate compare` on the
synthetic campaign (curves a smooth function of the fingerprint plus noise) must fall
with the training-set size for the fingerprint, be far below the null model's at every
size, and be drawn by tools/plot_surrogate.py."""
import csv
import os
import subprocess
import sys

folder = sys.argv[1]
with open(os.path.join(folder, "compare", "learning_curve.csv")) as f:
    rows = list(csv.DictReader(f))
curve = {}
for r in rows:
    curve.setdefault(r["input"], []).append((int(r["train_size"]), float(r["test_mse"])))
sizes = [n for n, _ in curve["fingerprint"]]
assert list(curve) == ["null", "fingerprint"], list(curve)
assert sizes[:2] == [30, 120] and len(sizes) == 3 and sizes[2] > 300, sizes  # "all" last
assert [n for n, _ in curve["null"]] == sizes
mse = [m for _, m in curve["fingerprint"]]
assert mse[0] > mse[1] > mse[2], f"the fingerprint's test MSE does not fall with size: {mse}"
assert mse[0] > 2 * mse[2], mse
for (n, null), (_, fp) in zip(curve["null"], curve["fingerprint"]):
    assert fp < null / 2, f"{n} training VEs: fingerprint {fp} not well below null {null}"
out = os.path.join(folder, "plots_check")
subprocess.run([sys.executable, os.path.join(sys.argv[2], "tools", "plot_surrogate.py"), folder, "-o", out],
               check=True)
assert os.path.getsize(os.path.join(out, "surrogate_learning_curve.png")) > 10000
print("learning curve ok:", curve)
