#!/usr/bin/env python3
"""Oracle test: nta's flow records (`nta analyze --flows`) against tshark, conversation by
conversation.

For every capture under DATA/{benign,attacks,malformed}, for captures made with `nta synth`, for
the packet oracle's crafted edge-case capture and for this oracle's own (flow rules' edge cases), run

    nta analyze -r F --flows out.csv --no-progress
    tshark -r F -n -q -z conv,tcp -z conv,udp          (reassembly off, as the packet oracle)
    tshark -r F -n -T fields -e ip.len -e ipv6.plen ... (the packet oracle's fields and a few more)

nta's records are summed per conversation: (VLAN, protocol, the two endpoints) without direction,
and interim records are left out (they are cumulative snapshots: the flow's final record carries
the running totals, docs/flows.md). Two comparisons, both exact:

  A. Against the per-packet model: every frame tshark dissects is put where nta's documented rules
     put it (the packet oracle's mapping picks the layer; FLOW_RULES below say which flow), keyed
     by (VLAN, protocol, endpoints). nta's packets and IP bytes (IPv4 total length, IPv6 40 +
     payload length) in each direction must equal the model's, for every conversation and VLAN.
  B. Against tshark's conversation tables: for every TCP/UDP conversation with ports, nta's packets
     in each direction must equal tshark's "->" / "<-" frames, adjusted only by the frames the
     CONV_RULES below name (each computed frame by frame and counted). The oracle also checks that
     its frame-by-frame reading of tshark's taps adds up to the table tshark printed, so that the
     adjustments are tshark's own behaviour, not a guess.

Also: nta's packets outside flows = the model's non-IP frames; packets in flows + outside = packets
read = tshark's frames; interim records are cumulative (same uid as one later final record, counters
never decrease); and on the crafted flow capture, the records docs/flows.md requires (timeouts,
port reuse, VLANs, echo identifiers, interim records).

Exit status: 0 every conversation matched; 1 a difference; 77 tshark or nta missing (CTest skip).
The rule tables (FLOW_RULES, TAP_RULES, CONV_RULES) are also in docs/oracle.md ("Flows"); keep them
in step.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import csv
import os
import re
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, str(Path(__file__).resolve().parent))
import tshark_oracle as pkt  # noqa: E402  (the packet oracle: layer mapping, fields, crafted capture)

# ---------------------------------------------------------------------------------------------------
# FLOW_RULES: where nta puts a packet (docs/flows.md), restated over tshark's dissection. Comparison
# A builds the expected conversations with them; the packets each one decided are counted.
# ---------------------------------------------------------------------------------------------------
FLOW_RULES = {
    "F1-layer": "The packet is the packet oracle's row (its mapping M1-M4: the innermost followed "
                "tunnel's IP layer, never an ICMP error's quote), with the values its excuses E3 and "
                "E6 say nta prints. A row without addresses (non-IP, ARP, E2, M9) is outside flows: "
                "their count must equal nta's 'packets outside flows'.",
    "F2-key": "Conversation = (VLAN, protocol number, the two endpoints). Endpoints are address and "
              "port for TCP/UDP/SCTP with a complete fixed header; the address alone when that header "
              "is cut (packet oracle E5) and for protocols other than TCP/UDP/SCTP/ICMP.",
    "F2-vlan": "VLAN = the first 802.1Q/802.1ad tag after the last Ethernet header before the packet's "
               "IP layer (docs/decode.md: an inner Ethernet header, as in VXLAN or GRE/TEB, replaces "
               "the outer one's tags); 0 untagged. Counted: tagged packets.",
    "F3-icmp": "ICMP/ICMPv6: ports = (type, counterpart type) for request/reply pairs (echo, "
               "timestamp, information, router/neighbour discovery, address mask, MLD, who-are-you, "
               "home agent), else (type, code). Echo identifiers split flows, not conversations.",
    "F3-icmp-cut": "An ICMP/ICMPv6 header shorter than 8 bytes (within the captured bytes and the IP "
                   "length, read from the record): nta has no transport header, ports 0/0.",
    "F4-later-fragment": "A non-first IPv4/IPv6 fragment joins the flow of its datagram's first "
                         "fragment (same VLAN, addresses, protocol and IP id; IPv6: the low 16 bits) "
                         "when that came earlier in the capture.",
    "F4-unjoined": "A non-first fragment whose first fragment did not come before it: a flow of its "
                   "own keyed by VLAN, addresses and protocol, without ports.",
    "F5-ip-bytes": "IP bytes: IPv4 total length, IPv6 40 + payload length, as the packet's header "
                   "declares them (tshark's ip.len / ipv6.plen; for E3 read from the record).",
}

# ---------------------------------------------------------------------------------------------------
# TAP_RULES: which TCP/UDP layers of a frame tshark 4.0's conv,tcp / conv,udp count, as the oracle
# reads them from the fields. Checked at every run: the counts these give must equal the table tshark
# prints, conversation by conversation and direction by direction (the "self-check").
# ---------------------------------------------------------------------------------------------------
TAP_RULES = {
    "T0-layer": "Every tcp/udp layer with both ports counts once, under the addresses of the nearest "
                "IP layer before it, whatever encapsulates it (tunnel outer and inner layers both).",
    "T1-not-in-icmp-error": "Not a TCP/UDP header quoted inside an ICMP/ICMPv6 error.",
    "T2-complete-header": "Not a header cut short (tshark lacks tcp.urgent_pointer / udp.checksum).",
    "T3-routing-final-dst": "Under an IPv6 type 0 routing header with segments left, the destination "
                            "is the routing header's last address (tshark's final destination).",
    "T4-tcp-header-exception": "Not a TCP header whose options raised an exception in tshark (cut by "
                               "the capture or malformed: the frame is short/malformed and nothing "
                               "but option dissectors follow the tcp layer).",
}

# ---------------------------------------------------------------------------------------------------
# CONV_RULES: frames tshark's conv tables count differently from nta's flows (comparison B). Each is
# decided frame by frame from tshark's fields, counted, and applied as an exact adjustment (+1 or -1)
# of one conversation and direction: nta's count = tshark's count + the adjustments.
# ---------------------------------------------------------------------------------------------------
CONV_RULES = {
    "C1-not-tcp-udp": "nta's conversation is not TCP/UDP with ports (ICMP, ICMPv6, SCTP, GRE, ESP, "
                      "other protocols; TCP/UDP without a complete header or unjoined fragments): "
                      "conv,tcp/udp have no row for it. Compared with the per-packet model (A) only. "
                      "Counted: conversations and their packets.",
    "C2-later-fragment": "A non-first fragment that joins its datagram's TCP/UDP flow (F4): tshark "
                         "dissects it as 'data' (reassembly off). +1 for nta.",
    "C3-tunnel-outer": "The outer UDP datagram of a followed tunnel (VXLAN to port 4789): tshark "
                       "counts it, nta's flow is the inner packet's. -1 for nta in the outer "
                       "conversation.",
    "C4-not-followed": "A TCP/UDP layer tshark counts where nta's packet is another one: inside an "
                       "encapsulation nta does not follow (Teredo, GRE version 1 or Aruba 802.11, "
                       "CAPWAP, GTP, VXLAN from port 4789, ...; packet oracle M2b), in a non-first "
                       "fragment's data, or behind a header nta does not read as IP (E2). -1 for nta.",
    "C5-tcp-header-exception": "T4: tshark's TCP dissector failed in the options before its tap; nta "
                               "needs only the 20-byte fixed header for the ports (docs/decode.md). "
                               "+1 for nta.",
    "C6-routing-final-dst": "T3: tshark's conversation has the routing header's final destination; "
                            "nta's flow has the IPv6 header's destination address (docs/flows.md "
                            "names no exception; Zeek uses the final destination). -1 in tshark's "
                            "conversation, +1 in nta's.",
    "C7-vlan-merged": "One TCP/UDP conversation on several VLANs (or tagged and untagged): tshark has "
                      "one row, nta one flow per VLAN; B sums nta's over VLANs (A compares them VLAN "
                      "by VLAN). Counted, no adjustment.",
}

EXTRA_FIELDS = ["ip.len", "ipv6.plen", "ip.id", "ipv6.fraghdr.ident", "vlan.id", "ieee8021ad.id",
                "icmp.type", "icmp.code", "icmpv6.type", "icmpv6.code", "icmp.checksum",
                "icmpv6.checksum", "ipv6.routing.type", "ipv6.routing.segleft", "ipv6.routing.src.addr",
                "_ws.short", "_ws.malformed"]
FIELDS = pkt.FIELDS + [f for f in EXTRA_FIELDS if f not in pkt.FIELDS]
FIDX = {f: i for i, f in enumerate(FIELDS)}

# ICMP request/reply counterparts (F3; src/flow/flow_key.cpp and the Community ID spec).
ICMP4_COUNTERPART = {8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 10: 9, 9: 10, 17: 18, 18: 17}
ICMP6_COUNTERPART = {128: 129, 129: 128, 130: 131, 131: 130, 133: 134, 134: 133, 135: 136, 136: 135,
                     139: 140, 140: 139, 144: 145, 145: 144}
PORT_PROTOS = {6, 17, 132}
NAME_TO_NUMBER = {v: k for k, v in pkt.IP_PROTOCOL_NAMES.items()}


def proto_label(number: int) -> str:
    """nta's `proto` column for a protocol number (tcp, udp, icmp for ICMP and ICMPv6, sctp, else
    the packet name in lower case)."""
    if number in (1, 58):
        return "icmp"
    return pkt.ip_name(number).lower()


class Frame:
    """One tshark row, as the packet oracle's Frame but over FIELDS (its fields and EXTRA_FIELDS);
    the packet oracle's layer functions use only get(), tokens and occ."""

    def __init__(self, line: str):
        parts = line.rstrip("\n").split("\t")
        parts += [""] * (len(FIELDS) - len(parts))
        self.parts = parts
        self.v: dict[int, list[str]] = {}
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

    def get_all(self, field: str) -> list[str]:
        self.get(field)
        return self.v[FIDX[field]]


def canon(a: tuple[str, int | None], b: tuple[str, int | None]) -> tuple[tuple, tuple, int]:
    """The endpoints in a fixed order and the direction of a packet from a to b (0: lo -> hi)."""
    ka = (a[0], -1 if a[1] is None else a[1])
    kb = (b[0], -1 if b[1] is None else b[1])
    return (ka, kb, 0) if ka <= kb else (kb, ka, 1)


def fmt_ep(e: tuple) -> str:
    addr, port = e
    if port < 0:
        return addr
    return f"[{addr}]:{port}" if ":" in addr else f"{addr}:{port}"


def fmt_conv(key: tuple) -> str:
    if len(key) == 4:
        vlan, proto, lo, hi = key
        return f"{proto} {fmt_ep(lo)} <-> {fmt_ep(hi)}" + (f" vlan {vlan}" if vlan else "")
    proto, lo, hi = key
    return f"{proto_label(proto) if isinstance(proto, int) else proto} {fmt_ep(lo)} <-> {fmt_ep(hi)}"


# ---------------------------------------------------------------------------------------------------
# The per-packet model (comparison A) and tshark's taps (comparison B), frame by frame
# ---------------------------------------------------------------------------------------------------
class Model:
    """The expected conversations of one capture (A), tshark's conv taps as the oracle reads them
    from the fields (for the self-check), and the CONV_RULES adjustments (B)."""

    def __init__(self):
        # (vlan, proto, lo, hi) -> [pkts lo->hi, pkts hi->lo, bytes lo->hi, bytes hi->lo]
        self.convs: dict[tuple, list[int]] = collections.defaultdict(lambda: [0, 0, 0, 0])
        self.first_frag: dict[tuple, tuple] = {}
        self.rules: collections.Counter = collections.Counter()       # FLOW_RULES, packets
        self.taps_rules: collections.Counter = collections.Counter()  # TAP_RULES, frames
        self.conv_rules: collections.Counter = collections.Counter()  # CONV_RULES, frames
        # (proto, lo, hi) -> [lo->hi, hi->lo]: tshark's taps read from the fields, and the adjustment
        # that turns tshark's count into nta's by the CONV_RULES.
        self.taps: dict[tuple, list[int]] = collections.defaultdict(lambda: [0, 0])
        self.adjust: dict[tuple, list[int]] = collections.defaultdict(lambda: [0, 0])
        self.problems: list[str] = []
        self.outside = 0

    def add(self, key: tuple, direction: int, ip_bytes: int) -> None:
        c = self.convs[key]
        c[direction] += 1
        c[2 + direction] += ip_bytes

    def conv_rule(self, rule: str, key: tuple, direction: int, delta: int) -> None:
        """A CONV_RULES frame: nta's count of (key, direction) is tshark's + delta."""
        self.conv_rules[rule] += 1
        self.adjust[key][direction] += delta


def ip_layer_before(f: Frame, upto: int) -> int | None:
    for i in range(upto - 1, -1, -1):
        if f.tokens[i] in ("ip", "ipv6"):
            return i
    return None


def ip_addresses(f: Frame, i: int) -> tuple[str | None, str | None]:
    k = f.occ[i]
    if f.tokens[i] == "ip":
        return f.get("ip.src", k), f.get("ip.dst", k)
    return f.get("ipv6.src", k), f.get("ipv6.dst", k)


def routing_final_dst(f: Frame, i: int) -> str | None:
    """T3: the last address of a type 0 routing header with segments left after the IPv6 layer at
    token i (tshark then shows pinfo->dst as that final destination), else None."""
    j = i + 1
    while j < len(f.tokens) and f.tokens[j] in pkt.IPV6_EXT_TOKENS:
        if f.tokens[j] == "ipv6.routing":
            k = f.occ[j]
            if pkt.parse_int(f.get("ipv6.routing.type", k)) == 0 and \
                    (pkt.parse_int(f.get("ipv6.routing.segleft", k)) or 0) > 0:
                addrs = f.get_all("ipv6.routing.src.addr")
                return addrs[-1] if addrs else None
        j += 1
    return None


def tcp_header_exception(f: Frame, i: int) -> bool:
    """T4: tshark's TCP dissector raised an exception inside the header (options cut short by the
    capture or the IP length, or a malformed option): the frame is short or malformed and nothing
    but TCP option dissectors (mptcp) follows the tcp layer."""
    if f.get("_ws.short") is None and f.get("_ws.malformed") is None:
        return False
    return all(t in ("mptcp",) for t in f.tokens[i + 1:])


def tshark_taps(m: Model, f: Frame) -> list[tuple[int, tuple, int]]:
    """The TCP/UDP layers of the frame that tshark's conv tables count (TAP_RULES): (token position,
    (proto, lo, hi), direction)."""
    out = []
    for i, t in enumerate(f.tokens):
        if t not in ("tcp", "udp"):
            continue
        k = f.occ[i]
        sp, dp = f.get(f"{t}.srcport", k), f.get(f"{t}.dstport", k)
        if sp is None or dp is None:
            continue
        if any(x in ("icmp", "icmpv6") for x in f.tokens[:i]):
            m.taps_rules["T1-not-in-icmp-error"] += 1
            continue
        if f.get(pkt.PORT_TOKENS[t], k) is None:
            m.taps_rules["T2-complete-header"] += 1
            continue
        if t == "tcp" and tcp_header_exception(f, i):
            m.taps_rules["T4-tcp-header-exception"] += 1
            continue
        ip = ip_layer_before(f, i)
        if ip is None:
            continue
        src, dst = ip_addresses(f, ip)
        if src is None or dst is None:
            continue
        if f.tokens[ip] == "ipv6":
            final = routing_final_dst(f, ip)
            if final is not None:
                m.taps_rules["T3-routing-final-dst"] += 1
                dst = final
        lo, hi, d = canon((src, int(sp)), (dst, int(dp)))
        m.taps_rules["T0-layer"] += 1
        out.append((i, (6 if t == "tcp" else 17, lo, hi), d))
    return out


def outer_vlan(f: Frame, sel: int) -> int:
    """F2: the first VLAN tag after the last Ethernet header before the packet's layer
    (docs/decode.md: an inner Ethernet header replaces the outer one's tags); 0 when untagged."""
    start = 0
    for i in range(sel):
        if f.tokens[i] == "eth":
            start = i
    for i in range(start, sel):
        t = f.tokens[i]
        if t == "vlan":
            return pkt.parse_int(f.get("vlan.id", f.occ[i])) or 0
        if t == "ieee8021ad":
            return pkt.parse_int(f.get("ieee8021ad.id", f.occ[i])) or 0
    return 0


def transport_offset(f: Frame, sel: int, raw: pkt.Raw | None) -> int | None:
    """Byte offset of the header after the IP layer at `sel` (IPv4: its header length; IPv6: 40 plus
    the extension headers, read from the record), for plain link layers; None otherwise."""
    if raw is None:
        return None
    off = pkt.network_offset(f, sel, raw)
    if off is None:
        return None
    if f.tokens[sel] == "ip":
        hl = pkt.parse_int(f.get("ip.hdr_len", f.occ[sel]))
        return None if hl is None else off + hl
    return None  # IPv6: not needed by the captures we have (see icmp_ports)


def icmp_ports(f: Frame, number: int, sel: int, j: int, raw: pkt.Raw | None,
               m: Model) -> tuple[int, int]:
    """F3: the ICMP/ICMPv6 'ports' nta keys the packet by."""
    nxt = f.tokens[j] if j < len(f.tokens) else None
    if nxt not in ("icmp", "icmpv6"):
        return 0, 0  # no ICMP header tshark could show
    pfx = nxt
    ty = pkt.parse_int(f.get(f"{pfx}.type", f.occ[j]))
    co = pkt.parse_int(f.get(f"{pfx}.code", f.occ[j]))
    if ty is None or co is None:
        return 0, 0
    # nta needs the whole 8-byte header (within the captured bytes and the IP length).
    off = transport_offset(f, sel, raw)
    b = raw.frame_bytes(number) if off is not None else None
    if b is not None:
        ip_len = pkt.parse_int(f.get("ip.len", f.occ[sel])) or 0
        net = pkt.network_offset(f, sel, raw) or 0
        avail = min(len(b), net + ip_len) - off
        if avail < 8:
            m.rules["F3-icmp-cut"] += 1
            return 0, 0
    elif f.get(f"{pfx}.checksum", f.occ[j]) is None:
        return 0, 0
    cp = (ICMP4_COUNTERPART if nxt == "icmp" else ICMP6_COUNTERPART).get(ty)
    return ty, (cp if cp is not None else co)


def model_frame(m: Model, f: Frame, number: int, raw: pkt.Raw | None) -> None:
    e = pkt.expected_row(f, number, raw)
    sel, _stop, _ = pkt.select_layer(f)
    w = e.want
    excuses = {rule: alt for rule, alt in e.excuses}
    taps = tshark_taps(m, f)
    for _i, key, d in taps:
        m.taps[key][d] += 1

    # nta's view of the packet: the packet oracle's row, with the values its excuses say nta prints.
    src, dst, proto_name = w["src_ip"], w["dst_ip"], w["protocol"]
    for rule in ("E3-ipv4-bad-ihl", "E6-ipv6-ext-cut"):
        if rule in excuses:
            alt = excuses[rule]
            if any(v is None for v in alt.values()):
                m.problems.append(f"frame {number}: {rule} in a pcapng file, nta's flow unknown")
                return
            src, dst = alt.get("src_ip", src), alt.get("dst_ip", dst)
            proto_name = alt.get("protocol", proto_name)
    if "E2-ipv4-bad-version" in excuses or sel is None or f.tokens[sel] == "arp" or not src or not dst:
        m.outside += 1
        for _i, tkey, td in taps:  # a TCP/UDP layer tshark found where nta decodes no IP packet
            m.conv_rule("C4-not-followed", tkey, td, -1)
        return
    m.rules["F1-layer"] += 1
    t, k = f.tokens[sel], f.occ[sel]
    number_ = int(proto_name[3:]) if proto_name.startswith("IP-") else NAME_TO_NUMBER[proto_name]
    j = sel + 1
    if t == "ipv6":
        while j < len(f.tokens) and f.tokens[j] in pkt.IPV6_EXT_TOKENS:
            j += 1

    # F5: IP bytes from the packet's header; F4: fragment identity.
    if t == "ip":
        ip_bytes = pkt.parse_int(f.get("ip.len", k))
        if ip_bytes is None and raw is not None:  # E3: tshark stopped before the length field
            off = pkt.network_offset(f, sel, raw)
            b = raw.frame_bytes(number)
            if off is not None and b is not None and len(b) >= off + 4:
                ip_bytes = int.from_bytes(b[off + 2:off + 4], "big")
        ident = pkt.parse_int(f.get("ip.id", k))
        later = (pkt.parse_int(f.get("ip.frag_offset", k)) or 0) != 0
        first = not later and pkt.flag_set(f.get("ip.flags.mf", k))
    else:
        plen = pkt.parse_int(f.get("ipv6.plen", k))
        ip_bytes = None if plen is None else 40 + plen
        ident, later, first = None, False, False
        for x in range(sel + 1, j):
            if f.tokens[x] == "ipv6.fraghdr":
                kk = f.occ[x]
                off6 = pkt.parse_int(f.get("ipv6.fraghdr.offset", kk)) or 0
                ident = (pkt.parse_int(f.get("ipv6.fraghdr.ident", kk)) or 0) & 0xFFFF
                later = off6 != 0
                first = off6 == 0 and pkt.flag_set(f.get("ipv6.fraghdr.more", kk))
    if ip_bytes is None:
        m.problems.append(f"frame {number}: no IP length in tshark's view")
        ip_bytes = 0
    m.rules["F5-ip-bytes"] += 1
    vlan = outer_vlan(f, sel)
    if vlan:
        m.rules["F2-vlan"] += 1
    frag_key = (vlan, src, dst, number_, ident)

    nta_b = None  # (conv key, direction) when nta counts the packet in a TCP/UDP flow with ports
    if later:
        key = m.first_frag.get(frag_key)
        if key is not None:
            m.rules["F4-later-fragment"] += 1
            d = 0 if key[2][0] == src else 1
            if key[1] in ("tcp", "udp") and key[2][1] >= 0:
                nta_b = ((6 if key[1] == "tcp" else 17, key[2], key[3]), d)
                m.conv_rule("C2-later-fragment", nta_b[0], d, +1)
        else:
            m.rules["F4-unjoined"] += 1
            lo, hi, d = canon((src, None), (dst, None))
            key = (vlan, proto_label(number_), lo, hi)
        m.add(key, d, ip_bytes)
        for _i, tkey, td in taps:
            m.conv_rule("C4-not-followed", tkey, td, -1)
        return

    sport = dport = None
    if number_ in PORT_PROTOS:
        if w["src_port"] and w["dst_port"] and "E5-transport-cut" not in excuses:
            sport, dport = int(w["src_port"]), int(w["dst_port"])
    elif number_ in (1, 58):
        m.rules["F3-icmp"] += 1
        sport, dport = icmp_ports(f, number, sel, j, raw, m)
    lo, hi, d = canon((src, sport), (dst, dport))
    key = (vlan, proto_label(number_), lo, hi)
    m.rules["F2-key"] += 1
    m.add(key, d, ip_bytes)
    if first:
        m.first_frag[frag_key] = key
    if number_ in (6, 17) and sport is not None:
        nta_b = ((number_, lo, hi), d)

    # B: which of tshark's taps is nta's packet, and why the others are not.
    matched = False
    for i, tkey, td in taps:
        if i == j and nta_b is not None:
            matched = True
            if (tkey, td) != nta_b:  # T3: tshark's conversation uses the routing header's final dst
                m.conv_rule("C6-routing-final-dst", tkey, td, -1)
                m.conv_rule("C6-routing-final-dst", nta_b[0], nta_b[1], +1)
            continue
        m.conv_rule("C3-tunnel-outer" if i < sel else "C4-not-followed", tkey, td, -1)
    if nta_b is not None and not matched:
        if number_ == 6 and tcp_header_exception(f, j):
            m.conv_rule("C5-tcp-header-exception", nta_b[0], nta_b[1], +1)
        else:
            m.problems.append(f"frame {number}: nta counts it in {fmt_conv(nta_b[0])}, tshark's conv "
                              f"tables do not, and no rule says why (layers {':'.join(f.tokens)})")


# ---------------------------------------------------------------------------------------------------
# A crafted capture of the flow rules' edge cases, written by the oracle itself (the shared captures
# have no VLAN-merged conversation, no interim record, few joined fragments).
# ---------------------------------------------------------------------------------------------------
def flow_frames() -> list[tuple[int, bytes, int]]:
    """(time in microseconds from the start, captured bytes, original length) of each frame."""
    A, B, C_, D = "10.1.0.1", "10.1.0.2", "192.0.2.10", "198.51.100.20"
    X, Y = "2001:db8:5::1", "2001:db8:5::2"
    eth, ip4, ip6, tcp, udp, icmp = pkt._eth, pkt._ip4, pkt._ip6, pkt._tcp, pkt._udp, pkt._icmp
    S = 1_000_000
    out: list[tuple[int, bytes, int]] = []

    def add(t: float, frame: bytes, orig: int | None = None, cut: int | None = None) -> None:
        if len(frame) < 60:
            frame += b"\0" * (60 - len(frame))
        o = orig if orig is not None else len(frame)
        out.append((int(t * S), frame[:cut] if cut else frame, o))

    # F2/C7: one TCP conversation untagged, on VLAN 10 and on VLAN 20 (three flows, one conv row).
    for i, tags in enumerate(((), ((0x8100, 10),), ((0x8100, 20),))):
        t0 = 1 + i * 0.1
        add(t0, eth(0x0800, ip4(A, B, 6, tcp(40000, 80, flags=0x02)), tags))
        add(t0 + 0.01, eth(0x0800, ip4(B, A, 6, tcp(80, 40000, flags=0x12)), tags))
        add(t0 + 0.02, eth(0x0800, ip4(A, B, 6, tcp(40000, 80, b"GET / HTTP/1.0\r\n\r\n", flags=0x18)), tags))
    # QinQ (802.1ad then 802.1Q): the outer tag is the key's.
    add(2, eth(0x0800, ip4(A, B, 17, udp(5000, 53, b"q" * 20)), ((0x88A8, 100), (0x8100, 200))))
    add(2.001, eth(0x0800, ip4(B, A, 17, udp(53, 5000, b"r" * 40)), ((0x88A8, 100), (0x8100, 200))))
    # VXLAN under an outer VLAN 5, inner Ethernet tagged 30: the inner packet with the inner tag (C3).
    inner = eth(0x0800, ip4("172.20.0.1", "172.20.0.2", 17, udp(6000, 6001, b"vx")), ((0x8100, 30),))
    add(3, eth(0x0800, ip4(C_, D, 17, udp(49999, 4789, pkt._vxlan(7, inner))), ((0x8100, 5),)))
    # GRE carrying IPv4/UDP (followed: no conv row for the outer GRE).
    add(3.5, eth(0x0800, ip4(C_, D, 47, pkt._gre(0x0800, ip4("172.21.0.1", "172.21.0.2", 17,
                                                        udp(7000, 7001, b"gre"))))))
    # Teredo: not followed (C4).
    add(3.6, eth(0x0800, ip4(C_, D, 17, udp(3544, 50001, ip6("2001::5", "2001::6", 17, udp(1, 2, b"t"))))))
    # F4/C2: a UDP datagram in three IPv4 fragments, in order; then one whose first fragment comes
    # last (its later fragment does not join); an orphan later fragment.
    payload = udp(8000, 8001, b"F" * 56)
    add(4, eth(0x0800, ip4(A, B, 17, payload[:24], mf=True, ident=0x100)))
    add(4.001, eth(0x0800, ip4(A, B, 17, payload[24:48], mf=True, offset=3, ident=0x100)))
    add(4.002, eth(0x0800, ip4(A, B, 17, payload[48:], offset=6, ident=0x100)))
    add(4.1, eth(0x0800, ip4(A, B, 17, payload[48:], offset=6, ident=0x101)))
    add(4.101, eth(0x0800, ip4(A, B, 17, payload[:48], mf=True, ident=0x101)))
    add(4.2, eth(0x0800, ip4(B, A, 17, b"o" * 16, offset=10, ident=0x102)))
    # The same on IPv6 (fragment header id 0x00010203: the low 16 bits are the cache key).
    p6 = udp(8100, 8101, b"G" * 40)
    add(4.3, eth(0x86DD, ip6(X, Y, 44, pkt._frag6(17, 0, True, ident=0x00010203) + p6[:24])))
    add(4.301, eth(0x86DD, ip6(X, Y, 44, pkt._frag6(17, 3, False, ident=0x00010203) + p6[24:])))
    # A fragmented TCP segment on a VLAN: the later fragment joins the tagged flow.
    seg = tcp(8200, 443, b"T" * 40)
    add(4.4, eth(0x0800, ip4(B, A, 6, seg[:32], mf=True, ident=0x103), ((0x8100, 10),)))
    add(4.401, eth(0x0800, ip4(B, A, 6, seg[32:], offset=4, ident=0x103), ((0x8100, 10),)))
    # F3: echo with two identifiers (two flows, one conversation), a reply, a one-way error quoting
    # UDP (T1), an ICMP header cut to 6 bytes (ports 0/0), ICMPv6 neighbour solicitation/advert.
    add(5, eth(0x0800, ip4(A, B, 1, icmp(8, 0, b"\x00\x01\x00\x01", b"ping"))))
    add(5.001, eth(0x0800, ip4(B, A, 1, icmp(0, 0, b"\x00\x01\x00\x01", b"ping"))))
    add(5.002, eth(0x0800, ip4(A, B, 1, icmp(8, 0, b"\x00\x02\x00\x01", b"ping"))))
    add(5.1, eth(0x0800, ip4(D, A, 1, icmp(3, 3, b"\0\0\0\0", ip4(A, D, 17, udp(33000, 33434, b"x"))))))
    add(5.2, eth(0x0800, ip4(A, B, 1, b"\x08\x00\xf7\xff\x00\x00")))
    add(5.3, eth(0x86DD, ip6(X, Y, 58, icmp(135, 0, b"\0\0\0\0", pkt._a6(Y)))))
    add(5.301, eth(0x86DD, ip6(Y, X, 58, icmp(136, 0, b"\x60\0\0\0", pkt._a6(Y)))))
    # TCP port reuse: a closed connection, then a new SYN on the same ports (two flows).
    for k, t0 in enumerate((6, 7)):
        add(t0, eth(0x0800, ip4(A, D, 6, tcp(41000, 22, flags=0x02))))
        add(t0 + 0.01, eth(0x0800, ip4(D, A, 6, tcp(22, 41000, flags=0x12))))
        add(t0 + 0.02, eth(0x0800, ip4(A, D, 6, tcp(41000, 22, flags=0x10))))
        add(t0 + 0.03, eth(0x0800, ip4(A, D, 6, tcp(41000, 22, flags=0x11))))
        add(t0 + 0.04, eth(0x0800, ip4(D, A, 6, tcp(22, 41000, flags=0x11))))
        add(t0 + 0.05, eth(0x0800, ip4(A, D, 6, tcp(41000, 22, flags=0x10))))
    # C5/T4: TCP options announced (header length 40) but the capture keeps 10 of them.
    add(8, eth(0x0800, ip4(A, D, 6, tcp(41001, 25, b"data", flags=0x18, offset_words=10))), cut=14 + 20 + 30)
    # E5: a TCP header cut to 12 bytes (no ports for nta: a flow without ports; tshark no tap).
    add(8.1, eth(0x0800, ip4(A, D, 6, tcp(41002, 25))), cut=14 + 20 + 12)
    # C6/T3: UDP with a type 0 routing header, one segment left.
    rh0 = struct.pack("!BBBB", 17, 2, 0, 1) + b"\0" * 4 + pkt._a6("2001:db8:5::99")
    add(9, eth(0x86DD, ip6(X, Y, 43, rh0 + udp(9000, 9001, b"rh"))))
    # The same endpoint twice (src == dst, same port) and same address, different ports.
    add(9.5, eth(0x0800, ip4("127.0.0.1", "127.0.0.1", 17, udp(7777, 7777, b"self"))))
    add(9.6, eth(0x0800, ip4("127.0.0.1", "127.0.0.1", 17, udp(7777, 7778, b"loop"))))
    add(9.601, eth(0x0800, ip4("127.0.0.1", "127.0.0.1", 17, udp(7778, 7777, b"back"))))
    # SCTP, ESP, an unnamed protocol (C1); ARP and LLDP (outside flows).
    add(10, eth(0x0800, ip4(A, B, 132, pkt._sctp(2905, 2905))))
    add(10.1, eth(0x0800, ip4(A, B, 50, b"\0\0\0\x01\0\0\0\x01" + b"e" * 24)))
    add(10.2, eth(0x0800, ip4(A, B, 253, b"z" * 20)))
    add(10.3, eth(0x0806, pkt._arp(1, A, B)))
    add(10.4, eth(0x88CC, b"\x02\x07\x04\x02\0\0\0\0\x01\x04\x03\x05\x70\x31\x06\x02\x00\x78\x00\x00"))
    # Timeouts: a UDP conversation with a 100 s gap (two flows, udp timeout 60 s).
    add(11, eth(0x0800, ip4(C_, B, 17, udp(123, 123, b"n" * 48))))
    add(111, eth(0x0800, ip4(B, C_, 17, udp(123, 123, b"n" * 48))))
    # Interim records: a TCP connection with a packet every 200 s for two hours (active timeout
    # 30 min: interim records at 30, 60, 90 min; established timeout 5 min keeps it alive).
    add(12, eth(0x0800, ip4(A, C_, 6, tcp(42000, 443, flags=0x02))))
    add(12.01, eth(0x0800, ip4(C_, A, 6, tcp(443, 42000, flags=0x12))))
    for n in range(36):
        src, dst, sp, dp = (A, C_, 42000, 443) if n % 2 == 0 else (C_, A, 443, 42000)
        add(12.02 + 200 * n, eth(0x0800, ip4(src, dst, 6, tcp(sp, dp, b"k" * (n + 1), flags=0x18))))
    out.sort(key=lambda x: x[0])
    return out


def write_flow_crafted(path: Path) -> None:
    data = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
    base = 1_708_360_000 * 1_000_000
    for t, frame, orig in flow_frames():
        ts = base + t
        data += struct.pack("<IIII", ts // 1_000_000, ts % 1_000_000, len(frame), orig) + frame
    path.write_bytes(bytes(data))


# ---------------------------------------------------------------------------------------------------
# Running the tools
# ---------------------------------------------------------------------------------------------------
def run_tshark_fields(path: Path) -> tuple[list[Frame], str, int]:
    cmd = ["tshark", "-r", str(path), "-n", "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
           "-E", "aggregator=,", "-E", "quote=n"]
    for p in pkt.TSHARK_PREFS:
        cmd += ["-o", p]
    for fld in FIELDS:
        cmd += ["-e", fld]
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    frames = [Frame(line) for line in p.stdout.splitlines() if line.strip()]
    err = "\n".join(l for l in p.stderr.splitlines() if "Running as user" not in l and l.strip())
    return frames, err, p.returncode


CONV_LINE = re.compile(r"^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+\S+\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(\d+)\s")


def run_tshark_conv(path: Path) -> tuple[dict[tuple, list[int]], int, str]:
    """tshark's TCP and UDP conversation tables summed per (proto, lo, hi): [frames lo->hi,
    frames hi->lo]. In a row 'A <-> B', the '->' column counts frames A to B, '<-' frames B to A."""
    cmd = ["tshark", "-r", str(path), "-n", "-q", "-z", "conv,tcp", "-z", "conv,udp"]
    for p in pkt.TSHARK_PREFS:
        cmd += ["-o", p]
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    out: dict[tuple, list[int]] = collections.defaultdict(lambda: [0, 0])
    proto = None
    rows = 0
    for line in p.stdout.splitlines():
        if line.startswith("TCP Conversations"):
            proto = 6
        elif line.startswith("UDP Conversations"):
            proto = 17
        mt = CONV_LINE.match(line)
        if not mt or proto is None:
            continue
        a, b = mt.group(1).rsplit(":", 1), mt.group(2).rsplit(":", 1)
        b_to_a, a_to_b = int(mt.group(3)), int(mt.group(4))
        if int(mt.group(5)) != a_to_b + b_to_a:
            raise RuntimeError(f"cannot read tshark's conversation line {line!r}")
        lo, hi, d = canon((a[0], int(a[1])), (b[0], int(b[1])))
        c = out[(proto, lo, hi)]
        c[d] += a_to_b
        c[1 - d] += b_to_a
        rows += 1
    return out, rows, p.stderr


def run_nta(nta: str, path: Path, flows_path: Path, extra: list[str]) -> tuple[list[dict], str, str, int]:
    if flows_path.exists():
        flows_path.unlink()
    p = subprocess.run([nta, "analyze", "-r", str(path), "--flows", str(flows_path), "--no-progress"] + extra,
                       capture_output=True, text=True, errors="replace")
    rows = []
    if flows_path.exists():
        with open(flows_path, newline="") as fh:
            rows = list(csv.DictReader(fh))
    return rows, p.stdout, p.stderr.strip(), p.returncode


def nta_conversations(rows: list[dict]) -> tuple[dict[tuple, list[int]], int]:
    """nta's final records summed per (vlan, proto, lo, hi); interim records are skipped: they are
    cumulative snapshots whose counts the flow's final record includes (docs/flows.md)."""
    out: dict[tuple, list[int]] = collections.defaultdict(lambda: [0, 0, 0, 0])
    interim = 0
    for r in rows:
        if r["flow_end"] == "interim":
            interim += 1
            continue
        op = int(r["id.orig_p"]) if r["id.orig_p"] != "" else None
        rp = int(r["id.resp_p"]) if r["id.resp_p"] != "" else None
        lo, hi, d = canon((r["id.orig_h"], op), (r["id.resp_h"], rp))
        c = out[(int(r["vlan"] or 0), r["proto"], lo, hi)]
        c[d] += int(r["orig_pkts"])
        c[1 - d] += int(r["resp_pkts"])
        c[2 + d] += int(r["orig_ip_bytes"])
        c[3 - d] += int(r["resp_ip_bytes"])
    return out, interim


SUMMARY_PACKETS = re.compile(r"^Packets:\s+([\d,]+)", re.M)
SUMMARY_OUTSIDE = re.compile(r"packets outside flows \(not IP\) ([\d,]+)")
COUNTERS = ("orig_pkts", "resp_pkts", "orig_ip_bytes", "resp_ip_bytes")


def interim_problems(rows: list[dict]) -> list[str]:
    """Interim records are cumulative snapshots (docs/flows.md): each shares its uid with one final
    record, and no counter goes down from one record of the uid to the next."""
    by_uid: dict[str, list[dict]] = collections.defaultdict(list)
    for r in rows:
        by_uid[r["uid"]].append(r)
    out = []
    for uid, recs in by_uid.items():
        if not any(r["flow_end"] == "interim" for r in recs):
            continue
        finals = [r for r in recs if r["flow_end"] != "interim"]
        if len(finals) != 1 or recs[-1] is not finals[0]:
            out.append(f"uid {uid}: {len(finals)} final records after its interim ones")
            continue
        for a, b in zip(recs, recs[1:]):
            if any(int(b[c]) < int(a[c]) for c in COUNTERS):
                out.append(f"uid {uid}: a counter goes down from one record to the next: "
                           f"{[a[c] for c in COUNTERS]} -> {[b[c] for c in COUNTERS]}")
    return out


# Flow records the crafted capture must give (docs/flows.md: timeouts, port reuse, VLAN key, echo
# identifiers, interim records): (proto, endpoint, endpoint) -> [(vlan, flow_end), ...] in output order
# of the final records (interim ones listed too).
CRAFTED_RECORDS = {
    ("tcp", "10.1.0.1:41000", "198.51.100.20:22"): [("", "closed"), ("", "closed")],  # port reuse
    # 100 s gap: the first record times out; the packet after the gap starts a new flow whose
    # originator is its sender (docs/flows.md: the sender of the first packet).
    ("udp", "192.0.2.10:123", "10.1.0.2:123"): [("", "timeout")],
    ("udp", "10.1.0.2:123", "192.0.2.10:123"): [("", "timeout")],
    ("tcp", "10.1.0.1:40000", "10.1.0.2:80"): [("", "timeout"), ("10", "timeout"), ("20", "timeout")],
    ("icmp", "10.1.0.1:8", "10.1.0.2:0"): [("", "timeout"), ("", "timeout")],          # echo ids 1, 2
    ("udp", "10.1.0.1:5000", "10.1.0.2:53"): [("100", "timeout")],                     # QinQ: outer tag
    ("udp", "172.20.0.1:6000", "172.20.0.2:6001"): [("30", "timeout")],                # VXLAN: inner tag
    ("tcp", "10.1.0.1:42000", "192.0.2.10:443"): [("", "interim")] * 3 + [("", "end_of_input")],
}


def crafted_record_problems(rows: list[dict]) -> list[str]:
    got: dict[tuple, list] = collections.defaultdict(list)
    for r in rows:
        key = (r["proto"], f"{r['id.orig_h']}:{r['id.orig_p']}", f"{r['id.resp_h']}:{r['id.resp_p']}")
        if key in CRAFTED_RECORDS:
            got[key].append((r["vlan"], r["flow_end"]))
    out = []
    for key, want in CRAFTED_RECORDS.items():
        if sorted(got.get(key, [])) != sorted(want):
            out.append(f"records of {key[0]} {key[1]} -> {key[2]}: nta {got.get(key, [])}, docs/flows.md "
                       f"says {want}")
    return out


class FileResult:
    def __init__(self, name: str):
        self.name = name
        self.convs = 0          # conversations compared with the per-packet model (A)
        self.packets = 0        # packets in them
        self.conv_b = 0         # TCP/UDP conversations compared with tshark's conv tables (B)
        self.conv_b_packets = 0
        self.rules: collections.Counter = collections.Counter()
        self.taps_rules: collections.Counter = collections.Counter()
        self.conv_rules: collections.Counter = collections.Counter()
        self.conv_rule_convs: collections.Counter = collections.Counter()
        self.failures: list[str] = []
        self.hidden = 0
        self.notes: list[str] = []
        self.skipped = False
        self.interim = 0

    def fail(self, text: str, limit: int) -> None:
        if len(self.failures) < limit:
            self.failures.append(text)
        else:
            self.hidden += 1


# nta's options for each run on a capture. Synth captures are analysed a second time with short
# timeouts and a 10-second active timeout: many more flow records and interim records, the same sums.
DEFAULT_RUN = ("default", [])
SHORT_RUN = ("short timeouts", ["--tcp-timeout", "20", "--udp-timeout", "5", "--icmp-timeout", "5",
                                "--active-timeout", "10"])


def compare_file(nta: str, path: Path, name: str, work: Path, max_report: int) -> FileResult:
    res = FileResult(name)
    frames, terr, trc = run_tshark_fields(path)
    conv, _conv_rows, _ = run_tshark_conv(path)
    tshark_failed = trc != 0 or bool(terr)
    raw = pkt.Raw.load(path)
    model = Model()
    for idx, fr in enumerate(frames):
        model_frame(model, fr, idx + 1, raw)
    for u in model.problems:
        res.fail(u, max_report)
    res.rules, res.conv_rules, res.taps_rules = model.rules, model.conv_rules, model.taps_rules

    # Self-check: the oracle's frame-by-frame reading of tshark's taps equals the printed tables.
    for key in sorted(set(conv) | set(model.taps), key=repr):
        if conv.get(key, [0, 0]) != model.taps.get(key, [0, 0]):
            res.fail(f"self-check {fmt_conv(key)}: tshark's table {conv.get(key, [0, 0])}, the oracle's "
                     f"reading of its fields {model.taps.get(key, [0, 0])}", max_report)

    runs = [DEFAULT_RUN] + ([SHORT_RUN] if name.startswith("synth/") else [])
    for label, extra in runs:
        flows_path = work / (name.replace("/", "__") + (".short" if extra else "") + ".flows.csv")
        rows, nout, nerr, nrc = run_nta(nta, path, flows_path, extra)
        first_err = nerr.splitlines()[0] if nerr else ""
        where = "" if not extra else f"[{label}] "
        if nrc >= 128 or nrc < 0 or "Sanitizer" in nerr or "runtime error" in nerr:
            res.fail(f"{where}nta crashed or reported a sanitizer error (exit {nrc}): {nerr[:300]}", max_report)
            return res
        if nrc == 1 and tshark_failed and not frames:
            res.skipped = True
            res.notes.append(f"unreadable by both tshark and nta ({first_err or 'exit 1'})")
            return res
        if nrc not in (0, 3):
            res.fail(f"{where}nta exit {nrc}: {nerr[:300]}", max_report)
            return res
        if nrc == 3 and not tshark_failed:
            res.fail(f"{where}nta exit 3 (damaged input) but tshark read the file cleanly: {first_err}", max_report)
        if nrc == 0 and trc != 0:
            res.fail(f"{where}tshark reported damage but nta exit 0", max_report)
        if nrc == 3 and not extra:
            res.notes.append("damaged, as tshark says too")
        m_pk = SUMMARY_PACKETS.search(nout)
        nta_packets = int(m_pk.group(1).replace(",", "")) if m_pk else None
        if nta_packets != len(frames):
            res.fail(f"{where}packets read: nta {nta_packets}, tshark {len(frames)}", max_report)
        got, interim = nta_conversations(rows)
        if extra:
            res.notes.append(f"{label}: {len(rows)} records, {interim} interim")
        else:
            res.interim = interim
        for problem in interim_problems(rows):
            res.fail(where + problem, max_report)
        m_out = SUMMARY_OUTSIDE.search(nout)
        nta_outside = int(m_out.group(1).replace(",", "")) if m_out else None
        if nta_outside != model.outside:
            res.fail(f"{where}packets outside flows: nta {nta_outside}, tshark {model.outside} (F1)", max_report)
        in_flows = sum(c[0] + c[1] for c in got.values())
        if nta_packets is not None and nta_outside is not None and in_flows + nta_outside != nta_packets:
            res.fail(f"{where}nta's flows hold {in_flows} packets and {nta_outside} are outside flows, but it "
                     f"read {nta_packets}", max_report)
        if name == "crafted/flow_edge_cases.pcap":
            for problem in crafted_record_problems(rows):
                res.fail(problem, max_report)

        # --- A: nta against the per-packet model, VLAN by VLAN ------------------------------------
        for key in sorted(set(got) | set(model.convs), key=repr):
            g = got.get(key, [0, 0, 0, 0])
            w = model.convs.get(key, [0, 0, 0, 0])
            if not extra:
                res.convs += 1
                res.packets += w[0] + w[1]
            if g != w:
                res.fail(f"{where}A {fmt_conv(key)}: nta pkts {g[0]}/{g[1]} ip_bytes {g[2]}/{g[3]}, "
                         f"tshark pkts {w[0]}/{w[1]} ip_bytes {w[2]}/{w[3]} (lo->hi / hi->lo)", max_report)

        # --- B: nta against tshark's conv tables (TCP/UDP with ports), VLANs summed --------------
        summed: dict[tuple, list[int]] = collections.defaultdict(lambda: [0, 0])
        vlans: dict[tuple, set] = collections.defaultdict(set)
        for (vlan, proto, lo, hi), c in got.items():
            if proto in ("tcp", "udp") and lo[1] >= 0:
                k = (6 if proto == "tcp" else 17, lo, hi)
                summed[k][0] += c[0]
                summed[k][1] += c[1]
                vlans[k].add(vlan)
            elif not extra:
                res.conv_rule_convs["C1-not-tcp-udp"] += 1
                res.conv_rules["C1-not-tcp-udp"] += c[0] + c[1]
        if not extra:
            for k, vs in vlans.items():
                if len(vs) > 1:
                    res.conv_rule_convs["C7-vlan-merged"] += 1
                    res.conv_rules["C7-vlan-merged"] += summed[k][0] + summed[k][1]
        for key in sorted(set(summed) | set(conv), key=repr):
            t = conv.get(key, [0, 0])
            adj = model.adjust.get(key, [0, 0])
            want = [t[0] + adj[0], t[1] + adj[1]]
            g = summed.get(key, [0, 0])
            if want == [0, 0] and g == [0, 0]:
                continue  # a conversation only tshark has, every frame of it explained by a rule
            if not extra:
                res.conv_b += 1
                res.conv_b_packets += g[0] + g[1]
            if g != want:
                res.fail(f"{where}B {fmt_conv(key)}: nta frames {g[0]}/{g[1]}, tshark conv {t[0]}/{t[1]}, "
                         f"adjusted by the rules {adj[0]:+d}/{adj[1]:+d} = {want[0]}/{want[1]}", max_report)
    return res


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
    if not args.no_synth:
        synth_specs = [("synth/seed1.pcap", ["--seed", "1", "--seconds", "600"]),
                       ("synth/seed2.pcap", ["--seed", "2", "--seconds", "600"]),
                       ("synth/hosts500.pcap", ["--seed", "3", "--seconds", "120", "--hosts", "500"])]
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
    pkt.write_crafted(crafted)
    captures.append(("crafted/edge_cases.pcap", crafted))
    crafted_flows = work / "crafted_flow_edge_cases.pcap"
    write_flow_crafted(crafted_flows)
    captures.append(("crafted/flow_edge_cases.pcap", crafted_flows))

    if args.only:
        captures = [c for c in captures if args.only in c[0]]
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

    tot = [0, 0, 0, 0]
    rules, taps_rules, conv_rules, conv_rule_convs = (collections.Counter() for _ in range(4))
    by_group: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0, 0, 0])
    print(f"{'capture':52} {'convs':>6} {'packets':>8} {'tcp/udp':>7} {'packets':>8}  notes")
    print(f"{'':52} {'(A: per-packet model)':>23} {'(B: tshark conv)':>17}")
    for name, _ in sorted(captures, key=lambda c: c[0]):
        r = results[name]
        if r.skipped:
            print(f"{name:52} {'-':>6} {'-':>8} {'-':>7} {'-':>8}  skipped: {'; '.join(r.notes)}")
            continue
        g = by_group[name.split("/")[0]]
        for i, v in enumerate((r.convs, r.packets, r.conv_b, r.conv_b_packets)):
            tot[i] += v
            g[i] += v
        g[4] += 1
        rules.update(r.rules)
        taps_rules.update(r.taps_rules)
        conv_rules.update(r.conv_rules)
        conv_rule_convs.update(r.conv_rule_convs)
        notes = []
        ex = {k: v for k, v in r.conv_rules.items() if k != "C1-not-tcp-udp" and v}
        if ex:
            notes.append("rules " + ", ".join(f"{k.split('-')[0]}={v}" for k, v in sorted(ex.items())))
        if r.interim:
            notes.append(f"{r.interim} interim records skipped")
        notes += r.notes
        status = "FAIL " if r.failures else ""
        print(f"{name:52} {r.convs:6d} {r.packets:8d} {r.conv_b:7d} {r.conv_b_packets:8d}  "
              f"{status}{'; '.join(notes)}")
        if r.failures:
            failures_total += 1
            for f in r.failures:
                print("    " + f)
            if r.hidden:
                print(f"    ... and {r.hidden} more differences")
    print()
    for group in ("benign", "attacks", "malformed", "synth", "crafted"):
        if group in by_group:
            c, p, b, bp, n = by_group[group]
            print(f"{group + f' ({n})':16} conversations {c:7d}  packets {p:8d}   tcp/udp conversations {b:6d}  "
                  f"packets {bp:8d}")
    print(f"{'TOTAL':16} conversations {tot[0]:7d}  packets {tot[1]:8d}   tcp/udp conversations {tot[2]:6d}  "
          f"packets {tot[3]:8d}   ({len(results)} captures, {time.monotonic() - started:.1f} s)")
    print("per-packet model rules (A), packets decided by each:")
    for rule in FLOW_RULES:
        print(f"  {rule:26} {rules[rule]:9d}")
    print("tshark's conv taps as read from its fields (self-check), tcp/udp layers:")
    for rule in TAP_RULES:
        print(f"  {rule:26} {taps_rules[rule]:9d}" + ("  counted" if rule == "T0-layer" else "  not counted"
                                                     if rule in ("T1-not-in-icmp-error", "T2-complete-header",
                                                                 "T4-tcp-header-exception") else ""))
    print("conv-table rules (B), frames adjusted (conversations where counted):")
    for rule in CONV_RULES:
        extra = f"  ({conv_rule_convs[rule]} conversations)" if conv_rule_convs[rule] else ""
        print(f"  {rule:26} {conv_rules[rule]:9d}{extra}")
    if failures_total:
        print(f"FAILED: {failures_total} capture(s) or check(s) with unexplained differences")
        return 1
    print("OK: every conversation matched tshark, exactly or by a documented rule")
    return 0


if __name__ == "__main__":
    sys.exit(main())
