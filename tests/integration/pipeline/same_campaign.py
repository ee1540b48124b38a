#!/usr/bin/python3
"""same_campaign.py A.h5 B.h5 [--count N]: the two campaign files hold the same rows (ids,
status, attempts, stress bit for bit, strain); with --count, N rows all converged."""
import sys

import h5py
import numpy as np


def rows(path):
    with h5py.File(path, "r") as f:
        return {k: f[k][()] for k in ("ve_id", "status", "attempts", "stress", "strain", "fingerprint")}


a = rows(sys.argv[1])
bad = []
if len(sys.argv) > 2 and sys.argv[2] != "--count":
    b = rows(sys.argv[2])
    for k in a:
        if a[k].shape != b[k].shape or a[k].tobytes() != b[k].tobytes():
            bad.append(k)
if "--count" in sys.argv:
    n = int(sys.argv[sys.argv.index("--count") + 1])
    if len(a["ve_id"]) != n or not np.array_equal(a["ve_id"], np.arange(n)) or np.any(a["status"] != 0):
        bad.append(f"expected ids 0..{n - 1} all converged, got {a['ve_id']} status {a['status']}")
if bad:
    print("campaign files differ:", ", ".join(bad))
    sys.exit(1)
print(f"same campaign rows ({len(a['ve_id'])})")
