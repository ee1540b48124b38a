#!/usr/bin/python3
"""check_outputs.py DIR: the files `mspipe analyse` wrote for analyse_tiny.toml are whole
and consistent (exit 1 naming the first problem)."""
import csv
import json
import math
import pathlib
import sys

d = pathlib.Path(sys.argv[1])
problems = []


def need(ok, what):
    if not ok:
        problems.append(what)


ev = list(csv.DictReader(open(d / "explained_variance.csv")))
need(len(ev) == 8, f"explained_variance.csv: {len(ev)} components, expected min(10 - 1, 8) = 8")
cum = [float(r["cumulative"]) for r in ev]
need(all(b >= a for a, b in zip(cum, cum[1:])), "cumulative variance decreases")
need(abs(cum[-1] - 1) < 1e-6, f"cumulative variance ends at {cum[-1]}, not 1")
ratios = [float(r["ratio"]) for r in ev]
need(all(a >= b for a, b in zip(ratios, ratios[1:])), "ratios not in decreasing order")

proj = list(csv.DictReader(open(d / "projections.csv")))
counts = {}
for r in proj:
    counts[r["set"]] = counts.get(r["set"], 0) + 1
    need(all(math.isfinite(float(r[f"pc{k}"])) for k in (1, 2, 3)), f"non-finite projection in {r}")
expected = {"training": 10, **{s: 4 for s in ("brass", "copper", "cube", "goss", "large", "small", "elongated")}}
need(counts == expected, f"projections.csv rows per set {counts}, expected {expected}")
# Training scores are centred: their mean on each axis is 0.
for k in (1, 2, 3):
    m = sum(float(r[f"pc{k}"]) for r in proj if r["set"] == "training") / 10
    need(abs(m) < 1e-5, f"training pc{k} mean {m}, expected 0")

clusters = list(csv.DictReader(open(d / "clusters.csv")))
need(len(clusters) == 28, f"clusters.csv has {len(clusters)} rows, expected 28")
s = json.load(open(d / "summary.json"))
need(s["training"]["rows"] == 10 and s["training"]["latent"] == 8, "summary.json training counts")
c = s["pca"]["components_for"]
need(1 <= c["0.90"] <= c["0.95"] <= c["0.99"] <= 8, f"components_for {c}")
for g in s["clustering"]:
    need(0 <= g["accuracy"] <= 1 and -1 <= g["adjusted_rand_index"] <= 1, f"scores out of range: {g}")
    # Accuracy recomputed from clusters.csv: the matched cluster equals the set.
    rows = [r for r in clusters if r["group"] == g["group"]]
    acc = sum(r["cluster"] == r["set"] for r in rows) / len(rows)
    need(abs(acc - g["accuracy"]) < 1e-9, f"{g['group']}: accuracy {g['accuracy']} but clusters.csv gives {acc}")
need([g["group"] for g in s["clustering"]] == ["textured", "morphology"], "groups in summary.json")

if problems:
    print("\n".join(problems))
    sys.exit(1)
print("analysis outputs: ok")
