#!/usr/bin/python3
"""Writes the Isolation Forest benchmark set: ROWS x 20 features plus a 0/1 `label` column, deterministic
(numpy seed 20240219). Inliers: four correlated Gaussian clusters; outliers (1%): half uniform in a
wide box, half an inlier with three features pushed far out.
Usage: iforest_data.py OUT.csv [ROWS]"""

import sys

import numpy as np


def main() -> int:
    out = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    d = 20
    rng = np.random.RandomState(20240219)
    centers = rng.uniform(-5, 5, size=(4, d))
    mixing = [rng.normal(size=(d, d)) * 0.4 + np.eye(d) for _ in range(4)]
    cluster = rng.randint(0, 4, size=rows)
    x = rng.normal(size=(rows, d))
    for k in range(4):
        sel = cluster == k
        x[sel] = x[sel] @ mixing[k] + centers[k]
    label = np.zeros(rows, dtype=np.int64)
    out_rows = rng.choice(rows, size=rows // 100, replace=False)
    half = len(out_rows) // 2
    x[out_rows[:half]] = rng.uniform(-12, 12, size=(half, d))
    pushed = out_rows[half:]
    for r in pushed:
        cols = rng.choice(d, size=3, replace=False)
        x[r, cols] += rng.choice([-1, 1], size=3) * rng.uniform(6, 10, size=3)
    label[out_rows] = 1
    header = ",".join([f"f{i}" for i in range(d)] + ["label"])
    with open(out, "w") as f:
        f.write(header + "\n")
        block = 100_000
        for start in range(0, rows, block):
            xs = x[start:start + block]
            ls = label[start:start + block]
            lines = [",".join(f"{v:.6g}" for v in xs[i]) + f",{ls[i]}" for i in range(len(xs))]
            f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
