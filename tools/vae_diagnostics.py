#!/usr/bin/python3
"""Why a VAE stays on the input-blind plateau: trains the Python twin of mspipe's network
(bench/ml/vae_step.py; bench/ml/vae_parity.py shows it takes the same steps as the C++
model) on VEs from an mspipe VE set and records, every few steps:

  - the gradient norm of each layer group (encoder stem and stages, fully connected
    layers, decoder stages, the 3-channel decoder tail);
  - tanh saturation of the encoder's hidden layer (share of |h| > 0.99; resnets only);
  - dead ReLUs in the decoder's 3-channel tail (share of zero outputs; resnets only);
  - sigmoid saturation at the output (share of x_hat < 0.01 or > 0.99);
  - alpha * BCE against (1 - alpha) * spectral, the values and the norms of their
    gradients with respect to the logits (which term steers the decoder);
  - test phi4 and the input-blind reference (the training set's mean in every voxel).

    mspipe generate CONFIG --count 240          (an HDF5 VE set, e.g. inputs/vae/quick.toml)
    tools/vae_diagnostics.py VE_SET.h5 [--arch resnet12] [--width 8] [--steps 600] -o diag

Writes diag.csv and diag.png (matplotlib, six panels).
"""
import argparse
import csv
import os
import sys
import time

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench", "ml"))
import vae_step  # noqa: E402


def phi4(a, b):
    """Mean over voxels of 1 - |q1.q2| per VE; (N, 3, D, D, D) normalised Bunge angles."""
    def quat(e):
        phi1, Phi, phi2 = 2 * np.pi * e[:, 0], np.pi * e[:, 1], 2 * np.pi * e[:, 2]
        s, d = 0.5 * (phi1 + phi2), 0.5 * (phi1 - phi2)
        c, sn = torch.cos(0.5 * Phi), torch.sin(0.5 * Phi)
        return torch.stack([c * torch.cos(s), sn * torch.cos(d), sn * torch.sin(d), c * torch.sin(s)], 1)
    return (1 - (quat(a) * quat(b)).sum(1).abs()).flatten(1).mean(1)


def layer_groups(model):
    """Parameter name -> group label, in network order."""
    groups = {}
    for name, _ in model.named_parameters():
        parts = name.split(".")
        if parts[0] in ("encoder", "decoder"):
            label = f"{parts[0]}.{int(parts[1]):02d}"
        else:
            label = parts[0]
        groups[name] = label
    return groups


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ve_set")
    ap.add_argument("--arch", default="resnet12")
    ap.add_argument("--width", type=int, default=8)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--latent", type=int, default=64)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--alpha", type=float, default=0.999)
    ap.add_argument("--steps", type=int, default=600)
    ap.add_argument("--every", type=int, default=20)
    ap.add_argument("--test", type=int, default=48)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("-o", "--out", default="vae_diagnostics")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    with h5py.File(a.ve_set, "r") as f:
        data = torch.from_numpy(f["ve/euler"][:].astype(np.float32))
    size = data.shape[-1]
    train, test = data[a.test:], data[:a.test]
    blind = train.mean(0, keepdim=True).expand_as(test)
    reference = phi4(blind, test).mean().item()
    model = vae_step.build(a.arch, size, a.width, a.hidden, a.latent)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, weight_decay=1e-5)
    groups = layer_groups(model)
    labels = list(dict.fromkeys(groups.values()))
    resnet = a.arch != "plain_conv"
    # Activations seen by hooks in the current forward pass.
    seen = {}
    if resnet:
        tail = [m for m in model.decoder if getattr(m, "conv1", None) is not None and m.conv1.in_channels == 3]
        tail += [m for i, m in enumerate(model.decoder) if isinstance(m, torch.nn.ReLU)
                 and i > 0 and getattr(model.decoder[i - 1], "num_channels",
                                       getattr(model.decoder[i - 1], "num_features", 0)) == 3]
        for m in tail:
            m.register_forward_hook(lambda mod, inp, out: seen.setdefault("tail", []).append((out == 0).float().mean().item()))
        model.fc_hidden.register_forward_hook(lambda mod, inp, out: seen.__setitem__("tanh", (out.tanh().abs() > 0.99).float().mean().item()))
    rows = []
    order = torch.randperm(train.shape[0])
    pos = 0
    t0 = time.time()
    zero = torch.zeros(a.batch, a.latent)
    for step in range(a.steps + 1):
        if pos + a.batch > train.shape[0]:
            order, pos = torch.randperm(train.shape[0]), 0
        x = train[order[pos:pos + a.batch]]
        pos += a.batch
        seen.clear()
        logits, mu, log_var = model(x, zero)
        bce, spectral, _ = vae_step.loss_terms(logits, x, a.alpha)
        wb, ws = a.alpha * bce, (1 - a.alpha) * spectral
        gb, gs = torch.autograd.grad([wb, ws][0], logits, retain_graph=True)[0], \
            torch.autograd.grad(ws, logits, retain_graph=True)[0]
        opt.zero_grad()
        (wb + ws).backward()
        if step % a.every == 0:
            norms = {l: 0.0 for l in labels}
            for name, p in model.named_parameters():
                if p.grad is not None:
                    norms[groups[name]] += p.grad.square().sum().item()
            with torch.no_grad():
                model.eval()
                tl, _, _ = model(test, torch.zeros(test.shape[0], a.latent))
                model.train()
                test_phi4 = phi4(torch.sigmoid(tl), test).mean().item()
                xh = torch.sigmoid(logits)
            row = {"step": step, "seconds": time.time() - t0, "test_phi4": test_phi4, "reference": reference,
                   "bce_weighted": wb.item(), "spectral_weighted": ws.item(),
                   "grad_bce": gb.norm().item(), "grad_spectral": gs.norm().item(),
                   "sigmoid_saturated": ((xh < 0.01) | (xh > 0.99)).float().mean().item(),
                   "output_std_over_batch": xh.std(0).mean().item(),
                   "tanh_saturated": seen.get("tanh", float("nan")),
                   "tail_dead_relu": float(np.mean(seen["tail"])) if seen.get("tail") else float("nan")}
            row.update({f"grad:{l}": np.sqrt(v) for l, v in norms.items()})
            rows.append(row)
            print(f"step {step}: test phi4 {test_phi4:.4f} (reference {reference:.4f}), BCE {wb.item():.4f}, "
                  f"spectral {ws.item():.4f}, tanh sat {row['tanh_saturated']:.2f}, tail dead "
                  f"{row['tail_dead_relu']:.2f}, sigmoid sat {row['sigmoid_saturated']:.3f}", flush=True)
        opt.step()
    with open(a.out + ".csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    plot(rows, labels, a)


def plot(rows, labels, a):
    steps = [r["step"] for r in rows]
    fig, ax = plt.subplots(2, 3, figsize=(15, 8))
    ax[0, 0].plot(steps, [r["test_phi4"] for r in rows], label="test phi4")
    ax[0, 0].plot(steps, [r["reference"] for r in rows], "k--", label="input-blind reference")
    ax[0, 0].set_title("test phi4")
    cmap = plt.get_cmap("viridis")
    for i, l in enumerate(labels):
        ax[0, 1].semilogy(steps, [r[f"grad:{l}"] + 1e-12 for r in rows], color=cmap(i / max(1, len(labels) - 1)),
                          label=l)
    ax[0, 1].set_title("gradient norm per layer group")
    ax[0, 1].legend(fontsize=5, ncol=2)
    ax[0, 2].plot(steps, [r["bce_weighted"] for r in rows], label="alpha * BCE")
    ax[0, 2].plot(steps, [r["spectral_weighted"] for r in rows], label="(1 - alpha) * spectral")
    ax[0, 2].set_title("loss terms")
    ax[1, 0].semilogy(steps, [r["grad_bce"] for r in rows], label="|d(alpha BCE)/d logits|")
    ax[1, 0].semilogy(steps, [r["grad_spectral"] for r in rows], label="|d((1-alpha) spectral)/d logits|")
    ax[1, 0].set_title("which term steers the output")
    ax[1, 1].plot(steps, [r["tanh_saturated"] for r in rows], label="tanh |h| > 0.99")
    ax[1, 1].plot(steps, [r["tail_dead_relu"] for r in rows], label="3-channel tail: ReLU outputs = 0")
    ax[1, 1].plot(steps, [r["sigmoid_saturated"] for r in rows], label="sigmoid < 0.01 or > 0.99")
    ax[1, 1].set_title("saturation")
    ax[1, 2].plot(steps, [r["output_std_over_batch"] for r in rows])
    ax[1, 2].set_title("std of x_hat across the batch (0: same output for every VE)")
    for axis in ax.flat:
        axis.set_xlabel("step")
        if axis.get_legend_handles_labels()[0] and axis is not ax[0, 1]:
            axis.legend(fontsize=7)
    fig.suptitle(f"{a.arch} width {a.width}, batch {a.batch}, lr {a.lr}, alpha {a.alpha}")
    fig.tight_layout()
    fig.savefig(a.out + ".png", dpi=110)


if __name__ == "__main__":
    main()
