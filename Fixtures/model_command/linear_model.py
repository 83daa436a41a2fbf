"""A model command for shiftcast's tests, in the Python standard library only (no numpy):

    python3 linear_model.py WEIGHTS.json IN.npy OUT.npy

reads float32 rows [n, d] from IN.npy, writes the logits [n, k] of the linear model
z = W x + b given in WEIGHTS.json ({"W": [[...] * d] * k, "b": [...] * k}) to OUT.npy (float32).
Used as `--model-command 'python3 Fixtures/model_command/linear_model.py W.json {in} {out}' --logits`.
"""
import ast
import json
import struct
import sys


def read_npy(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data[:6] == b"\x93NUMPY", "not an .npy file"
    major = data[6]
    if major == 1:
        length = struct.unpack("<H", data[8:10])[0]; start = 10
    else:
        length = struct.unpack("<I", data[8:12])[0]; start = 12
    header = ast.literal_eval(data[start:start + length].decode("latin1"))
    assert header["descr"] == "<f4" and not header["fortran_order"], header
    rows, cols = header["shape"]
    values = struct.unpack("<%df" % (rows * cols), data[start + length:start + length + 4 * rows * cols])
    return [list(values[i * cols:(i + 1) * cols]) for i in range(rows)]


def write_npy(path, rows):
    k = len(rows[0])
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (len(rows), k)
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1"))
        f.write(struct.pack("<%df" % (len(rows) * k), *[v for r in rows for v in r]))


def main():
    weights, source, target = sys.argv[1:4]
    with open(weights) as f:
        model = json.load(f)
    w, b = model["W"], model["b"]
    rows = read_npy(source)
    write_npy(target, [[sum(wi * xi for wi, xi in zip(wk, x)) + bk for wk, bk in zip(w, b)] for x in rows])


if __name__ == "__main__":
    main()
