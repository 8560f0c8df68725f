"""Shared by tests/detect/synth_attacks_test.py and bench/detect_eval.py: make a capture with
`nta synth --attack KIND`, run `nta analyze --alerts` on it, and judge the alerts against the
ground truth the generator wrote beside the capture (docs/formats.md "Attack ground truth")."""

from __future__ import annotations

import csv
import datetime
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

SEVERITIES = ["low", "medium", "high", "critical"]


def iso_seconds(text: str) -> float:
    """Seconds since the epoch of an ISO 8601 UTC timestamp with microseconds."""
    d = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return d.timestamp()


@dataclass
class Truth:
    attack: str
    detector: str
    attackers: list[str]  # empty when spoofed
    victims: list[str]
    start: float
    end: float

    @property
    def spoofed(self) -> bool:
        return not self.attackers


def read_truth(path: Path) -> list[Truth]:
    out = []
    with path.open() as f:
        for row in csv.DictReader(f):
            attackers = [] if row["attackers"] == "spoofed" else row["attackers"].split(";")
            out.append(Truth(row["attack"], row["detector"], attackers, row["victims"].split(";"),
                             iso_seconds(row["start"]), iso_seconds(row["end"])))
    return out


def read_alerts(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def names_attack(alert: dict, truth: Truth) -> bool:
    """The alert is of the truth's detector and names its attacker (or, for spoofed sources, only
    its victim); where the alert names a destination, it is one of the victims."""
    if alert["alert"]["id"] != truth.detector:
        return False
    src = alert.get("src_ip")
    dest = alert.get("dest_ip")
    if truth.spoofed:
        return src is None and dest in truth.victims
    if src not in truth.attackers:
        return False
    return dest is None or dest in truth.victims


def involves(alert: dict, truths: list[Truth]) -> bool:
    """The alert names a host taking part in one of the attacks (attacker or victim)."""
    hosts = set()
    for t in truths:
        hosts.update(t.attackers)
        hosts.update(t.victims)
    return alert.get("src_ip") in hosts or alert.get("dest_ip") in hosts


@dataclass
class Outcome:
    truth: Truth
    detected: bool
    seconds_to_alert: float | None
    severity: str | None
    alerts: list[dict] = field(default_factory=list)


def judge(truths: list[Truth], alerts: list[dict]) -> list[Outcome]:
    out = []
    for t in truths:
        hits = sorted((a for a in alerts if names_attack(a, t)), key=lambda a: a["timestamp"])
        if hits:
            first = hits[0]
            out.append(Outcome(t, True, iso_seconds(first["timestamp"]) - t.start, first["alert"]["severity"], hits))
        else:
            out.append(Outcome(t, False, None, None, []))
    return out


def synth_and_analyze(nta: str, work: Path, kind: str, seed: int, seconds: float, hosts: int = 10,
                      timeout: float = 300) -> tuple[list[Truth], list[dict], str]:
    """Makes work/<kind>_<seed>.pcap with its truth, analyzes it; returns truth, alerts and any error."""
    work.mkdir(parents=True, exist_ok=True)
    pcap = work / f"{kind}_{seed}.pcap"
    truth = work / f"{kind}_{seed}.truth.csv"
    alerts = work / f"{kind}_{seed}.alerts.jsonl"
    for p in (pcap, truth, alerts):
        if p.exists():
            p.unlink()
    r = subprocess.run([nta, "synth", "-o", str(pcap), "--attack", kind, "--seed", str(seed), "--seconds",
                        str(seconds), "--hosts", str(hosts), "--truth", str(truth)],
                       capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        return [], [], f"nta synth exit {r.returncode}: {r.stderr.strip()}"
    r = subprocess.run([nta, "analyze", "-r", str(pcap), "--no-progress", "--alerts", str(alerts)],
                       capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        return [], [], f"nta analyze exit {r.returncode}: {r.stderr.strip()}"
    pcap.unlink()  # the captures are large; truth and alerts stay for inspection
    return read_truth(truth), read_alerts(alerts), ""


def attack_kinds(nta: str) -> list[str]:
    """The kinds `nta synth --attack help` lists (first column), without 'all'."""
    r = subprocess.run([nta, "synth", "--attack", "help"], capture_output=True, text=True, timeout=30)
    kinds = []
    for line in r.stdout.splitlines()[1:]:
        parts = line.split()
        if parts and parts[0] != "all":
            kinds.append(parts[0])
    return kinds
