#!/usr/bin/python3
"""sklearn_check.py DIR: redoes with scikit-learn what analysis_sklearn_dump computed
with mspipe on the same data, and fails (exit 1) naming the first quantity that differs.
Exit 77 (skipped) when scikit-learn is not installed (Debian: python3-sklearn)."""
import pathlib
import sys

try:
    import numpy as np
    from scipy.optimize import linear_sum_assignment
    from sklearn.cluster import SpectralClustering
    from sklearn.decomposition import PCA
    from sklearn.metrics import adjusted_rand_score
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


def matched_accuracy(truth, predicted):
    """Clustering accuracy after the best one-to-one renaming (scipy's assignment solver)."""
    t = np.unique(truth, return_inverse=True)[1]
    p = np.unique(predicted, return_inverse=True)[1]
    counts = np.zeros((t.max() + 1, p.max() + 1))
    np.add.at(counts, (t, p), 1)
    rows, cols = linear_sum_assignment(-counts)
    return counts[rows, cols].sum() / len(t)


def check_spectral(d, name):
    points = load(d, f"{name}_points.csv")
    truth = load(d, f"{name}_truth.csv")[0].astype(int)
    ours = load(d, f"{name}_labels.csv")[0].astype(int)
    gamma = float(load(d, f"{name}_gamma.csv")[0, 0])
    k = len(np.unique(truth))
    ref = SpectralClustering(n_clusters=k, affinity="rbf", gamma=gamma, random_state=0).fit_predict(points)
    close(f"{name}: ARI(mspipe, sklearn SpectralClustering)", adjusted_rand_score(ours, ref), 1.0, 1e-12)
    close(f"{name}: sklearn accuracy against the truth", matched_accuracy(truth, ref), 1.0, 1e-12)


def check_scores(d):
    truth, predicted = load(d, "scores_truth.csv").astype(int), load(d, "scores_predicted.csv").astype(int)
    ours = load(d, "scores_ours.csv")
    ari = [adjusted_rand_score(t, p) for t, p in zip(truth, predicted)]
    acc = [matched_accuracy(t, p) for t, p in zip(truth, predicted)]
    close("adjusted Rand index (10 random labelings)", ours[:, 0], ari, 1e-12)
    close("accuracy after label matching (scipy assignment)", ours[:, 1], acc, 1e-12)


def main():
    d = pathlib.Path(sys.argv[1])
    check_pca(d)
    check_spectral(d, "blobs")
    check_spectral(d, "rings")
    check_scores(d)
    if failures:
        print("differs from scikit-learn: " + ", ".join(failures))
        sys.exit(1)


main()
