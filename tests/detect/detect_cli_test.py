#!/usr/bin/env python3
"""nta analyze's detectors as a whole binary, on the shared captures (docs/detections.md).

Asserted:
- on each attack capture of ../shared/data/pcaps/attacks whose label (SOURCES.md) matches a
  detector, that detector raises an alert naming the attacker (or, for floods from spoofed or many
  sources, only the victim). Who the attacker is comes from the capture itself, not from nta's
  alerts: from nta's own flow records (--flows) or, for ARP, from tshark;
- on every benign capture and on `nta synth` benign captures of three seeds, no alert of severity
  medium or above;
- every alert line has the documented shape (docs/formats.md "Alerts"), the scores file too, and
  the terminal shows the Alerts and Top threat hosts tables;
- a rules file changes the outcome as documented (a raised threshold or `enabled = false` silences
  port_scan on an nmap SYN scan; a lowered one makes it fire); a malformed rules file is refused
  with exit status 2 and one line naming file and line, before any output is created; a missing
  one with exit status 1; --rules-defaults prints rules that read back;
- the same input gives the same alert file twice.
"""

from __future__ import annotations

import collections
import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))

from nta_testlib import Checks, common_args, run

args = common_args(__doc__)
NTA = args.nta
WORK = Path(args.work)
DATA = Path(args.data) if args.data else None
C = Checks("detect_cli_test")
TSHARK = shutil.which("tshark")

DETECTORS = {"port_scan", "horizontal_scan", "ping_sweep", "syn_flood", "udp_flood", "icmp_flood", "brute_force",
             "dns_tunnel", "arp_spoof", "exfiltration", "beaconing", "unexpected_service", "unknown_host",
             "risky_service"}
SEVERITIES = ["low", "medium", "high", "critical"]
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
MITRE = re.compile(r"^T\d{4}(\.\d{3})?$")


def analyze(capture: Path, tag: str, extra: list[str] | None = None, flows: bool = True):
    alerts = WORK / f"{tag}.alerts.jsonl"
    flow_csv = WORK / f"{tag}.flows.csv"
    for p in (alerts, flow_csv):
        if p.exists():
            p.unlink()
    cmd = [NTA, "analyze", "-r", str(capture), "--no-progress", "--alerts", str(alerts)]
    if flows:
        cmd += ["--flows", str(flow_csv)]
    r = run(cmd + (extra or []), timeout=300)
    lines = alerts.read_text().splitlines() if alerts.exists() else []
    parsed = []
    for i, line in enumerate(lines):
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError as e:
            C.check(f"{tag}: alert line {i + 1} parses", False, f"{e}: {line[:200]}")
    rows = list(csv.DictReader(io.StringIO(flow_csv.read_text()))) if flow_csv.exists() else []
    return r, parsed, rows


def check_shape(tag: str, alerts: list[dict]) -> None:
    for a in alerts:
        where = f"{tag}: alert {a.get('alert', {}).get('id')}"
        ok = (a.get("event_type") == "alert" and ISO.match(a.get("timestamp", "")) is not None
              and ISO.match(a.get("first_seen", "")) is not None and ISO.match(a.get("last_seen", "")) is not None
              and a["first_seen"] <= a["last_seen"] and isinstance(a.get("evidence"), dict)
              and a["alert"].get("id") in DETECTORS and a["alert"].get("severity") in SEVERITIES
              and MITRE.match(a["alert"].get("mitre", "")) is not None and isinstance(a["alert"].get("summary"), str)
              and ("src_ip" in a or "dest_ip" in a))
        keys = list(a.keys())
        order = [k for k in ["timestamp", "event_type", "src_ip", "dest_ip", "alert", "first_seen", "last_seen",
                             "evidence", "community_id", "anomaly"] if k in a]
        C.check(f"{where}: documented shape", ok and keys == order, json.dumps(a)[:400])


# ---- who the attacker is, from the capture -------------------------------------------------------
def most(counter: collections.Counter):
    return counter.most_common(1)[0][0] if counter else None


def vertical(rows):
    ports = collections.defaultdict(set)
    for r in rows:
        if r["proto"] in ("tcp", "udp"):
            ports[(r["id.orig_h"], r["id.resp_h"])].add((r["proto"], r["id.resp_p"]))
    src, dst = max(ports, key=lambda k: len(ports[k]))
    return src, dst


def horizontal(rows):
    hosts = collections.defaultdict(set)
    for r in rows:
        if r["proto"] in ("tcp", "udp"):
            hosts[(r["id.orig_h"], r["proto"], r["id.resp_p"])].add(r["id.resp_h"])
    src, _proto, _port = max(hosts, key=lambda k: len(hosts[k]))
    return src, None


def sweep(rows):
    hosts = collections.defaultdict(set)
    for r in rows:
        hosts[r["id.orig_h"]].add(r["id.resp_h"])
    return max(hosts, key=lambda k: len(hosts[k])), None


def flood(rows):
    """The victim gets the most flows; the attacker is named when one source opened half of them."""
    victim = most(collections.Counter(r["id.resp_h"] for r in rows))
    sources = collections.Counter(r["id.orig_h"] for r in rows if r["id.resp_h"] == victim)
    top, n = sources.most_common(1)[0]
    return (top if 2 * n >= sum(sources.values()) else None), victim


def udp_victim(rows):
    victim = most(collections.Counter(r["id.resp_h"] for r in rows if r["proto"] == "udp"))
    return None, victim


def brute(rows):
    pairs = collections.Counter((r["id.orig_h"], r["id.resp_h"]) for r in rows
                                if r["proto"] == "tcp" and r["id.resp_p"] in ("21", "22", "23", "3389"))
    return most(pairs)


def dns_client(rows):
    pkts = collections.Counter()
    for r in rows:
        if r["id.resp_p"] == "53":
            pkts[(r["id.orig_h"], r["id.resp_h"])] += int(r["orig_pkts"] or 0)
    return most(pkts)


def c2_client(rows):
    pkts = collections.Counter()
    for r in rows:
        if r["proto"] in ("tcp", "udp"):
            pkts[(r["id.orig_h"], r["id.resp_h"])] += int(r["orig_pkts"] or 0) + int(r["resp_pkts"] or 0)
    return most(pkts)


def tshark_fields(capture: Path, filt: str, fields: list[str]) -> list[list[str]]:
    cmd = [TSHARK, "-r", str(capture), "-Y", filt, "-T", "fields"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
    return [line.split("\t") for line in out.splitlines() if line.strip()]


def arp_requester(capture: Path):
    targets = collections.defaultdict(set)
    for spa, tpa in tshark_fields(capture, "arp.opcode == 1", ["arp.src.proto_ipv4", "arp.dst.proto_ipv4"]):
        targets[spa].add(tpa)
    return max(targets, key=lambda k: len(targets[k])), None


def arp_claimer(capture: Path):
    """The MAC whose replies claim an address that the same capture shows at another MAC."""
    known = {}
    claims = []
    for sha, spa, tha, tpa in tshark_fields(capture, "arp.opcode == 2", ["arp.src.hw_mac", "arp.src.proto_ipv4",
                                                                          "arp.dst.hw_mac", "arp.dst.proto_ipv4"]):
        known.setdefault(tpa, tha)
        claims.append((sha, spa))
    for sha, spa in claims:
        if spa in known and known[spa] != sha:
            return sha
    return None


# file, detector, oracle over flow rows (or over the capture, for ARP)
REAL = [
    ("nmap_syn_scan.pcap", "port_scan", vertical),
    ("masscan_tcp_syn_scan_0-1000.pcap", "port_scan", vertical),
    ("masscan_udp_scan_0-1000.pcap", "port_scan", vertical),
    ("tcp_port_scan_small.pcap", "port_scan", vertical),
    ("icmp_ping_sweep.pcap", "ping_sweep", sweep),
    ("tcp_ack_ping_sweep.pcap", "ping_sweep", sweep),
    ("arp_scan.pcap", "ping_sweep", "arp_requester"),
    ("tcp_syn_ping_sweep.pcap", "horizontal_scan", horizontal),
    ("udp_ping_sweep.pcap", "horizontal_scan", horizontal),
    ("syn_flood_small.pcap", "syn_flood", flood),
    ("syn_flood_spoofed.pcap", "syn_flood", flood),
    ("syn_flood_ecn_cwr.pcap", "syn_flood", flood),
    ("snmp_amplification.pcap", "udp_flood", udp_victim),
    ("dns_amplification_rrsig.pcap", "udp_flood", udp_victim),
    ("ssh_bruteforce.pcap", "brute_force", brute),
    ("ftp_bruteforce.pcap", "brute_force", brute),
    ("dns_tunnel_iodine.pcap", "dns_tunnel", dns_client),
    ("dns_exfiltration.pcap", "dns_tunnel", dns_client),
    ("arp_spoofing.pcap", "arp_spoof", "arp_claimer"),
    ("c2_merlin_quic.pcapng", "beaconing", c2_client),
]

attacks = DATA / "attacks" if DATA else None
if attacks is None or not attacks.is_dir():
    print(f"SKIP: the shared attack captures are missing ({attacks}); the real-capture checks need ../shared/data")
else:
    for name, detector, oracle in REAL:
        capture = attacks / name
        if not capture.exists():
            print(f"SKIP {name}: not in {attacks}")
            continue
        tag = Path(name).stem
        r, alerts, rows = analyze(capture, tag)
        C.check(f"{name}: exit 0", r.rc == 0, r.stderr[-300:])
        check_shape(tag, alerts)
        mine = [a for a in alerts if a["alert"]["id"] == detector]
        if not C.check(f"{name}: {detector} fires", bool(mine), f"alerts: {[a['alert']['id'] for a in alerts]}"):
            continue
        if oracle in ("arp_requester", "arp_claimer"):
            if not TSHARK:
                print(f"SKIP {name}: attacker check needs tshark")
                continue
            if oracle == "arp_requester":
                src, dst = arp_requester(capture)
                C.check(f"{name}: names the sweeper {src}", any(a.get("src_ip") == src for a in mine),
                        json.dumps(mine[0])[:300])
            else:
                mac = arp_claimer(capture)
                C.check(f"{name}: names the claiming MAC {mac}",
                        mac is not None and any(a["evidence"].get("attacker_mac") == mac for a in mine),
                        json.dumps(mine[0])[:300])
            continue
        src, dst = oracle(rows)
        if src is None:
            C.check(f"{name}: many sources: only the victim {dst} is named",
                    any("src_ip" not in a and a.get("dest_ip") == dst for a in mine), json.dumps(mine[0])[:300])
        else:
            C.check(f"{name}: names the attacker {src}" + (f" and {dst}" if dst else ""),
                    any(a.get("src_ip") == src and (dst is None or a.get("dest_ip") == dst) for a in mine),
                    json.dumps(mine[0])[:300])
    # Known limit (docs/detections.md): dns2tcp here runs over DNS-over-HTTPS, so no query is visible.
    doh = attacks / "dns_tunnel_dns2tcp.pcap"
    if doh.exists():
        _r, alerts, rows = analyze(doh, "dns2tcp")
        print(f"NOTE dns_tunnel_dns2tcp.pcap: {len(alerts)} alerts; its flows: "
              f"{sorted({(r['proto'], r['id.resp_p'], r['service']) for r in rows})} (DNS over HTTPS: not visible)")

# ---- the terminal tables and the scores file -------------------------------------------------------
nmap = attacks / "nmap_syn_scan.pcap" if attacks else None
if nmap is not None and nmap.exists():
    scores = WORK / "nmap.scores.json"
    r = run([NTA, "analyze", "-r", str(nmap), "--no-progress", "--scores", str(scores)], timeout=120)
    C.check("terminal: Alerts table", re.search(r"^Alerts \(\d+ raised", r.stdout, re.M) is not None, r.stdout[-800:])
    C.check("terminal: Top threat hosts table", "Top threat hosts (" in r.stdout, r.stdout[-800:])
    try:
        doc = json.loads(scores.read_text())
        hosts = doc["hosts"]
        C.check("scores: ranked by score", [h["score"] for h in hosts] == sorted((h["score"] for h in hosts), reverse=True))
        C.check("scores: the scanner ranks first as attacker",
                hosts[0]["host"] == "172.16.0.8" and hosts[0]["roles"] == ["attacker"] and 0 < hosts[0]["score"] <= 100,
                json.dumps(hosts[:2])[:400])
        C.check("scores: every host has reasons", all(h["reasons"] for h in hosts))
        C.check("scores: counts per detector", doc["alerts_by_detector"]["port_scan"] >= 1 and doc["version"] == 1)
    except (OSError, ValueError, KeyError, IndexError) as e:
        C.check("scores: the file parses", False, str(e))

    # Determinism: the same alerts twice.
    a1 = WORK / "det1.jsonl"
    a2 = WORK / "det2.jsonl"
    run([NTA, "analyze", "-r", str(nmap), "--no-progress", "--alerts", str(a1)], timeout=120)
    run([NTA, "analyze", "-r", str(nmap), "--no-progress", "--alerts", str(a2)], timeout=120)
    C.check("same input, same alert file", a1.read_bytes() == a2.read_bytes())

    # ---- rules files ------------------------------------------------------------------------------
    def with_rules(text: str, tag: str, capture: Path = nmap):
        rules = WORK / f"{tag}.rules"
        rules.write_text(text)
        r, alerts, _rows = analyze(capture, tag, ["--rules", str(rules)], flows=False)
        return r, [a["alert"]["id"] for a in alerts]

    r, ids = with_rules("[port_scan]\nmin_ports = 5000\nhigh_ports = 6000\n", "raised")
    C.check("rules: min_ports above the scan's 1000 ports silences port_scan", r.rc == 0 and "port_scan" not in ids,
            f"{r.rc} {ids} {r.stderr[-200:]}")
    r, ids = with_rules("[port_scan]\nenabled = false\n", "disabled")
    C.check("rules: enabled = false silences port_scan", r.rc == 0 and "port_scan" not in ids, f"{ids}")
    small = attacks / "tcp_port_scan_small.pcap"
    if small.exists():
        r, ids = with_rules("[port_scan]\nmin_stealth_ports = 4\n", "stealth4", small)
        C.check("rules: 3 FIN/NULL/Xmas ports stay under min_stealth_ports = 4", "port_scan" not in ids, f"{ids}")
        r, ids = with_rules("[port_scan]\nmin_stealth_ports = 4\nmin_ports = 4\n", "ports4", small)
        C.check("rules: min_ports = 4 makes the 7-port scan fire", "port_scan" in ids, f"{ids}")

    bad = WORK / "bad.rules"
    bad.write_text("[port_scan]\nmin_ports = lots\n")
    out = WORK / "bad.alerts.jsonl"
    if out.exists():
        out.unlink()
    r = run([NTA, "analyze", "-r", str(nmap), "--no-progress", "--rules", str(bad), "--alerts", str(out)])
    lines = r.error_lines()
    C.check("rules: malformed file refused with exit 2 and one line naming file and line",
            r.rc == 2 and len(lines) == 1 and lines[0] == f"nta: error: {bad}:2: bad value 'lots' for min_ports: "
            "expected a whole number", f"rc {r.rc}: {r.stderr!r}")
    C.check("rules: nothing written after a refusal", not out.exists())
    bad.write_text("[port_scan]\nmin_ports = 20\n[nope]\n")
    r = run([NTA, "analyze", "-r", str(nmap), "--no-progress", "--rules", str(bad)])
    C.check("rules: unknown section refused", r.rc == 2 and f"{bad}:3: unknown section [nope]" in r.stderr, r.stderr)
    r = run([NTA, "analyze", "-r", str(nmap), "--no-progress", "--rules", str(WORK / "missing.rules")])
    C.check("rules: missing file is exit 1", r.rc == 1 and "missing.rules" in r.stderr, r.stderr)
    r = run([NTA, "analyze", "--rules-defaults"])
    defaults = WORK / "defaults.rules"
    defaults.write_text(r.stdout)
    C.check("--rules-defaults prints every section", r.rc == 0 and all(f"[{d}]" in r.stdout for d in DETECTORS | {"global"}),
            r.stdout[:300])
    r2, ids = with_rules(r.stdout, "defaults")
    C.check("--rules-defaults reads back, with the default outcome", r2.rc == 0 and "port_scan" in ids, r2.stderr[-200:])
    r = run([NTA, "analyze", "-r", str(nmap), "--no-detect", "--alerts", str(out)])
    C.check("--no-detect with --alerts is a usage error", r.rc == 2, r.stderr)
    r = run([NTA, "analyze", "-r", str(nmap), "--no-detect", "--no-progress"])
    C.check("--no-detect prints no alert table", r.rc == 0 and "Alerts (" not in r.stdout)

# ---- benign traffic: nothing of severity medium or above ---------------------------------------------
benign = DATA / "benign" if DATA else None
captures = sorted(benign.iterdir()) if benign is not None and benign.is_dir() else []
if not captures:
    print(f"SKIP: no benign captures in {benign}")
for seed in (1, 2, 3):
    synth = WORK / f"benign_seed{seed}.pcap"
    r = run([NTA, "synth", "-o", str(synth), "--seconds", "120", "--hosts", "20", "--seed", str(seed)], timeout=120)
    if C.check(f"synth seed {seed}", r.rc == 0, r.stderr):
        captures.append(synth)
low_total = 0
for capture in captures:
    tag = "benign_" + capture.stem
    r, alerts, _rows = analyze(capture, tag, flows=False)
    check_shape(tag, alerts)
    loud = [a for a in alerts if SEVERITIES.index(a["alert"]["severity"]) >= 1]
    low_total += len(alerts) - len(loud)
    C.check(f"benign {capture.name}: no alert of severity medium or above", r.rc == 0 and not loud,
            "; ".join(a["alert"]["summary"] for a in loud)[:500])
    if capture.parent == WORK:
        C.check(f"benign {capture.name}: the terminal says none",
                re.search(r"^Alerts \(0 raised\)\n  none$", run([NTA, "analyze", "-r", str(capture), "--no-progress"]).stdout,
                          re.M) is not None or alerts)
print(f"benign captures: {len(captures)}, low-severity alerts in all: {low_total}")

sys.exit(C.finish())
