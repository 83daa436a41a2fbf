"""Reference values for shiftcast's second-wave estimators, computed independently with numpy.

Estimators covered (definitions: ESTIMATORS.md, section "Second wave"): MaNo, MDE, COTT-MC,
Dispersion, GdScore and CBPE (accuracy, as NannyML 0.13 computes it). Run from the repository
root:

    python3 Fixtures/estimators/second_wave/make_reference.py

Needs numpy, scipy and scikit-learn (IsotonicRegression, StratifiedShuffleSplit, roc_auc_score),
none of which are dependencies of shiftcast. If `nannyml` (0.13.x) is importable, NannyML's own
CBPE is also run on every case, recorded as `cbpe_nannyml`, and asserted to agree with the
implementation here to 1e-6. The committed files were generated with numpy 2.4.6, scipy 1.17.1,
scikit-learn 1.9.1 and nannyml 0.13.1.

Data. Every case is a small random two-layer ReLU network: inputs X (d_in columns) ->
penultimate features H = relu(X W1 + b1) (D columns, saved as float32) -> logits
Z = H W2 + b2 (K columns, computed from the float32 H and saved as float32), so the logits
really are a linear function of the saved features. Labels are drawn from
softmax(Z / s_true): s_true = 1 makes the model calibrated, s_true > 1 overconfident, s_true < 1
underconfident. The target is fresh inputs pushed through a shift (mean shift + extra noise)
and through the same network. Probabilities are softmax of the saved float32 logits, computed
in float64; every number below is computed from the saved float32 values.

Per case, `Fixtures/estimators/second_wave/<case>/` holds source_logits [N,K],
source_features [N,D], target_logits [M,K], target_features [M,D] (float32) and source_labels,
target_labels (sanity only; no estimator reads them), target_pseudo_labels (GdScore's; the
Swift side cannot replay numpy's RNG, so it reads them) (int64). `reference.json` maps each
case to:
    mano, mano_branch ("softmax" | "taylor"), mano_phi      MaNo score, branch and its Phi
    mde = log(-MDE), mde_raw = MDE                          T = 1
    cott-mc, cott-mc_threshold, cott-mc_tie_fraction        accuracy, t, f of the tie rule
    dispersion                                              score
    gdscore, gdscore_confident_only                         norms (null when no row < 0.5)
    cbpe                    NannyML's CBPE accuracy with NannyML's calibration decisions
    cbpe_calibrated         those decisions, one 0/1 flag per class (one flag for binary)
    cbpe_uncalibrated       the same estimate with calibration off for every class
    cbpe_all_calibrated     ... and with calibration on for every class
    cbpe_ece_before / cbpe_ece_after    the pooled cross-validated ECEs behind each decision
                            (null when a short-cut decided: single class, AUROC > 0.999)
    cbpe_decision_reason    "ece" | "single class" | "auroc > 0.999"
    cbpe_decision_agreement share of 200 other splitter seeds (1000..1199) giving the same
                            decision: a Swift implementation with its own splits can only be
                            expected to reproduce a flag whose agreement is high
    cbpe_nannyml            NannyML 0.13's own result (present when nannyml was importable)
    source_accuracy, target_accuracy, N, M, K, D

Cases:
- binary_k2         K=2, overconfident (s_true = 3). CBPE's binary path (one isotonic map on
                    the positive-class probability; expected accuracy p~ for rows predicted 1,
                    1 - p~ for rows predicted 0); the calibrator is clearly applied.
- k3_calibrated     K=3, labels drawn from the model's own softmax (calibrated model).
                    NannyML's decision is then a coin flip decided by the splitter's RNG
                    (see cbpe_decision_agreement): test the flags of this case only where the
                    agreement is high; cbpe_uncalibrated / cbpe_all_calibrated are exact.
- k5_overconfident  K=5, logits x7.5 with s_true = 3: MaNo's softmax branch (Phi > 5); CBPE
                    calibrates every class.
- k10_small_logits  K=10, small logits, underconfident (s_true = 0.2): MaNo's Taylor branch;
                    almost every row is below GdScore's 0.5 confidence, so its random
                    pseudo-labels matter; CBPE calibrates every class.
- k4_ties           K=4, inputs on a coarse grid, features rounded to multiples of 1/2 and
                    W2, b2 to multiples of 1/4, so the logits lie exactly on a 1/8 grid and
                    H W2 + b2 = Z holds exactly: many duplicate rows, so COTT-MC's threshold
                    falls on a tied cost (f strictly inside (0, 1)) and target rows tie at t,
                    where the fractional rule and a plain "c > t" count differ by more than
                    0.01; isotonic fits see duplicate x values. Overconfident (s_true = 4).
The data seeds of the miscalibrated cases were chosen so that every CBPE decision agrees for
at least 95% of the other splitter seeds (asserted below); the binary and multiclass paths of
NannyML are both exercised.

Conventions fixed here (see the note at each function): argmax takes the first maximum;
COTT-MC's per-row costs are rounded to 1e-9 so LP round-off does not break exact ties;
GdScore's gradient is the closed form, checked against central finite differences.
"""
import json
import os

import numpy as np
import scipy
import scipy.sparse as sp
from scipy.optimize import linprog
from scipy.special import logsumexp
import sklearn
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedShuffleSplit

HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------------------------------------
# Basic helpers
# ---------------------------------------------------------------------------------------------

def softmax(z):
    z = np.asarray(z, dtype=np.float64)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def log_softmax(z):
    z = np.asarray(z, dtype=np.float64)
    return z - logsumexp(z, axis=1, keepdims=True)


def argmax_first(p):
    return np.asarray(p).argmax(axis=1)  # numpy returns the first maximum, like shiftcast


def sample_labels(rng, p):
    """One categorical draw per row of p (inverse CDF)."""
    u = rng.random(len(p))
    return np.minimum((np.cumsum(p, axis=1) < u[:, None]).sum(axis=1), p.shape[1] - 1)


# ---------------------------------------------------------------------------------------------
# MaNo (score)
# ---------------------------------------------------------------------------------------------

def mano(z, p_norm=4, delta=5.0):
    """MaNo on the whole set (the official code averages over batches). Returns (score, branch,
    Phi). Note: the official Taylor branch L1-normalises with torch's F.normalize, which leaves
    an all-equal row at zero; ESTIMATORS.md (followed here) makes it uniform. No case has such
    a row."""
    z = np.asarray(z, dtype=np.float64)
    m, k = z.shape
    phi = float(np.mean(-log_softmax(z).sum(axis=1) / k))
    if phi > delta:
        sigma, branch = softmax(z), "softmax"
    else:
        v = 1 + z + z ** 2 / 2
        v = v - v.min(axis=1, keepdims=True)
        s = v.sum(axis=1, keepdims=True)
        sigma = np.where(s > 0, v / np.where(s > 0, s, 1), 1.0 / k)  # zero row -> uniform
        branch = "taylor"
    score = float((np.sum(np.abs(sigma) ** p_norm) / (m * k)) ** (1 / p_norm))
    return score, branch, phi


# ---------------------------------------------------------------------------------------------
# MDE (score)
# ---------------------------------------------------------------------------------------------

def mde(z, temperature=1.0):
    """Returns (log(-MDE), MDE)."""
    z = np.asarray(z, dtype=np.float64)
    energy = -temperature * logsumexp(z / temperature, axis=1)
    raw = float(np.mean(energy - logsumexp(energy)))
    return float(np.log(-raw)), raw


# ---------------------------------------------------------------------------------------------
# COTT-MC
# ---------------------------------------------------------------------------------------------

def transport_row_costs(p, prior):
    """Solve COT's transport between the rows of p (mass 1/M each) and the classes (capacity
    prior[k]) with cost 2(1 - p[j,k]); return the per-row costs c_j = M sum_k x_jk 2(1 - p[j,k]).

    The costs are rounded to 1e-9: rows that should tie exactly (identical probability rows
    sent to the same class) otherwise differ by LP round-off, which would silently change the
    tie rule of the threshold."""
    p = np.asarray(p, dtype=np.float64)
    m, k = p.shape
    cost = 2 * (1 - p)
    rows = sp.kron(sp.identity(m), np.ones((1, k)))      # sum_k x[j,k] = 1/M
    cols = sp.kron(np.ones((1, m)), sp.identity(k))      # sum_j x[j,k] = prior[k]
    a_eq = sp.vstack([rows, cols]).tocsr()
    b_eq = np.concatenate([np.full(m, 1 / m), prior])
    res = linprog(cost.ravel(), A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    assert res.status == 0, res.message
    x = res.x.reshape(m, k)
    c = m * (x * cost).sum(axis=1)
    return np.round(c, 9), float(res.fun)


def fractional_threshold(s, target_fraction):
    """ATC's tie rule: t and f with (#{s > t} + f #{s = t}) / n = target_fraction."""
    n = len(s)
    want = target_fraction * n
    for t in np.unique(s)[::-1]:
        above = int((s > t).sum())
        tied = int((s == t).sum())
        if above + tied >= want - 1e-9 * n:
            f = min(max((want - above) / tied, 0.0), 1.0)
            return float(t), f
    raise AssertionError("unreachable")


def cott_mc(p_src, y_src, p_tgt):
    k = p_src.shape[1]
    prior = np.bincount(y_src, minlength=k) / len(y_src)
    err_src = float((argmax_first(p_src) != y_src).mean())
    c_src, _ = transport_row_costs(p_src, prior)
    t, f = fractional_threshold(c_src, err_src)
    # Sanity: on the validation set itself the rule reproduces the validation error.
    assert abs(((c_src > t).sum() + f * (c_src == t).sum()) / len(c_src) - err_src) < 1e-9
    c_tgt, _ = transport_row_costs(p_tgt, prior)
    # ESTIMATORS.md writes 1 - mean[c > t]; target rows tied at t count with the same share f
    # as on the validation set (ATC's rule), so that ties are treated alike on both sides.
    err = ((c_tgt > t).sum() + f * (c_tgt == t).sum()) / len(c_tgt)
    return float(1 - err), t, f


# ---------------------------------------------------------------------------------------------
# Dispersion (score)
# ---------------------------------------------------------------------------------------------

def dispersion(h, p):
    h = np.asarray(h, dtype=np.float64)
    yhat = argmax_first(p)
    mu = h.mean(axis=0)
    total, used = 0.0, 0
    for c in range(p.shape[1]):
        rows = h[yhat == c]
        if len(rows) == 0:
            continue
        used += 1
        total += len(rows) * float(np.sum((rows.mean(axis=0) - mu) ** 2))
    assert used >= 2, "dispersion needs at least two predicted classes"
    return float(np.log(total / (used - 1)))


# ---------------------------------------------------------------------------------------------
# GdScore (score)
# ---------------------------------------------------------------------------------------------

def gdscore_pseudo_labels(rng, p, tau=0.5):
    """argmax where max p >= tau, else a class drawn uniformly at random."""
    k = p.shape[1]
    random_classes = rng.integers(0, k, size=len(p))
    return np.where(p.max(axis=1) >= tau, argmax_first(p), random_classes).astype(np.int64)


def gdscore(h, z, yhat):
    """Frobenius norm of dL/dW for L = mean_i CE(z_i, yhat_i), z = h W + b (W: D x K).
    Closed form: dL/dW = (1/M) h^T (softmax(z) - onehot(yhat))."""
    h = np.asarray(h, dtype=np.float64)
    m, k = z.shape
    g = h.T @ (softmax(z) - np.eye(k)[yhat]) / m
    return float(np.linalg.norm(g)), g


def check_gdscore_gradient(h, z, yhat, g):
    """Central finite differences of L(W0 + E) = mean CE(z + h E, yhat) at E = 0, one entry of
    E at a time; L is then exactly the loss of the saved logits moved by the last layer."""
    h = np.asarray(h, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    m, k = z.shape
    rows = np.arange(m)

    def loss(zz):
        return float(np.mean(-log_softmax(zz)[rows, yhat]))

    eps = 1e-5
    num = np.zeros_like(g)
    for d in range(h.shape[1]):
        for c in range(k):
            e = np.zeros((h.shape[1], k)); e[d, c] = eps
            num[d, c] = (loss(z + h @ e) - loss(z - h @ e)) / (2 * eps)
    err = np.max(np.abs(num - g))
    assert err < 1e-7 * max(1.0, np.max(np.abs(g))), f"finite-difference mismatch {err}"
    return float(err)


# ---------------------------------------------------------------------------------------------
# CBPE, as NannyML 0.13 does it
# ---------------------------------------------------------------------------------------------

def ece_equal_count(y, p, n_bins=10):
    """NannyML's ECE (calibration._calculate_expected_calibration_error with
    _get_bin_index_edges): sort by p with numpy's default (unstable) argsort, cut the sorted
    vector by index into bins of width n // n_bins (edges 0, w, 2w, ..., the last edge moved to
    n, so the last bin takes the remainder), sum over bins of (bin size / n) |mean p - mean y|.
    If n <= 2 n_bins, n_bins becomes n // 2. Ties in p (isotonic outputs are piecewise flat)
    are ordered by the sort, which moves rows across bin edges: the ECE depends on it."""
    n = len(p)
    if n <= 2 * n_bins:
        n_bins = n // 2
    width = n // n_bins
    edges = np.arange(0, n + 1, width)
    edges[-1] = n
    order = np.asarray(p).argsort()
    p, y = np.asarray(p)[order], np.asarray(y)[order]
    return float(sum((r - l) / n * abs(p[l:r].mean() - y[l:r].mean()) for l, r in zip(edges[:-1], edges[1:])))


def isotonic():
    return IsotonicRegression(out_of_bounds="clip", increasing=True)


def calibration_decision(y, p, random_state=42, n_splits=10, test_size=0.1, n_bins=10):
    """NannyML's `needs_calibration`. Returns (decision, ece_before, ece_after, reason)."""
    y = np.asarray(y); p = np.asarray(p, dtype=np.float64)
    if len(np.unique(y)) == 1:
        return False, None, None, "single class"
    if roc_auc_score(y, p) > 0.999:
        return False, None, None, "auroc > 0.999"
    sss = StratifiedShuffleSplit(n_splits=n_splits, test_size=test_size, random_state=random_state)
    ys, ps, cs = [], [], []
    for train, test in sss.split(p, y):
        cal = isotonic().fit(p[train], y[train])
        ys.append(y[test]); ps.append(p[test]); cs.append(cal.predict(p[test]))
    ys, ps, cs = map(np.concatenate, (ys, ps, cs))
    before, after = ece_equal_count(ys, ps, n_bins), ece_equal_count(ys, cs, n_bins)
    return bool(before > after), before, after, "ece"


def decision_agreement(y, p, decision, seeds=range(1000, 1200)):
    """Share of other splitter seeds giving the same decision (robustness for the Swift side)."""
    return float(np.mean([calibration_decision(y, p, random_state=s)[0] == decision for s in seeds]))


def cbpe(p_src, y_src, p_tgt):
    """Returns a dict with the estimate, the per-class decisions and their margins."""
    k = p_src.shape[1]
    yhat_tgt = argmax_first(p_tgt)
    if k == 2:
        # Binary path: one calibrator on the positive-class probability; y_pred = argmax.
        y1 = (y_src == 1).astype(np.int64)
        dec, before, after, why = calibration_decision(y1, p_src[:, 1])
        pos = p_tgt[:, 1]
        pos_iso = isotonic().fit(p_src[:, 1], y1).predict(pos)
        expected = lambda q: float(np.mean(np.where(yhat_tgt == 1, q, 1 - q)))  # noqa: E731
        estimate = expected(pos_iso if dec else pos)
        uncal, all_cal = expected(pos), expected(pos_iso)
        decisions, befores, afters, whys = [dec], [before], [after], [why]
        agreement = [decision_agreement(y1, p_src[:, 1], dec)]
    else:
        # Multiclass: one-vs-rest, one decision per class; the rows are renormalised over all
        # classes (calibrated or not); y_pred stays the argmax of the raw probabilities.
        iso = np.zeros_like(p_tgt)
        decisions, befores, afters, whys, agreement = [], [], [], [], []
        for c in range(k):
            yc = (y_src == c).astype(np.int64)
            dec, before, after, why = calibration_decision(yc, p_src[:, c])
            iso[:, c] = isotonic().fit(p_src[:, c], yc).predict(p_tgt[:, c])
            decisions.append(dec); befores.append(before); afters.append(after); whys.append(why)
            agreement.append(decision_agreement(yc, p_src[:, c], dec))

        def expected(flags):
            q = np.where(np.asarray(flags, dtype=bool)[None, :], iso, p_tgt)
            s = q.sum(axis=1, keepdims=True)
            q = np.divide(q, s, out=np.full_like(q, 1 / k), where=s != 0)
            return float(np.mean(q[np.arange(len(q)), yhat_tgt]))

        estimate, uncal, all_cal = expected(decisions), expected([False] * k), expected([True] * k)
    return {
        "cbpe": estimate,
        "cbpe_uncalibrated": uncal,
        "cbpe_all_calibrated": all_cal,
        "cbpe_calibrated": [int(d) for d in decisions],
        "cbpe_ece_before": befores,
        "cbpe_ece_after": afters,
        "cbpe_decision_reason": whys,
        "cbpe_decision_agreement": agreement,
    }


def cbpe_nannyml(p_src, y_src, p_tgt, y_tgt):
    """NannyML's own CBPE (accuracy, one chunk = the whole target), or None if not installed."""
    os.environ.setdefault("NML_DISABLE_USAGE_LOGGING", "1")  # no telemetry
    try:
        import logging
        import warnings
        import pandas as pd
        import nannyml as nml
    except Exception:  # noqa: BLE001 - nannyml is optional
        return None
    logging.getLogger("nannyml").setLevel(logging.ERROR)
    k = p_src.shape[1]

    def frame(p, y):
        d = {f"p{c}": p[:, c] for c in range(k)}
        d["y_pred"] = argmax_first(p)
        d["y_true"] = y
        return pd.DataFrame(d)

    if k == 2:
        kw = dict(problem_type="classification_binary", y_pred_proba="p1")
    else:
        kw = dict(problem_type="classification_multiclass", y_pred_proba={c: f"p{c}" for c in range(k)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = nml.CBPE(y_pred="y_pred", y_true="y_true", metrics=["accuracy"], chunk_number=1, **kw)
        est.fit(frame(p_src, y_src))
        res = est.estimate(frame(p_tgt, y_tgt)).filter(period="analysis").to_df()
    value = res[("accuracy", "value")]
    assert len(value) == 1
    if k == 2:
        flags = [int(est.needs_calibration)]
    else:
        flags = [int(type(est._calibrators[c]).__name__ != "NoopCalibrator") for c in range(k)]
    return float(value.iloc[0]), flags


# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------

class Net:
    """Random two-layer ReLU network; `scale` multiplies the last layer."""

    def __init__(self, rng, d_in, d, k, scale, grid=None):
        self.w1 = rng.normal(size=(d_in, d)) * np.sqrt(2 / d_in)
        self.b1 = rng.normal(size=d) * 0.5
        self.w2 = rng.normal(size=(d, k)) * np.sqrt(1 / d) * scale
        self.b2 = rng.normal(size=k) * 0.3 * scale
        self.grid = grid
        if grid:  # last layer on a 1/4 grid, features on a 1/2 grid -> logits on a 1/8 grid
            self.w2 = np.round(self.w2 * 4) / 4
            self.b2 = np.round(self.b2 * 4) / 4

    def __call__(self, x):
        h = np.maximum(x @ self.w1 + self.b1, 0)
        if self.grid:
            h = np.round(h * 2) / 2
        h = h.astype(np.float32)
        z = (h.astype(np.float64) @ self.w2 + self.b2).astype(np.float32)
        return h, z


def generate(seed, *, n, m, k, d, d_in, scale, s_true, shift, noise, grid=None):
    """Source and target arrays of one case, as they are saved (float32 / int64)."""
    rng = np.random.default_rng(seed)
    net = Net(rng, d_in, d, k, scale, grid)

    def inputs(count, shifted):
        x = rng.normal(size=(count, d_in))
        if shifted:
            x = x * (1 + noise) + shift * rng.normal(size=d_in) / np.sqrt(d_in)
        if grid:
            x = np.round(x / grid) * grid
        return x

    h_src, z_src = net(inputs(n, False))
    h_tgt, z_tgt = net(inputs(m, True))
    y_src = sample_labels(rng, softmax(z_src.astype(np.float64) / s_true)).astype(np.int64)
    y_tgt = sample_labels(rng, softmax(z_tgt.astype(np.float64) / s_true)).astype(np.int64)
    pseudo = gdscore_pseudo_labels(rng, softmax(z_tgt))
    return net, {
        "source_logits": z_src, "source_labels": y_src, "source_features": h_src,
        "target_logits": z_tgt, "target_features": h_tgt, "target_labels": y_tgt,
        "target_pseudo_labels": pseudo,
    }


def make_case(name, seed, robust_cbpe=True, **params):
    net, arrays = generate(seed, **params)
    folder = os.path.join(HERE, name)
    os.makedirs(folder, exist_ok=True)
    for fname, arr in arrays.items():
        np.save(os.path.join(folder, fname + ".npy"), arr)
    # Reload: the computations below see exactly the files.
    a = {f: np.load(os.path.join(folder, f + ".npy")) for f in arrays}
    for f in arrays:
        assert a[f].dtype == (np.int64 if f.endswith("labels") else np.float32), f
    z_src, y_src, h_src = a["source_logits"], a["source_labels"], a["source_features"]
    z_tgt, h_tgt, pseudo, y_tgt = a["target_logits"], a["target_features"], a["target_pseudo_labels"], a["target_labels"]
    p_src, p_tgt = softmax(z_src), softmax(z_tgt)  # float64 softmax of the float32 logits
    (n, k), (m, d) = z_src.shape, h_tgt.shape

    mano_s, branch, phi = mano(z_tgt)
    mde_s, mde_raw = mde(z_tgt)
    cott, t, f = cott_mc(p_src, y_src, p_tgt)
    gd, g = gdscore(h_tgt, z_tgt, pseudo)
    fd_err = check_gdscore_gradient(h_tgt, z_tgt, pseudo, g)
    confident = p_tgt.max(axis=1) >= 0.5
    gd_conf = None
    if not confident.all() and confident.any():
        gd_conf = gdscore(h_tgt[confident], z_tgt[confident], pseudo[confident])[0]
    cb = cbpe(p_src, y_src, p_tgt)

    ref = {
        "mano": mano_s, "mano_branch": branch, "mano_phi": phi,
        "mde": mde_s, "mde_raw": mde_raw,
        "cott-mc": cott, "cott-mc_threshold": t, "cott-mc_tie_fraction": f,
        "dispersion": dispersion(h_tgt, p_tgt),
        "gdscore": gd, "gdscore_confident_only": gd_conf,
        "source_accuracy": float((argmax_first(p_src) == y_src).mean()),
        "target_accuracy": float((argmax_first(p_tgt) == y_tgt).mean()),
        "N": int(n), "M": int(m), "K": int(k), "D": int(d),
        **cb,
    }
    nml_res = cbpe_nannyml(p_src, y_src, p_tgt, y_tgt)
    if nml_res is not None:
        ref["cbpe_nannyml"], nml_flags = nml_res
        assert nml_flags == cb["cbpe_calibrated"], (name, nml_flags, cb["cbpe_calibrated"])
        assert abs(ref["cbpe_nannyml"] - cb["cbpe"]) < 1e-6, (name, ref["cbpe_nannyml"], cb["cbpe"])

    if robust_cbpe:  # the Swift side uses its own splits: the decisions must not hinge on them
        assert min(cb["cbpe_decision_agreement"]) >= 0.95, (name, cb["cbpe_decision_agreement"])

    # Diagnostics (printed only).
    net_err = float(np.max(np.abs(h_tgt.astype(np.float64) @ net.w2 + net.b2 - z_tgt)))
    distinct = len(np.unique(z_tgt, axis=0))
    print(f"{name}: acc src {ref['source_accuracy']:.3f} tgt {ref['target_accuracy']:.3f}"
          f"  Phi {phi:.3f} ({branch})  COTT-MC t={t:.6f} f={f:.4f}"
          f"  low-confidence target rows {int((~confident).sum())}  distinct target rows {distinct}/{m}"
          f"  max|HW+b-Z| {net_err:.1e}  gradient check {fd_err:.1e}")
    for c, flag in enumerate(cb["cbpe_calibrated"]):
        b, a_, why, agr = (cb[key][c] for key in ("cbpe_ece_before", "cbpe_ece_after",
                                                   "cbpe_decision_reason", "cbpe_decision_agreement"))
        margin = "" if b is None else f"ECE before {b:.4f} after {a_:.4f} diff {b - a_:+.4f}"
        print(f"    CBPE flag[{c}]={flag} ({why}) {margin}  same decision for {agr:.0%} of other split seeds")
    return ref


# name -> data seed and generator parameters (a seed per case, so that one case can be changed
# without disturbing the others).
CASES = {
    "binary_k2": dict(seed=1, n=300, m=250, k=2, d=16, d_in=6, scale=3.0, s_true=3.0,
                      shift=1.0, noise=0.3),
    "k3_calibrated": dict(seed=2, n=400, m=300, k=3, d=12, d_in=5, scale=2.0, s_true=1.0,
                          shift=1.0, noise=0.2, robust_cbpe=False),
    "k5_overconfident": dict(seed=7, n=500, m=400, k=5, d=24, d_in=8, scale=3.0 * 2.5, s_true=3.0,
                             shift=1.0, noise=0.3),
    "k10_small_logits": dict(seed=5, n=300, m=200, k=10, d=32, d_in=8, scale=0.5, s_true=0.2,
                             shift=1.5, noise=0.5),
    "k4_ties": dict(seed=20, n=300, m=200, k=4, d=8, d_in=2, scale=6.0, s_true=4.0,
                    shift=1.0, noise=0.2, grid=0.5),
}


def main():
    print(f"numpy {np.__version__}, scipy {scipy.__version__}, scikit-learn {sklearn.__version__}")
    cases = {name: make_case(name, **params) for name, params in CASES.items()}
    assert {c["mano_branch"] for c in cases.values()} == {"softmax", "taylor"}
    with open(os.path.join(HERE, "reference.json"), "w") as fh:
        json.dump(cases, fh, indent=2, sort_keys=True)
        fh.write("\n")
    print(json.dumps(cases, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
