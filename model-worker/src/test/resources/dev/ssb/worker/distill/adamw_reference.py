#!/usr/bin/env python3
"""Independent reference for AdamWTest: PyTorch's AdamW update written out in numpy float64.

The formula follows torch/optim/adamw.py (_single_tensor_adamw, no amsgrad, no maximize) and
torch.nn.utils.clip_grad_norm_ (clip_coef = max_norm / (total_norm + 1e-6), applied when < 1).
The learning-rate schedule is the one documented in dev.ssb.worker.api.LrSchedule.

Regenerate the golden file with:  python3 adamw_reference.py > adamw_reference.json
"""
import json
import math

import numpy as np


def schedule_factor(kind, s, warmup, total):
    if s < warmup:
        return (s + 1) / warmup
    if kind == "CONSTANT":
        return 1.0
    progress = min(1.0, (s - warmup) / (total - warmup))
    if kind == "LINEAR":
        return 1.0 - progress
    return 0.5 * (1.0 + math.cos(math.pi * progress))


def run(cfg, params, grads_per_step):
    params = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(x) for k, x in params.items()}
    steps = []
    for t, grads in enumerate(grads_per_step, start=1):
        grads = {k: np.array(g, dtype=np.float64) for k, g in grads.items()}
        norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))
        coef = cfg["maxGradNorm"] / (norm + 1e-6)
        if coef < 1.0:
            grads = {k: g * coef for k, g in grads.items()}
        lr = cfg["lr"] * schedule_factor(cfg["schedule"], t - 1, cfg["warmupSteps"], cfg["totalSteps"])
        b1, b2 = cfg["beta1"], cfg["beta2"]
        for k in params:
            params[k] = params[k] * (1 - lr * cfg["weightDecay"])
            m[k] = b1 * m[k] + (1 - b1) * grads[k]
            v[k] = b2 * v[k] + (1 - b2) * grads[k] * grads[k]
            step_size = lr / (1 - b1 ** t)
            denom = np.sqrt(v[k]) / math.sqrt(1 - b2 ** t) + cfg["eps"]
            params[k] = params[k] - step_size * m[k] / denom
        steps.append({
            "gradNorm": norm,
            "lr": lr,
            "params": {k: p.reshape(-1).tolist() for k, p in params.items()},
            "expAvg": {k: x.reshape(-1).tolist() for k, x in m.items()},
            "expAvgSq": {k: x.reshape(-1).tolist() for k, x in v.items()},
        })
    return steps


def scenario(name, cfg, seed, scales):
    rng = np.random.RandomState(seed)
    f32 = lambda a: a.astype(np.float32).astype(np.float64)
    params = {"a": f32(rng.randn(2, 3)), "b": f32(rng.randn(4))}
    grads = [{k: f32(s * rng.randn(*p.shape)) for k, p in params.items()} for s in scales]
    return {
        "name": name,
        "config": cfg,
        "shapes": {k: list(p.shape) for k, p in params.items()},
        "params": {k: p.reshape(-1).tolist() for k, p in params.items()},
        "grads": [{k: g.reshape(-1).tolist() for k, g in gs.items()} for gs in grads],
        "steps": run(cfg, params, grads),
    }


if __name__ == "__main__":
    print(json.dumps([
        scenario("decay_clip_cosine",
                 dict(lr=0.05, beta1=0.9, beta2=0.99, eps=1e-8, weightDecay=0.1, maxGradNorm=1.0,
                      warmupSteps=1, totalSteps=4, schedule="COSINE"),
                 seed=0, scales=[2.0, 0.1, 1.5]),
        scenario("plain_constant",
                 dict(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weightDecay=0.0,
                      maxGradNorm=float("inf"), warmupSteps=0, totalSteps=3, schedule="CONSTANT"),
                 seed=1, scales=[1.0, 1.0, 1.0]),
        scenario("linear_warmup",
                 dict(lr=0.01, beta1=0.8, beta2=0.95, eps=1e-6, weightDecay=0.01, maxGradNorm=0.5,
                      warmupSteps=2, totalSteps=4, schedule="LINEAR"),
                 seed=2, scales=[0.3, 0.05, 0.2]),
    ], indent=1, allow_nan=True))
