#!/usr/bin/env bash
# nta's Isolation Forest against scikit-learn's on the same data: 1,000,000 x 20 rows (deterministic,
# 1% planted outliers, a label column; bench/iforest_data.py), 100 trees, psi = 256, seed 1.
# Runs `nta iforest score` (fit + score, -j 1 and -j 2) and scikit-learn's IsolationForest
# (n_jobs=1, fit + score_samples) and prints both AUCs, the times (CSV parsing and numpy's loading
# reported apart), the speed-up, and nta's scoring rate per core. Each side keeps its best of RUNS.
# Goals (issue 5): fit + score >= 25x faster than scikit-learn n_jobs=1; >= 1,000,000 rows/s per core.
# Usage: bench/iforest_bench.sh [NTA_BINARY] [WORKDIR] [ROWS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
nta=${1:-build/src/cli/nta}
work=${2:-bench/out}
rows=${3:-1000000}
runs=${4:-3}
py=/usr/bin/python3  # Debian's python3, which has python3-sklearn (the first python3 on PATH may not)
mkdir -p "$work"
[[ -x "$nta" ]] || { echo "iforest_bench: build nta first (cmake --preset release && cmake --build --preset release)" >&2; exit 1; }
"$py" -c "import sklearn, numpy" 2>/dev/null || { echo "iforest_bench: $py cannot import sklearn (apt install python3-sklearn)" >&2; exit 1; }

data="$work/iforest_${rows}.csv"
[[ -s "$data" ]] || "$py" bench/iforest_data.py "$data" "$rows"
echo "data: $data ($(du -hL "$data" | cut -f1)); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"

for j in 1 2; do
  for ((r = 0; r < runs; ++r)); do
    /usr/bin/time -f "process %e s wall %U s user" "$nta" iforest score --csv "$data" -j "$j" >"$work/nta_j${j}_$r.txt" 2>&1
  done
done

"$py" - "$data" "$runs" <<'PY' >"$work/sklearn.txt"
import sys, time
import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
path, runs = sys.argv[1], int(sys.argv[2])
t0 = time.perf_counter()
data = np.loadtxt(path, delimiter=",", skiprows=1)
load = time.perf_counter() - t0
x, y = data[:, :-1], data[:, -1]
best = None
for _ in range(max(1, runs - 1)):
    t0 = time.perf_counter(); c0 = time.process_time()
    forest = IsolationForest(n_estimators=100, max_samples=256, random_state=1, n_jobs=1).fit(x)
    fit = time.perf_counter() - t0
    t1 = time.perf_counter()
    scores = -forest.score_samples(x)
    score = time.perf_counter() - t1
    cpu = time.process_time() - c0
    if best is None or fit + score < best[0] + best[1]:
        best = (fit, score, cpu)
print(f"load {load:.3f} fit {best[0]:.3f} score {best[1]:.3f} cpu {best[2]:.3f} auc {roc_auc_score(y, scores):.4f}")
PY

"$py" - "$work" "$runs" "$rows" <<'PY'
import re, sys
from pathlib import Path
work, runs, rows = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])

def parse(text):
    f = lambda pat: float(re.search(pat, text, re.M).group(1))
    return dict(read=f(r"^read\s+([0-9.]+) s"), fit=f(r"^fit\s+([0-9.]+) s"), score=f(r"^score\s+([0-9.]+) s"),
                fit_cpu=f(r"^fit .*; ([0-9.]+) s CPU"),
                score_cpu=f(r"^score .*; ([0-9.]+) s CPU"), auc=f(r"^ROC-AUC\s+([0-9.]+)"),
                process=f(r"^process ([0-9.]+) s wall"))

nta = {}
for j in (1, 2):
    results = [parse((work / f"nta_j{j}_{r}.txt").read_text()) for r in range(runs)]
    nta[j] = min(results, key=lambda d: d["fit"] + d["score"])
sk = dict(zip(*[iter(Path(work / "sklearn.txt").read_text().split())] * 2))
sk = {k: float(v) for k, v in sk.items()}
sk_total = sk["fit"] + sk["score"]
print(f"\n{'':24} {'AUC':>7} {'read s':>8} {'fit s':>7} {'score s':>8} {'fit+score s':>12} {'speed-up':>9}")
print(f"{'scikit-learn n_jobs=1':24} {sk['auc']:>7.4f} {sk['load']:>8.3f} {sk['fit']:>7.3f} {sk['score']:>8.3f} {sk_total:>12.3f} {1:>8.1f}x")
for j in (1, 2):
    n = nta[j]
    total = n["fit"] + n["score"]
    print(f"{f'nta -j {j}':24} {n['auc']:>7.4f} {n['read']:>8.3f} {n['fit']:>7.3f} {n['score']:>8.3f} {total:>12.3f} "
          f"{sk_total / total:>8.1f}x")
n1, n2 = nta[1], nta[2]
print(f"\nnta scoring rate: -j 1 {rows / n1['score'] / 1e6:.2f} M rows/s wall ({rows / n1['score_cpu'] / 1e6:.2f} M rows "
      f"per CPU-second); -j 2 {rows / n2['score'] / 1e6:.2f} M rows/s wall")
print(f"scikit-learn scoring rate: {rows / sk['score'] / 1e3:.0f} k rows/s")
n1_cpu = n1["fit_cpu"] + n1["score_cpu"]
print(f"CPU time of fit + score (immune to a busy machine): scikit-learn {sk['cpu']:.2f} s, nta -j 1 {n1_cpu:.3f} s: "
      f"{sk['cpu'] / n1_cpu:.1f}x")
print(f"nta whole process -j 1 (parse + fit + score + AUC): {n1['process']:.2f} s; "
      f"with parsing, vs scikit-learn with numpy loading: {(sk['load'] + sk_total) / n1['process']:.1f}x")
print("goals: fit+score >= 25x scikit-learn n_jobs=1; >= 1.00 M rows/s scored per core")
PY
