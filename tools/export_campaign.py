#!/usr/bin/python3
"""The compact, committable form of a finished campaign: a campaign file without fingerprints.

    tools/export_campaign.py CAMPAIGN.h5 OUT.h5 --count N [--first-id A]
    tools/export_campaign.py CAMPAIGN.h5 OUT.h5 --partial [--count N]

CAMPAIGN.h5 is a merged campaign file (`mspipe campaign merge`). OUT.h5 keeps the same
schema ("mspipe.campaign" 1), so `mspipe surrogate train|compare` read it as they read the
original: every record's id, stress curve (all six components, Pa), strain, status,
attempts, iterations, wall time and message, and the attributes that make the campaign
(seed, generator parameters, material, load case, engine). The VAE fingerprints are
dropped: the file says it was run without a VAE (fingerprint length 1, zeros, no
checkpoint digest), and the surrogate encodes the VEs, regenerated from seed and
generator, with whichever checkpoint `surrogate.vae_checkpoint` names. Every column is
chunked and compressed (shuffle + gzip 9).

Refuses (exit 4, nothing written) a campaign that is not finished: an id of
[A, A + N) without a record, or a record whose status is "interrupted". With --partial it
writes what there is and marks the file: attribute `partial` = "<records> of <N> ids"
(or "<records> records" without --count); the name of a partial file must say so (it
must contain "partial").
"""
import argparse
import os
import sys

import h5py
import numpy as np

INTERRUPTED = 4
COLUMNS = ["ve_id", "stress", "strain", "status", "attempts", "iterations", "wall_s", "message", "message_offset"]
KEEP_ATTRS = ["schema", "schema_version", "material", "load_case", "engine", "generator", "generator_digest", "seed",
              "mspipe_version", "points", "stress_components"]


def fail(path, message):
    print(f"{path}: error: {message}", file=sys.stderr)
    sys.exit(4)


def check_finished(path, ids, status, first_id, count):
    expected = np.arange(first_id, first_id + count)
    missing = np.setdiff1d(expected, ids)
    if missing.size:
        shown = ", ".join(str(i) for i in missing[:10]) + (" ..." if missing.size > 10 else "")
        return f"the campaign is not finished: {missing.size} of ids {first_id}..{first_id + count - 1} " \
               f"have no record ({shown}); rerun it, or export a snapshot with --partial"
    outside = np.setdiff1d(ids, expected)
    if outside.size:
        return f"{outside.size} records lie outside ids {first_id}..{first_id + count - 1} (first {outside[0]})"
    interrupted = ids[status == INTERRUPTED]
    if interrupted.size:
        return f"the campaign is not finished: {interrupted.size} records were interrupted (first VE " \
               f"{interrupted[0]}); rerun it, or export a snapshot with --partial"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("campaign", help="merged campaign file (mspipe campaign merge)")
    ap.add_argument("out", help="the compact file to write")
    ap.add_argument("--first-id", type=int, default=0, help="first id of the campaign (default 0)")
    ap.add_argument("--count", type=int, help="ids the campaign holds: [first-id, first-id + count)")
    ap.add_argument("--partial", action="store_true", help="export an unfinished campaign (a snapshot)")
    a = ap.parse_args()
    if not a.partial and a.count is None:
        ap.error("--count is required (how many ids the finished campaign holds), or --partial")
    if a.partial and "partial" not in os.path.basename(a.out):
        ap.error(f"a snapshot's file name must say it is partial: {a.out}")
    try:
        src = h5py.File(a.campaign, "r")
    except OSError as e:
        fail(a.campaign, f"cannot read: {e}")
    with src:
        if src.attrs.get("schema", b"") not in (b"mspipe.campaign", "mspipe.campaign"):
            fail(a.campaign, "not a merged campaign file (schema mspipe.campaign)")
        ids = src["ve_id"][:]
        status = src["status"][:]
        if not a.partial:
            why = check_finished(a.campaign, ids, status, a.first_id, a.count)
            if why:
                fail(a.campaign, why)
        tmp = a.out + ".tmp"
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with h5py.File(tmp, "w") as dst:
            for key in KEEP_ATTRS:
                dst.attrs[key] = src.attrs[key]
            # No VAE: the campaign file of a run without one (fingerprints are regenerated).
            dst.attrs["fingerprint_length"] = np.int64(1)
            dst.attrs["vae_checkpoint_digest"] = np.bytes_(b"")
            if a.partial:
                done = f"{ids.size} of {a.count} ids" if a.count else f"{ids.size} records"
                dst.attrs["partial"] = np.bytes_(done.encode())
            for key in COLUMNS:
                data = src[key][:]
                d = dst.create_dataset(key, data=data, chunks=data.shape if data.size else None,
                                       compression="gzip" if data.size else None,
                                       compression_opts=9 if data.size else None, shuffle=bool(data.size))
                for k, v in src[key].attrs.items():
                    d.attrs[k] = v
            fp = np.zeros((ids.size, 1), dtype=np.float32)
            dst.create_dataset("fingerprint", data=fp, chunks=fp.shape if fp.size else None,
                               compression="gzip" if fp.size else None)
        os.replace(tmp, a.out)
    kind = "snapshot" if a.partial else "campaign"
    print(f"{a.out}: {kind} of {ids.size} records ({int((status == 0).sum())} converged), "
          f"{os.path.getsize(a.out) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
