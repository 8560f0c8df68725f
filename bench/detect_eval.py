#!/usr/bin/env python3
"""Detection quality of nta analyze (docs/detections.md "Measured"):

1. every attack kind of `nta synth --attack`, alone, over several seeds: detected or not (the
   right detector naming the ground truth's attacker, or the victim for spoofed floods), and the
   time from the attack's first packet to the first such alert, in packet-time seconds;
2. the labelled attack captures of ../shared/data/pcaps/attacks: detected or not, and the time
   from the first packet involving the named hosts to the alert;
3. false alerts per hour of benign traffic: long `nta synth` benign runs and the benign captures
   (every alert there is false; medium+ counted apart).

Usage: bench/detect_eval.py [--nta build/src/cli/nta] [--data ../shared/data/pcaps] [--work bench/out/detect_eval]
                            [--seeds 5] [--benign-hours 6] [--benign-hosts 50]
"""

from __future__ import annotations

import argparse
import collections
import csv
import io
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.dont_write_bytecode = True
sys.path.insert(0, str(ROOT / "tests" / "detect"))

from attack_eval import SEVERITIES, attack_kinds, iso_seconds, judge, read_alerts, synth_and_analyze  # noqa: E402

# Real captures: file -> the detector that should fire (SOURCES.md labels).
REAL = {
    "nmap_syn_scan.pcap": "port_scan",
    "masscan_tcp_syn_scan_0-1000.pcap": "port_scan",
    "masscan_udp_scan_0-1000.pcap": "port_scan",
    "tcp_port_scan_small.pcap": "port_scan",
    "icmp_ping_sweep.pcap": "ping_sweep",
    "tcp_ack_ping_sweep.pcap": "ping_sweep",
    "arp_scan.pcap": "ping_sweep",
    "tcp_syn_ping_sweep.pcap": "horizontal_scan",
    "udp_ping_sweep.pcap": "horizontal_scan",
    "syn_flood_small.pcap": "syn_flood",
    "syn_flood_spoofed.pcap": "syn_flood",
    "syn_flood_ecn_cwr.pcap": "syn_flood",
    "snmp_amplification.pcap": "udp_flood",
    "dns_amplification_rrsig.pcap": "udp_flood",
    "ssh_bruteforce.pcap": "brute_force",
    "ftp_bruteforce.pcap": "brute_force",
    "dns_tunnel_iodine.pcap": "dns_tunnel",
    "dns_exfiltration.pcap": "dns_tunnel",
    "dns_tunnel_dns2tcp.pcap": "dns_tunnel",
    "arp_spoofing.pcap": "arp_spoof",
    "c2_merlin_quic.pcapng": "beaconing",
}


def run(cmd: list[str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def capture_span(nta: str, capture: Path) -> tuple[float, float]:
    """First and last packet time (seconds) from `nta stats --json`."""
    r = run([nta, "stats", "-r", str(capture), "--json", "--no-progress"])
    t = json.loads(r.stdout)["totals"]
    return (t["first_ns"] or 0) / 1e9, (t["last_ns"] or 0) / 1e9


def active_hours(nta: str, capture: Path, work: Path) -> float:
    """Packet time with traffic: the gaps between packets, each counted up to 60 s (several shared
    captures are traces from different days joined together, so last - first would overstate)."""
    csv_path = work / "times.csv"
    run([nta, "read", "-r", str(capture), "-q", "--csv", str(csv_path)])
    times = sorted(iso_seconds(row["timestamp"]) for row in csv.DictReader(csv_path.open()))
    return sum(min(b - a, 60.0) for a, b in zip(times, times[1:])) / 3600


def synthetic(nta: str, work: Path, seeds: int, seconds: float) -> None:
    print(f"\n== Synthetic attacks: each kind alone, {seconds:.0f} s, 10 hosts, seeds 1..{seeds}")
    print(f"{'attack':<20} {'detector':<16} {'detected':>9} {'time to alert (s): median':>26} {'max':>8}  severities")
    for kind in attack_kinds(nta):
        detected = 0
        times = []
        severities = collections.Counter()
        detector = "?"
        for seed in range(1, seeds + 1):
            truths, alerts, error = synth_and_analyze(nta, work, kind, seed, seconds)
            if error:
                print(f"{kind}: {error}")
                continue
            for o in judge(truths, alerts):
                detector = o.truth.detector
                if o.detected:
                    detected += 1
                    times.append(o.seconds_to_alert)
                    severities[o.severity] += 1
        med = f"{statistics.median(times):.3f}" if times else "-"
        mx = f"{max(times):.3f}" if times else "-"
        sev = ", ".join(f"{k} {v}" for k, v in sorted(severities.items(), key=lambda kv: SEVERITIES.index(kv[0])))
        print(f"{kind:<20} {detector:<16} {detected:>4}/{seeds:<4} {med:>26} {mx:>8}  {sev}")


def real(nta: str, data: Path, work: Path) -> None:
    attacks = data / "attacks"
    if not attacks.is_dir():
        print(f"\n(skipped the real captures: {attacks} is missing)")
        return
    print(f"\n== Real attack captures ({attacks})")
    print(f"{'capture':<36} {'detector':<16} {'detected':<9} {'time to alert (s)':>17}  first alert")
    for name, detector in REAL.items():
        capture = attacks / name
        if not capture.exists():
            continue
        alerts_path = work / f"real_{capture.stem}.jsonl"
        flows_path = work / f"real_{capture.stem}.csv"
        run([nta, "analyze", "-r", str(capture), "--no-progress", "--alerts", str(alerts_path), "--flows", str(flows_path)])
        mine = sorted((a for a in read_alerts(alerts_path) if a["alert"]["id"] == detector), key=lambda a: a["timestamp"])
        if not mine:
            print(f"{name:<36} {detector:<16} {'no':<9} {'-':>17}")
            continue
        a = mine[0]
        hosts = {a.get("src_ip"), a.get("dest_ip")} - {None}
        rows = list(csv.DictReader(io.StringIO(flows_path.read_text()))) if flows_path.exists() else []
        # The attack's first flow: one involving the named hosts (for SYN floods, one opened by a SYN:
        # some captures carry backscatter before the flood).
        starts = [iso_seconds(r["ts"]) for r in rows if (r["id.orig_h"] in hosts or r["id.resp_h"] in hosts)
                  and (detector != "syn_flood" or r["history"].startswith("S"))]
        start = min(starts) if starts else capture_span(nta, capture)[0]
        who = f"{a.get('src_ip', a['evidence'].get('attacker_mac', '(many)'))} -> {a.get('dest_ip', '(many)')}"
        print(f"{name:<36} {detector:<16} {'yes':<9} {iso_seconds(a['timestamp']) - start:>17.3f}  "
              f"{a['alert']['severity']}: {who}")


def benign(nta: str, data: Path, work: Path, hours: int, hosts: int) -> None:
    print(f"\n== False alerts on benign traffic")
    total_hours = 0.0
    all_alerts = collections.Counter()
    loud_alerts = collections.Counter()
    sources = []
    for seed in range(1, hours + 1):
        pcap = work / f"benign_{seed}.pcap"
        r = run([nta, "synth", "-o", str(pcap), "--seconds", "3600", "--hosts", str(hosts), "--seed", str(100 + seed)])
        if r.returncode != 0:
            print(f"synth failed: {r.stderr}")
            continue
        sources.append((f"synth 1 h, {hosts} hosts, seed {100 + seed}", pcap, True))
    bdir = data / "benign"
    if bdir.is_dir():
        sources += [(p.name, p, False) for p in sorted(bdir.iterdir())]
    for label, pcap, temporary in sources:
        alerts_path = work / "benign_alerts.jsonl"
        run([nta, "analyze", "-r", str(pcap), "--no-progress", "--alerts", str(alerts_path)])
        if temporary:
            first, last = capture_span(nta, pcap)
            total_hours += max(last - first, 0) / 3600
        else:
            total_hours += active_hours(nta, pcap, work)
        for a in read_alerts(alerts_path):
            all_alerts[a["alert"]["id"]] += 1
            if SEVERITIES.index(a["alert"]["severity"]) >= 1:
                loud_alerts[a["alert"]["id"]] += 1
                print(f"  medium+ on {label}: {a['alert']['summary']}")
        if temporary:
            pcap.unlink()
    n_all = sum(all_alerts.values())
    n_loud = sum(loud_alerts.values())
    print(f"benign traffic: {len(sources)} captures, {total_hours:.2f} hours of packet time")
    print(f"false alerts: {n_all} in all ({n_all / total_hours:.2f} per hour), {n_loud} of severity medium or above "
          f"({n_loud / total_hours:.2f} per hour)" if total_hours > 0 else "no packet time")
    if all_alerts:
        print("  by detector: " + ", ".join(f"{k} {v}" for k, v in all_alerts.most_common()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nta", default=str(ROOT / "build" / "src" / "cli" / "nta"))
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "pcaps"))
    ap.add_argument("--work", default=str(ROOT / "bench" / "out" / "detect_eval"))
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--benign-hours", type=int, default=6)
    ap.add_argument("--benign-hosts", type=int, default=50)
    a = ap.parse_args()
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    synthetic(a.nta, work, a.seeds, a.seconds)
    real(a.nta, Path(a.data), work)
    benign(a.nta, Path(a.data), work, a.benign_hours, a.benign_hosts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
