#!/usr/bin/python3
"""Stress-strain curves of a CP results file (the simulate stage's output).

    tools/plot_stress.py results/<run>/cp_results.h5 [-o stress_strain.png]

One line per VE: sigma_zz (MPa) against the axial strain; VEs that did not converge are
drawn dashed up to their last converged point and counted in the title.
"""
import argparse

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", help="CP results file (HDF5)")
    ap.add_argument("-o", "--out", default="stress_strain.png")
    a = ap.parse_args()
    with h5py.File(a.results, "r") as f:
        stress = f["stress"][...] * 1e-6  # (N, points, 6), MPa
        strain = f["strain"][...]
        status = f["status"][...]
        ids = f["ve_id"][...]
    fig, ax = plt.subplots(figsize=(5.5, 4))
    for i in range(len(ids)):
        ok = status[i] == 0
        ax.plot(100 * strain, stress[i, :, 2], "-" if ok else "--", lw=1.2, label=f"VE {ids[i]}" if len(ids) <= 10 else None)
    failed = int(np.sum(status != 0))
    ax.set_xlabel("strain (%)")
    ax.set_ylabel(r"$\sigma_{zz}$ (MPa)")
    ax.set_title(f"{len(ids)} VEs, {failed} not converged" if failed else f"{len(ids)} VEs")
    if len(ids) <= 10:
        ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(a.out, dpi=120)
    print(f"{a.out}: {len(ids)} curves")


if __name__ == "__main__":
    main()
