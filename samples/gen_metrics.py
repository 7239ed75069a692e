#!/usr/bin/env python3
"""Deterministic metric streams for the sample project (stdlib only).

  gen_metrics.py finetune LR SEED [--diverge]   3000 steps of loss/accuracy
  gen_metrics.py eval N                          a best-of-N eval, printed as
                                                 'lablog:' lines for `lablog run`
"""
import json
import math
import random
import sys


def finetune(lr, seed, diverge):
    rng = random.Random(int(seed) * 1000 + int(-math.log10(lr) * 10))
    speed = {1e-5: 0.6, 3e-5: 1.0, 1e-4: 1.25}.get(lr, 1.0)
    floor = {1e-5: 0.62, 3e-5: 0.48, 1e-4: 0.45}.get(lr, 0.5)
    t0 = 1794902400 + int(seed) * 3600  # 2026-11-17T08:00Z
    for step in range(3000):
        progress = 1 - math.exp(-speed * step / 700)
        loss = 2.3 - (2.3 - floor) * progress + rng.gauss(0, 0.04)
        acc = 0.25 + (0.81 - floor * 0.3 - 0.25) * progress + rng.gauss(0, 0.01)
        if diverge and step >= 1850:
            loss = float("nan") if step >= 1900 else loss * (1.5 ** (step - 1849))
            acc = 0.25 if step >= 1900 else acc
        line = {"step": step, "loss": round(loss, 5), "accuracy": round(acc, 5),
                "time": t0 + step * 2}
        print(json.dumps(line))


def best_of_n(n):
    rng = random.Random(n)
    win = 0.50 + 0.07 * math.log2(n) ** 0.9 if n > 1 else 0.50
    for step, k in enumerate((100, 200, 300, 400, 500)):
        noise = rng.gauss(0, 0.02) * (300 / k)
        print("lablog: win_rate=%.4f reward=%.4f n_examples=%d step=%d"
              % (min(win + noise, 0.99), 0.8 * win + noise, k, step))


if __name__ == "__main__":
    if sys.argv[1] == "finetune":
        finetune(float(sys.argv[2]), sys.argv[3], "--diverge" in sys.argv)
    else:
        best_of_n(int(sys.argv[2]))
