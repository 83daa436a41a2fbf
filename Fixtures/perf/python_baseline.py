"""Reference timings for Docs/Performance.md: numpy SGEMM and PyTorch CPU training/ProjNorm.

Run it back to back with `shiftcast perf …` (same machine, same minute) and compare ratios:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 Fixtures/perf/python_baseline.py

Not a dependency of shiftcast: only used to measure it.
"""
import json
import math
import statistics
import sys
import time

import numpy as np


def median_time(fn, warmups=1, reps=3):
    for _ in range(warmups):
        fn()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def gemm(n=1024):
    """Median GFLOPS of an n×n product; below n ≈ 1000 repeated within each timed run as
    `shiftcast perf gemm --size n` does (as many as take 10 ms at 200 GFLOPS)."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    flops = 2.0 * n**3
    calls = max(1, min(100000, int(0.01 * 200e9 / flops)))

    def run():
        for _ in range(calls):
            a @ b
    return flops * calls / median_time(run, warmups=2, reps=7) / 1e9


# The products of one training step of 784-512-512-10 at batch 128 (m, n, k, A stored
# transposed, B stored transposed), as `shiftcast perf gemm --shape m,n,k [--transpose-a]
# [--transpose-b]` measures them: first in the batch-major layout shiftcast trained in until
# 2026-12-02, then in the transposed layout (activations features × batch) it trains in now.
TRAINING_SHAPES = [
    (128, 512, 784, False, True),   # x·W1ᵀ (forward, layer 1)
    (128, 512, 512, False, True),   # h1·W2ᵀ
    (128, 10, 512, False, True),    # h2·W3ᵀ
    (512, 784, 128, True, False),   # dyᵀ·x (weight gradient, layer 1)
    (512, 512, 128, True, False),   # dyᵀ·h1
    (128, 512, 512, False, False),  # dy·W2 (input gradient)
    (512, 128, 784, False, True),   # W1·xᵀ (transposed layout: forward, layer 1)
    (512, 128, 512, False, False),  # W2·H1ᵀ
    (512, 784, 128, False, False),  # ∂Z1ᵀ·x (weight gradient, layer 1)
    (512, 512, 128, False, True),   # ∂Z2ᵀ·H1 (H1ᵀ stored)
    (512, 128, 512, True, False),   # W2ᵀ·∂Z2ᵀ (input gradient)
]


def gemm_shape(m, n, k, ta, tb):
    """Median GFLOPS of op(A)·op(B), repeated as many times per run as take 10 ms at 200 GFLOPS."""
    rng = np.random.default_rng(1)
    a = rng.standard_normal((k, m) if ta else (m, k), dtype=np.float32)
    b = rng.standard_normal((n, k) if tb else (k, n), dtype=np.float32)
    A, B = (a.T if ta else a), (b.T if tb else b)
    flops = 2.0 * m * n * k
    calls = max(1, min(100000, int(0.01 * 200e9 / flops)))

    def run():
        for _ in range(calls):
            A @ B
    return flops * calls / median_time(run, warmups=2, reps=7) / 1e9


def torch_setup():
    import torch
    torch.set_num_threads(2)
    return torch


def mlp(torch, inputs=784, hidden=(512, 512), classes=10):
    layers, w = [], inputs
    for h in hidden:
        layers += [torch.nn.Linear(w, h), torch.nn.ReLU()]
        w = h
    layers.append(torch.nn.Linear(w, classes))
    return torch.nn.Sequential(*layers)


def train_epoch(torch, model, x, y, opt, batch, perm):
    loss_fn = torch.nn.CrossEntropyLoss()
    for s in range(0, len(x), batch):
        idx = perm[s:s + batch]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()


def train_throughput(samples=20000, batch=128):
    torch = torch_setup()
    torch.manual_seed(0)
    x = torch.randn(samples, 784)
    y = torch.randint(0, 10, (samples,))
    model = mlp(torch)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    perm = torch.randperm(samples)
    t = median_time(lambda: train_epoch(torch, model, x, y, opt, batch, perm), warmups=1, reps=3)
    return samples / t


def fine_tune(torch, init_state, x, y, iterations=500, batch=128, lr=0.02):
    model = mlp(torch)
    model.load_state_dict(init_state)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=iterations)
    loss_fn = torch.nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(4)
    perm, pos = torch.randperm(len(x), generator=g), 0
    for _ in range(iterations):
        if pos >= len(x):
            perm, pos = torch.randperm(len(x), generator=g), 0
        idx = perm[pos:pos + batch]
        pos += batch
        opt.zero_grad(set_to_none=True)
        loss_fn(model(x[idx]), y[idx]).backward()
        opt.step()
        sched.step()
    return model


def projnorm_seconds(rows=10000):
    torch = torch_setup()
    torch.manual_seed(0)
    source = torch.randn(rows, 784)
    labels = torch.randint(0, 10, (rows,))
    target = torch.randn(rows, 784) + 0.5
    theta0 = mlp(torch).state_dict()
    evaluated = mlp(torch)

    def run():
        ref = fine_tune(torch, theta0, source, labels)
        with torch.no_grad():
            pseudo = evaluated(target).argmax(1)
        tuned = fine_tune(torch, theta0, target, pseudo)
        diff = [(a - b).pow(2).sum() for a, b in zip(ref.parameters(), tuned.parameters())]
        return math.sqrt(float(sum(diff).detach()))

    return median_time(run, warmups=1, reps=3)


if __name__ == "__main__":
    which = sys.argv[1:] or ["gemm", "train", "projnorm"]
    out = {}
    if "gemm" in which:
        out["numpy_gemm_gflops_1024"] = gemm()
    if "gemm-shapes" in which:
        out["numpy_gemm_shapes_gflops"] = {
            f"{m},{n},{k}{' --transpose-a' if ta else ''}{' --transpose-b' if tb else ''}": gemm_shape(m, n, k, ta, tb)
            for m, n, k, ta, tb in TRAINING_SHAPES}
    if "train" in which:
        out["torch_train_samples_per_second"] = train_throughput()
    if "projnorm" in which:
        out["torch_projnorm_seconds"] = projnorm_seconds()
    print(json.dumps(out, indent=2))
