"""Checks on campaign files for the SLURM tests (h5py, exit 1 with the differences).

  campaign_files.py same REF OTHER FIRST COUNT
      OTHER holds the ids FIRST .. FIRST+COUNT-1 in order, like REF, and every dataset
      and attribute of the two files is bit-equal, except /wall_s (times differ run to
      run: only its shape must match). /attempts is compared too: a try stopped by
      SIGUSR1 is rerun under the same attempt number.
  campaign_files.py whole DIR
      DIR holds only whole files: no temporary (*.tmp) is left, every .h5 file opens
      and every dataset in it reads, and every other file is a journal segment
      (journal_<collector>_<index>.log, checksummed record by record) or a collector's
      lock file (lock_<collector>, empty).
"""
import os
import re
import sys

import h5py
import numpy as np


def datasets(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out


def attributes(f):
    return {k: (v.tobytes() if isinstance(v, np.ndarray) else v) for k, v in f.attrs.items()}


def same(ref_path, other_path, first, count):
    errors = []
    with h5py.File(ref_path, "r") as ref, h5py.File(other_path, "r") as other:
        a, b = datasets(ref), datasets(other)
        want_ids = np.arange(first, first + count, dtype=np.int64)
        for name, f in ((ref_path, a), (other_path, b)):
            if "ve_id" not in f or not np.array_equal(f["ve_id"], want_ids):
                errors.append(f"{name}: /ve_id is {f.get('ve_id')}, expected {first}..{first + count - 1}")
        if sorted(a) != sorted(b):
            errors.append(f"datasets differ: {sorted(a)} against {sorted(b)}")
        for key in sorted(set(a) & set(b)):
            x, y = np.asarray(a[key]), np.asarray(b[key])
            if x.shape != y.shape or x.dtype != y.dtype:
                errors.append(f"/{key}: {x.dtype}{x.shape} against {y.dtype}{y.shape}")
            elif key != "wall_s" and x.tobytes() != y.tobytes():
                rows = [i for i in range(len(x)) if x[i].tobytes() != y[i].tobytes()] if x.ndim else []
                errors.append(f"/{key}: not bit-equal (rows {rows[:10]})")
        ra, rb = attributes(ref), attributes(other)
        for key in sorted(set(ra) | set(rb)):
            if ra.get(key) != rb.get(key):
                errors.append(f"attribute {key}: {ra.get(key)!r} against {rb.get(key)!r}")
        statuses = dict(zip(*np.unique(b.get("status", []), return_counts=True)))
    if errors:
        print("\n".join(errors))
    if errors:
        return 1
    print(f"{other_path} equals {ref_path}: {count} ids, statuses {statuses}")
    return 0


def whole(folder):
    errors, h5, journals = [], 0, 0
    for root, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            if name.endswith(".tmp"):
                errors.append(f"{path}: a temporary was left")
            elif name.endswith(".h5"):
                try:
                    with h5py.File(path, "r") as f:
                        datasets(f)
                    h5 += 1
                except Exception as e:  # any failure to open or read is the finding
                    errors.append(f"{path}: {e}")
            elif re.fullmatch(r"journal_\d+_\d+\.log", name):
                journals += 1
            elif re.fullmatch(r"lock_\d+", name):
                pass
            else:
                errors.append(f"{path}: not a campaign file")
    if errors:
        print("\n".join(errors))
        return 1
    print(f"{folder}: {h5} HDF5 files open and read, {journals} journal segments, no temporaries")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "same":
        sys.exit(same(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])))
    if len(sys.argv) == 3 and sys.argv[1] == "whole":
        sys.exit(whole(sys.argv[2]))
    sys.exit(__doc__)
