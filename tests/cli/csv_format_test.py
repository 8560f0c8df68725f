#!/usr/bin/env python3
"""The packet CSV's format (docs/formats.md): the header exactly, the timestamp text, every row's
internal consistency on a synth capture, timestamps and lengths against the records themselves, and
the same rows from other encodings of the same packets (nanosecond pcap with sub-microsecond noise,
byte-swapped pcap, pcapng with microsecond and nanosecond resolution, a snapshot-length cut copy)."""

from __future__ import annotations

import dataclasses
import ipaddress
import random
import re
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep the source tree clean

from nta_testlib import (CSV_HEADER, Checks, common_args, make_capture, nta_read_csv, parse_pcap,
                         record_iso, write_pcap, write_pcapng)

args = common_args(__doc__)
NTA = args.nta
WORK = Path(args.work)
C = Checks("csv_format_test")

TS_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{6}Z$")
PORT_RE = re.compile(r"^(0|[1-9]\d{0,4})$")
LEN_RE = re.compile(r"^[1-9]\d*$")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+/_-]*$")
PORT_PROTOCOLS = {"TCP", "UDP", "SCTP"}

cap = WORK / "synth.pcap"
how = make_capture(NTA, cap, seed=5, packets=4000, hosts=60)
print(f"capture: {cap} ({how})")
raw = cap.read_bytes()
pcap = parse_pcap(raw)
csv_path = WORK / "synth.csv"
r, header, rows = nta_read_csv(NTA, [str(cap)], csv_path)
C.check("exit 0", r.rc == 0, r.stderr[:300])

# The file's bytes: header line exactly, '\n' line ends, a final newline.
text = csv_path.read_bytes()
C.check("header line exactly", text.split(b"\n", 1)[0] == CSV_HEADER.encode(), repr(text[:80]))
C.check("no CR in the file", b"\r" not in text)
C.check("ends with a newline", text.endswith(b"\n"))
C.check("one row per record", len(rows) == len(pcap.records), f"{len(rows)} rows, {len(pcap.records)} records")


def canonical_ip(s: str) -> bool:
    try:
        a = ipaddress.ip_address(s)
    except ValueError:
        return False
    return str(a) == s  # dotted quad / RFC 5952 compressed lowercase


seen_protocols = set()
bad: dict[str, list[int]] = {}


def note(rule: str, i: int) -> None:
    bad.setdefault(rule, []).append(i + 1)


for i, row in enumerate(rows):
    if len(row) != 7:
        note("7 fields", i)
        continue
    ts, src, dst, sport, dport, proto, length = row
    seen_protocols.add(proto)
    if not TS_RE.match(ts):
        note("timestamp format", i)
    if not LEN_RE.match(length):
        note("length a positive integer", i)
    if not NAME_RE.match(proto):
        note("protocol a plain name", i)
    has_ports = sport != "" or dport != ""
    if has_ports and not (PORT_RE.match(sport) and PORT_RE.match(dport) and int(sport) < 65536 and int(dport) < 65536):
        note("ports are integers 0..65535", i)
    if has_ports != (proto in PORT_PROTOCOLS):
        note("ports present exactly for TCP/UDP/SCTP", i)
    if (src == "") != (dst == ""):
        note("both addresses or neither", i)
    for a in (src, dst):
        if a and not canonical_ip(a):
            note("addresses canonical IPv4/IPv6 text", i)
    if proto in ("ARP", "ICMP") and not (src and ipaddress.ip_address(src).version == 4):
        note("ARP/ICMP rows carry IPv4 addresses", i)
    if proto == "ICMPv6" and not (src and ipaddress.ip_address(src).version == 6):
        note("ICMPv6 rows carry IPv6 addresses", i)
    if proto in PORT_PROTOCOLS | {"ICMP", "ICMPv6"} and not src:
        note("IP protocols carry addresses", i)
    if i < len(pcap.records):
        rec = pcap.records[i]
        if ts != record_iso(pcap, rec):
            note("timestamp = the record's time truncated to microseconds", i)
        if length != str(rec.orig):
            note("length = the record's original length", i)

for rule in ("7 fields", "timestamp format", "length a positive integer", "protocol a plain name",
             "ports are integers 0..65535", "ports present exactly for TCP/UDP/SCTP",
             "both addresses or neither", "addresses canonical IPv4/IPv6 text",
             "ARP/ICMP rows carry IPv4 addresses", "ICMPv6 rows carry IPv6 addresses",
             "IP protocols carry addresses", "timestamp = the record's time truncated to microseconds",
             "length = the record's original length"):
    where = bad.get(rule, [])
    C.check(f"rows: {rule}", not where, f"{len(where)} rows, first: {where[:5]} -> "
            f"{[','.join(rows[j - 1]) for j in where[:2]]}")
print(f"protocols seen: {sorted(seen_protocols)}")
for must in ("TCP", "UDP", "ARP"):
    C.check(f"the capture has {must} rows (so the checks above are not vacuous)", must in seen_protocols)
C.check("some rows are IPv6", any(r_[1] and ":" in r_[1] for r_ in rows))
C.check("some UDP rows are DNS (port 53)", any(r_[5] == "UDP" and "53" in (r_[3], r_[4]) for r_ in rows))

# Timestamp text on fixed values (through a crafted one-packet capture).
frame = pcap.records[0]
for sec, usec, want in ((0, 0, "1970-01-01T00:00:00.000000Z"),
                        (1708353045, 123456, "2024-02-19T14:30:45.123456Z"),
                        (951782400, 999999, "2000-02-29T00:00:00.999999Z"),
                        (2147483647, 999999, "2038-01-19T03:14:07.999999Z"),
                        (2147483648, 0, "2038-01-19T03:14:08.000000Z"),
                        (4102444799, 1, "2099-12-31T23:59:59.000001Z")):
    one = dataclasses.replace(pcap, nano=False)
    data = write_pcap(one, [dataclasses.replace(frame, sec=sec, frac=usec)], nano=False)
    p = WORK / f"ts_{sec}.pcap"
    p.write_bytes(data)
    r, _h, got = nta_read_csv(NTA, [str(p)], WORK / f"ts_{sec}.csv")
    C.check(f"timestamp {sec}.{usec:06d} -> {want} (pcap)", r.rc == 0 and got and got[0][0] == want,
            f"got {got[0][0] if got else None}")
    p = WORK / f"ts_{sec}.pcapng"
    p.write_bytes(write_pcapng(dataclasses.replace(one, records=[dataclasses.replace(frame, sec=sec, frac=usec)])))
    r, _h, got = nta_read_csv(NTA, [str(p)], WORK / f"ts_{sec}_ng.csv")
    C.check(f"timestamp {sec}.{usec:06d} -> {want} (pcapng)", r.rc == 0 and got and got[0][0] == want,
            f"got {got[0][0] if got else None}")

# The same packets in other encodings give the same CSV.
rng = random.Random(7)
sub = [rng.randrange(1000) for _ in pcap.records]
us = [(rec.frac // 1000 if pcap.nano else rec.frac) for rec in pcap.records]
ns_records = [dataclasses.replace(rec, frac=u * 1000 + s) for rec, u, s in zip(pcap.records, us, sub)]
us_records = [dataclasses.replace(rec, frac=u) for rec, u in zip(pcap.records, us)]
variants = {
    "nanosecond pcap (+0..999 ns, must truncate)": write_pcap(pcap, ns_records, nano=True),
    "microsecond pcap": write_pcap(pcap, us_records, nano=False),
    "big-endian pcap": write_pcap(pcap, us_records, nano=False, endian=">"),
    "big-endian nanosecond pcap": write_pcap(pcap, ns_records, nano=True, endian=">"),
    "pcapng (microseconds)": write_pcapng(dataclasses.replace(pcap, nano=False, records=us_records)),
    "pcapng (if_tsresol 9, +0..999 ns)": write_pcapng(dataclasses.replace(pcap, nano=False, records=us_records),
                                                      tsresol_nano=True, sub_us=sub),
}
for i, (name, data) in enumerate(variants.items()):
    p = WORK / f"variant_{i}.cap"
    p.write_bytes(data)
    r, h, got = nta_read_csv(NTA, [str(p)], WORK / f"variant_{i}.csv")
    first_diff = next((j for j, (a, b) in enumerate(zip(got, rows)) if a != b), None)
    C.check(f"{name}: the same CSV", r.rc == 0 and h == CSV_HEADER and got == rows,
            f"exit {r.rc}, {len(got)} rows; first difference at row "
            f"{first_diff + 1 if first_diff is not None else None}: "
            f"{got[first_diff] if first_diff is not None else ''} vs {rows[first_diff] if first_diff is not None else ''}")

# Cut to a snapshot length that still holds every header: length keeps the original size, the rest
# of the row is unchanged.
snap = 128
cut_records = [dataclasses.replace(rec, data=rec.data[:snap]) for rec in pcap.records]
p = WORK / "snap.pcap"
p.write_bytes(write_pcap(pcap, cut_records, snaplen=snap))
r, h, got = nta_read_csv(NTA, [str(p)], WORK / "snap.csv")
C.check(f"snaplen {snap} copy: the same CSV (length is the original length)", r.rc == 0 and got == rows,
        f"exit {r.rc}, {len(got)} rows; first difference: "
        f"{next(((a, b) for a, b in zip(got, rows) if a != b), None)}")

raise SystemExit(C.finish())
