#!/usr/bin/env python3
"""nta read on bad input: the shared malformed captures, captures this test damages itself (cut at
many offsets, bytes flipped, wrong magic, empty, a directory, a missing file, a pcapng cut mid-block),
wrong flags and filters, standard input, and several -r files.

Asserted everywhere: no crash (no signal, no sanitizer report), the documented exit status
(0 success; 1 cannot open; 2 usage; 3 damaged partway), one 'nta: error: ...' line on stderr when
it fails, and the packets before the damage still in the CSV, identical to the intact file's rows."""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep the source tree clean

from nta_testlib import (CSV_HEADER, Checks, common_args, make_capture, nta_read_csv, parse_pcap,
                         pcapng_block_offsets, run, which, write_pcapng)

args = common_args(__doc__)
NTA = args.nta
WORK = Path(args.work)
DATA = Path(args.data) if args.data else None
C = Checks("bad_input_test")


def one_error_line(r, where: str, must_mention: str | None = None) -> None:
    """A failing run says so in exactly one 'nta: error: ' line (CLI usage errors: 'nta: ...')."""
    lines = r.error_lines()
    C.check(f"{where}: exactly one stderr line", len(lines) == 1, f"stderr: {r.stderr[:400]!r}")
    if lines:
        C.check(f"{where}: stderr line starts with 'nta: error: '", lines[0].startswith("nta: error: "),
                f"stderr: {lines[0][:300]!r}")
        if must_mention:
            C.check(f"{where}: message names {must_mention!r}", must_mention in lines[0],
                    f"stderr: {lines[0][:300]!r}")


def no_crash(r, where: str) -> bool:
    return C.check(f"{where}: no crash", not r.crashed, f"exit {r.rc}, stderr: {r.stderr[-400:]!r}")


def expect(r, where: str, statuses: set[int]) -> None:
    C.check(f"{where}: exit status in {sorted(statuses)}", r.rc in statuses,
            f"exit {r.rc}, stderr: {r.stderr.strip()[:300]!r}")


def summary_printed(r, where: str) -> None:
    C.check(f"{where}: summary printed", "=== Summary ===" in r.stdout, f"stdout: {r.stdout[:300]!r}")


# ---------------------------------------------------------------------------------------------------
# The intact capture and its CSV
# ---------------------------------------------------------------------------------------------------
intact = WORK / "intact.pcap"
how = make_capture(NTA, intact, seed=11, packets=400)
print(f"intact capture: {intact} ({how})")
raw = intact.read_bytes()
pcap = parse_pcap(raw)
r, header, intact_rows = nta_read_csv(NTA, [str(intact)], WORK / "intact.csv")
C.check("intact: exit 0", r.rc == 0, r.stderr)
C.check("intact: header", header == CSV_HEADER, repr(header))
C.check("intact: one row per record", len(intact_rows) == len(pcap.records),
        f"{len(intact_rows)} rows, {len(pcap.records)} records")
N = len(pcap.records)
boundaries = {rec.offset for rec in pcap.records} | {len(raw)}


def complete_before(offset: int) -> int:
    """Records lying entirely before byte `offset`."""
    return sum(1 for rec in pcap.records if rec.end <= offset)


def damaged(name: str, data: bytes, statuses: set[int], exact_rows: int | None, min_rows: int,
            mention: str | None = None) -> None:
    path = WORK / name
    path.write_bytes(data)
    r, header, rows = nta_read_csv(NTA, [str(path)], WORK / (name + ".csv"))
    if not no_crash(r, name):
        return
    expect(r, name, statuses)
    if r.rc != 0:
        one_error_line(r, name, mention)
    else:
        C.check(f"{name}: no error line on success", "nta: error" not in r.stderr, r.stderr[:300])
    if r.rc in (0, 3):
        summary_printed(r, name)
    if r.rc == 1:
        # The input could not be opened at all: nothing was computed, and no output is created.
        C.check(f"{name}: no CSV created for an input that cannot be opened", header is None, repr(header))
    else:
        C.check(f"{name}: CSV has the header", header == CSV_HEADER, repr(header))
    if exact_rows is not None:
        C.check(f"{name}: {exact_rows} rows", len(rows) == exact_rows, f"{len(rows)} rows")
    C.check(f"{name}: rows before the damage kept ({min_rows})",
            len(rows) >= min_rows and rows[:min_rows] == intact_rows[:min_rows],
            f"{len(rows)} rows; first differing: "
            f"{next((i for i, (a, b) in enumerate(zip(rows, intact_rows)) if a != b), None)}")


# Cut inside the 24-byte global header: cannot be opened (exit 1). Offset 0 is the empty file.
for cut in range(0, 24):
    damaged(f"cut_global_{cut:02d}.pcap", raw[:cut], {1}, 0, 0, mention=f"cut_global_{cut:02d}.pcap")
# Exactly the global header: a valid capture with no packets.
damaged("cut_global_24.pcap", raw[:24], {0}, 0, 0)
# Inside the first record header, and inside the first record's data: damaged partway (exit 3).
first = pcap.records[0]
for cut in list(range(25, 40)) + sorted({40, 41, 40 + first.incl // 2, first.end - 1}):
    damaged(f"cut_rec1_{cut:04d}.pcap", raw[:cut], {3}, 0, 0)
# At seeded offsets through the file: exit 3 with the complete records, or 0 on a record boundary.
rng = random.Random(20240219)
cuts = sorted(rng.sample(range(first.end + 1, len(raw)), 12)) + [pcap.records[N // 2].offset,
                                                                pcap.records[N // 2].offset + 8]
for cut in cuts:
    k = complete_before(cut)
    damaged(f"cut_at_{cut:07d}.pcap", raw[:cut], {0} if cut in boundaries else {3}, k, k)

# Flipped bytes (seeded). Flips inside packet data only: exit 0, same row count, every untouched
# record's row unchanged. Flips anywhere: exit 0/1/3, rows before the first flip unchanged.
header_bytes = set(range(24))
for rec in pcap.records:
    header_bytes.update(range(rec.offset, rec.offset + 16))
data_offsets = [o for rec in pcap.records for o in (rec.offset + 16, rec.offset + 16 + rec.incl // 2,
                                                    rec.end - 1)]
for i in range(12):
    buf = bytearray(raw)
    spots = rng.sample(data_offsets, rng.randint(1, 6))
    for s in spots:
        buf[s] ^= rng.randrange(1, 256)
    name = f"flip_data_{i:02d}.pcap"
    (WORK / name).write_bytes(buf)
    r, header, rows = nta_read_csv(NTA, [str(WORK / name)], WORK / (name + ".csv"))
    if no_crash(r, name):
        expect(r, name, {0})
        touched = {j for j, rec in enumerate(pcap.records) if any(rec.offset <= s < rec.end for s in spots)}
        C.check(f"{name}: same row count", len(rows) == N, f"{len(rows)} rows")
        bad = [j for j in range(min(N, len(rows))) if j not in touched and rows[j] != intact_rows[j]]
        C.check(f"{name}: untouched records' rows unchanged", not bad, f"records {bad[:5]}")
for i in range(24):
    buf = bytearray(raw)
    spots = sorted(rng.sample(range(len(raw)), rng.randint(1, 4)))
    if i < 6:  # make sure some flips hit record headers
        spots[0] = pcap.records[rng.randrange(N)].offset + rng.randrange(16)
        spots.sort()
    for s in spots:
        buf[s] ^= rng.randrange(1, 256)
    k = complete_before(spots[0])
    in_global = spots[0] < 24
    damaged(f"flip_any_{i:02d}.pcap", bytes(buf), {0, 1, 3} if in_global else {0, 3}, None,
            0 if in_global else k)

# Wrong magic, empty file, a directory, a missing file.
damaged("wrong_magic.pcap", b"\xde\xad\xbe\xef" + raw[4:], {1}, 0, 0, mention="wrong_magic.pcap")
for name, path, mention in (("empty file", WORK / "empty.pcap", "empty"),
                            ("directory", WORK, "directory"),
                            ("missing file", WORK / "does_not_exist.pcap", "does_not_exist.pcap")):
    if name == "empty file":
        path.write_bytes(b"")
    r, header, rows = nta_read_csv(NTA, [str(path)], WORK / "special.csv")
    if no_crash(r, name):
        expect(r, name, {1})
        one_error_line(r, name, mention)
        C.check(f"{name}: no rows", not rows, f"{len(rows)} rows")

# pcapng: the same packets give the same rows; cut mid-block: exit 3 with the blocks before it.
ng = write_pcapng(pcap)
(WORK / "intact.pcapng").write_bytes(ng)
r, header, rows = nta_read_csv(NTA, [str(WORK / "intact.pcapng")], WORK / "intact_ng.csv")
C.check("pcapng copy: exit 0 and the same rows as the pcap", r.rc == 0 and rows == intact_rows,
        f"exit {r.rc}, {len(rows)} rows, stderr {r.stderr[:200]!r}")
blocks = pcapng_block_offsets(ng)
epbs = [b for b in blocks if b[1] == 6]
for idx in (0, len(epbs) // 3, len(epbs) - 1):
    off, _t, blen = epbs[idx]
    for cut in (off + 4, off + blen // 2, off + blen - 1):
        damaged(f"ng_cut_{cut:07d}.pcapng", ng[:cut], {3}, idx, idx)
damaged("ng_cut_in_shb.pcapng", ng[:blocks[0][2] // 2], {1}, 0, 0)

# ---------------------------------------------------------------------------------------------------
# The shared malformed captures
# ---------------------------------------------------------------------------------------------------
mal = DATA / "malformed" if DATA else None
if mal is None or not mal.is_dir():
    print(f"skipped shared captures: {mal} not found")
else:
    bro = DATA / "benign" / "http_bro_org.pcap"
    _r, _h, bro_rows = nta_read_csv(NTA, [str(bro)], WORK / "bro.csv", ["-c", "20"])
    # What libpcap reports for a file that ends inside a record: tcpdump (same libpcap) tells.
    trunc = mal / "constructed_truncated_mid_record.pcap"
    tcpdump_says_truncated = None
    if which("tcpdump"):
        t = run(["tcpdump", "-n", "-r", str(trunc)])
        tcpdump_says_truncated = "truncated dump file" in t.stderr
        print(f"libpcap on a file ending mid-record (via tcpdump): "
              f"{'error: truncated dump file' if tcpdump_says_truncated else 'clean end of file'}")
    special = {
        "constructed_bad_magic.pcap": ({1}, 0),
        "constructed_huge_incl_len.pcap": ({3}, 4),
        "constructed_truncated_mid_record.pcap": ({0 if tcpdump_says_truncated is False else 3}, 20),
        "constructed_bad_snaplen_zero.pcap": ({0}, 20),
    }
    for path in sorted(mal.iterdir()):
        name = path.name
        r, header, rows = nta_read_csv(NTA, [str(path)], WORK / f"mal_{name}.csv")
        if not no_crash(r, name):
            continue
        if name in special:
            statuses, nrows = special[name]
            C.check(f"{name}: the {nrows} packets before the damage, as in http_bro_org.pcap",
                    rows == bro_rows[:nrows], f"{len(rows)} rows")
        else:
            statuses = {0}
            nrows = len(parse_pcap(path.read_bytes()).records)
            C.check(f"{name}: one row per record ({nrows})", len(rows) == nrows, f"{len(rows)} rows")
        expect(r, name, statuses)
        if r.rc != 0:
            one_error_line(r, name, name)
        if r.rc in (0, 3):
            summary_printed(r, name)

# ---------------------------------------------------------------------------------------------------
# Usage errors
# ---------------------------------------------------------------------------------------------------
for where, cmd, mention in (
        ("unknown option", [NTA, "read", "-r", str(intact), "--no-such-flag"], "--no-such-flag"),
        ("read without -r", [NTA, "read", "-q"], None),
        ("no subcommand", [NTA], None),
        ("unknown subcommand", [NTA, "nosuchcommand"], None),
        ("bad filter -f", [NTA, "read", "-r", str(intact), "-q", "-f", "tcp port"], "tcp port"),
        ("bad trailing filter", [NTA, "read", "-r", str(intact), "-q", "tcp", "port"], "tcp port"),
        ("bad -c value", [NTA, "read", "-r", str(intact), "-c", "many"], "many")):
    r = run(cmd)
    if no_crash(r, where):
        expect(r, where, {2})
        C.check(f"{where}: a message on stderr", r.stderr.strip() != "", "empty stderr")
        if mention:
            C.check(f"{where}: message names {mention!r}", mention in r.stderr, r.stderr[:300])

# A good filter works and keeps what libpcap's filter matches: the same rows as the packets tcpdump
# selects with it (BPF 'udp' does not see into VLAN tags, so it is not simply every UDP row).
for expr in ("udp", "tcp port 80 or arp"):
    r, header, rows = nta_read_csv(NTA, [str(intact)], WORK / "filter.csv", ["-f", expr])
    C.check(f"filter {expr!r}: exit 0", r.rc == 0, r.stderr[:300])
    C.check(f"filter {expr!r}: some rows, a subsequence of the unfiltered rows",
            0 < len(rows) < len(intact_rows) and all(row in intact_rows for row in rows), f"{len(rows)} rows")
    if which("tcpdump"):
        sel = WORK / "filter_tcpdump.pcap"
        run(["tcpdump", "-r", str(intact), "-w", str(sel), expr])
        _r, _h, want = nta_read_csv(NTA, [str(sel)], WORK / "filter_tcpdump.csv")
        C.check(f"filter {expr!r}: the packets tcpdump selects", rows == want,
                f"nta {len(rows)} rows, tcpdump {len(want)}")
    r2, _h, rows2 = nta_read_csv(NTA, [str(intact)], WORK / "filter_words.csv", expr.split())
    C.check(f"filter {expr!r} as trailing words: the same rows", r2.rc == 0 and rows2 == rows,
            f"exit {r2.rc}, {len(rows2)} rows")

# ---------------------------------------------------------------------------------------------------
# Standard input, several files
# ---------------------------------------------------------------------------------------------------
r, header, rows = nta_read_csv(NTA, ["-"], WORK / "stdin.csv", stdin=raw)
C.check("stdin: exit 0 and the same CSV as the file", r.rc == 0 and header == CSV_HEADER and rows == intact_rows,
        f"exit {r.rc}, {len(rows)} rows, stderr {r.stderr[:200]!r}")
r, header, rows = nta_read_csv(NTA, ["-"], WORK / "stdin_ng.csv", stdin=ng)
C.check("stdin pcapng: the same CSV", r.rc == 0 and rows == intact_rows, f"exit {r.rc}, {len(rows)} rows")
cut = pcap.records[N // 2].offset + 20
r, header, rows = nta_read_csv(NTA, ["-"], WORK / "stdin_cut.csv", stdin=raw[:cut])
C.check("stdin cut mid-record: exit 3 with the complete records",
        r.rc == 3 and rows == intact_rows[:N // 2], f"exit {r.rc}, {len(rows)} rows")

second = WORK / "second.pcap"
make_capture(NTA, second, seed=12, packets=150)
_r, _h, second_rows = nta_read_csv(NTA, [str(second)], WORK / "second.csv")
r, header, rows = nta_read_csv(NTA, [str(intact), str(second)], WORK / "two.csv")
C.check("two -r files: exit 0, rows concatenated", r.rc == 0 and rows == intact_rows + second_rows,
        f"exit {r.rc}, {len(rows)} rows (want {len(intact_rows) + len(second_rows)})")
r, header, rows = nta_read_csv(NTA, [str(intact), "-"], WORK / "two_stdin.csv", stdin=second.read_bytes())
C.check("file then stdin: rows concatenated", r.rc == 0 and rows == intact_rows + second_rows,
        f"exit {r.rc}, {len(rows)} rows")
r, header, rows = nta_read_csv(NTA, [str(intact), str(WORK / ("cut_at_%07d.pcap" % cuts[0]))], WORK / "two_cut.csv")
k = complete_before(cuts[0])
C.check("file then damaged file: exit 3, first file's rows then the complete records",
        r.rc == 3 and rows == intact_rows + intact_rows[:k], f"exit {r.rc}, {len(rows)} rows")
one_error_line(r, "file then damaged file")
r, header, rows = nta_read_csv(NTA, [str(intact), str(WORK / "nope.pcap")], WORK / "two_missing.csv")
if no_crash(r, "file then missing file"):
    C.check("file then missing file: exit 1, the first file's rows kept",
            r.rc == 1 and rows == intact_rows, f"exit {r.rc}, {len(rows)} rows")
    one_error_line(r, "file then missing file", "nope.pcap")
    summary_printed(r, "file then missing file")

raise SystemExit(C.finish())
