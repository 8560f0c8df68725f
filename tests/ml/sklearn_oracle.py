#!/usr/bin/python3
"""Faithfulness oracle: on each outlier-detection set, nta's Isolation Forest ROC-AUC (mean of 5 seeds)
must be within 0.02 of scikit-learn's IsolationForest(n_estimators=100, max_samples=256) (mean of 5
seeds). nta's scores come from `nta iforest score -o`; the AUC of each is computed here with
sklearn.metrics and must also equal the one nta prints. Exit 77 (skip) when scikit-learn or the data
are absent. --quick (used under sanitizers) runs a smaller list of sets.

Run: /usr/bin/python3 sklearn_oracle.py --nta BUILD/src/cli/nta --data ../shared/data --work DIR
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

SKIP = 77
SEEDS = (1, 2, 3, 4, 5)
TOLERANCE = 0.02
# Under sanitizers: the small sets plus one mid-sized one (the big ones take minutes there).
QUICK_SETS = ("breastw", "pima", "ionosphere", "arrhythmia", "cardio", "thyroid", "annthyroid")
# scikit-learn scores ~40k rows/s (http's 567k rows: 14 s a seed). On sets above this many rows both
# forests are fitted on every row but the AUC is taken on a fixed subset: every outlier and this many
# inliers drawn at random (numpy seed 0) -- an unbiased estimate of the full AUC. --full: every row.
SUBSET_INLIERS = 20000
# Liu, Ting and Zhou (ICDM 2008), Table 3, iForest AUC column, for the sets it has (--table only).
PAPER_AUC = {"http": "1.00", "smtp": "0.88", "shuttle": "1.00", "mammography": "0.86", "annthyroid": "0.82",
             "satellite": "0.71", "pima": "0.67", "breastw": "0.99", "arrhythmia": "0.80", "ionosphere": "0.85"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nta", required=True)
    ap.add_argument("--data", required=True, help="the shared data directory (holding outliers/)")
    ap.add_argument("--work", required=True)
    ap.add_argument("--quick", action="store_true", help="only the small sets (sanitizer builds)")
    ap.add_argument("--sets", default="", help="comma-separated set names (default: every CSV)")
    ap.add_argument("--table", action="store_true", help="print a Markdown table for docs/ml.md")
    ap.add_argument("--full", action="store_true", help="AUC on every row of every set (slow)")
    args = ap.parse_args()

    try:
        import numpy as np
        from sklearn.ensemble import IsolationForest
        from sklearn.metrics import roc_auc_score
    except ImportError as e:
        print(f"SKIP: scikit-learn or numpy not importable by {sys.executable}: {e}")
        return SKIP
    outliers = Path(args.data) / "outliers"
    files = sorted(outliers.glob("*.csv")) if outliers.is_dir() else []
    if not files:
        print(f"SKIP: no outlier data sets in {outliers}")
        return SKIP
    if not os.access(args.nta, os.X_OK):
        print(f"SKIP: nta binary not found: {args.nta}")
        return SKIP
    wanted = set(args.sets.split(",")) if args.sets else set(QUICK_SETS) if args.quick else None
    if wanted is not None:
        files = [f for f in files if f.stem in wanted]
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)

    failures = []
    rows = []
    started = time.monotonic()
    for path in files:
        name = path.stem
        data = np.loadtxt(path, delimiter=",", skiprows=1)
        x, y = data[:, :-1], data[:, -1].astype(int)
        subset = np.arange(len(y))
        if not args.full and (y == 0).sum() > SUBSET_INLIERS:
            pick = np.random.RandomState(0).choice(np.flatnonzero(y == 0), SUBSET_INLIERS, replace=False)
            subset = np.sort(np.concatenate([np.flatnonzero(y == 1), pick]))

        t0 = time.monotonic()
        nta_aucs = []
        for seed in SEEDS:
            out = work / f"{name}_{seed}.csv"
            run = subprocess.run([args.nta, "iforest", "score", "--csv", str(path), "--seed", str(seed),
                                  "-o", str(out)], capture_output=True, text=True)
            if run.returncode != 0:
                failures.append(f"{name}: nta exited {run.returncode}: {run.stderr.strip()}")
                break
            with open(out) as f:
                header = f.readline().strip().split(",")
            scores = np.loadtxt(out, delimiter=",", skiprows=1, usecols=1, ndmin=1)
            if header != ["row", "score", "label"] or len(scores) != len(y):
                failures.append(f"{name}: bad scores file {out}: header {header}, {len(scores)} rows")
                break
            auc = roc_auc_score(y, scores)
            printed = re.search(r"^ROC-AUC\s+([0-9.]+)", run.stdout, re.M)
            if not printed or abs(float(printed.group(1)) - auc) > 6e-5:
                failures.append(f"{name} seed {seed}: nta printed {printed and printed.group(1)}, "
                                f"sklearn.metrics says {auc:.6f}")
            nta_aucs.append(roc_auc_score(y[subset], scores[subset]))
            out.unlink()
        nta_time = time.monotonic() - t0
        if len(nta_aucs) != len(SEEDS):
            continue

        t0 = time.monotonic()
        sk_aucs = []
        for seed in SEEDS:
            forest = IsolationForest(n_estimators=100, max_samples=256, random_state=seed).fit(x)
            sk_aucs.append(roc_auc_score(y[subset], -forest.score_samples(x[subset])))
        sk_time = time.monotonic() - t0

        nta_mean = sum(nta_aucs) / len(nta_aucs)
        sk_mean = sum(sk_aucs) / len(sk_aucs)
        ok = abs(nta_mean - sk_mean) <= TOLERANCE
        rows.append((name, len(y), x.shape[1], nta_mean, sk_mean, len(subset)))
        print(f"{'ok  ' if ok else 'FAIL'} {name:12s} rows {len(y):7d} (AUC on {len(subset)})  nta {nta_mean:.4f} "
              f"(seeds {min(nta_aucs):.4f}..{max(nta_aucs):.4f}, {nta_time:.1f} s)  "
              f"scikit-learn {sk_mean:.4f} ({min(sk_aucs):.4f}..{max(sk_aucs):.4f}, {sk_time:.1f} s)  "
              f"diff {nta_mean - sk_mean:+.4f}")
        if not ok:
            failures.append(f"{name}: nta {nta_mean:.4f} vs scikit-learn {sk_mean:.4f}")

    if args.table:
        print("\n| set | rows | features | nta (mean of 5 seeds) | scikit-learn (mean of 5 seeds) | difference | paper (iForest) |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, n, d, a, b, k in rows:
            paper = PAPER_AUC.get(name, "not in the paper")
            note = "" if k == n else f" (AUC on {k} rows)"
            print(f"| {name} | {n} | {d} | {a:.4f} | {b:.4f} | {a - b:+.4f} | {paper} |{note}")
    print(f"{len(rows)} sets in {time.monotonic() - started:.1f} s")
    for f in failures:
        print(f"FAIL {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
