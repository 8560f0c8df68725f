#!/usr/bin/env python3
"""Oracle test: nta's packet CSV against tshark, packet by packet.

For every capture under DATA/{benign,attacks,malformed} and for captures made with `nta synth`, run

    nta read -r F -q --csv out.csv
    tshark -r F -n -T fields ... (reassembly off: every frame dissected alone)

and compare, row by row and in order: timestamp (microseconds), src_ip, dst_ip, src_port, dst_port,
protocol and length. The row counts must be equal. Any difference fails the test (exit 1) unless one
of the EXCUSES below explains it; each excuse applies to named columns only and is counted and
printed. How a tshark dissection becomes the row nta should print is fixed by the MAPPING rules
(which layer is "the" packet, how a protocol number is named). Both tables are also in
docs/oracle.md; keep them in step.

Exit status: 0 all rows matched or were excused; 1 a difference; 77 tshark or nta is missing
(CTest SKIP_RETURN_CODE).
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import csv
import datetime
import functools
import os
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

# ---------------------------------------------------------------------------------------------------
# MAPPING rules: how tshark's dissection becomes nta's expected row (docs/oracle.md, "Mapping").
# These are nta's contract (docs/decode.md), restated in terms of tshark's frame.protocols.
# ---------------------------------------------------------------------------------------------------
MAPPING = {
    "M1-layer": "The row's network layer is the first ip/ipv6/arp in frame.protocols, reached only "
                "through link layers nta decodes (eth, 802.1Q/802.1ad tags, MPLS, SLL, SLL2, BSD "
                "null/loop, raw IP). Anything else first: a non-IP frame.",
    "M2-tunnel": "From that layer nta follows only: IP-in-IP (IPv4/IPv6 directly in IPv4/IPv6), GRE "
                 "version 0 without source routing carrying IPv4/IPv6/Ethernet (gre then ip/ipv6/eth), "
                 "VXLAN (udp to destination port 4789, vxlan with the I flag, then eth); never out of "
                 "an IP fragment. The innermost such layer is the row.",
    "M2b-not-followed": "Other encapsulations tshark follows (Teredo, GRE/Aruba 802.11, GRE version 1, "
                        "CAPWAP, GTP, ...) are not followed by nta: the row is the outer packet.",
    "M3-icmp-quote": "ICMP/ICMPv6 errors: the quoted IP header inside the message is never the row; "
                     "the outer IP layer is.",
    "M4-ipv6-ext": "IPv6: the protocol is the next header after the extension headers nta walks "
                   "(hop-by-hop, routing, fragment, destination options, AH).",
    "M5-ports": "Ports come from the tcp/udp/sctp layer right after the row's network layer (after "
                "IPv6 extension headers); none for anything else, for non-first fragments (tshark "
                "shows 'data' there), and when the transport header is cut short.",
    "M6-ipname": "Protocol name of an IP packet: nta's name of the final protocol number "
                 "(IP_PROTOCOL_NAMES below, from docs/decode.md), 'IP-<n>' for a number not in it.",
    "M7-ethname": "Protocol name of a non-IP frame: nta's name of its last ethertype "
                  "(ETHERTYPE_NAMES below), 'ETH-0x%04x' otherwise; 802.3 length frames are 'LLC'; "
                  "no ethertype at all (frame cut inside the link header) is 'UNKNOWN'. Addresses "
                  "and ports empty.",
    "M8-arp": "ARP: src_ip/dst_ip are arp.src.proto_ipv4/arp.dst.proto_ipv4 (empty when the ARP is "
              "not Ethernet/IPv4-sized), protocol 'ARP', no ports.",
    "M9-ip-unreadable": "An IP layer tshark shows without addresses (header cut short): nta has no "
                        "network layer and names the frame by its ethertype (IPv4/IPv6), addresses "
                        "empty.",
    "M10-time": "timestamp: frame.time_epoch truncated to microseconds, ISO 8601 UTC with 'Z'.",
    "M11-length": "length: frame.len.",
}

# nta's names for IP protocol numbers (docs/decode.md "Protocol names"; IANA keywords except
# 58 -> ICMPv6 and 89 -> OSPF). A number not listed is "IP-<n>".
IP_PROTOCOL_NAMES = {
    0: "HOPOPT", 1: "ICMP", 2: "IGMP", 3: "GGP", 4: "IPv4", 5: "ST", 6: "TCP", 8: "EGP", 9: "IGP",
    17: "UDP", 27: "RDP", 33: "DCCP", 41: "IPv6", 43: "IPv6-Route", 44: "IPv6-Frag", 46: "RSVP",
    47: "GRE", 50: "ESP", 51: "AH", 58: "ICMPv6", 59: "IPv6-NoNxt", 60: "IPv6-Opts", 88: "EIGRP",
    89: "OSPF", 94: "IPIP", 97: "ETHERIP", 98: "ENCAP", 103: "PIM", 108: "IPComp", 112: "VRRP",
    113: "PGM", 115: "L2TP", 132: "SCTP", 136: "UDPLite", 137: "MPLS-in-IP", 139: "HIP",
    140: "Shim6", 141: "WESP", 142: "ROHC", 143: "Ethernet",
}

# nta's names for ethertypes of non-IP frames (docs/decode.md). Others: "ETH-0x%04x".
ETHERTYPE_NAMES = {
    0x0800: "IPv4", 0x0806: "ARP", 0x0842: "WoL", 0x22F3: "TRILL", 0x6558: "TEB", 0x8035: "RARP",
    0x809B: "AppleTalk", 0x80F3: "AARP", 0x8100: "VLAN", 0x8137: "IPX", 0x86DD: "IPv6",
    0x8808: "PAUSE", 0x8809: "LACP", 0x8847: "MPLS", 0x8848: "MPLS", 0x8863: "PPPoE-D",
    0x8864: "PPPoE-S", 0x888E: "EAPOL", 0x8892: "PROFINET", 0x88A2: "AoE", 0x88A4: "EtherCAT",
    0x88A8: "QinQ", 0x88B8: "GOOSE", 0x88BA: "SV", 0x88C7: "RSN-PREAUTH", 0x88CC: "LLDP",
    0x88E1: "HomePlug-AV", 0x88E3: "MRP", 0x88E5: "MACsec", 0x88E7: "PBB", 0x88F7: "PTP",
    0x88FB: "PRP", 0x8902: "CFM", 0x8906: "FCoE", 0x8914: "FIP", 0x892F: "HSR",
    0x893A: "IEEE1905", 0x9000: "LOOP", 0x9100: "QinQ", 0x9200: "QinQ",
}

# ---------------------------------------------------------------------------------------------------
# EXCUSES: differences a documented rule explains (docs/oracle.md, "Excused differences"). Each one
# applies to a condition read from tshark's fields (and, where said, the record's raw bytes) and
# allows, for the named columns only, the value nta's rule gives instead of tshark's view. The other
# columns of the row are still compared exactly.
# ---------------------------------------------------------------------------------------------------
EXCUSES = {
    "E1-ts-invalid-fraction": (
        ("timestamp",),
        "The record's fraction field is out of range (>= 10^6 us or 10^9 ns; "
        "malformed/tcpdump_timestamp_invalid_micro.pcap). tshark prints it unnormalised or wraps it. "
        "The oracle reads the record header itself and expects seconds + fraction carried, both read as "
        "unsigned 32-bit numbers as the pcap format defines them (exact)."),
    "E2-ipv4-bad-version": (
        ("src_ip", "dst_ip", "src_port", "dst_port", "protocol"),
        "Ethertype 0x0800 (or the raw-IPv4 link type) but the version nibble is not 4: tshark hands the "
        "bytes to the dissector the nibble names (e.g. IPv6); nta decodes no network layer "
        "(ipv4_bad_version). Exact: empty addresses and ports, protocol 'IPv4'."),
    "E3-ipv4-bad-ihl": (
        ("src_ip", "dst_ip", "protocol"),
        "IPv4 header-length field < 20, or larger than the bytes there: tshark stops before the "
        "address and protocol fields; nta reports them from the fixed 20-byte header (ipv4_bad_ihl), "
        "without ports. Exact for pcap files (the oracle reads the header bytes itself); for pcapng "
        "the three columns are counted as unverified."),
    "E4-arp-not-ether-ipv4": (
        ("src_ip", "dst_ip"),
        "ARP with hardware length != 6: tshark still shows the protocol addresses when the protocol is "
        "IPv4 with length 4; nta reads addresses only from Ethernet/IPv4-sized ARP (arp_bad_sizes). "
        "Exact: empty addresses."),
    "E5-transport-cut": (
        ("src_port", "dst_port"),
        "The fixed transport header (TCP 20, UDP 8, SCTP 12 bytes) is cut short by the capture or by "
        "the IP length: tshark shows the ports it could read, nta shows none (tcp/udp/sctp_truncated). "
        "Recognised by tshark lacking the header's last field (tcp.urgent_pointer, udp.checksum, "
        "sctp.checksum). nta's ports, when present, must still equal tshark's."),
    "E6-ipv6-ext-cut": (
        ("protocol",),
        "An IPv6 extension header cut short (it is the last layer tshark shows and its next header is "
        "not 59): nta names the packet by the extension header's own number (e.g. IPv6-Route), "
        "tshark's view gives the next-header value inside the incomplete header. Exact."),
    "E7-atmarp": (
        ("src_ip", "dst_ip"),
        "ARP with hardware type 19 (ATM, RFC 2225): tshark decodes the ATMARP layout, which has no "
        "fixed-offset protocol addresses; nta does not check the hardware type (docs/decode.md) and "
        "reads the Ethernet/IPv4 offsets when the size bytes say 6 and 4. Exact for pcap files (the "
        "oracle reads those offsets itself)."),
}


def naming_table_drift(decode_md: Path) -> list[str]:
    """Differences between the two name tables above and the ones in docs/decode.md ("Protocol
    names"), so that the oracle's mapping cannot silently drift from nta's documented one."""
    text = decode_md.read_text()
    ip_doc: dict[int, str] = {}
    eth_doc: dict[int, str] = {}
    section = None
    for line in text.splitlines():
        if line.startswith("IP protocol names"):
            section = "ip"
        elif line.startswith("Ethertype names"):
            section = "eth"
        elif line.startswith("#") or line.startswith("`ip_protocol_name"):
            section = None
        if section is None or not line.startswith("|") or "---" in line:
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        for key, name in zip(cells[0::2], cells[1::2]):
            if not key or not name or key in ("n", "ethertype"):
                continue
            name = name.split(" (")[0]
            if section == "ip":
                ip_doc[int(key)] = name
            else:
                for k in key.split(","):
                    k = k.strip().split(" ")[0]
                    eth_doc[int(k, 0)] = name
    problems = []
    eth_oracle = {**ETHERTYPE_NAMES, 0: "LLC"}
    for label, doc, mine in (("IP protocol", ip_doc, IP_PROTOCOL_NAMES), ("ethertype", eth_doc, eth_oracle)):
        for k in sorted(set(doc) | set(mine)):
            if doc.get(k) != mine.get(k):
                key = str(k) if label == "IP protocol" else f"0x{k:04x}"
                problems.append(f"{label} {key}: docs/decode.md says {doc.get(k)!r}, the oracle {mine.get(k)!r}")
    return problems


def ip_name(n: int) -> str:
    return IP_PROTOCOL_NAMES.get(n, f"IP-{n}")


def eth_name(t: int | None) -> str:
    if t is None:
        return "UNKNOWN"
    if t < 0x600:
        return "LLC"
    return ETHERTYPE_NAMES.get(t, f"ETH-0x{t:04x}")


COLUMNS = ("timestamp", "src_ip", "dst_ip", "src_port", "dst_port", "protocol", "length")
CSV_HEADER = ",".join(COLUMNS)

FIELDS = [
    "frame.number", "frame.len", "frame.cap_len", "frame.time_epoch", "frame.protocols",
    "eth.type", "eth.len", "vlan.etype", "ieee8021ah.etype", "sll.etype",
    "ip.version", "ip.hdr_len", "ip.src", "ip.dst", "ip.proto",
    "ipv6.src", "ipv6.dst", "ipv6.nxt",
    "ipv6.hopopts.nxt", "ipv6.routing.nxt", "ipv6.fraghdr.nxt", "ipv6.dstopts.nxt", "ah.next_header",
    "tcp.srcport", "tcp.dstport", "tcp.urgent_pointer",
    "udp.srcport", "udp.dstport", "udp.checksum",
    "sctp.srcport", "sctp.dstport", "sctp.checksum",
    "arp.src.proto_ipv4", "arp.dst.proto_ipv4", "arp.hw.size", "arp.hw.type",
    "ip.flags.mf", "ip.frag_offset", "ipv6.fraghdr.more", "ipv6.fraghdr.offset",
    "gre.flags_and_version", "vxlan.flags",
]
FIDX = {f: i for i, f in enumerate(FIELDS)}

TSHARK_PREFS = [
    "ip.defragment:FALSE", "ipv6.defragment:FALSE", "tcp.desegment_tcp_streams:FALSE",
    "tcp.reassemble_out_of_order:FALSE", "udp.try_heuristic_first:FALSE",
    "tcp.try_heuristic_first:FALSE",
]

# Link-layer tokens of frame.protocols that nta decodes, with their header size (None: depends).
LINK_TOKENS = {"eth": 14, "ethertype": 0, "vlan": 4, "ieee8021ad": 4, "sll": None, "null": 4, "loop": 4,
               "raw": 0, "mpls": None}
IPV6_EXT_TOKENS = {
    "ipv6.hopopts": ("ipv6.hopopts.nxt", 0), "ipv6.routing": ("ipv6.routing.nxt", 43),
    "ipv6.fraghdr": ("ipv6.fraghdr.nxt", 44), "ipv6.dstopts": ("ipv6.dstopts.nxt", 60),
    "ah": ("ah.next_header", 51),
}
# The last field of each fixed transport header: tshark shows it only when the header is complete.
PORT_TOKENS = {"tcp": "tcp.urgent_pointer", "udp": "udp.checksum", "sctp": "sctp.checksum"}


class Frame:
    """One tshark row: every field as a list (one value per occurrence), and frame.protocols as
    tokens with their occurrence index (the k-th 'ip' token's fields are the k-th ip.* values)."""

    def __init__(self, line: str):
        parts = line.rstrip("\n").split("\t")
        parts += [""] * (len(FIELDS) - len(parts))
        self.parts = parts
        self.v: dict[int, list[str]] = {}  # split lazily: most fields are never asked for
        proto = parts[FIDX["frame.protocols"]]
        self.tokens = proto.split(":") if proto else []
        self.occ = []
        seen: collections.Counter = collections.Counter()
        for t in self.tokens:
            self.occ.append(seen[t])
            seen[t] += 1

    def get(self, field: str, k: int = 0) -> str | None:
        i = FIDX[field]
        vals = self.v.get(i)
        if vals is None:
            p = self.parts[i]
            vals = self.v[i] = p.split(",") if p else []
        return vals[k] if k < len(vals) else None


def parse_int(s: str | None) -> int | None:
    if s is None or s == "":
        return None
    return int(s, 0)


class Raw:
    """Records of a classic pcap file read by the oracle itself (for E1 and E3). None for pcapng."""

    MAGICS = {b"\xd4\xc3\xb2\xa1": ("<", 1_000_000), b"\xa1\xb2\xc3\xd4": (">", 1_000_000),
              b"\x4d\x3c\xb2\xa1": ("<", 1_000_000_000), b"\xa1\xb2\x3c\x4d": (">", 1_000_000_000)}

    def __init__(self, data: bytes, endian: str, scale: int):
        self.data = data
        self.scale = scale
        self.linktype = struct.unpack(endian + "I", data[20:24])[0] & 0x0FFFFFFF
        self.records = []  # (sec, frac, data_offset, incl)
        off = 24
        while off + 16 <= len(data):
            sec, frac, incl, _orig = struct.unpack(endian + "IIII", data[off:off + 16])
            self.records.append((sec, frac, off + 16, incl))
            off += 16 + incl

    @classmethod
    def load(cls, path: Path) -> "Raw | None":
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if len(data) < 24 or data[:4] not in cls.MAGICS:
            return None
        endian, scale = cls.MAGICS[data[:4]]
        return cls(data, endian, scale)

    def frame_bytes(self, number: int) -> bytes | None:
        if not 1 <= number <= len(self.records):
            return None
        _s, _f, off, incl = self.records[number - 1]
        return self.data[off:off + incl]

    def invalid_fraction_ts(self, number: int) -> str | None:
        """nta's expected timestamp when the record's fraction field is out of range (E1)."""
        if not 1 <= number <= len(self.records):
            return None
        sec, frac, _o, _i = self.records[number - 1]
        if frac < self.scale:
            return None
        return iso_us(sec, frac if self.scale == 1_000_000 else frac // 1000)


class Expected:
    def __init__(self):
        self.want = dict.fromkeys(COLUMNS, "")
        self.mapping: set[str] = set()
        # (rule, {column: value nta's rule gives, or None when the oracle cannot verify it})
        self.excuses: list[tuple[str, dict[str, str | None]]] = []

    def excuse(self, rule: str, alt: dict[str, str | None]) -> None:
        self.excuses.append((rule, alt))


def last_ethertype(f: Frame, upto: int) -> int | None:
    """The ethertype the link layers before token position `upto` announce last (0: 802.3 length)."""
    result = None
    for i in range(upto):
        t, k = f.tokens[i], f.occ[i]
        if t == "eth":
            et = parse_int(f.get("eth.type", k))
            if et is not None:
                result = et
            elif f.get("eth.len", 0) is not None:
                result = 0
        elif t == "vlan":
            et = parse_int(f.get("vlan.etype", k))
            if et is not None:
                result = et
        elif t == "ieee8021ad":
            et = parse_int(f.get("ieee8021ah.etype", k))
            if et is not None:
                result = et
        elif t == "sll":
            et = parse_int(f.get("sll.etype", k))
            if et is not None:
                result = et
    return result


def network_offset(f: Frame, sel: int, raw: Raw | None) -> int | None:
    """Byte offset of the token at `sel` when only plain link headers precede it; None otherwise."""
    off = 0
    for i in range(sel):
        t = f.tokens[i]
        size = LINK_TOKENS.get(t, -1)
        if t == "sll" and raw is not None:
            size = 16 if raw.linktype == 113 else 20 if raw.linktype == 276 else None
        if size is None or size == -1:
            return None
        off += size
    return off


def ip_version(f: Frame, pos: int) -> int | None:
    """The version nibble of the ip/ipv6 token at `pos`: tshark's IPv4 and IPv6 dissectors both add
    ip.version, so its k-th value belongs to the k-th ip-or-ipv6 token."""
    k = sum(1 for t in f.tokens[:pos] if t in ("ip", "ipv6"))
    return parse_int(f.get("ip.version", k))


def flag_set(v: str | None) -> bool:
    return v is not None and v not in ("", "0", "False", "false")


def is_fragment(f: Frame, i: int, j: int) -> bool:
    """Whether the IP layer at token position i (extension headers up to j) is a fragment."""
    t, k = f.tokens[i], f.occ[i]
    if t == "ip":
        return flag_set(f.get("ip.flags.mf", k)) or (parse_int(f.get("ip.frag_offset", k)) or 0) != 0
    for x in range(i + 1, j):
        if f.tokens[x] == "ipv6.fraghdr":
            kk = f.occ[x]
            if flag_set(f.get("ipv6.fraghdr.more", kk)) or (parse_int(f.get("ipv6.fraghdr.offset", kk)) or 0):
                return True
    return False


def select_layer(f: Frame) -> tuple[int | None, int, Expected]:
    """Rules M1-M3: the token position of the row's network layer (None: a non-IP frame) and the
    position where the walk stopped."""
    e = Expected()
    toks, occ = f.tokens, f.occ
    n = len(toks)
    i = 0
    sel = None
    while i < n:
        t = toks[i]
        if t in ("ip", "ipv6", "arp"):
            sel = i
            if t == "arp":
                break
            if t == "ip" and ip_version(f, i) not in (None, 4):
                break  # E2: not really IPv4; nta follows nothing from here
            j = i + 1
            if t == "ipv6":
                while j < n and toks[j] in IPV6_EXT_TOKENS:
                    j += 1
            nxt = toks[j] if j < n else None
            fragment = is_fragment(f, i, j)
            if nxt in ("ip", "ipv6") and not fragment:
                e.mapping.add("M2-tunnel")
                i = j
                continue
            if nxt == "gre" and j + 1 < n and toks[j + 1] in ("ip", "ipv6", "eth") and not fragment:
                fv = parse_int(f.get("gre.flags_and_version", occ[j]))
                if fv is not None and fv & 0x4007 == 0:  # version 0, no source routing
                    e.mapping.add("M2-tunnel")
                    i = j + 1
                    continue
            if nxt == "udp" and j + 2 < n and toks[j + 1] == "vxlan" and toks[j + 2] == "eth" and \
                    f.get("udp.dstport", occ[j]) == "4789" and not fragment and \
                    (parse_int(f.get("vxlan.flags", occ[j + 1])) or 0) & 0x0800:
                e.mapping.add("M2-tunnel")
                i = j + 2
                continue
            if nxt in ("icmp", "icmpv6"):
                if any(x in ("ip", "ipv6") for x in toks[j + 1:]):
                    e.mapping.add("M3-icmp-quote")
            elif any(x in ("ip", "ipv6", "eth") for x in toks[j + 1:]):
                e.mapping.add("M2b-not-followed")
            break
        if t in LINK_TOKENS:
            i += 1
            continue
        break
    return sel, i, e


def expected_row(f: Frame, number: int, raw: Raw | None) -> Expected:
    sel, stop, e = select_layer(f)
    w = e.want
    w["length"] = f.get("frame.len") or ""
    w["timestamp"] = iso_from_epoch_text(f.get("frame.time_epoch") or "")
    e.mapping.update(("M10-time", "M11-length"))
    if raw is not None:
        fixed = raw.invalid_fraction_ts(number)
        if fixed is not None and fixed != w["timestamp"]:
            e.excuse("E1-ts-invalid-fraction", {"timestamp": fixed})
    toks, occ = f.tokens, f.occ
    n = len(toks)
    if sel is None:
        e.mapping.add("M7-ethname")
        w["protocol"] = eth_name(last_ethertype(f, stop))
        return e
    e.mapping.add("M1-layer")
    t, k = toks[sel], occ[sel]

    if t == "arp":
        e.mapping.add("M8-arp")
        w["protocol"] = "ARP"
        w["src_ip"] = f.get("arp.src.proto_ipv4", k) or ""
        w["dst_ip"] = f.get("arp.dst.proto_ipv4", k) or ""
        hw = parse_int(f.get("arp.hw.size", k))
        if hw is not None and hw != 6 and (w["src_ip"] or w["dst_ip"]):
            e.excuse("E4-arp-not-ether-ipv4", {"src_ip": "", "dst_ip": ""})
        if sel + 1 < n and toks[sel + 1] == "atmarp":
            off = network_offset(f, sel, raw)
            b = raw.frame_bytes(number) if raw is not None and off is not None else None
            if b is not None and len(b) >= off + 28:
                a = b[off:off + 28]
                sized = a[2:6] == b"\x08\x00\x06\x04"
                e.excuse("E7-atmarp", {"src_ip": ".".join(map(str, a[14:18])) if sized else "",
                                       "dst_ip": ".".join(map(str, a[24:28])) if sized else ""})
            else:
                e.excuse("E7-atmarp", {"src_ip": None, "dst_ip": None})
        return e

    if t == "ip":
        if ip_version(f, sel) not in (None, 4):
            e.excuse("E2-ipv4-bad-version",
                     {"src_ip": "", "dst_ip": "", "src_port": "", "dst_port": "", "protocol": "IPv4"})
            # tshark's view is whatever the version nibble made of it: not comparable.
            w.update(src_ip="?", dst_ip="?", protocol="?")
            return e
        src, dst = f.get("ip.src", k), f.get("ip.dst", k)
        hdr_len = parse_int(f.get("ip.hdr_len", k))
        if src is None or dst is None:
            off = network_offset(f, sel, raw)
            cap = parse_int(f.get("frame.cap_len"))
            cut = off is not None and cap is not None and cap - off < 20
            if hdr_len is not None and src is None and not cut:
                # tshark stopped at the header-length check: E3.
                w.update(src_ip="?", dst_ip="?", protocol="?")
                b = raw.frame_bytes(number) if raw is not None and off is not None else None
                if b is not None and len(b) >= off + 20:
                    hdr = b[off:off + 20]
                    e.excuse("E3-ipv4-bad-ihl", {"src_ip": ".".join(map(str, hdr[12:16])),
                                                 "dst_ip": ".".join(map(str, hdr[16:20])),
                                                 "protocol": ip_name(hdr[9])})
                else:
                    e.excuse("E3-ipv4-bad-ihl", {"src_ip": None, "dst_ip": None, "protocol": None})
                return e
            e.mapping.add("M9-ip-unreadable")
            w["protocol"] = eth_name(last_ethertype(f, sel) if sel > 0 else 0x0800)
            return e
        w["src_ip"], w["dst_ip"] = src, dst
        number_ = parse_int(f.get("ip.proto", k))
        j = sel + 1
    else:  # ipv6
        src, dst = f.get("ipv6.src", k), f.get("ipv6.dst", k)
        if src is None or dst is None:
            e.mapping.add("M9-ip-unreadable")
            w["protocol"] = eth_name(last_ethertype(f, sel) if sel > 0 else 0x86DD)
            return e
        w["src_ip"], w["dst_ip"] = src, dst
        number_ = parse_int(f.get("ipv6.nxt", k))
        j = sel + 1
        while j < n and toks[j] in IPV6_EXT_TOKENS:
            e.mapping.add("M4-ipv6-ext")
            field, own = IPV6_EXT_TOKENS[toks[j]]
            v = parse_int(f.get(field, occ[j]))
            if j == n - 1 and v != 59:
                # The last thing tshark could show: the header was cut short (E6).
                w["protocol"] = ip_name(v) if v is not None else ip_name(own)
                if v is not None and v != own:
                    e.excuse("E6-ipv6-ext-cut", {"protocol": ip_name(own)})
                number_ = own
                j += 1
                break
            if v is not None:
                number_ = v
            j += 1
    e.mapping.add("M6-ipname")
    if not w["protocol"]:
        w["protocol"] = ip_name(number_) if number_ is not None else "?"
    nxt = toks[j] if j < n else None
    if nxt in PORT_TOKENS:
        sp = f.get(f"{nxt}.srcport", occ[j])
        dp = f.get(f"{nxt}.dstport", occ[j])
        if sp is not None and dp is not None:
            e.mapping.add("M5-ports")
            w["src_port"], w["dst_port"] = sp, dp
            if f.get(PORT_TOKENS[nxt], occ[j]) is None:
                e.excuse("E5-transport-cut", {"src_port": "", "dst_port": ""})
    return e


# ---------------------------------------------------------------------------------------------------
# Timestamps
# ---------------------------------------------------------------------------------------------------
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


@functools.lru_cache(maxsize=4096)
def _iso_second(sec: int) -> str:
    return (EPOCH + datetime.timedelta(seconds=sec)).strftime("%Y-%m-%dT%H:%M:%S")


def iso_us(sec: int, usec: int) -> str:
    sec += usec // 1_000_000
    usec %= 1_000_000
    return _iso_second(sec) + f".{usec:06d}Z"


def iso_from_epoch_text(s: str) -> str:
    if not s:
        return ""
    neg = s.startswith("-")
    if neg:
        s = s[1:]
    whole, _, frac = s.partition(".")
    # More than 9 digits: tshark printed an unnormalised nanosecond count; carry it.
    ns = int(frac or "0") * 10 ** (9 - len(frac)) if len(frac) <= 9 else int(frac)
    total_ns = int(whole) * 1_000_000_000 + ns
    if neg:
        total_ns = -total_ns
    sec, rem = divmod(total_ns, 1_000_000_000)
    return iso_us(sec, rem // 1000)


# ---------------------------------------------------------------------------------------------------
# Running the tools
# ---------------------------------------------------------------------------------------------------
def run_tshark(path: Path) -> tuple[list[Frame], str, int]:
    cmd = ["tshark", "-r", str(path), "-n", "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
           "-E", "aggregator=,", "-E", "quote=n"]
    for p in TSHARK_PREFS:
        cmd += ["-o", p]
    for fld in FIELDS:
        cmd += ["-e", fld]
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    frames = [Frame(line) for line in p.stdout.splitlines() if line.strip()]
    err = "\n".join(l for l in p.stderr.splitlines() if "Running as user" not in l and l.strip())
    return frames, err, p.returncode


def run_nta(nta: str, path: Path, csv_path: Path) -> tuple[list[dict], str, int]:
    if csv_path.exists():
        csv_path.unlink()
    p = subprocess.run([nta, "read", "-r", str(path), "-q", "--csv", str(csv_path)],
                       capture_output=True, text=True, errors="replace")
    rows = []
    if csv_path.exists():
        with open(csv_path, newline="") as fh:
            lines = fh.read().splitlines()
        if not lines or lines[0] != CSV_HEADER:
            raise RuntimeError(f"unexpected CSV header {lines[:1]!r}")
        for rec in csv.reader(lines[1:]):
            rows.append(dict(zip(COLUMNS, rec)) if len(rec) == len(COLUMNS) else {"_bad": ",".join(rec)})
    return rows, p.stderr.strip(), p.returncode


class FileResult:
    def __init__(self, name: str):
        self.name = name
        self.compared = 0
        self.matched = 0
        self.excused: collections.Counter = collections.Counter()
        self.mapping: collections.Counter = collections.Counter()
        self.failures: list[str] = []
        self.hidden = 0
        self.note = ""
        self.skipped = False

    def fail(self, text: str, limit: int) -> None:
        if len(self.failures) < limit:
            self.failures.append(text)
        else:
            self.hidden += 1


def compare_file(nta: str, path: Path, name: str, work: Path, max_report: int) -> FileResult:
    res = FileResult(name)
    csv_path = work / (name.replace("/", "__") + ".csv")
    frames, terr, trc = run_tshark(path)
    rows, nerr, nrc = run_nta(nta, path, csv_path)
    first_err = nerr.splitlines()[0] if nerr else ""
    tshark_failed = trc != 0 or bool(terr)
    if nrc >= 128 or nrc < 0 or "Sanitizer" in nerr or "runtime error" in nerr:
        res.fail(f"nta crashed or reported a sanitizer error (exit {nrc}): {nerr[:300]}", max_report)
        return res
    if nrc == 1 and tshark_failed and not frames:
        res.skipped = True
        res.note = f"unreadable by both tshark and nta ({first_err or 'exit 1'})"
        return res
    if nrc not in (0, 3):
        res.fail(f"nta exit {nrc}: {nerr[:300]}", max_report)
        return res
    if nrc == 3 and not tshark_failed:
        res.fail(f"nta exit 3 (damaged input) but tshark read the file cleanly: {first_err}", max_report)
    if nrc == 0 and trc != 0:
        res.fail(f"tshark reported damage ({terr.splitlines()[-1] if terr else trc}) but nta exit 0",
                 max_report)
    if nrc == 3:
        res.note = "damaged, as tshark says too: " + first_err
    if len(rows) != len(frames):
        res.fail(f"row count: nta {len(rows)}, tshark {len(frames)}", max_report)
    raw = Raw.load(path)
    for idx, (row, fr) in enumerate(zip(rows, frames)):
        number = idx + 1
        res.compared += 1
        if "_bad" in row:
            res.fail(f"frame {number}: malformed CSV row {row['_bad']!r}", max_report)
            continue
        e = expected_row(fr, number, raw)
        res.mapping.update(e.mapping)
        want = e.want
        if all(row[c] == want[c] for c in COLUMNS):
            res.matched += 1
            continue
        if e.excuses:
            allowed = dict(want)
            labels = []
            for rule, alt in e.excuses:
                unverified = False
                for c, v in alt.items():
                    if v is None:
                        allowed[c] = row[c]
                        unverified = True
                    else:
                        allowed[c] = v
                labels.append(rule + (" (unverified)" if unverified else ""))
            if all(row[c] == allowed[c] for c in COLUMNS):
                res.matched += 1
                res.excused.update(labels)
                continue
            want = allowed
        diffs = [c for c in COLUMNS if row[c] != want[c]]
        got = ",".join(row[c] for c in COLUMNS)
        exp = ",".join(want[c] for c in COLUMNS)
        res.fail(f"frame {number}: differs in {'/'.join(diffs)}"
                 f"{' (rules considered: ' + ', '.join(r for r, _ in e.excuses) + ')' if e.excuses else ''}\n"
                 f"      nta:    {got}\n      tshark: {exp}\n"
                 f"      tshark layers: {':'.join(fr.tokens)}", max_report)
    return res


# ---------------------------------------------------------------------------------------------------
# A crafted capture of the layer rules' edge cases (tunnels, fragments, extension headers, ICMP
# errors, link layers, non-IP frames), written by the oracle itself: the shared captures hold one
# followed tunnel packet only.
# ---------------------------------------------------------------------------------------------------
def _csum16(b: bytes) -> int:
    if len(b) % 2:
        b += b"\0"
    total = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def _a4(s: str) -> bytes:
    return bytes(int(x) for x in s.split("."))


def _a6(s: str) -> bytes:
    import ipaddress
    return ipaddress.IPv6Address(s).packed


def _eth(etype: int, payload: bytes, tags: tuple[tuple[int, int], ...] = ()) -> bytes:
    h = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01"
    for tpid, vid in tags:
        h += struct.pack("!HH", tpid, vid)
    return h + struct.pack("!H", etype) + payload


def _ip4(src: str, dst: str, proto: int, payload: bytes, mf: bool = False, offset: int = 0,
         options: bytes = b"", ident: int = 0x1234) -> bytes:
    ihl = 5 + len(options) // 4
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(payload), ident,
                    (0x2000 if mf else 0) | offset, 64, proto, 0, _a4(src), _a4(dst)) + options
    h = h[:10] + struct.pack("!H", _csum16(h)) + h[12:]
    return h + payload


def _ip6(src: str, dst: str, nh: int, payload: bytes) -> bytes:
    return struct.pack("!IHBB", 0x60000000, len(payload), nh, 64) + _a6(src) + _a6(dst) + payload


def _ext(nh: int, body: bytes = b"\x01\x04\x00\x00\x00\x00") -> bytes:
    """A hop-by-hop/destination-options/routing-style header: next header, length, body."""
    body += b"\0" * (-(len(body) + 2) % 8)
    return struct.pack("!BB", nh, (len(body) + 2) // 8 - 1) + body


def _frag6(nh: int, offset: int, more: bool, ident: int = 0xABCD) -> bytes:
    return struct.pack("!BBHI", nh, 0, (offset << 3) | (1 if more else 0), ident)


def _tcp(sp: int, dp: int, data: bytes = b"", flags: int = 0x18, offset_words: int = 5) -> bytes:
    return struct.pack("!HHIIBBHHH", sp, dp, 1000, 2000, offset_words << 4, flags, 8192, 0, 0) + \
        b"\0" * (4 * offset_words - 20 if offset_words > 5 else 0) + data


def _udp(sp: int, dp: int, data: bytes = b"") -> bytes:
    return struct.pack("!HHHH", sp, dp, 8 + len(data), 0) + data


def _sctp(sp: int, dp: int) -> bytes:
    return struct.pack("!HHII", sp, dp, 0x01020304, 0) + struct.pack("!BBH", 1, 0, 4)


def _icmp(t: int, c: int, rest: bytes = b"\0\0\0\0", data: bytes = b"") -> bytes:
    return struct.pack("!BBH", t, c, 0) + rest + data


def _gre(proto: int, payload: bytes, flags: int = 0, key: int | None = None, seq: int | None = None,
         csum: bool = False) -> bytes:
    fv = flags | (0x8000 if csum else 0) | (0x2000 if key is not None else 0) | (0x1000 if seq is not None else 0)
    h = struct.pack("!HH", fv, proto)
    if csum:
        h += b"\0\0\0\0"
    if key is not None:
        h += struct.pack("!I", key)
    if seq is not None:
        h += struct.pack("!I", seq)
    return h + payload


def _vxlan(vni: int, inner: bytes, flags: int = 0x08) -> bytes:
    return struct.pack("!BBHI", flags, 0, 0, vni << 8) + inner


def _arp(op: int, spa: str, tpa: str, htype: int = 1) -> bytes:
    return struct.pack("!HHBBH6s4s6s4s", htype, 0x0800, 6, 4, op, b"\x02\0\0\0\0\x01", _a4(spa),
                       b"\0" * 6, _a4(tpa))


def crafted_frames() -> list[bytes]:
    A, B, C_, D = "10.0.0.1", "10.0.0.2", "192.0.2.1", "198.51.100.2"
    X, Y = "2001:db8::1", "2001:db8:0:1::2"
    inner4 = _ip4("172.16.0.1", "172.16.0.2", 6, _tcp(1111, 80, b"GET /"))
    inner6 = _ip6("fd00::1", "fd00::2", 17, _udp(5353, 53, b"q" * 12))
    inner_eth = _eth(0x0800, _ip4("172.16.1.1", "172.16.1.2", 17, _udp(4000, 5000, b"inner")))
    quoted4 = _ip4(B, A, 17, _udp(33000, 33434, b"trace"))
    quoted6 = _ip6(Y, X, 6, _tcp(40000, 443))
    frames = [
        _eth(0x0800, _ip4(A, B, 6, _tcp(50000, 80, b"hello"))),
        _eth(0x0800, _ip4(A, B, 6, _tcp(50001, 22), options=b"\x01\x01\x01\x00")),   # IPv4 options
        _eth(0x0800, _ip4(A, B, 6, _tcp(50002, 25, b"x", offset_words=8))),            # TCP options area
        _eth(0x0800, _ip4(A, B, 132, _sctp(2905, 2905))),
        _eth(0x0800, _ip4(A, B, 1, _icmp(8, 0, b"\x00\x01\x00\x01", b"ping"))),
        _eth(0x0800, _ip4(D, A, 1, _icmp(3, 3, b"\0\0\0\0", quoted4))),          # ICMP error quoting UDP
        _eth(0x0800, _ip4(D, A, 1, _icmp(11, 0, b"\0\0\0\0", _ip4(A, B, 6, _tcp(1, 2))))),
        _eth(0x86DD, _ip6(Y, X, 58, _icmp(3, 0, b"\0\0\0\0", quoted6))),          # ICMPv6 time exceeded
        _eth(0x86DD, _ip6(X, Y, 58, _icmp(128, 0, b"\x00\x07\x00\x01", b"ping6"))),
        # VXLAN: to 4789 (followed), from 4789 only (not followed), without the I flag (not followed),
        # carrying ARP, over IPv6.
        _eth(0x0800, _ip4(C_, D, 17, _udp(49152, 4789, _vxlan(42, _eth(0x0800, inner4))))),
        _eth(0x0800, _ip4(C_, D, 17, _udp(4789, 49153, _vxlan(43, _eth(0x0800, inner4))))),
        _eth(0x0800, _ip4(C_, D, 17, _udp(49154, 4789, _vxlan(44, _eth(0x0800, inner4), flags=0x00)))),
        _eth(0x0800, _ip4(C_, D, 17, _udp(49155, 4789, _vxlan(45, _eth(0x0806, _arp(1, "172.16.2.1", "172.16.2.2")))))),
        _eth(0x86DD, _ip6(X, Y, 17, _udp(49156, 4789, _vxlan(46, _eth(0x86DD, inner6))))),
        # GRE: IPv4, with checksum+key+sequence, IPv6, Ethernet (TEB), PPTP version 1, routing bit,
        # an unsupported payload type.
        _eth(0x0800, _ip4(C_, D, 47, _gre(0x0800, inner4))),
        _eth(0x0800, _ip4(C_, D, 47, _gre(0x0800, inner4, key=7, seq=9, csum=True))),
        _eth(0x0800, _ip4(C_, D, 47, _gre(0x86DD, inner6))),
        _eth(0x0800, _ip4(C_, D, 47, _gre(0x6558, inner_eth, key=1))),
        _eth(0x0800, _ip4(C_, D, 47, struct.pack("!HHHH", 0x3001, 0x880B, 0, 7) + struct.pack("!I", 1) +
                               b"\xff\x03\x00\x21" + inner4)),
        _eth(0x0800, _ip4(C_, D, 47, _gre(0x0800, inner4, flags=0x4000) )),
        _eth(0x0800, _ip4(C_, D, 47, _gre(0x88BE, b"\x10" * 40))),
        # IP in IP: 4in4, 6in4, 4in6, 6in6, and 4in4 inside 4in4.
        _eth(0x0800, _ip4(C_, D, 4, inner4)),
        _eth(0x0800, _ip4(C_, D, 41, inner6)),
        _eth(0x86DD, _ip6(X, Y, 4, inner4)),
        _eth(0x86DD, _ip6(X, Y, 41, inner6)),
        _eth(0x0800, _ip4(C_, D, 4, _ip4("192.168.9.1", "192.168.9.2", 4, inner4))),
        # IPv4 fragments: first (ports), later (no ports), a GRE first fragment (not followed).
        _eth(0x0800, _ip4(A, B, 17, _udp(7000, 7001, b"f" * 64)[:48], mf=True, ident=1)),
        _eth(0x0800, _ip4(A, B, 17, b"g" * 32, offset=6, ident=1)),
        _eth(0x0800, _ip4(A, B, 6, b"t" * 40, offset=100, mf=True, ident=2)),
        _eth(0x0800, _ip4(C_, D, 47, _gre(0x0800, inner4)[:44], mf=True, ident=3)),
        # IPv6: fragments (first, later, atomic), extension chains, no next header, ESP, AH.
        _eth(0x86DD, _ip6(X, Y, 44, _frag6(17, 0, True) + _udp(7100, 7101, b"h" * 40)[:32])),
        _eth(0x86DD, _ip6(X, Y, 44, _frag6(17, 4, False) + b"i" * 16)),
        _eth(0x86DD, _ip6(X, Y, 44, _frag6(6, 0, False) + _tcp(7200, 7201))),
        _eth(0x86DD, _ip6(X, Y, 0, _ext(60) + _ext(6) + _tcp(7300, 443))),
        _eth(0x86DD, _ip6(X, Y, 43, _ext(17, b"\x00\x00" + b"\0" * 4) + _udp(7350, 7351, b"r"))),
        _eth(0x86DD, _ip6(X, Y, 60, _ext(44, b"\x01\x04\0\0\0\0") + _frag6(17, 0, True) + _udp(7400, 53, b"d" * 8))),
        _eth(0x86DD, _ip6(X, Y, 59, b"")),
        _eth(0x86DD, _ip6(X, Y, 0, _ext(59))),
        _eth(0x86DD, _ip6(X, Y, 50, b"\0\0\0\x01\0\0\0\x01" + b"e" * 24)),
        _eth(0x86DD, _ip6(X, Y, 51, struct.pack("!BBHII", 17, 4, 0, 0x100, 1) + b"\0" * 12 + _udp(7500, 7501, b"ah"))),
        _eth(0x0800, _ip4(A, B, 51, struct.pack("!BBHII", 6, 4, 0, 0x100, 1) + b"\0" * 12 + _tcp(7600, 7601))),
        # Other IP protocols by number.
        _eth(0x0800, _ip4(A, "224.0.0.22", 2, b"\x22\x00\xf9\x02\x00\x00\x00\x00")),
        _eth(0x0800, _ip4(A, "224.0.0.5", 89, b"\x02\x01\x00\x2c" + b"\0" * 40)),
        _eth(0x0800, _ip4(A, "224.0.0.13", 103, b"\x20\x00\x00\x00" + b"\0" * 20)),
        _eth(0x0800, _ip4(A, "224.0.0.18", 112, b"\x21\x01\x64\x01\x00\x01\x00\x00" + _a4(B))),
        _eth(0x0800, _ip4(A, B, 50, b"\0\0\0\x01\0\0\0\x01" + b"e" * 24)),
        _eth(0x0800, _ip4(A, B, 200, b"z" * 20)),
        _eth(0x0800, _ip4(A, B, 253, b"z" * 20)),
        # Link layers: 802.1Q, QinQ (0x88a8 then 0x8100), triple tag, MPLS (two labels), MPLS with a
        # pseudowire control word.
        _eth(0x0800, _ip4(A, B, 17, _udp(8000, 8001, b"v")), tags=((0x8100, 100),)),
        _eth(0x86DD, _ip6(X, Y, 6, _tcp(8100, 8101)), tags=((0x88A8, 200), (0x8100, 300))),
        _eth(0x0800, _ip4(A, B, 6, _tcp(8200, 8201)), tags=((0x8100, 1), (0x8100, 2), (0x8100, 3))),
        _eth(0x8847, struct.pack("!II", (100 << 12) | 64, (200 << 12) | 0x100 | 64) +
             _ip4(A, B, 17, _udp(8300, 8301, b"m"))),
        _eth(0x8847, struct.pack("!I", (300 << 12) | 0x100 | 64) + b"\0\0\0\0" + inner_eth),
        # Non-IP frames: ARP request and reply, LLDP, EAPOL, 802.3 LLC, an unnamed ethertype,
        # ARP with a non-Ethernet hardware length.
        _eth(0x0806, _arp(1, A, B)),
        _eth(0x0806, _arp(2, B, A)),
        _eth(0x88CC, b"\x02\x07\x04\x02\0\0\0\0\x01\x04\x03\x05\x70\x31\x06\x02\x00\x78\x00\x00"),
        _eth(0x888E, b"\x01\x01\x00\x00"),
        b"\x01\x80\xc2\x00\x00\x00" + b"\x02\0\0\0\0\x01" + struct.pack("!H", 38) +
        b"\x42\x42\x03" + b"\0" * 35,
        _eth(0x88B5, b"local experimental"),
        _eth(0x0806, struct.pack("!HHBBH", 6, 0x0800, 8, 4, 1) + b"\0" * 8 + _a4(A) + b"\0" * 8 + _a4(B)),
        # Teredo (IPv6 in UDP 3544): tshark follows it, nta does not.
        _eth(0x0800, _ip4(C_, D, 17, _udp(3544, 50000, _ip6("2001::1", "2001::2", 59, b"")))),
        # UDP over IPv6 to 4789 but not VXLAN-sized: plain UDP.
        _eth(0x86DD, _ip6(X, Y, 17, _udp(50001, 4789, b"abc"))),
    ]
    return [f + b"\0" * (60 - len(f)) if len(f) < 60 else f for f in frames]


def write_crafted(path: Path) -> None:
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
    t = 1_708_353_000 * 1_000_000
    for i, f in enumerate(crafted_frames()):
        t += 1000 + i
        out += struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(f), len(f)) + f
    path.write_bytes(bytes(out))


# ---------------------------------------------------------------------------------------------------
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nta", required=True, help="the nta binary")
    ap.add_argument("--data", required=True, help="the shared pcaps directory (benign/attacks/malformed)")
    ap.add_argument("--work", required=True, help="scratch directory")
    ap.add_argument("--jobs", type=int, default=max(2, os.cpu_count() or 2))
    ap.add_argument("--only", default="", help="compare only captures whose name contains this")
    ap.add_argument("--max-report", type=int, default=10, help="differences printed per file")
    ap.add_argument("--no-synth", action="store_true", help="skip the nta synth captures")
    ap.add_argument("--decode-md", default=str(Path(__file__).resolve().parents[2] / "docs" / "decode.md"),
                    help="nta's decoding doc, whose name tables the oracle's must equal")
    args = ap.parse_args()

    if shutil.which("tshark") is None:
        print("SKIP: tshark not found in PATH")
        return 77
    if not os.access(args.nta, os.X_OK):
        print(f"SKIP: nta binary not found: {args.nta}")
        return 77
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    captures: list[tuple[str, Path]] = []
    data = Path(args.data)
    if data.is_dir():
        for group in ("benign", "attacks", "malformed"):
            d = data / group
            if d.is_dir():
                for p in sorted(d.iterdir()):
                    if p.is_file():
                        captures.append((f"{group}/{p.name}", p))
    else:
        print(f"skipped shared captures: {data} not found")

    failures_total = 0
    decode_md = Path(args.decode_md)
    if decode_md.is_file():
        drift = naming_table_drift(decode_md)
        for d in drift:
            print(f"FAIL name tables: {d}")
        failures_total += 1 if drift else 0
        if not drift:
            print(f"name tables: the oracle's equal {decode_md}'s")
    else:
        print(f"note: {decode_md} not found; name tables not cross-checked")
    if not args.no_synth:
        synth_specs = [("synth/seed1.pcap", ["--seed", "1", "--seconds", "600"]),
                       ("synth/seed2.pcap", ["--seed", "2", "--seconds", "600", "--hosts", "25"]),
                       ("synth/many_hosts.pcap", ["--seed", "3", "--seconds", "120", "--hosts", "2000"])]
        for name, extra in synth_specs:
            out = work / name.replace("/", "_")
            if out.exists():
                out.unlink()
            p = subprocess.run([args.nta, "synth", "-o", str(out), "--packets", "20000"] + extra,
                               capture_output=True, text=True)
            if p.returncode != 0 or not out.exists() or out.stat().st_size <= 24:
                print(f"FAIL {name}: nta synth exit {p.returncode}, no capture made: {p.stderr.strip()[:300]}")
                failures_total += 1
                continue
            captures.append((name, out))

    crafted = work / "crafted_edge_cases.pcap"
    write_crafted(crafted)
    captures.append(("crafted/edge_cases.pcap", crafted))

    if args.only:
        captures = [c for c in captures if args.only in c[0]]
    # Biggest first: keeps both cores busy to the end.
    captures.sort(key=lambda c: -c[1].stat().st_size)

    results: dict[str, FileResult] = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futs = {pool.submit(compare_file, args.nta, p, name, work, args.max_report): name
                for name, p in captures}
        for fut in concurrent.futures.as_completed(futs):
            name = futs[fut]
            try:
                results[name] = fut.result()
            except Exception as exc:  # noqa: BLE001 - report and go on
                r = FileResult(name)
                r.failures.append(f"oracle error: {exc!r}")
                results[name] = r

    total_compared = total_matched = 0
    excused = collections.Counter()
    mapping = collections.Counter()
    by_group = collections.defaultdict(lambda: [0, 0])
    print(f"{'capture':58} {'compared':>9} {'matched':>9}  notes")
    for name, _ in sorted(captures, key=lambda c: c[0]):
        r = results[name]
        group = name.split("/")[0]
        if r.skipped:
            print(f"{name:58} {'-':>9} {'-':>9}  skipped: {r.note}")
            continue
        total_compared += r.compared
        total_matched += r.matched
        by_group[group][0] += r.compared
        by_group[group][1] += r.matched
        excused.update(r.excused)
        mapping.update(r.mapping)
        notes = []
        if r.excused:
            notes.append("excused " + ", ".join(f"{k}={v}" for k, v in sorted(r.excused.items())))
        if r.note:
            notes.append(r.note)
        status = "FAIL " if r.failures else ""
        print(f"{name:58} {r.compared:9d} {r.matched:9d}  {status}{'; '.join(notes)}")
        if r.failures:
            failures_total += 1
            for f in r.failures:
                print("    " + f)
            if r.hidden:
                print(f"    ... and {r.hidden} more differences")

    print()
    for group in ("benign", "attacks", "malformed", "synth", "crafted"):
        if group in by_group:
            c, m = by_group[group]
            print(f"{group:10} compared {c:8d}  matched {m:8d}")
    print(f"{'TOTAL':10} compared {total_compared:8d}  matched {total_matched:8d}  "
          f"({len(results)} captures, {time.monotonic() - started:.1f} s)")
    print("excused differences by rule:" + ("" if excused else " none"))
    for rule in EXCUSES:
        for label in (rule, rule + " (unverified)"):
            if excused[label]:
                print(f"  {label:40} {excused[label]:8d}  columns: {', '.join(EXCUSES[rule][0])}")
    print("mapping rules used (packets):")
    for rule in MAPPING:
        print(f"  {rule:28} {mapping[rule]:8d}")
    if failures_total or total_matched != total_compared:
        print(f"FAILED: {failures_total} capture(s) or check(s) with unexplained differences")
        return 1
    print("OK: every row matched tshark or a documented rule")
    return 0


if __name__ == "__main__":
    sys.exit(main())
