"""Shared helpers of the whole-binary CLI tests (tests/cli/*_test.py): running nta, reading its CSV,
reading and writing pcap/pcapng files byte by byte, and a small check recorder."""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

CSV_HEADER = "timestamp,src_ip,dst_ip,src_port,dst_port,protocol,length"
COLUMNS = CSV_HEADER.split(",")
SKIP = 77


# ---------------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------------
class Checks:
    """Records named checks; prints each failure with its detail and a final count."""

    def __init__(self, title: str):
        self.title = title
        self.passed = 0
        self.failed: list[str] = []

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        if ok:
            self.passed += 1
        else:
            self.failed.append(name)
            print(f"FAIL {name}" + (f"\n     {detail}" if detail else ""))
        return ok

    def finish(self) -> int:
        total = self.passed + len(self.failed)
        if self.failed:
            print(f"{self.title}: {len(self.failed)} of {total} checks FAILED")
            return 1
        print(f"{self.title}: all {total} checks passed")
        return 0


def common_args(description: str) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--nta", required=True)
    ap.add_argument("--data", default="", help="the shared pcaps directory")
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    if not os.access(args.nta, os.X_OK):
        print(f"SKIP: nta binary not found: {args.nta}")
        sys.exit(SKIP)
    Path(args.work).mkdir(parents=True, exist_ok=True)
    return args


# ---------------------------------------------------------------------------------------------------
# Running nta
# ---------------------------------------------------------------------------------------------------
@dataclass
class Run:
    rc: int
    stdout: str
    stderr: str

    @property
    def crashed(self) -> bool:
        return self.rc < 0 or self.rc >= 128 or "Sanitizer" in self.stderr or "runtime error" in self.stderr

    def error_lines(self) -> list[str]:
        return [l for l in self.stderr.splitlines() if l.strip()]


def run(cmd: list[str], stdin: bytes | None = None, timeout: float = 60, cwd: str | None = None) -> Run:
    p = subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout, cwd=cwd)
    return Run(p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"))


def read_csv(path: Path) -> tuple[str | None, list[list[str]]]:
    """The header line and the rows; (None, []) when the file does not exist."""
    if not path.exists():
        return None, []
    text = path.read_text()
    lines = text.splitlines()
    if not lines:
        return "", []
    return lines[0], [r for r in csv.reader(io.StringIO("\n".join(lines[1:]) + "\n")) if r]


def nta_read_csv(nta: str, inputs: list[str], csv_path: Path, extra: list[str] | None = None,
                 stdin: bytes | None = None) -> tuple[Run, str | None, list[list[str]]]:
    if csv_path.exists():
        csv_path.unlink()
    cmd = [nta, "read"]
    for i in inputs:
        cmd += ["-r", i]
    cmd += ["-q", "--csv", str(csv_path)] + (extra or [])
    r = run(cmd, stdin=stdin)
    header, rows = read_csv(csv_path)
    return r, header, rows


# ---------------------------------------------------------------------------------------------------
# pcap files
# ---------------------------------------------------------------------------------------------------
@dataclass
class Record:
    offset: int      # of the 16-byte record header
    sec: int
    frac: int
    incl: int
    orig: int
    data: bytes

    @property
    def end(self) -> int:
        return self.offset + 16 + self.incl


@dataclass
class Pcap:
    endian: str
    nano: bool
    version: tuple[int, int]
    snaplen: int
    linktype: int
    records: list[Record]


MAGICS = {b"\xd4\xc3\xb2\xa1": ("<", False), b"\xa1\xb2\xc3\xd4": (">", False),
          b"\x4d\x3c\xb2\xa1": ("<", True), b"\xa1\xb2\x3c\x4d": (">", True)}


def parse_pcap(data: bytes) -> Pcap:
    if len(data) < 24 or data[:4] not in MAGICS:
        raise ValueError("not a classic pcap file")
    endian, nano = MAGICS[data[:4]]
    major, minor, _tz, _sig, snaplen, linktype = struct.unpack(endian + "HHiIII", data[4:24])
    records = []
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack(endian + "IIII", data[off:off + 16])
        if off + 16 + incl > len(data):
            break
        records.append(Record(off, sec, frac, incl, orig, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return Pcap(endian, nano, (major, minor), snaplen, linktype, records)


def write_pcap(p: Pcap, records: list[Record] | None = None, nano: bool | None = None,
               endian: str | None = None, snaplen: int | None = None) -> bytes:
    endian = endian or p.endian
    nano = p.nano if nano is None else nano
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = bytearray(struct.pack(endian + "IHHiIII", magic, p.version[0], p.version[1], 0, 0,
                                snaplen if snaplen is not None else p.snaplen, p.linktype))
    for r in records if records is not None else p.records:
        out += struct.pack(endian + "IIII", r.sec, r.frac, len(r.data), r.orig) + r.data
    return bytes(out)


def iso_us(sec: int, usec: int) -> str:
    import datetime
    sec += usec // 1_000_000
    usec %= 1_000_000
    d = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=sec)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + f".{usec:06d}Z"


def record_iso(p: Pcap, r: Record) -> str:
    return iso_us(r.sec, r.frac // 1000 if p.nano else r.frac)


def write_pcapng(p: Pcap, tsresol_nano: bool = False, sub_us: list[int] | None = None) -> bytes:
    """The records of `p` as a little-endian pcapng file: SHB, one IDB (with if_tsresol 9 when
    tsresol_nano), one EPB per record. sub_us adds nanoseconds below the microsecond."""

    def block(btype: int, body: bytes) -> bytes:
        body += b"\0" * (-len(body) % 4)
        total = len(body) + 12
        return struct.pack("<II", btype, total) + body + struct.pack("<I", total)

    out = bytearray()
    out += block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    opts = b""
    if tsresol_nano:
        opts = struct.pack("<HHB3x", 9, 1, 9) + struct.pack("<HH", 0, 0)
    out += block(1, struct.pack("<HHI", p.linktype, 0, p.snaplen) + opts)
    for i, r in enumerate(p.records):
        usec = r.frac // 1000 if p.nano else r.frac
        if tsresol_nano:
            ts = (r.sec * 1_000_000 + usec) * 1000 + (sub_us[i] if sub_us else 0)
        else:
            ts = r.sec * 1_000_000 + usec
        out += block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(r.data), r.orig) + r.data)
    return bytes(out)


def pcapng_block_offsets(data: bytes) -> list[tuple[int, int, int]]:
    """(offset, type, length) of each block of a little-endian pcapng file."""
    out = []
    off = 0
    while off + 12 <= len(data):
        btype, blen = struct.unpack("<II", data[off:off + 8])
        out.append((off, btype, blen))
        if blen < 12:
            break
        off += blen
    return out


# ---------------------------------------------------------------------------------------------------
# A capture to work on
# ---------------------------------------------------------------------------------------------------
def make_capture(nta: str, out: Path, seed: int, packets: int, hosts: int | None = None) -> str:
    """Makes `out` with `nta synth`; returns how it was made. Falls back to a capture built here
    (Ethernet, VLAN, IPv4/IPv6, TCP, UDP DNS, ICMP, ARP) only if `nta synth` fails, and says so."""
    cmd = [nta, "synth", "-o", str(out), "--seed", str(seed), "--packets", str(packets)]
    if hosts:
        cmd += ["--hosts", str(hosts)]
    if out.exists():
        out.unlink()
    try:
        r = run(cmd, timeout=60)
        ok = r.rc == 0 and out.exists() and out.stat().st_size > 24
    except subprocess.TimeoutExpired:
        ok, r = False, Run(-1, "", "timeout")
    if ok:
        return "nta synth"
    print(f"NOTE: 'nta synth' failed (exit {r.rc}: {r.stderr.strip()[:200]}); "
          f"using the test's own generated capture instead")
    out.write_bytes(fallback_capture(seed, min(packets, 600)))
    return "fallback generator"


def _csum(b: bytes) -> int:
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def fallback_capture(seed: int, count: int) -> bytes:
    rng = random.Random(seed)
    macs = [bytes([2, 0, 0, 0, 0, i]) for i in range(1, 9)]
    v4 = [bytes([10, 0, 0, i]) for i in range(1, 9)]
    v6 = [bytes.fromhex("20010db8000000000000000000000000")[:15] + bytes([i]) for i in range(1, 9)]

    def eth(src, dst, etype, payload, vlan=None):
        h = dst + src
        if vlan is not None:
            h += struct.pack("!HH", 0x8100, vlan)
        return h + struct.pack("!H", etype) + payload

    def ipv4(src, dst, proto, payload):
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), rng.randrange(65536), 0x4000, 64,
                        proto, 0, src, dst)
        h = h[:10] + struct.pack("!H", _csum(h)) + h[12:]
        return h + payload

    def ipv6(src, dst, nh, payload):
        return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nh, 64, src, dst) + payload

    def tcp(sp, dp, flags, data=b""):
        return struct.pack("!HHIIBBHHH", sp, dp, rng.randrange(1 << 32), 0, 0x50, flags, 65535, 0, 0) + data

    def udp(sp, dp, data):
        return struct.pack("!HHHH", sp, dp, 8 + len(data), 0) + data

    frames = []
    for _ in range(count):
        a, b = rng.sample(range(8), 2)
        kind = rng.choice(["tcp4", "udp4", "dns4", "icmp4", "arp", "tcp6", "udp6", "vlan"])
        sp, dp = rng.randrange(1024, 65536), rng.choice([80, 443, 22, 8080])
        if kind == "tcp4":
            f = eth(macs[a], macs[b], 0x0800, ipv4(v4[a], v4[b], 6, tcp(sp, dp, 0x18, b"x" * rng.randrange(200))))
        elif kind == "udp4":
            f = eth(macs[a], macs[b], 0x0800, ipv4(v4[a], v4[b], 17, udp(sp, 123, b"n" * 48)))
        elif kind == "dns4":
            f = eth(macs[a], macs[b], 0x0800, ipv4(v4[a], v4[b], 17, udp(sp, 53, b"\x12\x34\x01\x00" + b"\0" * 8)))
        elif kind == "icmp4":
            f = eth(macs[a], macs[b], 0x0800, ipv4(v4[a], v4[b], 1, struct.pack("!BBHHH", 8, 0, 0, 1, 1) + b"p" * 56))
        elif kind == "arp":
            f = eth(macs[a], b"\xff" * 6, 0x0806, struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, macs[a], v4[a],
                                                               b"\0" * 6, v4[b]) + b"\0" * 18)
        elif kind == "tcp6":
            f = eth(macs[a], macs[b], 0x86DD, ipv6(v6[a], v6[b], 6, tcp(sp, dp, 0x02)))
        elif kind == "udp6":
            f = eth(macs[a], macs[b], 0x86DD, ipv6(v6[a], v6[b], 17, udp(sp, 53, b"q" * 30)))
        else:
            f = eth(macs[a], macs[b], 0x0800, ipv4(v4[a], v4[b], 6, tcp(sp, dp, 0x10)), vlan=100 + a)
        if len(f) < 60:
            f += b"\0" * (60 - len(f))
        frames.append(f)
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    t = 1_700_000_000_000_000 + seed * 1000
    for f in frames:
        t += rng.randrange(1, 20000)
        out += struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(f), len(f)) + f
    return bytes(out)


def which(name: str) -> str | None:
    return shutil.which(name)
