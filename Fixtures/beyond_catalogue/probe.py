"""Shifts outside shiftcast's catalogue, on a PyTorch model: how the headline estimate (meta) and
every estimator read them. Docs/Benchmark.md, "Beyond the catalogue", reports its output.

    pip install numpy scikit-learn torch safetensors
    swift build -c release
    python3 Fixtures/beyond_catalogue/probe.py mc  /tmp/probe-mc     # 4 classes, 20 features
    python3 Fixtures/beyond_catalogue/probe.py mc2 /tmp/probe-mc2    # 8 classes, 32 features

Per case: scikit-learn's make_classification (seeded), standardised with the training half's
statistics; a PyTorch MLP (d-64-64-K, ReLU, Adam 2e-3, batch 64, 40 epochs) saved with its
initial weights; the test rows shifted in ways none of shiftcast's families is (per-feature gain
drift, quantisation, values missing and imputed with the mean, columns shuffled across rows, rows
mixed with other rows, one class drifting, sign flips). shiftcast predicts each target with
--save-meta on the first and --meta on the rest; the script prints meta's estimate and interval
against the truth, the coverage, and every estimator's MAE. Nothing here is used by shiftcast.
"""
import json, os, subprocess, sys
import numpy as np

CASES = {
    "mc": dict(n_samples=9000, n_features=20, n_informative=10, n_redundant=4, n_classes=4,
               n_clusters_per_class=2, class_sep=1.2, random_state=1),
    "mc2": dict(n_samples=12000, n_features=32, n_informative=16, n_redundant=8, n_classes=8,
                n_clusters_per_class=1, class_sep=1.5, flip_y=0.02, random_state=7),
}


def write(path, X, y=None):
    cols = [f"f{i}" for i in range(X.shape[1])]
    if y is None:
        np.savetxt(path, X, delimiter=",", comments="", header=",".join(cols), fmt="%.6g")
    else:
        np.savetxt(path, np.column_stack([X, y]), delimiter=",", comments="", header=",".join(cols + ["label"]), fmt="%.6g")


def make(name, out):
    import torch
    from safetensors.torch import save_file
    from sklearn.datasets import make_classification
    rng = np.random.default_rng(0)
    X, y = make_classification(**CASES[name])
    X = X.astype(np.float32)
    p = rng.permutation(len(X)); X, y = X[p], y[p]
    a, b = int(0.5 * len(X)), int(0.7 * len(X))
    X = (X - X[:a].mean(0)) / (X[:a].std(0) + 1e-6)
    (Xtr, ytr), (Xva, yva), (Xte, yte) = (X[:a], y[:a]), (X[a:b], y[a:b]), (X[b:], y[b:])
    write(f"{out}/train.csv", Xtr, ytr); write(f"{out}/validation.csv", Xva, yva)
    K, d = int(y.max()) + 1, X.shape[1]
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(d, 64), torch.nn.ReLU(), torch.nn.Linear(64, 64), torch.nn.ReLU(),
                                torch.nn.Linear(64, K))
    save_file(model.state_dict(), f"{out}/theta0.safetensors")
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    xt, yt = torch.from_numpy(Xtr), torch.from_numpy(ytr.astype(np.int64))
    for _ in range(40):
        perm = torch.randperm(len(xt))
        for i in range(0, len(xt), 64):
            idx = perm[i:i + 64]; opt.zero_grad()
            torch.nn.functional.cross_entropy(model(xt[idx]), yt[idx]).backward(); opt.step()
    save_file(model.state_dict(), f"{out}/model.safetensors")

    def accuracy(Z):
        with torch.no_grad():
            return float((model(torch.from_numpy(Z.astype(np.float32))).argmax(1).numpy() == yte).mean())

    shifts = {"clean": Xte}
    for s in [0.5, 1.0, 2.0]:      # per-feature gain drift, log-gain ~ N(0, (s/2)²)
        shifts[f"gain{s}"] = Xte * np.exp(rng.normal(0, s * 0.5, d)).astype(np.float32)
    for q in [0.5, 1.0, 2.0]:      # quantisation to steps of q standard deviations
        shifts[f"quant{q}"] = np.round(Xte / q) * q
    for f in [0.2, 0.4, 0.6]:      # values missing at random, imputed with the mean (0)
        Z = Xte.copy(); Z[rng.random(Xte.shape) < f] = 0.0; shifts[f"missing{f}"] = Z
    for k in [2, 4, 8]:            # k columns shuffled across rows (their joint structure broken)
        Z = Xte.copy(); cols = rng.choice(d, size=k, replace=False)
        Z[:, cols] = Z[rng.permutation(len(Z))][:, cols]; shifts[f"decorrelate{k}"] = Z
    for t in [0.3, 0.6]:           # each row mixed with a random other row
        shifts[f"mix{t}"] = (1 - t) * Xte + t * Xte[rng.permutation(len(Xte))]
    for c in [1, 2]:               # class 0 alone drifts along a random direction
        Z = Xte.copy(); Z[yte == 0] += c * rng.normal(0, 1, d).astype(np.float32) / np.sqrt(d) * 2
        shifts[f"classdrift{c}"] = Z
    for e in [0.05, 0.1]:          # signs of random values flipped
        Z = Xte.copy(); m = rng.random(Xte.shape) < e; Z[m] = -Z[m]; shifts[f"signflip{e}"] = Z
    truth = {}
    for k, Z in shifts.items():
        write(f"{out}/target_{k}.csv", Z.astype(np.float32)); truth[k] = accuracy(Z)
    json.dump(truth, open(f"{out}/truth.json", "w"), indent=1)
    return truth


def predict(out, target, meta_flag, binary):
    cmd = [binary, "predict", "--model", f"{out}/model.safetensors", "--init", f"{out}/theta0.safetensors",
           "--source", f"{out}/validation.csv", "--train", f"{out}/train.csv", "--target", target,
           meta_flag, f"{out}/meta.json", "--format", "json"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return {e["estimator"]: e for e in json.loads(done.stdout)["estimates"]}


def main():
    name, out = sys.argv[1], sys.argv[2]
    binary = os.environ.get("SHIFTCAST", ".build/release/shiftcast")
    os.makedirs(out, exist_ok=True)
    truth = make(name, out)
    errors, covered, gains = {}, 0, [k.startswith("gain") for k in truth]
    for i, (k, t) in enumerate(truth.items()):
        e = predict(out, f"{out}/target_{k}.csv", "--save-meta" if i == 0 else "--meta", binary)
        m = e["meta"]; low, high = m["interval_low"], m["interval_high"]
        covered += low <= t <= high
        print(f"{k:<14} true {t:.3f}  meta {m['accuracy']:.3f} [{low:.2f}, {high:.2f}]{' ' if low <= t <= high else '*'}"
              f" led by {m['settings']['method']:<18} atc-mc {e['atc-mc']['accuracy']:.2f}  aline-d {e['aline-d']['accuracy']:.2f}"
              f"  projnorm {e['projnorm']['accuracy']:.2f}")
        for est, v in e.items():
            if v.get("accuracy") is not None:
                errors.setdefault(est, []).append(abs(v["accuracy"] - t))
    print(f"coverage of meta's 90 % interval: {covered} of {len(truth)}")
    print("MAE: " + ", ".join(f"{k} {np.mean(v):.3f}" for k, v in sorted(errors.items(), key=lambda kv: np.mean(kv[1]))))
    rest = {k: [x for x, g in zip(v, gains) if not g] for k, v in errors.items()}
    print("MAE without the gain drifts: " + ", ".join(f"{k} {np.mean(v):.3f}" for k, v in sorted(rest.items(), key=lambda kv: np.mean(kv[1]))))


if __name__ == "__main__":
    main()
