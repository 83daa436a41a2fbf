"""Writes the committed libFuzzer seed corpus: Fixtures/fuzz/corpus/{csv,npy}/.

Run from anywhere: python3 Fixtures/fuzz/make_corpus.py
Seeds are small valid files plus edge cases (CRLF, BOM, quoted headers, integral
labels, headers only, truncated data, unsupported layouts). Inputs that once made
a harness fail are added by hand as `regression-*` and are not touched here.
"""
import io
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

CSV_SEEDS = {
    "valid.csv": b"a,b,label\n1,2.5,0\n-3e2,0.125,2\n",
    "crlf.csv": b"a,b,label\r\n1,2,1\r\n3,4,0\r\n",
    "quoted-header.csv": b'"x 1","he said ""hi""",label\n1,2,0\n',
    "bom.csv": b"\xef\xbb\xbfa,label\n0.5,1\n",
    "no-label.csv": b"f0,f1,f2\n1,2,3\n4,5,6\n",
    "label-first.csv": b"label,a\n2,1.5\n0,-1.5\n",
    "blank-lines.csv": b"\n  \na , b ,label\n\n 1 , 2 , 0 \n\t\n3,4,1\n\n",
    "quoted-fields.csv": b'a,b,label\n"1.5", "2" ,"1"\n',
    "integral-labels.csv": b"a,label\n1,3.0\n2,7e0\n3,+2\n",
    "number-edges.csv": b"a,b,c,d,e,f,g\n1e-45,3.4028235e38,-0,0x1p3,.5,5.,+1\n"
                        b"0.1234567890123456789012345,12345678901234567890,1e-50,1E+10,-.0,00001,9e-8\n",
    "header-only.csv": b"a,b,label\n",
    "non-finite.csv": b"a,label\nnan,0\ninf,1\n1e39,0\n",
    "ragged.csv": b"a,b,label\n1,2\n1,2,3,4\n",
    "bad-values.csv": b"a,label\nabc,0\n1,-1\n1,2.5\n,0\n",
    "utf8-names.csv": "\u00e9t\u00e9,\u6e29\u5ea6,label\n1,2,0\n".encode("utf-8"),
}


def npy(array, version=None):
    buffer = io.BytesIO()
    if version is None:
        np.save(buffer, array)
    else:
        np.lib.format.write_array(buffer, array, version=version)
    return buffer.getvalue()


def raw_npy(header, data=b"", major=1):
    """A .npy file with a hand-written header dict (padded like numpy does)."""
    text = header.encode("utf-8")
    start = 10 if major == 1 else 12
    padding = (64 - (start + len(text) + 1) % 64) % 64
    text += b" " * padding + b"\n"
    length = struct.pack("<H", len(text)) if major == 1 else struct.pack("<I", len(text))
    return b"\x93NUMPY" + bytes([major, 0]) + length + text + data


matrix = (np.arange(12, dtype=np.float32) / 4).reshape(3, 4)
NPY_SEEDS = {
    "f4-2d.npy": npy(matrix),
    "f8-2d.npy": npy(matrix.astype(np.float64)[:2]),
    "f4-2d-v2.npy": npy(matrix, version=(2, 0)),
    "f4-2d-v3.npy": npy(matrix, version=(3, 0)),
    "f4-1d.npy": npy(np.array([0, 0.25, -1.5], dtype=np.float32)),
    "i8-labels.npy": npy(np.array([0, 1, 2, 9], dtype=np.int64)),
    "u1-labels.npy": npy(np.array([3, 0, 255], dtype=np.uint8)),
    "i2-labels.npy": npy(np.array([1, -1], dtype=np.int16)),
    "u8-labels.npy": npy(np.array([1, 2**63 + 5], dtype=np.uint64)),
    "fortran.npy": npy(np.asfortranarray(matrix)),
    "big-endian.npy": npy(matrix.astype(">f4")),
    "scalar-0d.npy": npy(np.float32(1.5)),
    "empty-rows.npy": npy(np.zeros((0, 3), dtype=np.float32)),
    "truncated.npy": npy(matrix)[:-5],
    "nan.npy": npy(np.array([[1, np.nan]], dtype=np.float32)),
    "py2-long-shape.npy": raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1L, 2L), }",
                                  struct.pack("<2f", 1, 2)),
    "structured.npy": npy(np.zeros(2, dtype=[("a", "<f4"), ("b", "<i4")])),
}


def write(folder, seeds):
    os.makedirs(folder, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)


write(os.path.join(HERE, "corpus", "csv"), CSV_SEEDS)
write(os.path.join(HERE, "corpus", "npy"), NPY_SEEDS)
