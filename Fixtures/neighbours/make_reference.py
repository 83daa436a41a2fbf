"""Reference values for shiftcast's nearest-neighbour agreement estimator (knn).

Writes reference.json: a small labelled source (one constant column, one column on a large
scale, values beyond 3 standard deviations), query rows, and — computed here with numpy,
independently of the Swift code — the standardised (clipped to ±3) k-nearest-neighbour votes of the queries and, leave-one-out, of the source rows,
and the knn accuracy for given model predictions.

    python3 Fixtures/neighbours/make_reference.py   # rewrites Fixtures/neighbours/reference.json
"""
import json
import os

import numpy as np

rng = np.random.default_rng(2026)
classes, n, m, d = 3, 60, 25, 5
centres = rng.normal(0, 2, size=(classes, d))
labels = rng.integers(0, classes, size=n)
source = centres[labels] + rng.normal(0, 1.0, size=(n, d))
source[:, 2] = 4.0                      # constant column: scale 1
source[:, 4] *= 100.0                   # large scale: standardisation matters
source[0, 1] += 12.0                    # an outlying value: clipped to 3 standard deviations
source = source.astype(np.float32)
query_labels = rng.integers(0, classes, size=m)
queries = (centres[query_labels] + rng.normal(0, 1.6, size=(m, d))).astype(np.float32)
queries[:, 2] = 4.0
queries[:, 4] *= 100.0
queries[:3, 0] += 15.0                  # far off in one column: clipped
# The model's predicted classes: the true label, wrong on some rows.
source_predicted = np.where(rng.random(n) < 0.8, labels, (labels + 1) % classes)
query_predicted = np.where(rng.random(m) < 0.7, query_labels, (query_labels + 2) % classes)

k = max(1, min(min(max(int(np.floor(np.sqrt(n) / 2 + 0.5)), 3), 15), n - 1))
x = source.astype(np.float64)
mean = x.mean(axis=0)
variance = np.maximum((x * x).mean(axis=0) - mean * mean, 0)
scale = np.where(variance > 1e-12, np.sqrt(variance), 1.0)


def standardise(a):
    return np.clip((a.astype(np.float64) - mean) / scale, -3.0, 3.0)


def votes(z, exclude_self):
    ref = standardise(source)
    out = []
    for i, row in enumerate(z):
        dist = np.sqrt(((ref - row) ** 2).sum(axis=1))
        order = sorted(range(n), key=lambda r: (dist[r], r))
        if exclude_self:
            order = [r for r in order if r != i]
        near = order[:k]
        counts = np.bincount(labels[near], minlength=classes)
        most = counts.max()
        vote = next(int(labels[r]) for r in near if counts[labels[r]] == most)
        out.append(vote)
    return out


loo = votes(standardise(source), True)
near = votes(standardise(queries), False)
agree = np.array([v == p for v, p in zip(loo, source_predicted)])
correct = source_predicted == labels
a1 = (correct[agree].sum() + 0.5) / (agree.sum() + 1)
a0 = (correct[~agree].sum() + 0.5) / ((~agree).sum() + 1)
g = float(np.mean([v == p for v, p in zip(near, query_predicted)]))
accuracy = a0 + (a1 - a0) * g

out = {
    "classes": classes, "k": k,
    "source": source.tolist(), "labels": labels.tolist(), "source_predicted": source_predicted.tolist(),
    "queries": queries.tolist(), "query_predicted": query_predicted.tolist(),
    "loo_votes": loo, "query_votes": near,
    "accuracy_when_agreeing": float(a1), "accuracy_when_disagreeing": float(a0), "agreement": g,
    "knn_accuracy": float(accuracy),
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.json")
with open(path + ".tmp", "w") as f:
    json.dump(out, f, indent=1)
os.replace(path + ".tmp", path)
print(f"wrote {path}: k={k}, knn accuracy {accuracy:.6f}")
