#!/usr/bin/python3
"""The slice strip of a decoded latent path (the study's figure 7).

    tools/plot_vae_path.py DIR [-o DIR/path.png] [--axis z]

DIR is what `mspipe vae path CONFIG --from A --to B --steps N` wrote: path.csv naming
step_<k>.vti per step, and input_a.vti / input_b.vti. One row: VE A, the decoded steps
(t = 0 is the reconstruction of A, t = 1 that of B), VE B; each panel the mid-plane slice
of the normalised Bunge angles shown as RGB.
"""
import argparse
import base64
import csv
import os
import re
import struct
import zlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def read_vti_array(path, name):
    """Cell array `name` of an mspipe .vti (binary zlib, UInt32 header, or ascii) as
    (z, y, x, components) float32."""
    text = open(path).read()
    ext = re.search(r'WholeExtent="0 (\d+) 0 (\d+) 0 (\d+)"', text)
    nx, ny, nz = (int(v) for v in ext.groups())
    m = re.search(r'<DataArray type="Float32" Name="%s"([^>]*)>\s*(.*?)\s*</DataArray>' % re.escape(name), text, re.S)
    if not m:
        raise SystemExit(f"{path}: error: no Float32 cell array '{name}'")
    attrs, body = m.groups()
    comps = int(re.search(r'NumberOfComponents="(\d+)"', attrs).group(1)) if "NumberOfComponents" in attrs else 1
    if 'format="ascii"' in attrs:
        values = np.array(body.split(), dtype=np.float32)
    elif 'compressor="vtkZLibDataCompressor"' in text:
        # The block header's first 12 bytes (16 base64 characters) hold the block count.
        nblocks = struct.unpack("<I", base64.b64decode(body[:16])[:4])[0]
        header_chars = 4 * ((4 * (3 + nblocks) + 2) // 3)
        header = struct.unpack("<%dI" % (3 + nblocks), base64.b64decode(body[:header_chars]))
        data = base64.b64decode(body[header_chars:])
        out, at = [], 0
        for size in header[3:]:
            out.append(zlib.decompress(data[at:at + size]))
            at += size
        values = np.frombuffer(b"".join(out), dtype="<f4")
    else:
        raw = base64.b64decode(body)
        values = np.frombuffer(raw[4:], dtype="<f4")
    if values.size != nx * ny * nz * comps:
        raise SystemExit(f"{path}: error: '{name}' has {values.size} values, {nx}x{ny}x{nz}x{comps} expected")
    return values.reshape(nz, ny, nx, comps)


def mid_slice(volume, axis):
    k = {"z": 0, "y": 1, "x": 2}[axis]
    return np.take(volume, volume.shape[k] // 2, axis=k)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("-o", "--out")
    ap.add_argument("--axis", choices=["z", "y", "x"], default="z")
    a = ap.parse_args()
    with open(os.path.join(a.dir, "path.csv")) as f:
        title = f.readline().lstrip("# ").strip()
        rows = list(csv.DictReader(f))
    panels = [("A", os.path.join(a.dir, "input_a.vti"))]
    panels += [(f"t = {float(r['t']):.2f}", os.path.join(a.dir, r["file"])) for r in rows]
    panels += [("B", os.path.join(a.dir, "input_b.vti"))]
    fig, axes = plt.subplots(1, len(panels), figsize=(1.6 * len(panels), 2.0))
    for ax, (label, path) in zip(axes, panels):
        ax.imshow(np.clip(mid_slice(read_vti_array(path, "euler_normalised"), a.axis), 0, 1), origin="lower",
                  interpolation="nearest")
        ax.set_title(label, fontsize=8)
        ax.axis("off")
    fig.suptitle(title.split(",")[0] + f" (mid-{a.axis} slices, Euler angles as RGB)", fontsize=9)
    fig.tight_layout()
    out = a.out or os.path.join(a.dir, "path.png")
    fig.savefig(out, dpi=120)
    print(out)


if __name__ == "__main__":
    main()
