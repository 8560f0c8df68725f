#!/usr/bin/env python3
"""Oracle test: the per-flow shape features of `nta analyze --features` against tshark.

For a few benign captures, tshark lists every TCP packet (stream, time, endpoints, IP length); the
oracle computes per stream and per direction the packets, IP bytes, packet-length min/max/mean/std
and inter-arrival min/max/mean/std (population standard deviations), and the duration, and compares
them with nta's feature rows, matched by the two endpoints and the first packet's time. The features
are stored as log1p (docs/features.md); the oracle undoes that before comparing.

A stream is compared only when tshark has one stream and nta one row for its endpoints (so port
reuse or a timeout that splits a connection does not pair unlike things); at least 80% of the
streams must be compared. Every row must also have the documented columns and finite numbers.

Exit status: 0 all compared values match; 1 a difference; 77 tshark, nta or the captures missing.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import math
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

SKIP = 77
CAPTURES = ["http_bro_org.pcap", "tls_ipv6_reddit.pcap", "mixed_http_dns_dhcp_1kxun.pcap", "ssh_session.pcap"]
IDENTITY = ["uid", "ts", "orig_h", "orig_p", "resp_h", "resp_p", "proto"]
FEATURE_COUNT = 42


def iso_us(ns: int) -> str:
    sec, rem = divmod(ns, 1_000_000_000)
    d = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=sec)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + f".{rem // 1000:06d}Z"


def stats(values: list[float]) -> tuple[float, float, float, float]:
    """min, max, mean, population std; zeros when empty."""
    if not values:
        return 0.0, 0.0, 0.0, 0.0
    mean = sum(values) / len(values)
    var = sum((v - mean) ** 2 for v in values) / len(values)
    return min(values), max(values), mean, math.sqrt(var)


def tshark_streams(capture: Path) -> dict[int, list[tuple[int, str, int, str, int, int]]]:
    fields = ["tcp.stream", "frame.time_epoch", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport",
              "tcp.dstport", "ip.len", "ipv6.plen"]
    cmd = ["tshark", "-r", str(capture), "-n", "-Y", "tcp", "-T", "fields", "-E", "separator=\t",
           "-E", "occurrence=f"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    streams: dict[int, list] = {}
    for line in out.splitlines():
        stream, t, s4, d4, s6, d6, sp, dp, iplen, plen = (line.split("\t") + [""] * 10)[:10]
        if not stream or not sp:
            continue
        ns = int(Decimal(t) * 1_000_000_000)
        if s4:
            src, dst, length = s4, d4, int(iplen)
        else:
            src, dst, length = s6, d6, 40 + int(plen)
        streams.setdefault(int(stream), []).append((ns, src, int(sp), dst, int(dp), length))
    return streams


def expected(packets, orig: tuple[str, int]) -> dict[str, float]:
    e: dict[str, float] = {}
    times_all = [p[0] for p in packets]
    e["duration"] = (max(times_all) - min(times_all)) / 1e9
    for side in ("orig", "resp"):
        mine = [p for p in packets if ((p[1], p[2]) == orig) == (side == "orig")]
        lens = [float(p[5]) for p in mine]
        times = [p[0] for p in mine]
        gaps = [max(0, b - a) / 1e9 for a, b in zip(times, times[1:])]
        e[f"{side}_pkts"] = len(mine)
        e[f"{side}_bytes"] = sum(lens)
        for name, v in zip(("min", "max", "mean", "std"), stats(lens)):
            e[f"{side}_len_{name}"] = v
        for name, v in zip(("min", "max", "mean", "std"), stats(gaps)):
            e[f"{side}_iat_{name}"] = v
    return e


LOG1P = {"orig_pkts", "resp_pkts", "orig_bytes", "resp_bytes"}
MICROS = {"duration"} | {f"{s}_iat_{n}" for s in ("orig", "resp") for n in ("min", "max", "mean", "std")}


def natural(name: str, value: float) -> float:
    if name in LOG1P:
        return math.expm1(value)
    if name in MICROS:
        return math.expm1(value) / 1e6
    return value


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nta", required=True)
    ap.add_argument("--data", required=True, help="the shared pcaps directory")
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    if not os.access(args.nta, os.X_OK):
        print(f"SKIP: nta binary not found: {args.nta}")
        return SKIP
    if shutil.which("tshark") is None:
        print("SKIP: tshark is not installed (apt-get install tshark)")
        return SKIP
    captures = [Path(args.data) / "benign" / c for c in CAPTURES]
    captures = [c for c in captures if c.exists()]
    if not captures:
        print(f"SKIP: none of {CAPTURES} under {args.data}/benign (shared data absent)")
        return SKIP
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)

    failures: list[str] = []
    compared_total = 0
    values_total = 0
    for cap in captures:
        out = work / (cap.stem + ".features.csv")
        r = subprocess.run([args.nta, "analyze", "-r", str(cap), "--features", str(out), "--no-progress"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            failures.append(f"{cap.name}: nta exited {r.returncode}: {r.stderr.strip()}")
            continue
        with open(out, newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            rows = [dict(zip(header, row)) for row in reader]
            if header[:7] != IDENTITY or len(header) != 7 + FEATURE_COUNT:
                failures.append(f"{cap.name}: header {header[:8]}... ({len(header)} columns)")
        for row in rows:
            for name in header[7:]:
                v = float(row[name])
                if not math.isfinite(v):
                    failures.append(f"{cap.name}: {row['uid']} {name} = {row[name]}")

        by_endpoints: dict[frozenset, list[dict]] = {}
        for row in rows:
            if row["proto"] != "tcp":
                continue
            key = frozenset({(row["orig_h"], int(row["orig_p"])), (row["resp_h"], int(row["resp_p"]))})
            by_endpoints.setdefault(key, []).append(row)
        streams = tshark_streams(cap)
        stream_keys: dict[frozenset, int] = {}
        for packets in streams.values():
            first = packets[0]
            key = frozenset({(first[1], first[2]), (first[3], first[4])})
            stream_keys[key] = stream_keys.get(key, 0) + 1

        compared = 0
        for sid, packets in sorted(streams.items()):
            first = packets[0]
            key = frozenset({(first[1], first[2]), (first[3], first[4])})
            candidates = by_endpoints.get(key, [])
            if stream_keys[key] != 1 or len(candidates) != 1:
                continue
            row = candidates[0]
            if row["ts"] != iso_us(min(p[0] for p in packets)):
                failures.append(f"{cap.name} stream {sid}: nta ts {row['ts']}, tshark first packet "
                                f"{iso_us(min(p[0] for p in packets))}")
                continue
            compared += 1
            exp = expected(packets, (row["orig_h"], int(row["orig_p"])))
            for name, want in exp.items():
                got = natural(name, float(row[name]))
                tol = 1e-9 + 1e-9 * abs(want)
                values_total += 1
                if abs(got - want) > tol:
                    failures.append(f"{cap.name} stream {sid} ({row['uid']}): {name} nta {got!r}, tshark {want!r}")
        share = compared / len(streams) if streams else 1.0
        print(f"{cap.name}: {len(rows)} feature rows, {len(streams)} TCP streams, {compared} compared "
              f"({share:.0%})")
        if share < 0.8:
            failures.append(f"{cap.name}: only {compared} of {len(streams)} TCP streams could be paired")
        compared_total += compared

    for f in failures[:40]:
        print("FAIL", f)
    if len(failures) > 40:
        print(f"... and {len(failures) - 40} more")
    print(f"features oracle: {compared_total} streams, {values_total} values compared, {len(failures)} failures")
    return 1 if failures or compared_total == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
