#!/usr/bin/python3
"""Mid-plane slices of volume elements from an mspipe VE set, Euler angles as RGB.

Each VE gets three panels: the planes z = D/2 (xy), y = D/2 (xz) and x = D/2 (yz). The
colour of a voxel is its normalised Bunge triplet (phi1/2pi, Phi/pi, phi2/2pi) read as
(red, green, blue), the way the paper's figure 4 shows its VEs.

    /usr/bin/python3 tools/plot_ve_slices.py results/generate/training.h5 --rows 0 1 2 -o slices.png

Needs the Debian packages python3-h5py and python3-matplotlib (the system /usr/bin/python3).
"""
import argparse
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def load(path, rows):
    with h5py.File(path, "r") as f:
        if f.attrs.get("schema") not in ("mspipe.ve_set", b"mspipe.ve_set"):
            sys.exit(f"{path}: error: not an mspipe VE set (attribute 'schema')")
        n = f["ve/euler"].shape[0]
        for r in rows:
            if not 0 <= r < n:
                sys.exit(f"{path}: error: row {r} is outside the {n} VEs of the set")
        euler = np.stack([f["ve/euler"][r] for r in rows])      # (k, 3, z, y, x)
        gid = np.stack([f["ve/grain_id"][r] for r in rows])     # (k, z, y, x)
        ids = f["ve/id"][rows]
        info = {k: f.attrs[k] for k in ("lattice", "size", "resolution")}
        counts = f["ve/grain_count"][rows]
    return euler, gid, ids, counts, info


def boundaries(ids2d):
    """Voxels whose right or lower neighbour (periodic) belongs to another grain."""
    b = ids2d != np.roll(ids2d, -1, axis=0)
    b |= ids2d != np.roll(ids2d, -1, axis=1)
    return b


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("ve_set", help="VE-set HDF5 file written by mspipe generate")
    ap.add_argument("--rows", type=int, nargs="+", default=[0], help="rows of the set to draw (default 0)")
    ap.add_argument("-o", "--output", default="ve_slices.png", help="PNG file to write")
    ap.add_argument("--no-boundaries", action="store_true", help="do not darken grain boundaries")
    a = ap.parse_args()

    euler, gid, ids, counts, info = load(a.ve_set, a.rows)
    d = euler.shape[-1]
    m = d // 2
    planes = [("xy, z = D/2", lambda e: e[:, m, :, :], lambda g: g[m, :, :], ("x", "y")),
              ("xz, y = D/2", lambda e: e[:, :, m, :], lambda g: g[:, m, :], ("x", "z")),
              ("yz, x = D/2", lambda e: e[:, :, :, m], lambda g: g[:, :, m], ("y", "z"))]
    fig, axes = plt.subplots(len(a.rows), 3, figsize=(9.6, 3.3 * len(a.rows)), squeeze=False)
    for i in range(len(a.rows)):
        for j, (title, cut, gcut, (h, v)) in enumerate(planes):
            rgb = np.moveaxis(cut(euler[i]), 0, -1).astype(float)   # (rows = v, cols = h, 3)
            if not a.no_boundaries:
                rgb[boundaries(gcut(gid[i]))] *= 0.55
            ax = axes[i][j]
            ax.imshow(np.clip(rgb, 0, 1), origin="lower", interpolation="nearest")
            ax.set_title(f"VE {ids[i]} ({counts[i]} grains): {title}", fontsize=8)
            ax.set_xlabel(h, fontsize=8)
            ax.set_ylabel(v, fontsize=8)
            ax.tick_params(labelsize=7)
    lat = info["lattice"].decode() if isinstance(info["lattice"], bytes) else info["lattice"]
    fig.suptitle(f"{a.ve_set}: {d}^3 voxels of {float(info['resolution']):g}, {lat}; "
                 "RGB = (phi1/2pi, Phi/pi, phi2/2pi)", fontsize=9)
    fig.tight_layout()
    fig.savefig(a.output, dpi=130)
    print(f"wrote {a.output}")


if __name__ == "__main__":
    main()
