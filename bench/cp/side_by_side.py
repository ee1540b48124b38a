#!/usr/bin/env python3
"""Helpers of bench/cp/side_by_side.sh.

  side_by_side.py case A|B|C DIR   write the case's geom.vti, load.yaml, material.yaml
  side_by_side.py compare RESULT.csv JOB.hdf5 JOB.sta
                                   mspipe's curve against DAMASK_grid's: prints
                                   "max_rel_dsigma_zz iterations_mspipe iterations_damask"

Cases (uniaxial tension along z, DAMASK's reference load, tests/data/cp/case_B/load.yaml):
  A  Mg (case D's phase) on case B's 16^3 geometry and orientations
  B  Cu 16^3, 20 grains: tests/data/cp/case_B as it is
  C  Mg 32^3, 60 grains: made as the reference cases were (case_B/case.json): seeds
     uniform in the box, periodic minimum-image Voronoi from the cell centres (ties to the
     lowest index), Shoemake quaternions with q0 >= 0, numpy default_rng, fixed seeds.
"""
import base64
import shutil
import struct
import sys
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "cp"


def yaml_section(text, start, end=None):
    """Lines of a DAMASK material.yaml from the top-level key `start` up to `end`."""
    lines = text.splitlines()
    i = next(k for k, l in enumerate(lines) if l.startswith(start))
    j = next((k for k, l in enumerate(lines) if end and l.startswith(end)), len(lines))
    return "\n".join(lines[i:j]).rstrip() + "\n"


def write_material(path, phase_yaml, phase_name, quats):
    head = "---\nhomogenization:\n  SX:\n    N_constituents: 1\n    mechanical: {type: pass}\n\n"
    mats = ["material:"]
    for q in quats:
        mats += ["  - homogenization: SX", "    constituents:", f"      - phase: {phase_name}",
                 "        v: 1.0", "        O: [" + ", ".join(repr(float(x)) for x in q) + "]"]
    path.write_text(head + phase_yaml + "\n" + "\n".join(mats) + "\n")


def write_vti(path, ids, spacing):
    """Plain binary VTK image data with one Int32 cell array "material" (ids: z, y, x)."""
    nz, ny, nx = ids.shape
    raw = np.ascontiguousarray(ids, dtype="<i4").tobytes()
    data = base64.b64encode(struct.pack("<I", len(raw)) + raw).decode()
    path.write_text(
        '<?xml version="1.0"?>\n'
        '<VTKFile type="ImageData" version="0.1" byte_order="LittleEndian" header_type="UInt32">\n'
        f'  <ImageData WholeExtent="0 {nx} 0 {ny} 0 {nz}" Origin="0 0 0" '
        f'Spacing="{spacing} {spacing} {spacing}" Direction="1 0 0 0 1 0 0 0 1">\n'
        f'  <Piece Extent="0 {nx} 0 {ny} 0 {nz}">\n    <PointData>\n    </PointData>\n    <CellData>\n'
        f'      <DataArray type="Int32" Name="material" format="binary" RangeMin="{ids.min()}" '
        f'RangeMax="{ids.max()}">\n        {data}\n      </DataArray>\n    </CellData>\n'
        '  </Piece>\n  </ImageData>\n</VTKFile>\n')


def voronoi(cells, grains, spacing, rng):
    size = cells * spacing
    seeds = rng.random((grains, 3)) * size
    c = (np.arange(cells) + 0.5) * spacing
    z, y, x = np.meshgrid(c, c, c, indexing="ij")
    pts = np.stack([x, y, z], axis=-1).reshape(-1, 3)
    best = np.full(len(pts), np.inf)
    ids = np.zeros(len(pts), dtype=np.int32)
    for g in range(grains):  # strict < keeps the lowest index on ties
        d = pts - seeds[g]
        d -= size * np.round(d / size)
        dist = np.einsum("ij,ij->i", d, d)
        closer = dist < best
        best[closer], ids[closer] = dist[closer], g
    return ids.reshape(cells, cells, cells)


def shoemake(n, rng):
    u = rng.random((n, 3))
    q = np.stack([np.sqrt(u[:, 0]) * np.cos(2 * np.pi * u[:, 2]),
                  np.sqrt(1 - u[:, 0]) * np.sin(2 * np.pi * u[:, 1]),
                  np.sqrt(1 - u[:, 0]) * np.cos(2 * np.pi * u[:, 1]),
                  np.sqrt(u[:, 0]) * np.sin(2 * np.pi * u[:, 2])], axis=1)
    q[q[:, 0] < 0] *= -1
    return q


def make_case(name, out):
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / "case_B" / "load.yaml", out / "load.yaml")
    mg = yaml_section((DATA / "case_D" / "material.yaml").read_text(), "phase:", "material:")
    if name == "B":
        for f in ("geom.vti", "material.yaml"):
            shutil.copy(DATA / "case_B" / f, out / f)
    elif name == "A":
        shutil.copy(DATA / "case_B" / "geom.vti", out / "geom.vti")
        write_material(out / "material.yaml", mg, "Mg", np.loadtxt(DATA / "case_B" / "orientations.txt"))
    elif name == "C":
        write_vti(out / "geom.vti", voronoi(32, 60, 1e-6, np.random.default_rng(20250003)), 1e-6)
        write_material(out / "material.yaml", mg, "Mg", shoemake(60, np.random.default_rng(20250004)))
    else:
        sys.exit(f"side_by_side.py: unknown case {name}")


def damask_sigma_zz(h5file):
    import h5py
    with h5py.File(h5file, "r") as f:
        cell = f["cell_to/phase"][:, 0]
        labels = [l.decode() if isinstance(l, bytes) else l for l in cell["label"]]
        entry = cell["entry"]
        incs = sorted((k for k in f if k.startswith("increment_")), key=lambda k: int(k.split("_")[1]))
        out = []
        for k in incs:
            s = 0.0
            for lab in sorted(set(labels)):
                sel = np.array([l == lab for l in labels])
                mech = f[f"{k}/phase/{lab}/mechanical"]
                F, P = mech["F"][()][entry[sel]], mech["P"][()][entry[sel]]
                sig = np.einsum("nij,nkj->nik", P, F) / np.linalg.det(F)[:, None, None]
                s += sig[:, 2, 2].sum()
            out.append(s / len(labels))
        return np.array(out)


def compare(csv, h5file, sta):
    ours = np.genfromtxt(csv, delimiter=",", names=True)
    theirs = damask_sigma_zz(h5file)
    n = min(len(theirs), len(ours))
    ref = theirs[1:n]
    rel = np.abs(ours["sigma_33"][1:n] - ref) / np.abs(ref)
    its = sum(int(l.split()[4]) for l in Path(sta).read_text().splitlines()[1:] if l.strip())
    note = "" if len(theirs) == len(ours) else f" (increments: mspipe {len(ours)}, DAMASK {len(theirs)})"
    print(f"{rel.max():.2e} {int(ours['iterations'].sum())} {its}{note}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "case":
        make_case(sys.argv[2], Path(sys.argv[3]))
    elif len(sys.argv) == 5 and sys.argv[1] == "compare":
        compare(*sys.argv[2:])
    else:
        sys.exit(__doc__)
