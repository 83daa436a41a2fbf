"""Reference values for shiftcast's estimators, computed independently with numpy/scipy.

Writes, for each case, the probability arrays as .npy (float32) and labels (int64), and
`reference.json` with the expected estimates. Run from the repository root:

    python3 Fixtures/estimators/make_reference.py

The Swift tests (Tests/ShiftcastEstimatorsTests/ReferenceValueTests.swift) read these files
and must match to 1e-6. Needs numpy and scipy (not dependencies of shiftcast).
"""
import json
import os

import numpy as np
from scipy.optimize import linprog
from scipy.stats import norm

HERE = os.path.dirname(os.path.abspath(__file__))


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def argmax_first(p):
    return p.argmax(axis=1)  # numpy returns the first maximum, like shiftcast


def ac(p):
    return float(p.max(axis=1).astype(np.float64).mean())


def doc(ps, ys, pt):
    acc = float((argmax_first(ps) == ys).mean())
    return float(np.clip(acc + ac(pt) - ac(ps), 0, 1))


def scores(p, kind):
    p = p.astype(np.float64)
    if kind == "mc":
        return p.max(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(p > 0, p * np.log(p), 0.0)
    return t.sum(axis=1)


def atc(ps, ys, pt, kind):
    """ATC with shiftcast's fractional tie rule, written independently of the Swift code:
    find t and f with (#{s>t} + f #{s=t}) / N = acc; predict (#{s'>t} + f #{s'=t}) / M."""
    s, st = scores(ps, kind), scores(pt, kind)
    acc = float((argmax_first(ps) == ys).mean())
    k = acc * len(s)
    for t in np.unique(s)[::-1]:
        above = int((s > t).sum())
        tied = int((s == t).sum())
        if above + tied >= k - 1e-9 * len(s):
            f = min(max((k - above) / tied, 0.0), 1.0)
            return float(((st > t).sum() + f * (st == t).sum()) / len(st))
    raise AssertionError


def cot(ys, pt, k):
    m = len(pt)
    prior = np.bincount(ys, minlength=k) / len(ys)
    cost = 1 - pt.astype(np.float64)  # m x k
    # variables x[i, c] flattened row-major
    a_eq, b_eq = [], []
    for i in range(m):
        row = np.zeros(m * k); row[i * k:(i + 1) * k] = 1
        a_eq.append(row); b_eq.append(1 / m)
    for c in range(k):
        row = np.zeros(m * k); row[c::k] = 1
        a_eq.append(row); b_eq.append(prior[c])
    res = linprog(cost.ravel(), A_eq=np.array(a_eq), b_eq=np.array(b_eq), bounds=(0, None), method="highs")
    assert res.status == 0, res.message
    return float(1 - res.fun)


def nuclear(pt):
    m, k = pt.shape
    sv = np.linalg.svd(pt.astype(np.float64), compute_uv=False)
    return float(sv.sum() / np.sqrt(min(m, k) * m))


def im(ps, ys, pt):
    bins = 10
    def b(p):
        return np.clip((p.max(axis=1) * bins).astype(np.float32).astype(np.int64), 0, bins - 1)
    # shiftcast computes the bin as Int(Float(conf) * 10) in Float arithmetic
    bs = np.clip(np.floor(ps.max(axis=1).astype(np.float32) * np.float32(bins)).astype(np.int64), 0, bins - 1)
    bt = np.clip(np.floor(pt.max(axis=1).astype(np.float32) * np.float32(bins)).astype(np.int64), 0, bins - 1)
    cs = np.bincount(bs, minlength=bins) / len(bs)
    ct = np.bincount(bt, minlength=bins) / len(bt)
    ratio = np.where(cs > 0, ct / np.where(cs > 0, cs, 1), 0)
    w = ratio[bs]
    w = w / w.mean()
    correct = (argmax_first(ps) == ys).astype(np.float64)
    return float((w * correct).mean())


def gde(targets):
    preds = [argmax_first(p) for p in targets]
    return float(np.mean([(preds[0] == preds[j]).mean() for j in range(1, len(preds))]))


def aline(sources, ys, targets):
    n = len(sources)
    ps = [argmax_first(p) for p in sources]
    pt = [argmax_first(p) for p in targets]
    probit = lambda v: norm.ppf(np.clip(v, 1e-4, 1 - 1e-4))
    acc = np.array([probit((ps[i] == ys).mean()) for i in range(n)])
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    x = np.array([probit((ps[i] == ps[j]).mean()) for i, j in pairs])
    y = np.array([probit((pt[i] == pt[j]).mean()) for i, j in pairs])
    slope, intercept = np.polyfit(x, y, 1)
    s = float(norm.cdf(slope * acc[0] + intercept))
    a = np.zeros((len(pairs), n)); rhs = np.zeros(len(pairs))
    for r, (i, j) in enumerate(pairs):
        a[r, i] = a[r, j] = 0.5
        rhs[r] = y[r] + slope * ((acc[i] + acc[j]) / 2 - x[r])
    z = np.linalg.lstsq(a, rhs, rcond=None)[0]
    return s, float(norm.cdf(z[0]))


def make_case(name, rng, n, m, k, models=3, quantize=None, shift=1.0):
    # Logit centre of class y: a bump of 3.5 on coordinate y plus a little structure.
    centers = np.eye(k) * 3.5 + rng.normal(size=(k, k)) * 0.5
    sources, targets = [], []
    base_s = rng.normal(size=(n, k)); base_t = rng.normal(size=(m, k))
    ys = rng.integers(0, k, n); yt = rng.integers(0, k, m)
    for i in range(models):
        noise_s = rng.normal(size=(n, k)) * 0.8
        noise_t = rng.normal(size=(m, k)) * 0.8 * shift
        ls = centers[ys] + base_s * 1.2 + noise_s
        lt = centers[yt] + base_t * 1.2 * shift + noise_t
        p_s, p_t = softmax(ls).astype(np.float32), softmax(lt).astype(np.float32)
        if quantize:
            p_s = (np.round(p_s * quantize) / quantize).astype(np.float32)
            p_t = (np.round(p_t * quantize) / quantize).astype(np.float32)
            p_s = (p_s / p_s.sum(axis=1, keepdims=True)).astype(np.float32)
            p_t = (p_t / p_t.sum(axis=1, keepdims=True)).astype(np.float32)
        sources.append(p_s); targets.append(p_t)
    os.makedirs(os.path.join(HERE, name), exist_ok=True)
    for i in range(models):
        np.save(os.path.join(HERE, name, f"source{i}.npy"), sources[i])
        np.save(os.path.join(HERE, name, f"target{i}.npy"), targets[i])
    np.save(os.path.join(HERE, name, "source_labels.npy"), ys.astype(np.int64))
    # Computations use exactly the float32 values saved.
    ps, pt = sources[0].astype(np.float64), targets[0].astype(np.float64)
    ref = {
        "ac": ac(targets[0]), "doc": doc(sources[0], ys, targets[0]),
        "atc-mc": atc(sources[0], ys, targets[0], "mc"), "atc-ne": atc(sources[0], ys, targets[0], "ne"),
        "atc-mc-source": atc(sources[0], ys, sources[0], "mc"), "atc-ne-source": atc(sources[0], ys, sources[0], "ne"),
        "source_accuracy": float((argmax_first(sources[0]) == ys).mean()),
        "cot": cot(ys, targets[0], k), "nuclear": nuclear(targets[0]), "im": im(sources[0], ys, targets[0]),
        "gde": gde(targets),
    }
    if models >= 3:
        ref["aline-s"], ref["aline-d"] = aline(sources, ys, targets)
    ref["models"] = models
    return ref


def main():
    rng = np.random.default_rng(20261122)
    cases = {
        "k3_n200_m150": make_case("k3_n200_m150", rng, 200, 150, 3, models=3, shift=1.5),
        "k10_n300_m120": make_case("k10_n300_m120", rng, 300, 120, 10, models=4, shift=2.0),
        "k4_ties": make_case("k4_ties", rng, 250, 100, 4, models=3, quantize=10, shift=1.2),
        "k2_n100_m80": make_case("k2_n100_m80", rng, 100, 80, 2, models=3, shift=1.0),
    }
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump(cases, f, indent=2, sort_keys=True)
    print(json.dumps(cases, indent=1))


if __name__ == "__main__":
    main()
