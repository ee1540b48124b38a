#!/usr/bin/python3
"""sklearn_check.py DIR: redoes with scikit-learn what analysis_sklearn_dump computed
with mspipe on the same data, and fails (exit 1) naming the first quantity that differs.
Exit 77 (skipped) when scikit-learn is not installed (Debian: python3-sklearn)."""
import pathlib
import sys

try:
    import numpy as np
    from sklearn.decomposition import PCA
except ImportError:
    print("scikit-learn not installed (python3-sklearn): skipped")
    sys.exit(77)

failures = []


def close(name, ours, theirs, tol):
    err = float(np.max(np.abs(np.asarray(ours) - np.asarray(theirs))))
    status = "ok" if err <= tol else "MISMATCH"
    print(f"{name}: max |difference| {err:.3g} (tolerance {tol:g}) {status}")
    if err > tol:
        failures.append(name)


def load(d, name):
    return np.atleast_2d(np.loadtxt(d / name, delimiter=","))


def check_pca(d):
    x = load(d, "pca_data.csv")
    comps, var, ratio, scores = (load(d, f"pca_{n}.csv") for n in ("components", "variance", "ratio", "scores"))
    ref = PCA(svd_solver="full").fit(x)
    k = comps.shape[0]
    close("PCA explained variance", var[0], ref.explained_variance_[:k], 1e-9 * ref.explained_variance_[0])
    close("PCA explained variance ratio", ratio[0], ref.explained_variance_ratio_[:k], 1e-12)
    # Axes are defined up to sign: align sklearn's to ours before comparing.
    signs = np.sign(np.sum(comps * ref.components_[:k], axis=1))
    close("PCA components (up to sign)", comps, ref.components_[:k] * signs[:, None], 1e-9)
    close("PCA scores (up to sign)", scores, ref.transform(x)[:, :k] * signs[None, :], 1e-8)


def main():
    d = pathlib.Path(sys.argv[1])
    check_pca(d)
    if failures:
        print("differs from scikit-learn: " + ", ".join(failures))
        sys.exit(1)


main()
