#!/usr/bin/python3
"""Plots for a trained VAE.

    tools/plot_vae.py curves  results/<run>/vae/metrics.csv  [-o curves.png]
    tools/plot_vae.py slices  results/<run>/vae/reconstructions.h5 [--ve 0] [-o slices.png]

curves: train and test loss (total, BCE, spectral) and test phi4 per epoch.
slices: mid-plane slices (z, y, x) of a VE and of its reconstruction, the normalised
Bunge angles shown as RGB, and the voxelwise phi4 = 1 - |q1.q2| between them.
Reconstructions come from `mspipe vae reconstruct CONFIG --index 0,1,2`.
"""
import argparse
import csv

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def quaternions(e):
    """(..., 3) normalised Bunge angles -> (..., 4) quaternions (P = -1, as src/ml/phi4.cpp)."""
    phi1, Phi, phi2 = 2 * np.pi * e[..., 0], np.pi * e[..., 1], 2 * np.pi * e[..., 2]
    s, d = 0.5 * (phi1 + phi2), 0.5 * (phi1 - phi2)
    c, sn = np.cos(0.5 * Phi), np.sin(0.5 * Phi)
    return np.stack([c * np.cos(s), sn * np.cos(d), sn * np.sin(d), c * np.sin(s)], -1)


def curves(path, out):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise SystemExit(f"{path}: no epochs yet")
    ep = [int(r["epoch"]) for r in rows]
    col = lambda k: [float(r[k]) for r in rows]
    fig, ax = plt.subplots(1, 4, figsize=(16, 3.6))
    for i, (name, label) in enumerate([("total", "loss"), ("bce", "BCE"), ("spectral", "spectral")]):
        ax[i].plot(ep, col("train_" + name), "o-", label="train")
        ax[i].plot(ep, col("test_" + name), "s-", label="test")
        ax[i].set_xlabel("epoch")
        ax[i].set_title(label)
        ax[i].legend()
    m, s = np.array(col("test_phi4_mean")), np.array(col("test_phi4_std"))
    ax[3].errorbar(ep, m, yerr=s, fmt="o-", capsize=3)
    ax[3].set_xlabel("epoch")
    ax[3].set_title("test φ4 (mean ± std over VEs)")
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print(f"wrote {out}")


def slices(path, ve, out):
    with h5py.File(path, "r") as f:
        ids = f["ve_id"][:]
        x = f["input/euler"][ve]            # (3, D, D, D) = (C, z, y, x)
        r = f["reconstruction/euler"][ve]
        phi4 = f["phi4"][ve]
    xv, rv = np.moveaxis(x, 0, -1), np.moveaxis(r, 0, -1)  # (z, y, x, 3)
    err = 1 - np.abs((quaternions(xv) * quaternions(rv)).sum(-1))
    d = x.shape[1] // 2
    cuts = [("z", lambda a: a[d]), ("y", lambda a: a[:, d]), ("x", lambda a: a[:, :, d])]
    fig, ax = plt.subplots(3, 3, figsize=(10, 10))
    vmax = max(float(err.max()), 1e-6)
    for i, (name, cut) in enumerate(cuts):
        ax[i, 0].imshow(np.clip(cut(xv), 0, 1), origin="lower")
        ax[i, 1].imshow(np.clip(cut(rv), 0, 1), origin="lower")
        im = ax[i, 2].imshow(cut(err), origin="lower", vmin=0, vmax=vmax, cmap="magma")
        for j, t in enumerate(["input", "reconstruction", "φ4"]):
            ax[i, j].set_title(f"{t}, {name} = {d}")
            ax[i, j].axis("off")
    fig.colorbar(im, ax=ax[:, 2], shrink=0.6)
    fig.suptitle(f"VE {ids[ve]}: mean φ4 = {phi4:.4f} (Euler angles as RGB)")
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="what", required=True)
    c = sub.add_parser("curves")
    c.add_argument("metrics")
    c.add_argument("-o", "--out", default="vae_curves.png")
    s = sub.add_parser("slices")
    s.add_argument("reconstructions")
    s.add_argument("--ve", type=int, default=0, help="row in the file (default 0)")
    s.add_argument("-o", "--out", default="vae_slices.png")
    a = p.parse_args()
    if a.what == "curves":
        curves(a.metrics, a.out)
    else:
        slices(a.reconstructions, a.ve, a.out)


if __name__ == "__main__":
    main()
