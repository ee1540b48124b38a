#!/usr/bin/python3
"""The mspipe VAE (src/ml/model.cpp) in Python PyTorch, for a side-by-side timing of a
training step (forward, loss, backward, Adam) against bench/ml/ml_vae_bench.

    /usr/bin/python3 bench/ml/vae_step.py SIZE WIDTH HIDDEN LATENT BATCH ITERS [THREADS] [ARCH]

Same layers, same loss (GroupNorm, BCE on logits with the input as target, spectral
term), same per-sample noise; one process (no all-reduce).
"""
import resource
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F

BLOCKS = {"resnet12": [1, 1, 1, 1], "resnet18": [2, 2, 2, 2], "resnet34": [3, 4, 6, 3]}


def group_count(channels, max_groups=8):
    if channels < 2:
        return 1
    for g in range(min(max_groups, channels // 2), 1, -1):
        if channels % g == 0:
            return g
    return 1


NORM = "group"  # "batch": the study's BatchNorm3d


def make_norm(c):
    return nn.BatchNorm3d(c) if NORM == "batch" else nn.GroupNorm(group_count(c), c)


class ResBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1, self.norm1 = nn.Conv3d(c, c, 3, 1, 1, bias=False), make_norm(c)
        self.conv2, self.norm2 = nn.Conv3d(c, c, 3, 1, 1, bias=False), make_norm(c)

    def forward(self, x):
        y = self.norm1(self.conv1(x)).relu_()
        return (self.norm2(self.conv2(y)) + x).relu_()


class Vae(nn.Module):
    def __init__(self, size, width, hidden, latent, blocks, channels=3, norm="group"):
        super().__init__()
        global NORM
        NORM = norm
        w, b = width, size // 16
        self.w, self.b = w, b
        enc = [nn.Conv3d(channels, w, 7, 2, 3, bias=False), make_norm(w), nn.ReLU(True)]
        enc += [ResBlock(w) for _ in range(blocks[0])]
        for s in range(1, 4):
            enc += [nn.Conv3d(w << (s - 1), w << s, 3, 2, 1, bias=False), make_norm(w << s), nn.ReLU(True)]
            enc += [ResBlock(w << s) for _ in range(blocks[s])]
        self.encoder = nn.Sequential(*enc)
        self.fc_hidden = nn.Linear(8 * w * b ** 3, hidden)
        self.fc_mu, self.fc_log_var = nn.Linear(hidden, latent), nn.Linear(hidden, latent)
        self.fc1, self.fc2 = nn.Linear(latent, hidden), nn.Linear(hidden, 8 * w * b ** 3)
        ch = [8 * w, 4 * w, 2 * w, w, channels]
        dec = []
        for s in range(4):
            dec += [nn.ConvTranspose3d(ch[s], ch[s + 1], 4, 2, 1, bias=False), make_norm(ch[s + 1]), nn.ReLU(True)]
            dec += [ResBlock(ch[s + 1]) for _ in range(blocks[s])]
        dec.append(nn.ConvTranspose3d(channels, channels, 3, 1, 1))
        self.decoder = nn.Sequential(*dec)
        for m in self.modules():
            if isinstance(m, nn.Conv3d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x, eps):
        h = torch.tanh(self.fc_hidden(self.encoder(x).flatten(1)))
        mu, log_var = self.fc_mu(h), self.fc_log_var(h)
        z = mu + torch.exp(0.5 * log_var) * eps
        h = F.relu(self.fc2(F.relu(self.fc1(z))))
        logits = self.decoder(h.view(h.size(0), 8 * self.w, self.b, self.b, self.b))
        return logits, mu, log_var


class PlainVae(nn.Module):
    """The plain_conv family (src/ml/model.cpp): convolutions w, 2w, 2w with stride 2 to
    (D/8)^3, linear layers to mu and ln sigma^2 and back, transposed convolutions, a 3x3x3
    convolution to the channels; biases, ReLU, no normalisation, PyTorch's initialisation."""

    def __init__(self, size, width, latent, channels=3):
        super().__init__()
        ch = [channels, width, 2 * width, 2 * width]
        self.b, self.c = size // 8, ch[3]
        enc = []
        for s in range(3):
            enc += [nn.Conv3d(ch[s], ch[s + 1], 3, 2, 1), nn.ReLU(True)]
        self.encoder = nn.Sequential(*enc)
        flat = ch[3] * self.b ** 3
        self.fc_mu, self.fc_log_var = nn.Linear(flat, latent), nn.Linear(flat, latent)
        self.fc2 = nn.Linear(latent, flat)
        dec = []
        for s in range(3, 0, -1):
            dec += [nn.ConvTranspose3d(ch[s], ch[1] if s == 1 else ch[s - 1], 4, 2, 1), nn.ReLU(True)]
        dec.append(nn.Conv3d(ch[1], channels, 3, 1, 1))
        self.decoder = nn.Sequential(*dec)

    def forward(self, x, eps):
        h = self.encoder(x).flatten(1)
        mu, log_var = self.fc_mu(h), self.fc_log_var(h)
        z = mu + torch.exp(0.5 * log_var) * eps
        h = F.relu(self.fc2(z))
        return self.decoder(h.view(h.size(0), self.c, self.b, self.b, self.b)), mu, log_var


def build(arch, size, width, hidden, latent, norm="group"):
    """The network that mspipe builds for vae.architecture = ARCH."""
    if arch == "plain_conv":
        return PlainVae(size, width, latent)
    return Vae(size, width, hidden, latent, BLOCKS[arch], norm=norm)


def loss_terms(logits, x, alpha=0.999):
    """(BCE, spectral, total) as src/ml/loss.cpp computes them."""
    bce = F.binary_cross_entropy_with_logits(logits, x)
    d = torch.fft.fftn(x - torch.sigmoid(logits), dim=(2, 3, 4))
    spectral = torch.view_as_real(d).square().sum() / (x.numel() // x.size(1))  # voxels per channel x batch
    return bce, spectral, alpha * bce + (1 - alpha) * spectral


def loss(logits, x, alpha=0.999):
    return loss_terms(logits, x, alpha)[2]


def main():
    if len(sys.argv) < 7:
        sys.exit(__doc__)
    size, width, hidden, latent, batch, iters = map(int, sys.argv[1:7])
    threads = int(sys.argv[7]) if len(sys.argv) > 7 else 1
    arch = sys.argv[8] if len(sys.argv) > 8 else "resnet18"
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = build(arch, size, width, hidden, latent)
    params = sum(p.numel() for p in model.parameters())
    adam = torch.optim.Adam(model.parameters(), lr=1e-5, weight_decay=1e-5)
    x = torch.rand(batch, 3, size, size, size)
    total = 0.0
    for it in range(-1, iters):  # iteration -1 warms up
        t0 = time.perf_counter()
        adam.zero_grad(set_to_none=False)
        logits, mu, log_var = model(x, torch.randn(batch, latent))
        loss(logits, x).backward()
        adam.step()
        if it >= 0:
            total += time.perf_counter() - t0
    step = total / iters
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Python {arch} {size}^3 width {width} hidden {hidden} latent {latent}: {params} params, "
          f"batch {batch}, {threads} thread(s): {step:.3f} s/step, {step / batch:.4f} s/sample, "
          f"{batch / step:.2f} samples/s; peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
