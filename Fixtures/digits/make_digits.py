#!/usr/bin/env python3
"""Writes the digits fixture: train.csv, validation.csv, test.csv (60/20/20).

Source: scikit-learn's bundled copy of the UCI "Optical Recognition of Handwritten
Digits" test set (`sklearn.datasets.load_digits`: 1,797 images of 8x8 pixels,
values 0..16, 10 classes). Pixels are scaled to [0, 1] by dividing by 16 and
written as columns p0..p63 (row-major: p{8*row + col}) followed by `label`.

The split is stratified by label with a fixed seed, so re-running this script
reproduces the committed files byte for byte:

    python3 Fixtures/digits/make_digits.py
"""
import os

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 20240601
HERE = os.path.dirname(os.path.abspath(__file__))


def write_csv(path, features, labels):
    header = ",".join([f"p{i}" for i in range(features.shape[1])] + ["label"])
    with open(path, "w", newline="\n") as f:
        f.write(header + "\n")
        for row, label in zip(features, labels):
            # pixel/16 has at most 4 decimals (k/16); repr keeps it exact and short
            cells = [repr(float(v)) if v not in (0.0, 1.0) else ("0" if v == 0 else "1") for v in row]
            f.write(",".join(cells) + f",{int(label)}\n")


def main():
    digits = load_digits()
    x = digits.data.astype(np.float64) / 16.0
    y = digits.target.astype(np.int64)
    x_train, x_rest, y_train, y_rest = train_test_split(
        x, y, test_size=0.4, stratify=y, random_state=SEED)
    x_val, x_test, y_val, y_test = train_test_split(
        x_rest, y_rest, test_size=0.5, stratify=y_rest, random_state=SEED)
    for name, xs, ys in [("train", x_train, y_train), ("validation", x_val, y_val), ("test", x_test, y_test)]:
        write_csv(os.path.join(HERE, f"{name}.csv"), xs, ys)
        print(f"{name}: {len(ys)} rows, class counts {np.bincount(ys, minlength=10).tolist()}")


if __name__ == "__main__":
    main()
