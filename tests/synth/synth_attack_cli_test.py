"""nta synth --attack end to end: the command line, the ground-truth file against the capture, byte
determinism, and tshark as the outside judge of every frame (no malformed packets, no expert errors,
valid IP/TCP/UDP/ICMP checksums), with a check that the tshark filter does catch damaged frames."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
from nta_testlib import Checks, Record, common_args, parse_pcap, record_iso, run, which, write_pcap  # noqa: E402

KINDS = {
    "port_scan_syn": "port_scan", "port_scan_connect": "port_scan", "port_scan_fin": "port_scan",
    "port_scan_xmas": "port_scan", "port_scan_null": "port_scan", "port_scan_udp": "port_scan",
    "horizontal_scan": "horizontal_scan", "ping_sweep": "ping_sweep", "syn_flood": "syn_flood",
    "syn_flood_spoofed": "syn_flood", "udp_flood": "udp_flood", "icmp_flood": "icmp_flood",
    "brute_force_ssh": "brute_force", "brute_force_ftp": "brute_force", "brute_force_rdp": "brute_force",
    "dns_tunnel": "dns_tunnel", "arp_spoof": "arp_spoof", "exfiltration": "exfiltration",
    "beaconing": "beaconing",
}
HEADER = "attack,detector,attackers,victims,start,end"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
BAD = ('_ws.malformed || _ws.expert.severity >= error || ip.checksum.status == "Bad" || '
       'tcp.checksum.status == "Bad" || udp.checksum.status == "Bad" || icmp.checksum.status == "Bad"')

args = common_args(__doc__)
NTA = args.nta
WORK = Path(args.work)
C = Checks("synth --attack")

# ---- the command line ----------------------------------------------------------------------------
r = run([NTA, "synth", "--attack", "help"])
C.check("--attack help exits 0", r.rc == 0, r.stderr)
C.check("--attack help names every kind and its detector",
        all(re.search(rf"^{k}\s+{d}\s", r.stdout, re.M) for k, d in KINDS.items()), r.stdout)

r = run([NTA, "synth", "-o", str(WORK / "x.pcap"), "--attack", "syn_flood,port_scan"])
C.check("an unknown kind is a usage error (exit 2)", r.rc == 2, f"rc {r.rc}")
C.check("... that names it and lists the kinds",
        "'port_scan'" in r.stderr and "beaconing" in r.stderr and "port_scan_syn" in r.stderr, r.stderr)
x = str(WORK / "x.pcap")
for cmd, why in (([NTA, "synth", "--attack", "syn_flood"], "no --output"),
                 ([NTA, "synth", "-o", x, "--attack-start", "5"], "--attack-start without --attack"),
                 ([NTA, "synth", "-o", x, "--attack", "ping_sweep", "--seconds", "10", "--attack-start", "10"],
                  "--attack-start past the run"),
                 ([NTA, "synth", "-o", x, "--attack", "ping_sweep", "--hosts", "1"], "a one-host LAN")):
    r = run(cmd)
    C.check(f"refused: {why} (exit 2, one line)", r.rc == 2 and len(r.error_lines()) == 1 and not r.crashed,
            f"rc {r.rc}: {r.stderr}")

# ---- a capture with every attack -----------------------------------------------------------------
cap = WORK / "all.pcap"
truth = WORK / "all.truth.csv"
for f in (cap, truth):
    if f.exists():
        f.unlink()
r = run([NTA, "synth", "-o", str(cap), "--attack", "all", "--seconds", "20", "--seed", "3"], timeout=120)
C.check("synth --attack all exits 0", r.rc == 0 and not r.crashed, r.stderr)
C.check("the summary lists every attack", all(f"attack {k} " in r.stdout for k in KINDS), r.stdout)
C.check("the ground truth sits beside the capture", truth.exists(), str(list(WORK.iterdir())))
lines = truth.read_text().splitlines() if truth.exists() else []
C.check("truth header", bool(lines) and lines[0] == HEADER, lines[:1])
rows = [line.split(",") for line in lines[1:]]
C.check("one line per attack", sorted(row[0] for row in rows) == sorted(KINDS), [row[0] for row in rows])

pcap = parse_pcap(cap.read_bytes()) if cap.exists() else None
times = {record_iso(pcap, rec) for rec in pcap.records} if pcap else set()
first = record_iso(pcap, pcap.records[0]) if pcap else ""
last = record_iso(pcap, pcap.records[-1]) if pcap else ""
previous = ""
for row in rows:
    ok = len(row) == 6
    name = row[0] if row else "?"
    if not C.check(f"{name}: six fields", ok, row):
        continue
    attack, detector, attackers, victims, start, end = row
    C.check(f"{attack}: detector", KINDS.get(attack) == detector, detector)
    addresses = victims.split(";") + ([] if attackers == "spoofed" else attackers.split(";"))
    C.check(f"{attack}: addresses", all(IPV4.match(a) for a in addresses), f"{attackers} / {victims}")
    C.check(f"{attack}: 'spoofed' exactly for the spoofed flood",
            (attackers == "spoofed") == (attack == "syn_flood_spoofed"), attackers)
    C.check(f"{attack}: ISO 8601 times", bool(ISO.match(start) and ISO.match(end)), f"{start} {end}")
    C.check(f"{attack}: start <= end, inside the capture", first <= start <= end <= last,
            f"{first} <= {start} <= {end} <= {last}")
    C.check(f"{attack}: a packet at the start and at the end time", start in times and end in times,
            f"{start} {end}")
    C.check(f"{attack}: lines in order of start", previous <= start, f"{previous} > {start}")
    previous = start

# ---- determinism and --truth ---------------------------------------------------------------------
cap2 = WORK / "again.pcap"
truth2 = WORK / "chosen_truth.csv"
for f in (cap2, truth2, WORK / "again.truth.csv"):
    if f.exists():
        f.unlink()
r = run([NTA, "synth", "-o", str(cap2), "--attack", "all", "--seconds", "20", "--seed", "3", "--truth", str(truth2)],
        timeout=120)
C.check("second run exits 0", r.rc == 0, r.stderr)
C.check("same seed: byte-identical capture", cap.exists() and cap2.exists() and cap.read_bytes() == cap2.read_bytes())
C.check("same seed: identical ground truth", truth2.exists() and truth.read_text() == truth2.read_text())
C.check("--truth FILE replaces the default name", not (WORK / "again.truth.csv").exists())

plain = WORK / "plain.pcap"
r = run([NTA, "synth", "-o", str(plain), "--seconds", "20", "--seed", "3"])
C.check("without --attack no truth file is written", r.rc == 0 and not (WORK / "plain.truth.csv").exists(), r.stderr)
if pcap and plain.exists():
    benign = [rec.data for rec in parse_pcap(plain.read_bytes()).records]
    j = 0
    for rec in pcap.records:
        if j < len(benign) and rec.data == benign[j]:
            j += 1
    C.check("every benign frame is still there, in order", j == len(benign), f"{j} of {len(benign)}")

# ---- tshark: every frame dissects cleanly --------------------------------------------------------
tshark = which("tshark")
if tshark is None:
    print("SKIP tshark checks: tshark not found")
elif pcap:
    def bad_frames(path: Path) -> list[str]:
        p = subprocess.run([tshark, "-r", str(path), "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                            "-o", "udp.check_checksum:TRUE", "-Y", BAD],
                           capture_output=True, text=True, timeout=300)
        return [line for line in p.stdout.splitlines() if line.strip()]

    found = bad_frames(cap)
    C.check("tshark: no malformed frame, no expert error, no bad checksum", not found, "\n".join(found[:10]))

    # The filter must be able to fail: damage three frames in a copy, each a different way.
    records = list(pcap.records)
    tcp = next(i for i, rec in enumerate(records) if rec.data[12:14] == b"\x08\x00" and rec.data[23] == 6)
    icmp = next(i for i, rec in enumerate(records) if rec.data[12:14] == b"\x08\x00" and rec.data[23] == 1)
    dns = next(i for i, rec in enumerate(records)
               if rec.data[12:14] == b"\x08\x00" and rec.data[23] == 17 and rec.data[36:38] == b"\x00\x35"
               and int.from_bytes(rec.data[38:40], "big") > 40)
    damaged = []
    for i, rec in enumerate(records):
        d = bytearray(rec.data)
        if i == tcp:
            d[14 + 20 + 16] ^= 0x5a  # TCP checksum
        elif i == icmp:
            d[14 + 20 + 2] ^= 0x5a  # ICMP checksum
        elif i == dns:
            d[14 + 20 + 8 + 12:14 + 20 + 8 + 14] = b"\xc0\xff"  # question name: a pointer past the end
            d[14 + 20 + 6:14 + 20 + 8] = b"\x00\x00"  # no UDP checksum, so only the DNS is wrong
        damaged.append(Record(rec.offset, rec.sec, rec.frac, len(d), len(d), bytes(d)))
    bad = WORK / "damaged.pcap"
    bad.write_bytes(write_pcap(pcap, damaged))
    flagged = bad_frames(bad)
    numbers = {int(line.split()[0]) for line in flagged}
    C.check("the tshark filter catches damaged frames (TCP and ICMP checksums, malformed DNS)",
            numbers == {tcp + 1, icmp + 1, dns + 1}, "\n".join(flagged))

    # tshark sees the protocols each attack speaks.
    p = subprocess.run([tshark, "-r", str(cap), "-T", "fields", "-E", "separator=/t", "-e", "frame.protocols",
                        "-e", "tcp.flags", "-e", "icmp.type", "-e", "icmp.code", "-e", "dns.qry.type",
                        "-e", "arp.duplicate-address-detected"], capture_output=True, text=True, timeout=300)
    fields = [line.split("\t") for line in p.stdout.splitlines()]
    def count(pred) -> int:
        return sum(1 for f in fields if len(f) >= 6 and pred(f))
    expectations = {
        "SYN probes": lambda f: f[1] == "0x0002",
        "FIN probes": lambda f: f[1] == "0x0001",
        "Xmas probes": lambda f: f[1] == "0x0029",
        "NULL probes": lambda f: f[1] == "0x0000",
        "port unreachable": lambda f: f[2] == "3" and f[3] == "3",
        "echo replies": lambda f: f[2] == "0",
        "SSH": lambda f: ":ssh" in f[0],
        "FTP": lambda f: ":ftp" in f[0],
        "RDP (TPKT/COTP)": lambda f: ":cotp:rdp" in f[0],
        "TLS": lambda f: ":tls" in f[0],
        "DNS TXT queries": lambda f: "16" in f[4].split(","),
        "DNS NULL queries": lambda f: "10" in f[4].split(","),
        "ARP: duplicate use of an address": lambda f: f[5] != "",
    }
    for what, pred in expectations.items():
        n = count(pred)
        C.check(f"tshark sees {what}", n > 0, f"{n} frames")

sys.exit(C.finish())
