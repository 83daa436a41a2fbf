"""safetensors interop fixtures for shiftcast.

    python3 Fixtures/modelfile/make_fixture.py           # (re)make the PyTorch fixtures
    python3 Fixtures/modelfile/make_fixture.py --verify  # check the Swift-written file with Python

Makes `torch_sequential.safetensors`: a PyTorch nn.Sequential(Linear(4,5), ReLU(), Linear(5,3))
state dict saved with safetensors.torch.save_file (keys 0.weight, 0.bias, 2.weight, 2.bias),
`torch_tanh_f64.safetensors`: the same shape with Tanh, stored as float64 via safetensors.numpy,
and `expected.json`: their logits on a few inputs computed by PyTorch.
`--verify` loads `swift_written.safetensors` (committed; written by shiftcast's test
`SafeTensorsInteropTests.testWriteTheInteropFile` when SHIFTCAST_WRITE_FIXTURES=1) with Python's
safetensors and checks its values and metadata. Needs torch and safetensors (not dependencies
of shiftcast).
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def make():
    import torch
    from safetensors.numpy import save_file as save_numpy
    from safetensors.torch import save_file

    torch.manual_seed(0)
    relu = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
    tanh = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3))
    save_file(relu.state_dict(), os.path.join(HERE, "torch_sequential.safetensors"))
    save_numpy({k: v.detach().numpy().astype(np.float64) for k, v in tanh.state_dict().items()},
               os.path.join(HERE, "torch_tanh_f64.safetensors"))
    x = torch.tensor([[0.0, 1.0, -1.0, 2.0], [0.5, -0.5, 0.25, 0.0], [3.0, 2.0, 1.0, 0.0]])
    with torch.no_grad():
        expected = {"inputs": x.tolist(), "relu_logits": relu(x).tolist(),
                    "tanh_logits": tanh(x).tolist()}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2)


def verify():
    from safetensors import safe_open
    path = os.path.join(HERE, "swift_written.safetensors")
    with safe_open(path, framework="numpy") as f:
        meta = f.metadata()
        names = list(f.keys())
        tensors = {k: f.get_tensor(k) for k in names}
    assert meta["shiftcast.format_version"] == "1", meta
    arch = json.loads(meta["shiftcast.architecture"])
    assert arch == {"activation": "relu", "classes": 3, "hidden": [5], "inputs": 4}, arch
    assert tensors["0.weight"].shape == (5, 4) and tensors["0.weight"].dtype == np.float32
    # The Swift test writes weights w[i] = i / 10 - 1 in row-major order.
    w = tensors["0.weight"].ravel()
    assert np.allclose(w, np.arange(20, dtype=np.float32) / 10 - 1), w
    print("ok:", sorted(names), meta)


if __name__ == "__main__":
    verify() if "--verify" in sys.argv else make()
