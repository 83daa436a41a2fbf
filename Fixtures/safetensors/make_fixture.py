#!/usr/bin/env python3
"""Make (or verify) the safetensors interoperability fixtures for shiftcast.

    python3 make_fixture.py            # write the fixtures below into this directory
    python3 make_fixture.py --verify   # check written_by_swift.safetensors with Python's safetensors

Written by this script (committed; read by Tests/ShiftcastModelTests/SafeTensorsFixtureTests.swift):
  sequential_torch.safetensors  state dict of torch nn.Sequential(Linear(4,5), ReLU(), Linear(5,3)),
                                torch.manual_seed(0), saved by safetensors.torch.save_file
  sequential_numpy.safetensors  the same weights saved by safetensors.numpy.save_file
                                (keys in state-dict order: 0.weight, 0.bias, 2.weight, 2.bias)
  batchnorm_torch.safetensors   nn.Sequential(Linear(4,5), BatchNorm1d(5), ReLU(), Linear(5,3)) after
                                one training-mode forward pass: has the int64 buffer num_batches_tracked
  dtypes.safetensors            the same 8 values as F64, F32, F16, BF16, and 4 integers as
                                I64, I32, I16, I8, U8, plus a BOOL tensor
  expected.json                 every tensor's shape and values (as float64 numbers, exact), the
                                metadata, and logits of the sequential network on 4 inputs
                                (float32 from torch, and float64 from numpy)

Written by Swift, verified here (--verify):
  written_by_swift.safetensors  produced by SafeTensorsWriterFixtureTests.testSwiftWrittenFixtureIsCurrent
                                (run `SHIFTCAST_UPDATE_FIXTURES=1 swift test --filter SafeTensors` to
                                rewrite it); its contents are SWIFT_WRITTEN below.
"""
import argparse
import collections
import json
import os
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file as np_load_file
from safetensors.numpy import save_file as np_save_file

HERE = os.path.dirname(os.path.abspath(__file__))

# Network inputs for the logits (4 rows, 4 features).
INPUTS = [
    [0.0, 0.0, 0.0, 0.0],
    [1.0, -2.0, 0.5, 3.0],
    [-1.5, 0.25, 2.0, -0.75],
    [0.1, 0.2, 0.3, 0.4],
]

METADATA = {
    "shiftcast.format_version": "1",
    "shiftcast.architecture": '{"inputs":4,"hidden":[5],"classes":3,"activation":"relu"}',
    "shiftcast.classes": '["a","b","c"]',
}


def swift_written_expected():
    """What SafeTensorsWriterFixtureTests writes (keep in sync with that test)."""
    tensors = collections.OrderedDict()
    tensors["0.weight"] = np.array([(i - 10) / 8 for i in range(20)], dtype=np.float32).reshape(5, 4)
    tensors["0.bias"] = np.array([0.5 * i for i in range(5)], dtype=np.float32)
    tensors["2.weight"] = np.array([i / 16 - 0.25 for i in range(15)], dtype=np.float32).reshape(3, 5)
    tensors["2.bias"] = np.array([-1.0, 0.0, 1.0], dtype=np.float32)
    tensors["scalar"] = np.array(3.25, dtype=np.float32)
    tensors["empty"] = np.zeros((0,), dtype=np.float32)
    integers = {"num_batches_tracked": np.array(7, dtype=np.int64)}
    metadata = dict(METADATA)
    metadata["note"] = 'ünïcode "quoted" \\ and a\nnewline'
    return tensors, integers, metadata


def describe(array):
    return {"dtype": str(array.dtype), "shape": list(array.shape),
            "values": [float(x) for x in np.asarray(array, dtype=np.float64).reshape(-1)]}


def make():
    import torch
    from safetensors.torch import save_file as torch_save_file

    expected = collections.OrderedDict()

    # 1. nn.Sequential(Linear(4,5), ReLU(), Linear(5,3)).
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
    state = model.state_dict()
    torch_save_file(state, os.path.join(HERE, "sequential_torch.safetensors"), metadata=METADATA)
    arrays = collections.OrderedDict((k, v.detach().numpy()) for k, v in state.items())
    np_save_file(arrays, os.path.join(HERE, "sequential_numpy.safetensors"), metadata=METADATA)
    x = torch.tensor(INPUTS, dtype=torch.float32)
    with torch.no_grad():
        logits32 = model(x).numpy()
    w0, b0, w2, b2 = (arrays[k].astype(np.float64) for k in ["0.weight", "0.bias", "2.weight", "2.bias"])
    hidden = np.maximum(np.array(INPUTS) @ w0.T + b0, 0.0)
    logits64 = hidden @ w2.T + b2
    expected["sequential"] = {
        "files": ["sequential_torch.safetensors", "sequential_numpy.safetensors"],
        "layers": "Linear(4,5), ReLU(), Linear(5,3); y = x W^T + b",
        "metadata": METADATA,
        "tensors": collections.OrderedDict((k, describe(v)) for k, v in arrays.items()),
        "inputs": INPUTS,
        "logits_float32_torch": [[float(v) for v in row] for row in logits32],
        "logits_float64_numpy": logits64.tolist(),
    }

    # 2. With BatchNorm1d: an int64 buffer.
    torch.manual_seed(1)
    bn_model = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.BatchNorm1d(5), torch.nn.ReLU(),
                                   torch.nn.Linear(5, 3))
    bn_model.train()
    with torch.no_grad():
        bn_model(torch.randn(8, 4))
    bn_model.eval()
    bn_state = bn_model.state_dict()
    torch_save_file(bn_state, os.path.join(HERE, "batchnorm_torch.safetensors"))
    with torch.no_grad():
        bn_logits = bn_model(x).numpy()
    expected["batchnorm"] = {
        "files": ["batchnorm_torch.safetensors"],
        "layers": "Linear(4,5), BatchNorm1d(5) (eval mode), ReLU(), Linear(5,3)",
        "tensors": collections.OrderedDict((k, describe(v.numpy())) for k, v in bn_state.items()),
        "inputs": INPUTS,
        "logits_float32_torch": [[float(v) for v in row] for row in bn_logits],
    }

    # 3. Every dtype shiftcast reads.
    floats = [0.0, 1.0, -2.5, 1.0 / 3.0, 65504.0, 6.103515625e-05, 5.960464477539063e-08, -0.0]
    integers = [0, 1, -7, 100]
    dtype_tensors = collections.OrderedDict()
    dtype_tensors["f64"] = torch.tensor(floats, dtype=torch.float64)
    dtype_tensors["f32"] = torch.tensor(floats, dtype=torch.float32)
    dtype_tensors["f16"] = torch.tensor(floats, dtype=torch.float16)
    dtype_tensors["bf16"] = torch.tensor(floats, dtype=torch.bfloat16).reshape(2, 4)
    dtype_tensors["i64"] = torch.tensor(integers, dtype=torch.int64)
    dtype_tensors["i32"] = torch.tensor(integers, dtype=torch.int32)
    dtype_tensors["i16"] = torch.tensor(integers, dtype=torch.int16)
    dtype_tensors["i8"] = torch.tensor(integers, dtype=torch.int8)
    dtype_tensors["u8"] = torch.tensor([0, 1, 200, 255], dtype=torch.uint8)
    dtype_tensors["bool"] = torch.tensor([True, False, True], dtype=torch.bool)
    torch_save_file(dtype_tensors, os.path.join(HERE, "dtypes.safetensors"))
    expected["dtypes"] = {
        "files": ["dtypes.safetensors"],
        "tensors": collections.OrderedDict(
            (k, {"dtype": str(v.dtype), "shape": list(v.shape),
                 "values": [float(e) for e in v.to(torch.float64).reshape(-1).tolist()]})
            for k, v in dtype_tensors.items()),
    }

    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print("wrote fixtures to", HERE)


def verify():
    path = os.path.join(HERE, "written_by_swift.safetensors")
    tensors, integers, metadata = swift_written_expected()
    loaded = np_load_file(path)
    want = dict(tensors, **integers)
    assert set(loaded) == set(want), f"names: {sorted(loaded)} != {sorted(want)}"
    for name, value in want.items():
        got = loaded[name]
        assert got.dtype == value.dtype, f"{name}: dtype {got.dtype} != {value.dtype}"
        assert got.shape == value.shape, f"{name}: shape {got.shape} != {value.shape}"
        assert np.array_equal(got, value), f"{name}: values differ:\n{got}\n{value}"
    with safe_open(path, framework="np") as f:
        assert f.metadata() == metadata, f"metadata {f.metadata()} != {metadata}"
    try:
        from safetensors.torch import load_file as torch_load_file
        torch_loaded = torch_load_file(path)
        assert set(torch_loaded) == set(want)
        for name, value in want.items():
            assert np.array_equal(torch_loaded[name].numpy(), value), name
        print("torch: ok")
    except ImportError:
        print("torch not installed: checked with numpy only")
    print(f"{path}: ok ({len(want)} tensors, {len(metadata)} metadata keys)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verify", action="store_true", help="verify written_by_swift.safetensors instead")
    args = parser.parse_args()
    verify() if args.verify else make()
