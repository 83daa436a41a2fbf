#!/usr/bin/env python3
"""Writes small .npy files that the Swift NPY reader is tested against.

Every array is a closed-form function of its index, so the Swift tests can
check values without numpy:

    matrix(r, c)[i, j] = (i * c + j) / 4          (exact in float32 and float64)
    labels             = [0, 1, 2, 9, 3, 7]

Valid files: f4_2d, f8_2d, f4_2d_v2 (format 2.0), f4_2d_v3 (format 3.0),
f4_1d, f8_1d, and 1-D labels in every integer dtype (i1 i2 i4 i8 u1 u2 u4 u8).
Invalid files (each must give a clear InputError): fortran, three_d, big_endian,
complex, nan, neg_labels, and the byte-level damage done by tests themselves.

    python3 Fixtures/npy/make_npy.py           # writes the files next to this script
    python3 Fixtures/npy/make_npy.py --check F # loads F and prints dtype, shape, values
"""
import os
import sys

import numpy as np
from numpy.lib import format as npformat

HERE = os.path.dirname(os.path.abspath(__file__))
LABELS = [0, 1, 2, 9, 3, 7]


def matrix(rows, cols, dtype):
    return (np.arange(rows * cols, dtype=np.float64).reshape(rows, cols) / 4).astype(dtype)


def save(name, array, version=None):
    path = os.path.join(HERE, name + ".npy")
    if version is None:
        np.save(path, array)
    else:
        with open(path, "wb") as f:
            npformat.write_array(f, array, version=version)


def main():
    save("f4_2d", matrix(3, 4, np.float32))
    save("f8_2d", matrix(5, 2, np.float64))
    save("f4_2d_v2", matrix(3, 4, np.float32), version=(2, 0))
    save("f4_2d_v3", matrix(3, 4, np.float32), version=(3, 0))
    save("f4_1d", (np.arange(5, dtype=np.float32) / 4))
    save("f8_1d", (np.arange(5, dtype=np.float64) / 4))
    for code in ["i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"]:
        save("labels_" + code, np.array(LABELS, dtype="<" + code))
    save("fortran", np.asfortranarray(matrix(3, 4, np.float32)))
    save("three_d", np.zeros((2, 3, 4), dtype=np.float32))
    save("big_endian", matrix(3, 4, ">f4"))
    save("complex", np.zeros((2, 2), dtype=np.complex64))
    nan = matrix(3, 4, np.float32)
    nan[1, 2] = np.nan
    save("nan", nan)
    save("neg_labels", np.array([0, 1, -1, 2], dtype="<i8"))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        a = np.load(sys.argv[2])
        print(a.dtype.str, a.shape, "fortran" if np.isfortran(a) and a.ndim > 1 else "C")
        print(a)
    else:
        main()
