#!/usr/bin/python3
"""One static HTML page for a run folder: every figure and table found there.

    tools/report.py results/<run> [-o results/<run>/report.html]

What it gathers (whatever exists):
  - the surrogate: <run>/**/summary.txt, metrics.csv beside model.pt, compare/compare.csv;
    its figures are drawn first (tools/plot_surrogate.py) when the folder has none yet;
  - the campaign: every campaign.h5 (records by status, median simulation time, stress
    at the last point over converged VEs);
  - the VAE: vae/metrics.csv as a loss plot (train and test total loss per epoch), and
    vae_eval.txt (the output of `mspipe vae eval`, as tools/mg_study.sh saves it);
  - the latent-space analysis: every folder with summary.json and explained_variance.csv
    (`mspipe analyse`): its summary, and the clustering scores;
  - every other .png under the folder (analysis: PCA and clustering plots; VE slices ...).
Images are embedded (base64), so the page is one file that opens anywhere:
    xdg-open results/<run>/report.html      (or any browser: file:///.../report.html)
"""
import argparse
import base64
import csv
import html
import io
import json
import os
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

STATUS = ["converged", "not_converged", "failed", "timeout", "interrupted"]


def img(data, caption):
    b64 = base64.b64encode(data).decode()
    return f'<figure><img src="data:image/png;base64,{b64}"><figcaption>{html.escape(caption)}</figcaption></figure>'


def fig_bytes(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120)
    plt.close(fig)
    return buf.getvalue()


def csv_table(path, caption):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        return ""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows[1:])
    return f"<h3>{html.escape(caption)}</h3><table><tr>{head}</tr>{body}</table>"


def campaign_section(path, rel):
    try:
        import h5py
    except ImportError:
        return f"<p>{html.escape(rel)}: python3-h5py is not installed</p>"
    with h5py.File(path, "r") as f:
        status = f["status"][()]
        wall = f["wall_s"][()]
        stress = f["stress"][()]
        attrs = {k: f.attrs[k] for k in ("material", "load_case", "seed", "fingerprint_length") if k in f.attrs}
    counts = ", ".join(f"{STATUS[s] if s < len(STATUS) else s}: {int((status == s).sum())}" for s in np.unique(status))
    ok = status == 0
    parts = [f"<h3>campaign {html.escape(rel)}</h3><p>{len(status)} records ({counts}); "
             + ", ".join(f"{k} {html.escape(str(v))}" for k, v in attrs.items()) + "</p>"]
    if ok.any():
        parts.append(f"<p>simulation time of converged VEs: median {np.median(wall[ok]):.1f} s, "
                     f"total {wall.sum() / 3600:.2f} h</p>")
        fig, ax = plt.subplots(figsize=(4.5, 3))
        ax.hist(stress[ok, -1, 2] * 1e-6, bins=30)
        ax.set_xlabel("σ_zz at the last point (MPa)")
        ax.set_ylabel("VEs")
        fig.tight_layout()
        parts.append(img(fig_bytes(fig), "final stress over converged VEs"))
    return "".join(parts)


def vae_loss(path, rel):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    keys = [k for k in ("train_total", "test_total") if rows and k in rows[0]]
    if not keys:
        return csv_table(path, rel)
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for k in keys:
        ax.plot([float(r[k]) for r in rows], label=k)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.legend()
    fig.tight_layout()
    return f"<h3>VAE {html.escape(rel)}</h3>" + img(fig_bytes(fig), "VAE loss per epoch")


def analysis_section(folder, rel):
    with open(os.path.join(folder, "summary.json")) as f:
        summary = json.load(f)
    return (f"<h2>latent-space analysis ({html.escape(rel)})</h2>"
            f"<pre>{html.escape(json.dumps(summary, indent=1))}</pre>")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("run", help="run folder (run.output_dir)")
    p.add_argument("-o", "--out", help="HTML file (default RUN/report.html)")
    a = p.parse_args()
    out = a.out or os.path.join(a.run, "report.html")
    here = os.path.dirname(os.path.abspath(__file__))
    sections, pngs = [], []
    for root, dirs, files in sorted(os.walk(a.run)):
        dirs.sort()
        rel = os.path.relpath(root, a.run)
        if "model.pt" in files and "loss.csv" in files:
            if not os.path.isdir(os.path.join(root, "plots")):
                subprocess.run([sys.executable, os.path.join(here, "plot_surrogate.py"), root], check=False)
            sec = [f"<h2>surrogate ({html.escape(rel)})</h2>"]
            if "summary.txt" in files:
                with open(os.path.join(root, "summary.txt")) as f:
                    sec.append(f"<pre>{html.escape(f.read())}</pre>")
            sec.append(csv_table(os.path.join(root, "metrics.csv"), "metrics"))
            cmp = os.path.join(root, "compare", "compare.csv")
            if os.path.exists(cmp):
                sec.append(csv_table(cmp, "baselines: the same network on other inputs, same split"))
            curve = os.path.join(root, "compare", "learning_curve.csv")
            if os.path.exists(curve):
                sec.append(csv_table(curve, "learning curve: test error by training-set size"))
            sections.append("".join(sec))
        if "summary.json" in files and "explained_variance.csv" in files:
            sections.append(analysis_section(root, rel))
        for name in files:
            path = os.path.join(root, name)
            if name == "campaign.h5":
                sections.append(campaign_section(path, os.path.join(rel, name)))
            elif name == "metrics.csv" and os.path.basename(root) == "vae":
                sections.append(vae_loss(path, os.path.join(rel, name)))
            elif name == "vae_eval.txt":  # `mspipe vae eval`'s output (tools/mg_study.sh)
                with open(path) as f:
                    sections.append(f"<h2>VAE evaluation ({html.escape(os.path.join(rel, name))})</h2>"
                                    f"<pre>{html.escape(f.read())}</pre>")
    for root, dirs, files in sorted(os.walk(a.run)):
        dirs.sort()
        pngs += [os.path.join(root, n) for n in sorted(files) if n.endswith(".png")]
    figures = "".join(img(open(pth, "rb").read(), os.path.relpath(pth, a.run)) for pth in pngs)
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>mspipe report: {html.escape(a.run)}</title>
<style>body{{font-family:sans-serif;max-width:1200px;margin:2em auto}}table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #bbb;padding:2px 6px;font-size:90%}}figure{{display:inline-block;margin:0.5em}}
img{{max-width:560px}}figcaption{{font-size:80%;color:#555}}pre{{background:#f4f4f4;padding:0.5em}}</style></head>
<body><h1>mspipe report: {html.escape(a.run)}</h1>
{''.join(sections) or '<p>no surrogate, campaign or VAE results found</p>'}
<h2>figures</h2>{figures or '<p>none</p>'}
</body></html>
"""
    with open(out + ".tmp", "w") as f:
        f.write(page)
    os.replace(out + ".tmp", out)
    print(f"report: {out} ({len(sections)} sections, {len(pngs)} figures)")


if __name__ == "__main__":
    main()
