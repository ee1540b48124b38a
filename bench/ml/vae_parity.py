#!/usr/bin/python3
"""Repeats a C++ training run (written by ml_vae_parity) in the Python twin of the model
(vae_step.py) and compares the loss terms step by step.

    ml_vae_parity SIZE WIDTH HIDDEN LATENT BATCH STEPS run.pt [ARCH] [LR] [group|batch]
    /usr/bin/python3 bench/ml/vae_parity.py run.pt SIZE WIDTH HIDDEN LATENT [ARCH] [LR] [group|batch]

The twin starts from the C++ initial weights (copied in parameter order, shapes checked),
takes the same batches and noise, and steps torch.optim.Adam with the same settings.
Prints one line per step and the largest relative difference of the total loss.
"""
import sys

import torch

import vae_step


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    path = sys.argv[1]
    size, width, hidden, latent = map(int, sys.argv[2:6])
    arch = sys.argv[6] if len(sys.argv) > 6 else "resnet12"
    lr = float(sys.argv[7]) if len(sys.argv) > 7 else 1e-3
    norm = sys.argv[8] if len(sys.argv) > 8 else "group"
    torch.set_num_threads(1)
    run = torch.load(path)
    model = vae_step.build(arch, size, width, hidden, latent, norm)
    params = [v for k, v in run.items() if k.startswith("param/")]
    buffers = [v for k, v in run.items() if k.startswith("buffer/")]
    mine = list(model.parameters())
    assert len(params) == len(mine), f"{len(params)} C++ parameters, {len(mine)} Python"
    with torch.no_grad():
        for p, q in zip(mine, params):
            assert p.shape == q.shape, f"{p.shape} vs {q.shape}"
            p.copy_(q)
        for b, q in zip(model.buffers(), buffers):
            b.copy_(q)
    adam = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=1e-5)
    steps = run["total"].numel()
    worst = 0.0
    print("step  C++ total     Python total  rel. diff   C++ BCE    Py BCE     C++ spectral  Py spectral")
    for s in range(steps):
        x, eps = run[f"x/{s}"], run[f"eps/{s}"]
        adam.zero_grad()
        logits, mu, log_var = model(x, eps)
        bce, spectral, total = vae_step.loss_terms(logits, x)
        total.backward()
        adam.step()
        c = run["total"][s].item()
        rel = abs(total.item() - c) / abs(c)
        worst = max(worst, rel)
        print(f"{s:4d}  {c:.7g}  {total.item():.7g}  {rel:.2e}  {run['bce'][s].item():.6f}  {bce.item():.6f}  "
              f"{run['spectral'][s].item():.6g}  {spectral.item():.6g}")
    print(f"largest relative difference of the total loss over {steps} steps: {worst:.2e}")


if __name__ == "__main__":
    main()
