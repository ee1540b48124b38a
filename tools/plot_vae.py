#!/usr/bin/python3
"""Plots for a trained VAE.

    tools/plot_vae.py curves  results/<run>/vae/metrics.csv  [-o curves.png]
    tools/plot_vae.py slices  results/<run>/vae/reconstructions.h5 [--ve 0] [-o slices.png]
    tools/plot_vae.py boundary results/<run>/vae/reconstructions.h5 [-o boundary.png]

curves: train and test loss (total, BCE, spectral) and test phi4 per epoch.
slices: mid-plane slices (z, y, x) of a VE and of its reconstruction, the normalised
Bunge angles shown as RGB, and the voxelwise phi4 = 1 - |q1.q2| between them.
boundary: where the error sits: phi4 of the voxels grouped by their distance (6-neighbour
steps, periodic) to the nearest grain boundary of the input, beside the input-blind
reference (each VE's mean Bunge angles in every voxel); a table and a bar chart.
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


def boundary_distance(e, cap=5):
    """(C, D, D, D) angles -> per voxel the 6-neighbour steps to a voxel that has a
    neighbour of another orientation (0 on the boundary), periodic, capped at `cap`."""
    on = np.zeros(e.shape[1:], bool)
    for ax in (1, 2, 3):
        for sh in (1, -1):
            on |= np.any(np.roll(e, sh, axis=ax) != e, axis=0)
    dist = np.full(on.shape, cap, int)
    reached = on.copy()
    dist[on] = 0
    for k in range(1, cap):
        grown = reached.copy()
        for ax in (0, 1, 2):
            for sh in (1, -1):
                grown |= np.roll(reached, sh, axis=ax)
        dist[grown & ~reached] = k
        reached = grown
    return dist


def boundary(path, out):
    with h5py.File(path, "r") as f:
        x, r = f["input/euler"][:], f["reconstruction/euler"][:]
    qx = quaternions(np.moveaxis(x, 1, -1))
    err = 1 - np.abs((qx * quaternions(np.moveaxis(r, 1, -1))).sum(-1))
    blind = np.broadcast_to(x.mean(axis=(2, 3, 4), keepdims=True), x.shape)
    ref = 1 - np.abs((qx * quaternions(np.moveaxis(blind, 1, -1))).sum(-1))
    dist = np.stack([boundary_distance(v) for v in x])
    labels, rows = ["0 (on it)", "1", "2", "3", "4", "5+"], []
    print(f"{len(x)} VEs: phi4 {err.mean():.4f}, input-blind {ref.mean():.4f}, ratio {err.mean() / ref.mean():.2f}")
    print("| voxels' distance to a grain boundary | share of voxels | phi4 | input-blind | ratio | share of the error |")
    print("|---|---|---|---|---|---|")
    for k, name in enumerate(labels):
        m = dist == k
        if not m.any():
            continue
        rows.append((name, err[m].mean(), ref[m].mean()))
        print(f"| {name} | {m.mean():.3f} | {err[m].mean():.4f} | {ref[m].mean():.4f} | "
              f"{err[m].mean() / ref[m].mean():.2f} | {err[m].sum() / err.sum():.3f} |")
    fig, ax = plt.subplots(figsize=(6, 3.6))
    pos = np.arange(len(rows))
    ax.bar(pos - 0.2, [r[1] for r in rows], 0.4, label="reconstruction")
    ax.bar(pos + 0.2, [r[2] for r in rows], 0.4, label="input-blind reference")
    ax.set_xticks(pos, [r[0] for r in rows])
    ax.set_xlabel("distance to the nearest grain boundary (voxels)")
    ax.set_ylabel("mean φ4")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=120)
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
    b = sub.add_parser("boundary")
    b.add_argument("reconstructions")
    b.add_argument("-o", "--out", default="vae_boundary.png")
    a = p.parse_args()
    if a.what == "curves":
        curves(a.metrics, a.out)
    elif a.what == "boundary":
        boundary(a.reconstructions, a.out)
    else:
        slices(a.reconstructions, a.ve, a.out)


if __name__ == "__main__":
    main()
