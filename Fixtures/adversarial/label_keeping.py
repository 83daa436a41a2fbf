"""Do the adversarial families keep labels? A nearest-neighbour rule on the digits training rows
reads each attacked test row; the share it gives the row's own label is printed per family and
severity, with the median perturbation size. Docs/Shifts.md ("Adversarial families") quotes it.

    pip install numpy
    swift build -c release
    python3 Fixtures/adversarial/label_keeping.py [OUT_DIR]

The model: `shiftcast train --hidden 32 --epochs 20 --seed 1` on Fixtures/digits/train.csv; the
attacks: `shiftcast shift --kind K --severity S --data test.csv --reference validation.csv`.
Set SHIFTCAST to the binary (default .build/release/shiftcast). Nothing here is used by shiftcast.
"""
import os, subprocess, sys, tempfile
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DIGITS = os.path.join(HERE, "..", "digits")
BINARY = os.environ.get("SHIFTCAST", ".build/release/shiftcast")


def load(path):
    a = np.genfromtxt(path, delimiter=",", names=True)
    names = [c for c in a.dtype.names if c != "label"]
    return np.stack([a[c] for c in names], 1), a["label"].astype(int)


def run(*args):
    subprocess.run([BINARY, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="label_keeping_")
    os.makedirs(out, exist_ok=True)
    train, test, validation = (os.path.join(DIGITS, f"{n}.csv") for n in ("train", "test", "validation"))
    model = os.path.join(out, "model.safetensors")
    run("train", "--data", train, "--hidden", "32", "--epochs", "20", "--seed", "1", "--out", model)
    x_train, y_train = load(train)
    x_test, y_test = load(test)

    def kept(x, y):
        d = ((x[:, None, :] - x_train[None]) ** 2).sum(-1)
        return (y_train[d.argmin(1)] == y).mean()

    print(f"clean: nearest-neighbour label kept {kept(x_test, y_test):.3f}")
    # Distance from each test row to the nearest training row of another class: half its
    # minimum is the data's r-separation (Yang et al., NeurIPS 2020).
    step = x_test[:, None, :] - x_train[None]
    for name, gap in (("L2", np.sqrt((step ** 2).sum(-1))), ("L∞", np.abs(step).max(-1))):
        other = np.where(y_train[None] == y_test[:, None], np.inf, gap).min(1)
        q05, median = np.quantile(other, [0.05, 0.5])
        print(f"{name} distance to the nearest training row of another class: "
              f"min {other.min():.2f}, 5th percentile {q05:.2f}, median {median:.2f}")
    print("family      severity  label kept  median L2  median L∞")
    for kind in ("fgsm-linf", "pgd-linf", "pgd-l2"):
        for severity in range(1, 6):
            path = os.path.join(out, f"{kind}_{severity}.csv")
            run("shift", "--kind", kind, "--severity", str(severity), "--data", test, "--reference", validation,
                "--model", model, "--out", path)
            x, y = load(path)
            step = x - x_test
            print(f"{kind:11s} {severity:8d}  {kept(x, y):10.3f}  {np.median(np.sqrt((step ** 2).sum(1))):9.2f}"
                  f"  {np.median(np.abs(step).max(1)):9.2f}")


if __name__ == "__main__":
    main()
