#!/usr/bin/python3
"""Plots for a trained surrogate (the output folder of `mspipe surrogate train`).

    tools/plot_surrogate.py results/<run>/surrogate [-o DIR] [--seed 0]

Writes into DIR (default <folder>/plots):
  surrogate_loss.png        training and validation MSE per epoch, every member
  surrogate_curves.png      predicted (with the ensemble's 90 % band) vs simulated curves
                            of four random test VEs (the study's figure 9b)
  surrogate_error.png       mean absolute error per increment with ± one standard
                            deviation over test VEs (the study's figure 9c)
  surrogate_parity.png      predicted vs simulated stress, every test VE and increment
  surrogate_baselines.png   `mspipe surrogate compare`'s table as bars (R² and MAE), when
                            <folder>/compare/compare.csv exists
  surrogate_learning_curve.png  test error against training VEs, one line per input, when
                            <folder>/compare/learning_curve.csv exists (`compare
                            --learning-curve`)
"""
import argparse
import csv
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np

Z90 = 1.6448536269514722


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def column(rows, key, kind=float):
    return np.array([kind(r[key]) for r in rows])


def plot_loss(folder, out):
    rows = read_csv(os.path.join(folder, "loss.csv"))
    member = column(rows, "member", int)
    fig, ax = plt.subplots(figsize=(6, 4))
    for m in np.unique(member):
        sel = member == m
        epoch = column(rows, "epoch", int)[sel] + 1
        ax.semilogy(epoch, column(rows, "train_mse")[sel], color=f"C{m}", lw=1, label=f"member {m + 1} train")
        ax.semilogy(epoch, column(rows, "validation_mse")[sel], color=f"C{m}", lw=1, ls="--",
                    label=f"member {m + 1} validation")
    ax.set_xlabel("epoch")
    ax.set_ylabel("MSE of min-max scaled σ_zz")
    ax.legend(fontsize=7, ncol=2)
    ax.set_title("surrogate training")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "surrogate_loss.png"), dpi=150)
    plt.close(fig)


def test_predictions(folder):
    rows = read_csv(os.path.join(folder, "test_predictions.csv"))
    ids = column(rows, "ve_id", int)
    order = np.unique(ids)
    points = len(rows) // len(order)
    shape = (len(order), points)
    return (order, column(rows, "strain").reshape(shape)[0], column(rows, "simulated_mpa").reshape(shape),
            column(rows, "predicted_mpa").reshape(shape), column(rows, "std_mpa").reshape(shape))


def plot_curves(folder, out, seed):
    ids, strain, sim, pred, std = test_predictions(folder)
    pick = np.random.default_rng(seed).choice(len(ids), size=min(4, len(ids)), replace=False)
    fig, axes = plt.subplots(1, len(pick), figsize=(3.2 * len(pick), 3.2), sharey=True, squeeze=False)
    for ax, i in zip(axes[0], pick):
        ax.plot(100 * strain, sim[i], "k-", label="simulated")
        ax.plot(100 * strain, pred[i], "C1--", label="surrogate")
        if np.any(std[i] > 0):
            ax.fill_between(100 * strain, pred[i] - Z90 * std[i], pred[i] + Z90 * std[i], color="C1", alpha=0.25,
                            label="90 % band")
        ax.set_title(f"VE {ids[i]}")
        ax.set_xlabel("ε_zz (%)")
    axes[0][0].set_ylabel("σ_zz (MPa)")
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "surrogate_curves.png"), dpi=150)
    plt.close(fig)


def plot_error(folder, out):
    rows = read_csv(os.path.join(folder, "error_per_increment.csv"))
    point, mae, sd = column(rows, "point", int), column(rows, "mae_mpa"), column(rows, "std_mpa")
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.plot(point, mae, "C0-o", ms=3, label="mean |error|")
    ax.fill_between(point, np.maximum(mae - sd, 0), mae + sd, color="C0", alpha=0.25, label="± 1 std over test VEs")
    ax.set_xlabel("increment")
    ax.set_ylabel("absolute error (MPa)")
    ax.legend(fontsize=8)
    ax.set_title("test error per increment")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "surrogate_error.png"), dpi=150)
    plt.close(fig)


def plot_parity(folder, out):
    _, _, sim, pred, _ = test_predictions(folder)
    fig, ax = plt.subplots(figsize=(4, 4))
    ax.scatter(sim[:, 1:].ravel(), pred[:, 1:].ravel(), s=3, alpha=0.4)
    lo, hi = min(sim.min(), pred.min()), max(sim.max(), pred.max())
    ax.plot([lo, hi], [lo, hi], "k-", lw=0.8)
    ax.set_xlabel("simulated σ_zz (MPa)")
    ax.set_ylabel("predicted σ_zz (MPa)")
    ax.set_title("parity, test VEs (increments ≥ 1)")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "surrogate_parity.png"), dpi=150)
    plt.close(fig)


def plot_baselines(folder, out):
    path = os.path.join(folder, "compare", "compare.csv")
    if not os.path.exists(path):
        return False
    rows = [r for r in read_csv(path) if not r["note"]]
    names = [r["input"] for r in rows]
    # Horizontal bars, one row each, the first input on top: labels such as
    # "fingerprint:study_loss" stay readable however many encoders are compared.
    y = list(range(len(rows)))
    fig, axes = plt.subplots(1, 2, figsize=(9, 1.4 + 0.38 * len(rows)), sharey=True)
    axes[0].barh(y, column(rows, "r2"), color="C2")
    axes[0].axvline(0, color="k", lw=0.8)
    axes[0].set_xlabel("test R² (vs the mean curve)")
    axes[1].barh(y, column(rows, "mae_mpa"), xerr=column(rows, "mae_std_mpa"), color="C3", capsize=3)
    axes[1].set_xlabel("test MAE (MPa)")
    axes[0].set_yticks(y)
    axes[0].set_yticklabels(names)
    axes[0].invert_yaxis()
    for ax in axes:
        ax.grid(True, axis="x", lw=0.3)
    fig.suptitle("the same network on different inputs, same split")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "surrogate_baselines.png"), dpi=150)
    plt.close(fig)
    return True


def plot_learning_curve(folder, out):
    path = os.path.join(folder, "compare", "learning_curve.csv")
    if not os.path.exists(path):
        return False
    rows = read_csv(path)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for k, name in enumerate(dict.fromkeys(r["input"] for r in rows)):
        sel = [r for r in rows if r["input"] == name]
        n = column(sel, "train_size", int)
        axes[0].loglog(n, column(sel, "test_mse"), "o-", color=f"C{k}", label=name)
        axes[1].semilogx(n, column(sel, "mae_mpa"), "o-", color=f"C{k}", label=name)
    axes[0].set_ylabel("test MSE of min-max scaled σ_zz")
    axes[1].set_ylabel("test MAE (MPa)")
    for ax in axes:
        ax.set_xlabel("training VEs")
        ax.grid(True, which="both", lw=0.3)
        # Ticks at the training-set sizes, written plainly (100, not 10^2); a span of less
        # than a decade would otherwise label every minor tick in powers of ten.
        sizes = sorted({int(r["train_size"]) for r in rows})
        ax.xaxis.set_major_locator(matplotlib.ticker.FixedLocator(sizes))
        ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    axes[0].legend(fontsize=8)
    fig.suptitle("learning curves: the same network and test VEs, nested training sets")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "surrogate_learning_curve.png"), dpi=150)
    plt.close(fig)
    return True


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", help="output folder of mspipe surrogate train")
    p.add_argument("-o", "--out", help="where the figures go (default FOLDER/plots)")
    p.add_argument("--seed", type=int, default=0, help="which four test VEs are drawn")
    a = p.parse_args()
    out = a.out or os.path.join(a.folder, "plots")
    os.makedirs(out, exist_ok=True)
    # A folder of `compare` alone has no trained model's files: only its charts are drawn.
    if os.path.exists(os.path.join(a.folder, "loss.csv")):
        plot_loss(a.folder, out)
        plot_curves(a.folder, out, a.seed)
        plot_error(a.folder, out)
        plot_parity(a.folder, out)
    made = plot_baselines(a.folder, out)
    curve = plot_learning_curve(a.folder, out)
    print(f"plot_surrogate: figures in {out}" + ("" if made else " (no compare/compare.csv: no baseline chart)")
          + ("" if curve or not made else " (no compare/learning_curve.csv: no learning curve)"))


if __name__ == "__main__":
    main()
