"""Data for the "Memory of predict" measurement in Docs/Performance.md.

Writes, into the current directory: train/val/target .npy features (256 float32 columns,
10-class Gaussian mixture) with *_y.npy labels, target50k.npy and target100k.npy (the first
rows of target.npy) and target.csv (the first 100,000 target rows, 4 decimals, label column).
Used only to measure shiftcast; nothing in the package depends on it.

    python3 Fixtures/perf/make_memory_data.py     # ~600 MB of files
"""
import numpy as np

rng = np.random.default_rng(0)
d, k = 256, 10
means = rng.standard_normal((k, d)).astype(np.float32) * 0.35


def draw(n, noise=1.0):
    y = rng.integers(0, k, n)
    x = means[y] + noise * rng.standard_normal((n, d)).astype(np.float32)
    return x.astype(np.float32), y.astype(np.int64)


for name, n, noise in [("train", 5000, 1.0), ("val", 2000, 1.0), ("target", 200000, 1.3)]:
    x, y = draw(n, noise)
    np.save(f"{name}.npy", x)
    np.save(f"{name}_y.npy", y)
target, labels = np.load("target.npy"), np.load("target_y.npy")
np.save("target50k.npy", target[:50000])
np.save("target100k.npy", target[:100000])
with open("target.csv", "w") as f:
    f.write(",".join(f"x{i}" for i in range(d)) + ",label\n")
    for row, label in zip(target[:100000], labels[:100000]):
        f.write(",".join(f"{v:.4f}" for v in row) + f",{label}\n")
