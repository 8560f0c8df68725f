#!/usr/bin/env python3
"""Whole-binary tests of `nta iforest fit|score`: output, determinism, the model round trip, labels,
the scores file, and one-line refusals (wrong flags, missing files, damaged CSV and models).
Run: iforest_cli_test.py --nta BUILD/src/cli/nta --work DIR"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
from pathlib import Path

SKIP = 77
failures: list[str] = []


def check(name: str, ok: bool, detail: str = "") -> None:
    if not ok:
        failures.append(name)
        print(f"FAIL {name}" + (f"\n     {detail}" if detail else ""))


def run(nta: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([nta, *args], capture_output=True, text=True, timeout=120)


def refused(name: str, p: subprocess.CompletedProcess, code: int, needle: str) -> None:
    lines = p.stderr.strip().splitlines()
    check(f"{name}: exit {code}", p.returncode == code, f"exit {p.returncode}, stderr {p.stderr!r}")
    check(f"{name}: message", bool(lines) and needle in lines[0], f"stderr {p.stderr!r}")
    # One line for the error itself (CLI11 usage errors add a 'Run nta --help' hint).
    check(f"{name}: one line", len(lines) == 1 or (len(lines) == 2 and "--help" in lines[1]), f"{p.stderr!r}")


def write_data(path: Path, rows: int, seed: int, label: str = "label") -> None:
    rng = random.Random(seed)
    with open(path, "w") as f:
        f.write(f"a,b,c,{label}\n")
        for i in range(rows):
            if i % 50 == 7:
                f.write(f"{rng.uniform(6, 9):.5f},{rng.uniform(6, 9):.5f},{rng.gauss(0, 1):.5f},1\n")
            else:
                f.write(f"{rng.gauss(0, 1):.5f},{rng.gauss(0, 1):.5f},{rng.gauss(0, 1):.5f},0\n")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nta", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    if not os.access(args.nta, os.X_OK):
        print(f"SKIP: nta binary not found: {args.nta}")
        return SKIP
    nta = args.nta
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    data = work / "data.csv"
    write_data(data, 2000, 1)
    model = work / "model.nta"

    # Fit: the label column is found by default and kept out of the features.
    p = run(nta, "iforest", "fit", "--csv", str(data), "-o", str(model), "--seed", "7", "-j", "2")
    check("fit exits 0", p.returncode == 0, p.stderr)
    check("fit names the data", "2000 rows, 3 features, label column 'label' (40 outliers)" in p.stdout, p.stdout)
    auc = re.search(r"^ROC-AUC\s+([0-9.]+)$", p.stdout, re.M)
    check("fit prints the training AUC", bool(auc) and float(auc.group(1)) > 0.95, p.stdout)
    check("model written", model.is_file() and model.read_bytes()[:8] == b"NTAMODEL")

    # Score with the model: same scores as fitting with the same seed on the same data.
    s1, s2, s3 = work / "s1.csv", work / "s2.csv", work / "s3.csv"
    p = run(nta, "iforest", "score", "--csv", str(data), "--model", str(model), "-o", str(s1))
    check("score with model exits 0", p.returncode == 0, p.stderr)
    p2 = run(nta, "iforest", "score", "--csv", str(data), "--seed", "7", "-o", str(s2), "-j", "3")
    check("score without model exits 0", p2.returncode == 0, p2.stderr)
    check("model scores == refit scores", s1.is_file() and s2.is_file() and s1.read_text() == s2.read_text())
    lines = s1.read_text().splitlines() if s1.is_file() else []
    check("scores header", lines[:1] == ["row,score,label"], str(lines[:2]))
    check("one score per row", len(lines) == 2001, str(len(lines)))
    if len(lines) > 8:
        row, score, label = lines[8].split(",")
        check("outlier row scored high", row == "8" and label == "1" and float(score) > 0.6, lines[8])
    p3 = run(nta, "iforest", "score", "--csv", str(data), "--seed", "8", "-o", str(s3))
    check("another seed, other scores", p3.returncode == 0 and s3.read_text() != s2.read_text())

    # --no-label: the label column becomes a feature; no AUC.
    p = run(nta, "iforest", "score", "--csv", str(data), "--no-label")
    check("--no-label: 4 features, no AUC", p.returncode == 0 and "4 features" in p.stdout and "ROC-AUC" not in p.stdout,
          p.stdout + p.stderr)
    other = work / "other_label.csv"
    write_data(other, 300, 2, label="is_attack")
    p = run(nta, "iforest", "score", "--csv", str(other))
    check("no 'label' column: all features", p.returncode == 0 and "4 features" in p.stdout, p.stdout + p.stderr)
    p = run(nta, "iforest", "score", "--csv", str(other), "--label", "is_attack")
    check("--label NAME", p.returncode == 0 and "label column 'is_attack'" in p.stdout and "ROC-AUC" in p.stdout,
          p.stdout + p.stderr)

    # Refusals: one line, the right exit status.
    refused("unknown label column", run(nta, "iforest", "score", "--csv", str(data), "--label", "nope"), 2,
            "no column named 'nope'")
    refused("missing csv", run(nta, "iforest", "score", "--csv", str(work / "absent.csv")), 2, "absent.csv")
    refused("no subcommand", run(nta, "iforest"), 2, "")
    refused("bad trees", run(nta, "iforest", "score", "--csv", str(data), "--trees", "0"), 2, "trees")
    refused("bad -j", run(nta, "iforest", "score", "--csv", str(data), "-j", "0"), 2, "threads")
    refused("fit without -o", run(nta, "iforest", "fit", "--csv", str(data)), 2, "--output")
    refused("model with --trees", run(nta, "iforest", "score", "--csv", str(data), "--model", str(model),
                                      "--trees", "5"), 2, "do not apply with --model")
    refused("missing model", run(nta, "iforest", "score", "--csv", str(data), "--model", str(work / "no.nta")), 1,
            "cannot open model")
    bad = work / "bad.csv"
    bad.write_text("a,b,label\n1,2,0\n3,oops,1\n")
    refused("non-numeric cell", run(nta, "iforest", "score", "--csv", str(bad)), 3,
            "line 3, column 2 ('b'): 'oops' is not a number")
    bad.write_text("a,b,label\n1,2,0\n3,1\n")
    refused("ragged row", run(nta, "iforest", "score", "--csv", str(bad)), 3, "line 3: 2 columns, the header has 3")
    bad.write_text("")
    refused("empty csv", run(nta, "iforest", "score", "--csv", str(bad)), 3, "empty")
    bad.write_text("a,b\n1,2\n")
    refused("one row", run(nta, "iforest", "score", "--csv", str(bad)), 2, "at least 2 rows")
    wrong_cols = work / "wrong_cols.csv"
    wrong_cols.write_text("a,x,c,label\n1,2,3,0\n4,5,6,1\n")
    refused("columns differ from the model", run(nta, "iforest", "score", "--csv", str(wrong_cols), "--model",
                                                 str(model)), 2, "feature column 2 is 'x'; model")
    blob = model.read_bytes()
    damaged = work / "damaged.nta"
    damaged.write_bytes(blob[:100] + bytes([blob[100] ^ 1]) + blob[101:])
    refused("flipped byte", run(nta, "iforest", "score", "--csv", str(data), "--model", str(damaged)), 3, "checksum")
    damaged.write_bytes(blob[: len(blob) // 2])
    refused("truncated model", run(nta, "iforest", "score", "--csv", str(data), "--model", str(damaged)), 3,
            "truncated")
    damaged.write_bytes(b"\x89PNG\r\n\x1a\n" + blob[8:])
    refused("not a model", run(nta, "iforest", "score", "--csv", str(data), "--model", str(damaged)), 3,
            "not an nta model file")
    damaged.write_bytes(blob[:8] + bytes([9, 0, 0, 0]) + blob[12:])
    refused("wrong version", run(nta, "iforest", "score", "--csv", str(data), "--model", str(damaged)), 3,
            "format version 9")

    total = "all checks passed" if not failures else f"{len(failures)} checks FAILED"
    print(f"iforest CLI: {total}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
