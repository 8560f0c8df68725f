#!/usr/bin/env python3
"""`nta stats` end to end on a synth capture: the JSON document against `nta read -q`'s summary and
against tshark (packet and byte totals, per-port packet counts, TCP flags), its internal sums
(protocols, sizes, time series, ports, services each add up to the totals), the tables (every
section, nothing wider than 100 columns), filters, several files, standard input, a damaged file,
and usage errors. Exit 77 (skip) when tshark is missing and everything else passed."""

from __future__ import annotations

import collections
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep the source tree clean

from nta_testlib import SKIP, Checks, common_args, make_capture, run

args = common_args(__doc__)
NTA = args.nta
WORK = Path(args.work)
C = Checks("stats_cli_test")

cap = WORK / "synth.pcap"
how = make_capture(NTA, cap, seed=11, packets=20000, hosts=60)
print(f"capture: {cap} ({how})")


def stats_json(*extra: str, stdin: bytes | None = None) -> tuple[dict | None, str]:
    r = run([NTA, "stats", "--json", *extra], stdin=stdin)
    try:
        return json.loads(r.stdout), r.stderr
    except json.JSONDecodeError as e:
        C.check(f"stats {' '.join(extra)}: stdout is one JSON document", False, f"{e}: {r.stdout[:200]!r}")
        return None, r.stderr


# ---- The JSON document ---------------------------------------------------------------------------
r = run([NTA, "stats", "-r", str(cap), "--json", "--top", "1000"])
C.check("stats --json: exit 0", r.rc == 0, r.stderr[:300])
C.check("stats --json: nothing on stderr (not a terminal: no progress line)", r.stderr == "", r.stderr[:300])
doc = json.loads(r.stdout)
C.check("one document, newline-terminated", r.stdout.endswith("}\n"))
keys = ["version", "inputs", "filter", "top", "interrupted", "input_error", "totals", "protocols", "talkers",
        "ports", "services", "conversations", "throughput", "packet_sizes", "tcp_flags", "flow_states",
        "anomalies"]
C.check("top-level fields in the documented order", list(doc) == keys, str(list(doc)))
C.check("version 1", doc["version"] == 1)
C.check("inputs name the file and link type", doc["inputs"] == [{"file": str(cap), "link_type": "Ethernet"}],
        str(doc["inputs"]))
tot = doc["totals"]
packets, nbytes = tot["packets"], tot["bytes"]
C.check("packets counted", packets > 1000, str(packets))

# Against `nta read -q`.
r = run([NTA, "read", "-r", str(cap), "-q"])
m_p = re.search(r"^Packets:\s+([\d,]+)$", r.stdout, re.M)
m_b = re.search(r"\(([\d,]+) bytes on the wire\)", r.stdout)
read_packets = int(m_p.group(1).replace(",", "")) if m_p else -1
read_bytes = int(m_b.group(1).replace(",", "")) if m_b else -1
C.check("packets = nta read's summary", packets == read_packets, f"{packets} vs {read_packets}")
C.check("bytes = nta read's summary", nbytes == read_bytes, f"{nbytes} vs {read_bytes}")
read_protocols = {}
in_table = False
for line in r.stdout.splitlines():
    if line.startswith("Protocols"):
        in_table = True
        continue
    if in_table:
        if not line.strip():
            break
        parts = line.split()
        if parts[0] != "protocol":
            read_protocols[parts[0]] = int(parts[1].replace(",", ""))
json_protocols = {p["protocol"]: p["packets"] for p in doc["protocols"]}
C.check("protocol mix = nta read's", json_protocols == read_protocols, f"{json_protocols} vs {read_protocols}")

# Internal sums.
C.check("protocols add up to the packets", sum(json_protocols.values()) == packets)
C.check("protocol bytes add up", sum(p["bytes"] for p in doc["protocols"]) == nbytes)
C.check("packet sizes add up", sum(b["packets"] for b in doc["packet_sizes"]) == packets
        and sum(b["bytes"] for b in doc["packet_sizes"]) == nbytes)
C.check("size buckets as documented",
        [(b["min"], b["max"]) for b in doc["packet_sizes"]] ==
        [(0, 63), (64, 127), (128, 255), (256, 511), (512, 1023), (1024, 1517), (1518, None)])
tp = doc["throughput"]
C.check("time series adds up", sum(tp["packets"]) == packets and sum(tp["bytes"]) == nbytes)
C.check("time series: one entry per bucket", len(tp["packets"]) == len(tp["bytes"]) == tp["buckets"])
C.check("time series: 1-second buckets, starting at the first packet's second",
        tp["bucket_seconds"] == 1 and tp["start_ns"] == tot["first_ns"] // 10**9 * 10**9)
C.check("time series spans first to last packet",
        tp["buckets"] == tot["last_ns"] // 10**9 - tot["first_ns"] // 10**9 + 1, str(tp["buckets"]))
C.check("rates: min <= mean <= max, p95 <= max",
        tp["packets_per_second"]["min"] <= tp["packets_per_second"]["mean"] <= tp["packets_per_second"]["max"]
        and tp["packets_per_second"]["p95"] <= tp["packets_per_second"]["max"])
C.check("busiest bucket is the max", tp["busiest"][0]["bytes"] == max(tp["bytes"]))
ports = doc["ports"]
C.check("all destination ports listed (--top 1000)", len(ports["top_destination"]) == min(1000, ports["distinct"]))
if ports["distinct"] <= 1000:
    C.check("ports add up", sum(p["packets"] for p in ports["top_destination"]) == ports["packets_with_ports"])
svc = doc["services"]
C.check("services add up to the packets with ports",
        sum(s["packets"] for s in svc["by_port"]) + svc["no_port_service"]["packets"] == ports["packets_with_ports"])
C.check("tcp/443 is ssl", any(p["port"] == 443 and p["transport"] == "tcp" and p["service"] == "ssl"
                              for p in ports["top_destination"]))
ip_packets = packets - json_protocols.get("ARP", 0) - sum(
    n for name, n in json_protocols.items() if name.startswith("ETH-") or name in ("LLDP", "LLC", "UNKNOWN"))
talk = doc["talkers"]
if talk["distinct"] <= 1000:
    C.check("talkers: sent packets add up to the IP packets",
            sum(t["sent_packets"] for t in talk["top_by_bytes"]) == ip_packets)
    C.check("talkers: received packets add up to the IP packets",
            sum(t["received_packets"] for t in talk["top_by_bytes"]) == ip_packets)
conv = doc["conversations"]
if conv["distinct"] <= 1000:
    C.check("conversations add up to the IP packets",
            sum(c["packets"] for c in conv["top_by_bytes"]) == ip_packets)
C.check("conversations: a < b, both directions counted",
        all(c["a_to_b_packets"] + c["b_to_a_packets"] == c["packets"] for c in conv["top_by_bytes"]))
C.check("TCP flag base = TCP packets", doc["tcp_flags"]["tcp_packets"] == json_protocols.get("TCP", 0))
fs = doc["flow_states"]
C.check("flow states: fed by the flow table, and the states add up to the flows",
        fs is not None and fs["flows"] > 0 and sum(fs["states"].values()) == fs["flows"], repr(fs)[:200])
C.check("anomalies: every name listed", len(doc["anomalies"]["counts"]) >= 30)

# ---- Tables -------------------------------------------------------------------------------------
r = run([NTA, "stats", "-r", str(cap)])
C.check("tables: exit 0", r.rc == 0, r.stderr[:300])
widest = max(len(l) for l in r.stdout.splitlines())
C.check("tables: nothing wider than 100 columns", widest <= 100,
        "\n".join(l for l in r.stdout.splitlines() if len(l) > 100))
for title in ["=== Traffic statistics ===", "Protocols", "Top talkers by bytes", "Top talkers by packets",
              "Top destination ports by packets", "Services by well-known port", "Top conversations by bytes",
              "Throughput per second", "Busiest seconds", "Packet sizes", "TCP flags", "Decode anomalies"]:
    C.check(f"tables: section '{title}'", title in r.stdout)
C.check("tables: flows by state shown", "Flows by state" in r.stdout)
C.check(f"tables: packet count {packets:,}", f"Packets:     {packets:,}" in r.stdout)

# ---- Filters, several files, standard input, a damaged file, usage errors ------------------------
d, _ = stats_json("-r", str(cap), "-r", str(cap))
C.check("two files: totals add up", d is not None and d["totals"]["packets"] == 2 * packets
        and d["totals"]["bytes"] == 2 * nbytes and len(d["inputs"]) == 2)
C.check("two files: the series counts both", d is not None and sum(d["throughput"]["packets"]) == 2 * packets)
d, _ = stats_json("-r", "-", stdin=cap.read_bytes())
C.check("standard input: same totals", d is not None and d["totals"]["packets"] == packets
        and d["totals"]["bytes"] == nbytes)
d, _ = stats_json("-r", str(cap), "udp")
r = run([NTA, "read", "-r", str(cap), "-q", "udp"])
m_p = re.search(r"^Packets:\s+([\d,]+)$", r.stdout, re.M)
C.check("filter as trailing words: UDP only, as many packets as nta read's filter",
        d is not None and d["filter"] == "udp" and [p["protocol"] for p in d["protocols"]] == ["UDP"]
        and m_p is not None and d["totals"]["packets"] == int(m_p.group(1).replace(",", "")),
        str(d["protocols"] if d else None))
d, _ = stats_json("-r", str(cap), "-f", "tcp port 443")
C.check("filter with -f", d is not None and d["filter"] == "tcp port 443"
        and d["ports"]["packets_with_ports"] == d["totals"]["packets"] > 0)
d, _ = stats_json("-r", str(cap), "-c", "100")
C.check("-c 100: 100 packets", d is not None and d["totals"]["packets"] == 100)

data = cap.read_bytes()
damaged = WORK / "damaged.pcap"
damaged.write_bytes(data[:len(data) // 2 + 7])
r = run([NTA, "stats", "-r", str(damaged), "--json"])
C.check("damaged file: exit 3", r.rc == 3, f"exit {r.rc}: {r.stderr[:200]}")
try:
    dd = json.loads(r.stdout)
    C.check("damaged file: statistics of what came before, with the error",
            0 < dd["totals"]["packets"] < packets and dd["input_error"] is not None)
except json.JSONDecodeError:
    C.check("damaged file: stdout is still one JSON document", False, r.stdout[:200])
r = run([NTA, "stats", "-r", str(WORK / "missing.pcap")])
C.check("missing file: exit 1, one line", r.rc == 1 and len(r.error_lines()) == 1, f"{r.rc}: {r.stderr}")
r = run([NTA, "stats", "-r", str(cap), "-r", str(WORK / "missing.pcap"), "--json"])
C.check("missing second file: exit 1 before any work (files are merged, so all open first)",
        r.rc == 1 and r.stdout == "" and len(r.error_lines()) == 1 and "missing.pcap" in r.stderr,
        f"{r.rc}: {r.stderr}")
r = run([NTA, "stats", "-r", str(cap), "not a filter ((("])
C.check("bad filter: exit 2", r.rc == 2, f"{r.rc}: {r.stderr}")
r = run([NTA, "stats", "-r", str(cap), "--top", "0"])
C.check("--top 0: exit 2", r.rc == 2, f"{r.rc}: {r.stderr}")
r = run([NTA, "stats"])
C.check("no -r: exit 2", r.rc == 2, f"{r.rc}: {r.stderr}")

# ---- tshark -------------------------------------------------------------------------------------
if shutil.which("tshark") is None:
    if C.failed:
        raise SystemExit(C.finish())
    print(f"SKIP: tshark not found ({C.passed} checks without it passed)")
    raise SystemExit(SKIP)

PREFS = ["ip.defragment:FALSE", "ipv6.defragment:FALSE", "tcp.desegment_tcp_streams:FALSE"]
cmd = ["tshark", "-r", str(cap), "-n", "-T", "fields", "-E", "separator=/t", "-E", "occurrence=f",
       "-e", "frame.len", "-e", "frame.protocols", "-e", "tcp.dstport", "-e", "udp.dstport", "-e", "tcp.flags"]
for p in PREFS:
    cmd += ["-o", p]
t = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
C.check("tshark ran", t.returncode == 0, t.stderr[:300])
rows = [line.split("\t") for line in t.stdout.splitlines()]
C.check("tshark: packet count", len(rows) == packets, f"tshark {len(rows)}, nta {packets}")
C.check("tshark: byte total (frame.len)", sum(int(r[0]) for r in rows) == nbytes,
        f"tshark {sum(int(r[0]) for r in rows)}, nta {nbytes}")
counts: collections.Counter = collections.Counter()
syn = syn_ack = rst = fin = 0
for row in rows:
    row += [""] * (5 - len(row))
    layers = row[1].split(":")
    if "icmp" in layers or "icmpv6" in layers:
        continue  # the transport header an ICMP error quotes is not the packet's
    if row[2]:
        counts[("tcp", int(row[2]))] += 1
        flags = int(row[4], 16)
        syn += (flags & 0x12) == 0x02
        syn_ack += (flags & 0x12) == 0x12
        rst += (flags & 0x04) != 0
        fin += (flags & 0x01) != 0
    elif row[3]:
        counts[("udp", int(row[3]))] += 1
nta_counts = {(p["transport"], p["port"]): p["packets"] for p in ports["top_destination"]}
C.check("tshark: packets with ports", sum(counts.values()) == ports["packets_with_ports"],
        f"tshark {sum(counts.values())}, nta {ports['packets_with_ports']}")
C.check("tshark: distinct destination ports", len(counts) == ports["distinct"],
        f"tshark {len(counts)}, nta {ports['distinct']}")
bad = [(k, v, counts.get(k)) for k, v in nta_counts.items() if counts.get(k) != v]
C.check("tshark: per-port packet counts (tcp.dstport, udp.dstport)", not bad, str(bad[:10]))
top_tshark = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
C.check("tshark: the same busiest ports",
        [c for _, c in top_tshark] == [p["packets"] for p in ports["top_destination"][:5]],
        f"{top_tshark} vs {ports['top_destination'][:5]}")
f = doc["tcp_flags"]
C.check("tshark: SYN, SYN-ACK, RST, FIN counts", (syn, syn_ack, rst, fin) == (f["syn"], f["syn_ack"], f["rst"], f["fin"]),
        f"tshark {(syn, syn_ack, rst, fin)}, nta {(f['syn'], f['syn_ack'], f['rst'], f['fin'])}")

raise SystemExit(C.finish())
