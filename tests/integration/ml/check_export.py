#!/usr/bin/python3
"""check_export.py ORIGINAL EXPORT SNAPSHOT: what tools/export_campaign.py must keep and drop."""
import os
import sys

import h5py
import numpy as np

orig, exp, snap = (h5py.File(p, "r") for p in sys.argv[1:4])
for key in ("ve_id", "stress", "strain", "status", "attempts", "iterations", "wall_s", "message", "message_offset"):
    assert np.array_equal(orig[key][:], exp[key][:]), key
    assert exp[key].dtype == orig[key].dtype, (key, exp[key].dtype)
for key in ("schema", "schema_version", "material", "load_case", "engine", "generator", "generator_digest", "seed",
            "points", "stress_components"):
    assert orig.attrs[key] == exp.attrs[key], key
# Fingerprints are not part of the dataset: the file of a run without a VAE.
assert exp.attrs["fingerprint_length"] == 1 and exp["fingerprint"].shape == (orig["ve_id"].shape[0], 1)
assert not np.any(exp["fingerprint"][:]) and exp.attrs["vae_checkpoint_digest"] in (b"", "")
assert exp["stress"].compression == "gzip" and exp["stress"].shuffle
assert "partial" not in exp.attrs
assert snap.attrs["partial"] in (b"600 of 1000 ids", "600 of 1000 ids"), snap.attrs["partial"]
assert os.path.getsize(sys.argv[2]) < os.path.getsize(sys.argv[1])
print(f"check_export: {exp['ve_id'].shape[0]} records kept, fingerprints dropped, "
      f"{os.path.getsize(sys.argv[1])} -> {os.path.getsize(sys.argv[2])} bytes")
