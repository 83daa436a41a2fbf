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

import numpy as np
from scipy.optimize import linprog

HERE = os.path.dirname(os.path.abspath(__file__))
COUNTS = [102, 95, 101, 102, 100]

p = np.load(os.path.join(HERE, "probabilities.npy")).astype(np.float64)
m, k = p.shape
prior = np.array(COUNTS, dtype=np.float64) / sum(COUNTS)
cost = (1 - p).ravel()
a_eq, b_eq = [], []
for i in range(m):
    row = np.zeros(m * k); row[i * k:(i + 1) * k] = 1
    a_eq.append(row); b_eq.append(1 / m)
for c in range(k):
    row = np.zeros(m * k); row[c::k] = 1
    a_eq.append(row); b_eq.append(prior[c])
res = linprog(cost, A_eq=np.array(a_eq), b_eq=np.array(b_eq), bounds=(0, None), method="highs")
assert res.status == 0, res.message
out = {"class_counts": COUNTS, "cot_accuracy": float(1 - res.fun)}
with open(os.path.join(HERE, "reference.json"), "w") as f:
    json.dump(out, f, indent=2, sort_keys=True)
print(json.dumps(out, indent=2))
