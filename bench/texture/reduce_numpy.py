#!/usr/bin/python3
"""Side-by-side baseline for bench_fundamental_zone: the fundamental-zone reduction as
DAMASK's Python library performs it (all equivalents as arrays, Rodrigues in-FZ test,
first hit in operator order), written with numpy. Prints orientations per second.

    python3 bench/texture/reduce_numpy.py [N]
"""
import sys
import time

import numpy as np

r2, r3 = np.sqrt(0.5), np.sqrt(3) / 2
CUBIC = np.array([
    [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1],
    [0, 0, r2, r2], [0, 0, r2, -r2], [0, r2, 0, r2], [0, r2, 0, -r2],
    [0, r2, -r2, 0], [0, -r2, -r2, 0], [.5, .5, .5, .5], [-.5, .5, .5, .5],
    [-.5, .5, .5, -.5], [-.5, .5, -.5, .5], [-.5, -.5, .5, .5], [-.5, -.5, .5, -.5],
    [-.5, -.5, -.5, .5], [-.5, .5, -.5, -.5], [-r2, 0, 0, r2], [r2, 0, 0, r2],
    [-r2, 0, r2, 0], [-r2, 0, -r2, 0], [-r2, r2, 0, 0], [-r2, -r2, 0, 0]])


def multiply(a, b):
    """P = -1 composition a*b for broadcastable (..., 4) arrays."""
    w = a[..., :1] * b[..., :1] - np.sum(a[..., 1:] * b[..., 1:], axis=-1, keepdims=True)
    v = a[..., :1] * b[..., 1:] + b[..., :1] * a[..., 1:] - np.cross(a[..., 1:], b[..., 1:])
    q = np.concatenate([w, v], axis=-1)
    return np.where(q[..., :1] < 0, -q, q)


def reduce_cubic(q):
    eq = multiply(CUBIC[:, None, :], q[None, :, :])          # (24, N, 4)
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.abs(eq[..., 1:] / eq[..., :1]) * (1 - 1e-9)
    ok = np.all(rho <= np.sqrt(2) - 1, axis=-1) & (np.sum(rho, axis=-1) <= 1)
    ok &= np.cumsum(ok, axis=0) == 1
    first = np.argmax(ok, axis=0)
    return eq[first, np.arange(q.shape[0])]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    rng = np.random.default_rng(2024)
    u = rng.random((n, 3))
    q = np.stack([np.sqrt(u[:, 0]) * np.cos(2 * np.pi * u[:, 2]),
                  np.sqrt(1 - u[:, 0]) * np.sin(2 * np.pi * u[:, 1]),
                  np.sqrt(1 - u[:, 0]) * np.cos(2 * np.pi * u[:, 1]),
                  np.sqrt(u[:, 0]) * np.sin(2 * np.pi * u[:, 2])], axis=-1)
    t0 = time.perf_counter()
    reduce_cubic(q)
    dt = time.perf_counter() - t0
    print(f"numpy (DAMASK-style) cubic reduction: {n / dt / 1e6:.3f} M orientations/s")


if __name__ == "__main__":
    main()
