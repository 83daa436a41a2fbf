"""COT's optimal transport cost on a target that once made shiftcast's transportation solver
find a cycle in its shortest paths (fixed by cancelling the cycle).

`probabilities.npy` (float32, 500 x 5) was captured from shiftcast itself: the model's
probabilities on one meta-set of the headline estimate (`bench --quick --seed 3`, a bootstrap
resample: 243 distinct rows, most of them confident to within 1e-7). The class counts below
are the source label counts of that run. This script solves the same K x M transportation
problem with scipy's linprog (HiGHS) and writes `reference.json`:

    python3 Fixtures/estimators/transport_ties/make_reference.py
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
# COT's linear program is the one of the estimators' reference script (scipy's linprog, HiGHS).
sys.path.insert(0, os.path.dirname(HERE))
from make_reference import cot  # noqa: E402

COUNTS = [102, 95, 101, 102, 100]

p = np.load(os.path.join(HERE, "probabilities.npy")).astype(np.float64)
m, k = p.shape
# Source labels with these class counts: cot() takes the prior from them.
labels = np.repeat(np.arange(k), COUNTS)
out = {"class_counts": COUNTS, "cot_accuracy": cot(labels, p, k)}
with open(os.path.join(HERE, "reference.json"), "w") as f:
    json.dump(out, f, indent=2, sort_keys=True)
print(json.dumps(out, indent=2))
