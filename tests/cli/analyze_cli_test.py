#!/usr/bin/env python3
"""nta analyze --flows as a whole binary: determinism, the JSON lines against the CSV, the flow
table cap, several -r files against one merged file, damaged and missing inputs, an unwritable
output (docs/formats.md "Flow records", docs/flows.md).

Asserted:
- the same input twice gives byte-identical --flows CSV and JSON lines (the flow table's hash seed
  is random per process and must not show), on synth captures, every shared capture, and 100
  fragmented datagrams outstanding at once (three runs);
- every JSON line parses, has only the CSV's columns, and carries the CSV row's values (an empty
  CSV field is an absent key, or an empty string for text fields);
- --max-flows 100 on a capture with more concurrent flows: the summary's Flows block reports
  'evicted (table full) N' with N > 0, N records say flow_end=evicted, the packets in the flows
  plus the packets outside flows equal the packets read, and every conversation's packet and byte
  totals equal the uncapped run's (eviction splits flows, it loses nothing);
- -r A -r B gives the same flows, byte for byte, as -r on the two merged by time (mergecap, or
  the test's own merge when mergecap is missing), and as -r B -r A;
- a capture cut in the middle of a record: exit 3, one error line, and the flows written are those
  of the complete records before the cut, byte for byte (CSV and JSON lines);
- a missing input: exit 1 and no output file; --flows into a missing directory: exit 1.
"""

from __future__ import annotations

import collections
import csv
import io
import json
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep the source tree clean

from nta_testlib import Checks, common_args, make_capture, parse_pcap, run, write_pcap

args = common_args(__doc__)
NTA = args.nta
WORK = Path(args.work)
DATA = Path(args.data) if args.data else None
C = Checks("analyze_cli_test")

FLOW_HEADER = ("ts,uid,id.orig_h,id.orig_p,id.resp_h,id.resp_p,proto,service,duration,orig_bytes,"
               "resp_bytes,conn_state,history,orig_pkts,orig_ip_bytes,resp_pkts,resp_ip_bytes,community_id,"
               "vlan,flow_end,service_source,dns_query")
NUMERIC = {"id.orig_p", "id.resp_p", "orig_bytes", "resp_bytes", "orig_pkts", "orig_ip_bytes", "resp_pkts",
           "resp_ip_bytes", "vlan", "dns_qtype", "dns_rcode", "dns_answers", "http_status"}
DECIMAL = {"duration"}
EVICTED = re.compile(r"evicted \(table full\) ([\d,]+)")
OUTSIDE = re.compile(r"packets outside flows \(not IP\) ([\d,]+)")
PACKETS = re.compile(r"^Packets:\s+([\d,]+)", re.M)


def analyze(inputs: list[Path], out: Path, extra: list[str] | None = None, timeout: float = 120):
    if out.exists():
        out.unlink()
    cmd = [NTA, "analyze"]
    for i in inputs:
        cmd += ["-r", str(i)]
    cmd += ["--flows", str(out), "--no-progress"] + (extra or [])
    return run(cmd, timeout=timeout)


def no_crash(r, where: str) -> bool:
    return C.check(f"{where}: no crash", not r.crashed, f"exit {r.rc}, stderr: {r.stderr[-400:]!r}")


def csv_rows(path: Path) -> tuple[list[str], list[dict]]:
    text = path.read_text()
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def counter(text: str, rx: re.Pattern) -> int | None:
    m = rx.search(text)
    return int(m.group(1).replace(",", "")) if m else None


def conversations(rows: list[dict]) -> dict[tuple, list[int]]:
    """Final records summed per (vlan, proto, endpoints without direction); interim records are
    cumulative snapshots and skipped (docs/flows.md)."""
    out: dict[tuple, list[int]] = collections.defaultdict(lambda: [0, 0, 0, 0])
    for r in rows:
        if r["flow_end"] == "interim":
            continue
        a = (r["id.orig_h"], r["id.orig_p"])
        b = (r["id.resp_h"], r["id.resp_p"])
        flip = b < a
        c = out[(r["vlan"], r["proto"]) + ((b, a) if flip else (a, b))]
        pk = [int(r["orig_pkts"]), int(r["resp_pkts"]), int(r["orig_ip_bytes"]), int(r["resp_ip_bytes"])]
        if flip:
            pk = [pk[1], pk[0], pk[3], pk[2]]
        for i in range(4):
            c[i] += pk[i]
    return out


def first_difference(a: bytes, b: bytes) -> str:
    la, lb = a.decode(errors="replace").splitlines(), b.decode(errors="replace").splitlines()
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return f"line {i + 1}:\n       {x[:200]}\n       {y[:200]}"
    return f"{len(la)} lines vs {len(lb)} lines"


# ---------------------------------------------------------------------------------------------------
# 1. Determinism, CSV and JSON lines
# ---------------------------------------------------------------------------------------------------
def json_matches_csv(where: str, header: list[str], rows: list[dict], jsonl: Path) -> None:
    lines = jsonl.read_text().splitlines()
    C.check(f"{where}: one JSON line per CSV row", len(lines) == len(rows), f"{len(lines)} lines, {len(rows)} rows")
    bad: list[str] = []
    for n, (line, row) in enumerate(zip(lines, rows), 1):
        try:
            obj = json.loads(line)
        except ValueError as exc:
            bad.append(f"line {n}: not JSON ({exc}): {line[:200]}")
            continue
        if not isinstance(obj, dict):
            bad.append(f"line {n}: not an object")
            continue
        extra = set(obj) - set(header)
        if extra:
            bad.append(f"line {n}: keys not in the CSV header: {sorted(extra)}")
        for col in header:
            cv = row[col]
            if col not in obj:
                if cv != "":
                    bad.append(f"line {n}: {col} absent in JSON, CSV has {cv!r}")
                continue
            jv = obj[col]
            if cv == "":
                if jv != "":
                    bad.append(f"line {n}: {col} is {jv!r} in JSON, empty in the CSV")
                continue
            if col in NUMERIC:
                ok = isinstance(jv, int) and not isinstance(jv, bool) and str(jv) == cv
            elif col in DECIMAL:
                ok = isinstance(jv, (int, float)) and abs(float(jv) - float(cv)) < 5e-7 and \
                    re.search(r'"' + re.escape(col) + r'":' + re.escape(cv) + r'[,}]', line) is not None
            else:
                ok = isinstance(jv, str) and jv == cv
            if not ok:
                bad.append(f"line {n}: {col}: JSON {jv!r}, CSV {cv!r}")
        if len(bad) > 10:
            break
    C.check(f"{where}: every JSON line carries the CSV row's values", not bad, "\n     ".join(bad[:10]))


def determinism(where: str, capture: Path, stem: str, json_check: bool = True) -> tuple[list[dict], str]:
    outs = {}
    for fmt in ("csv", "jsonl"):
        texts = []
        for i in range(2):
            out = WORK / f"{stem}.{i}.{fmt}"
            r = analyze([capture], out)
            no_crash(r, f"{where} {fmt} run {i + 1}")
            C.check(f"{where} {fmt} run {i + 1}: exit status 0 or 3", r.rc in (0, 3), r.stderr[:300])
            texts.append(out.read_bytes() if out.exists() else b"")
            if fmt == "csv" and i == 0:
                summary = r.stdout
        C.check(f"{where}: --flows {fmt} byte-identical over two runs", texts[0] == texts[1],
                first_difference(texts[0], texts[1]))
        outs[fmt] = WORK / f"{stem}.0.{fmt}"
    header, rows = csv_rows(outs["csv"])
    C.check(f"{where}: CSV header", ",".join(header).startswith(FLOW_HEADER), ",".join(header)[:300])
    if json_check:
        json_matches_csv(where, header, rows, outs["jsonl"])
    return rows, summary


synth_a = WORK / "synth_a.pcap"
how = make_capture(NTA, synth_a, seed=5, packets=6000, hosts=60)
print(f"capture A: {synth_a} ({how})")
rows_a, _ = determinism("synth A", synth_a, "synth_a")
C.check("synth A: some flow records", len(rows_a) > 50, f"{len(rows_a)} records")

shared = []
if DATA and DATA.is_dir():
    for group in ("benign", "attacks", "malformed"):
        d = DATA / group
        if d.is_dir():
            shared += sorted(p for p in d.iterdir() if p.is_file())
    if not shared:
        print(f"note: no captures under {DATA}")
else:
    print(f"skipped shared captures: {DATA} not found")
nondeterministic = []
json_bad = 0
for p in shared:
    texts = {}
    for fmt, i in (("csv", 0), ("csv", 1), ("jsonl", 0)):
        out = WORK / f"shared.{i}.{fmt}"
        r = analyze([p], out)
        if r.crashed:
            no_crash(r, f"shared {p.parent.name}/{p.name}")
        texts[(fmt, i)] = out.read_bytes() if out.exists() else None
    if texts[("csv", 0)] != texts[("csv", 1)]:
        nondeterministic.append(f"{p.parent.name}/{p.name}: {first_difference(texts[('csv', 0)] or b'', texts[('csv', 1)] or b'')}")
    if texts[("csv", 0)] is not None and texts[("jsonl", 0)] is not None:
        before = len(C.failed)
        header, rows = csv_rows(WORK / "shared.0.csv")
        json_matches_csv(f"shared {p.parent.name}/{p.name}", header, rows, WORK / "shared.0.jsonl")
        json_bad += len(C.failed) - before
if shared:
    C.check(f"shared captures ({len(shared)}): --flows CSV byte-identical over two runs", not nondeterministic,
            "\n     ".join(nondeterministic[:5]))
    print(f"shared captures: {len(shared)} analysed twice (CSV) and once as JSON lines")

# Fragments: 100 fragmented UDP datagrams outstanding at once (first fragments, then the later
# ones). The flow table remembers first fragments in a hashed cache; the hash seed is random per
# process, so the output must not depend on where the cache puts them (docs/flows.md: "The seed
# never influences output").
def fragments_capture(path: Path, datagrams: int) -> None:
    def ip4(ident: int, payload: bytes, offset: int, more: bool) -> bytes:
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, (0x2000 if more else 0) | offset,
                        64, 17, 0, bytes([10, 9, 0, 1]), bytes([10, 9, 0, 2]))
        return h + payload

    frames = []
    for part in (0, 1):
        for i in range(datagrams):
            udp = struct.pack("!HHHH", 10000 + i, 53, 64, 0) + b"F" * 56
            ip = ip4(i + 1, udp[:32], 0, True) if part == 0 else ip4(i + 1, udp[32:], 4, False)
            frame = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip
            frames.append(frame + b"\0" * max(0, 60 - len(frame)))
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    t = 1_700_000_000_000_000
    for f in frames:
        t += 1000
        out += struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(f), len(f)) + f
    path.write_bytes(bytes(out))


frag = WORK / "fragments.pcap"
fragments_capture(frag, 100)
frag_texts = []
for i in range(3):
    r = analyze([frag], WORK / f"fragments.{i}.csv")
    no_crash(r, f"fragments run {i + 1}")
    frag_texts.append((WORK / f"fragments.{i}.csv").read_bytes() if (WORK / f"fragments.{i}.csv").exists() else b"")
C.check("100 interleaved fragmented datagrams: --flows CSV byte-identical over three runs",
        frag_texts[0] == frag_texts[1] == frag_texts[2],
        first_difference(frag_texts[0], frag_texts[1] if frag_texts[1] != frag_texts[0] else frag_texts[2]))

# ---------------------------------------------------------------------------------------------------
# 2. --max-flows: eviction, counters, nothing lost
# ---------------------------------------------------------------------------------------------------
busy = WORK / "busy.pcap"
how = make_capture(NTA, busy, seed=4, packets=20000, hosts=200)
print(f"busy capture: {busy} ({how})")
r_full = analyze([busy], WORK / "busy_full.csv")
r_cap = analyze([busy], WORK / "busy_cap.csv", ["--max-flows", "100"])
for r, where in ((r_full, "uncapped"), (r_cap, "--max-flows 100")):
    no_crash(r, where)
    C.check(f"{where}: exit 0", r.rc == 0, r.stderr[:300])
evicted = counter(r_cap.stdout, EVICTED)
C.check("--max-flows 100: summary reports 'evicted (table full) N' with N > 0", (evicted or 0) > 0,
        f"Flows block: {r_cap.stdout[r_cap.stdout.find('Flows'):][:400]!r}")
C.check("uncapped: nothing evicted", counter(r_full.stdout, EVICTED) == 0,
        f"evicted {counter(r_full.stdout, EVICTED)}")
_, rows_full = csv_rows(WORK / "busy_full.csv")
_, rows_cap = csv_rows(WORK / "busy_cap.csv")
n_evicted_rows = sum(1 for r in rows_cap if r["flow_end"] == "evicted")
C.check("--max-flows 100: records with flow_end=evicted = the summary's count", n_evicted_rows == evicted,
        f"{n_evicted_rows} records, summary {evicted}")
for rows, r, where in ((rows_full, r_full, "uncapped"), (rows_cap, r_cap, "--max-flows 100")):
    in_flows = sum(int(x["orig_pkts"]) + int(x["resp_pkts"]) for x in rows if x["flow_end"] != "interim")
    outside = counter(r.stdout, OUTSIDE)
    total = counter(r.stdout, PACKETS)
    C.check(f"{where}: packets in flows + outside flows = packets read",
            outside is not None and total is not None and in_flows + outside == total,
            f"{in_flows} + {outside} vs {total}")
conv_full, conv_cap = conversations(rows_full), conversations(rows_cap)
diff = [k for k in set(conv_full) | set(conv_cap) if conv_full.get(k) != conv_cap.get(k)]
C.check("--max-flows 100: every conversation's packets and IP bytes equal the uncapped run's", not diff,
        "; ".join(f"{k}: {conv_cap.get(k)} vs {conv_full.get(k)}" for k in diff[:5]))
C.check("--max-flows 100: more records than uncapped (flows split by eviction)", len(rows_cap) > len(rows_full),
        f"{len(rows_cap)} vs {len(rows_full)}")
r = run([NTA, "analyze", "-r", str(busy), "--flows", str(WORK / "x.csv"), "--max-flows", "0", "--no-progress"])
C.check("--max-flows 0: usage error, exit 2", r.rc == 2, f"exit {r.rc}: {r.stderr[:200]}")

# ---------------------------------------------------------------------------------------------------
# 3. Several -r files = one merged file
# ---------------------------------------------------------------------------------------------------
synth_b = WORK / "synth_b.pcap"
how_b = make_capture(NTA, synth_b, seed=6, packets=6000, hosts=60)
pa, pb = parse_pcap(synth_a.read_bytes()), parse_pcap(synth_b.read_bytes())


def t_us(p, rec) -> int:
    return rec.sec * 1_000_000 + (rec.frac // 1000 if p.nano else rec.frac)


span_a = (t_us(pa, pa.records[0]), t_us(pa, pa.records[-1]))
span_b = (t_us(pb, pb.records[0]), t_us(pb, pb.records[-1]))
C.check("the two synth captures overlap in time", span_a[0] < span_b[1] and span_b[0] < span_a[1],
        f"A {span_a}, B {span_b}")
merged = WORK / "merged.pcap"
if shutil.which("mergecap") and pa.linktype == pb.linktype and not pa.nano and not pb.nano:
    p = subprocess.run(["mergecap", "-F", "pcap", "-w", str(merged), str(synth_a), str(synth_b)],
                       capture_output=True, text=True)
    C.check("mergecap merged the two captures", p.returncode == 0, p.stderr[:300])
    how_merged = "mergecap"
else:
    # Stable merge by time, ties to the first file (as nta's merged source).
    recs = sorted([(t_us(pa, r), 0, i, r) for i, r in enumerate(pa.records)] +
                  [(t_us(pb, r), 1, i, r) for i, r in enumerate(pb.records)], key=lambda x: x[:3])
    merged.write_bytes(write_pcap(pa, [x[3] for x in recs]))
    how_merged = "the test's own merge"
times_a = {t_us(pa, r) for r in pa.records}
ties = sum(1 for r in pb.records if t_us(pb, r) in times_a)
print(f"merge: {len(pa.records)} + {len(pb.records)} packets by {how_merged}; {ties} equal timestamps across files")
for fmt in ("csv", "jsonl"):
    r_two = analyze([synth_a, synth_b], WORK / f"two.{fmt}")
    r_one = analyze([merged], WORK / f"one.{fmt}")
    no_crash(r_two, f"-r A -r B ({fmt})")
    C.check(f"-r A -r B ({fmt}): exit 0", r_two.rc == 0, r_two.stderr[:300])
    C.check(f"-r merged ({fmt}): exit 0", r_one.rc == 0, r_one.stderr[:300])
    two, one = (WORK / f"two.{fmt}").read_bytes(), (WORK / f"one.{fmt}").read_bytes()
    C.check(f"-r A -r B gives the merged file's flows byte for byte ({fmt})", two == one, first_difference(two, one))
    C.check(f"-r A -r B reads every packet ({fmt})",
            counter(r_two.stdout, PACKETS) == len(pa.records) + len(pb.records),
            f"{counter(r_two.stdout, PACKETS)} vs {len(pa.records) + len(pb.records)}")
    if ties == 0:
        r_rev = analyze([synth_b, synth_a], WORK / f"rev.{fmt}")
        rev = (WORK / f"rev.{fmt}").read_bytes()
        C.check(f"-r B -r A gives the same flows as -r A -r B ({fmt})", rev == two, first_difference(rev, two))

# ---------------------------------------------------------------------------------------------------
# 4. Damaged input: cut in the middle of a record
# ---------------------------------------------------------------------------------------------------
raw = synth_a.read_bytes()
for frac, part in ((0.6, "data"), (0.3, "header")):
    k = int(len(pa.records) * frac)
    rec = pa.records[k]
    cut_at = rec.offset + 16 + rec.incl // 2 if part == "data" else rec.offset + 7
    damaged = WORK / f"damaged_{part}.pcap"
    damaged.write_bytes(raw[:cut_at])
    prefix = WORK / f"prefix_{part}.pcap"
    prefix.write_bytes(write_pcap(pa, pa.records[:k]))
    for fmt in ("csv", "jsonl"):
        where = f"cut in record {k + 1}'s {part} ({fmt})"
        r = analyze([damaged], WORK / f"damaged_{part}.{fmt}")
        no_crash(r, where)
        C.check(f"{where}: exit 3", r.rc == 3, f"exit {r.rc}: {r.stderr[:300]}")
        lines = r.error_lines()
        C.check(f"{where}: one 'nta: error:' line", len(lines) == 1 and lines[0].startswith("nta: error: "),
                repr(r.stderr[:300]))
        C.check(f"{where}: summary reports the {k} packets before the damage", counter(r.stdout, PACKETS) == k,
                f"{counter(r.stdout, PACKETS)}")
        out = WORK / f"damaged_{part}.{fmt}"
        rp = analyze([prefix], WORK / f"prefix_{part}.{fmt}")
        C.check(f"{where}: the complete records alone: exit 0", rp.rc == 0, rp.stderr[:300])
        got = out.read_bytes() if out.exists() else b""
        want = (WORK / f"prefix_{part}.{fmt}").read_bytes()
        C.check(f"{where}: flows before the damage written, as for the complete records alone",
                out.exists() and got == want and len(want) > 0, first_difference(got, want))

# ---------------------------------------------------------------------------------------------------
# 5. Missing input, unwritable output
# ---------------------------------------------------------------------------------------------------
for inputs, where in (([WORK / "no_such_file.pcap"], "missing input"),
                      ([synth_a, WORK / "no_such_file.pcap"], "second input missing")):
    for fmt in ("csv", "jsonl"):
        out = WORK / f"missing_out.{fmt}"
        r = analyze(inputs, out)
        no_crash(r, f"{where} ({fmt})")
        C.check(f"{where} ({fmt}): exit 1", r.rc == 1, f"exit {r.rc}: {r.stderr[:300]}")
        C.check(f"{where} ({fmt}): no output file created", not out.exists())
        lines = r.error_lines()
        C.check(f"{where} ({fmt}): one error line naming the file",
                len(lines) == 1 and lines[0].startswith("nta: error: ") and "no_such_file.pcap" in lines[0],
                repr(r.stderr[:300]))
for fmt in ("csv", "jsonl"):
    out = WORK / "no_such_dir" / f"flows.{fmt}"
    r = run([NTA, "analyze", "-r", str(synth_a), "--flows", str(out), "--no-progress"])
    no_crash(r, f"--flows into a missing directory ({fmt})")
    C.check(f"--flows into a missing directory ({fmt}): exit 1", r.rc == 1, f"exit {r.rc}: {r.stderr[:300]}")
    lines = r.error_lines()
    C.check(f"--flows into a missing directory ({fmt}): one error line naming the path",
            len(lines) == 1 and lines[0].startswith("nta: error: ") and str(out) in lines[0], repr(r.stderr[:300]))
    C.check(f"--flows into a missing directory ({fmt}): nothing created", not out.parent.exists())

sys.exit(C.finish())
