#!/usr/bin/python3
"""Plots of the latent-space analysis (`mspipe analyse CONFIG` writes its folder).

    tools/plot_latent.py results/<run>/analysis [-o latent.png]

Left: the training fingerprints and the edge-case sets projected on the first two
principal axes of the training fingerprints (the study's figure 8). Right: explained
variance per component and cumulative, with the 90 / 95 / 99 % levels and the number of
components that reach them. Reads projections.csv, explained_variance.csv, summary.json.
"""
import argparse
import csv
import json
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

MARKERS = {"textured": "o", "morphology": "^"}


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def scatter(ax, rows):
    sets = list(dict.fromkeys(r["set"] for r in rows))
    for name in sets:
        pts = [r for r in rows if r["set"] == name]
        x = [float(r["pc1"]) for r in pts]
        y = [float(r["pc2"]) if "pc2" in r else 0.0 for r in pts]
        if name == "training":
            ax.scatter(x, y, s=6, c="0.7", label=f"training ({len(pts)})", zorder=1)
        else:
            ax.scatter(x, y, s=14, marker=MARKERS.get(pts[0]["group"], "s"), label=f"{name} ({len(pts)})", zorder=2)
    ax.set_xlabel("PC1")
    ax.set_ylabel("PC2")
    ax.set_title("fingerprints on the training set's principal axes")
    ax.legend(fontsize=7, markerscale=1.5)


def variance(ax, rows, summary):
    k = [int(r["component"]) for r in rows]
    ax.bar(k, [float(r["ratio"]) for r in rows], color="tab:blue", alpha=0.6, label="per component")
    ax.plot(k, [float(r["cumulative"]) for r in rows], "k.-", label="cumulative")
    for level, n in summary["pca"]["components_for"].items():
        ax.axhline(float(level), color="0.6", lw=0.8, ls="--")
        ax.annotate(f"{float(level):.0%}: {n}", (k[-1], float(level)), ha="right", va="bottom", fontsize=7)
    ax.set_xlabel("principal component")
    ax.set_ylabel("explained variance ratio")
    ax.set_ylim(0, 1.05)
    t = summary["training"]
    ax.set_title(f"{t['rows']} training fingerprints of {t['latent']} values")
    ax.legend(fontsize=7, loc="center right")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", type=pathlib.Path, help="the analysis folder (analyse.output)")
    p.add_argument("-o", "--out", default="latent.png")
    a = p.parse_args()
    summary = json.load(open(a.folder / "summary.json"))
    fig, ax = plt.subplots(1, 2, figsize=(12, 4.8))
    scatter(ax[0], read_csv(a.folder / "projections.csv"))
    variance(ax[1], read_csv(a.folder / "explained_variance.csv"), summary)
    lines = [f"{g['group']}: accuracy {g['accuracy']:.1%}, ARI {g['adjusted_rand_index']:.2f}" for g in summary["clustering"]]
    if lines:
        fig.suptitle("spectral clustering after PCA: " + "; ".join(lines), fontsize=9)
    fig.tight_layout()
    fig.savefig(a.out, dpi=150)
    print(f"wrote {a.out}")


main()
