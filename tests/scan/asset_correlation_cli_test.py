#!/usr/bin/env python3
"""`nta analyze --db` end to end: a capture made by `nta synth` (benign LAN traffic and an FTP
brute force) and an nmap 7.x XML scan of its /24 written here, imported with `nta assets import`.
The scan marks the gateway's UDP 53 closed although it answers DNS (-> unexpected_service), lists
the FTP server with an OS match and open services including vsftpd (-> risky_service for the
brute-forcing client, asset context on its alerts, exposure in its score), and leaves out one host
that is active in the capture (-> unknown_host). Then the refusals: a missing database (one-line
error, exit 1, no file created), files that are not SQLite, another program's SQLite database, a
newer schema, --db with --no-detect; and an empty inventory (no finding)."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))

from nta_testlib import Checks, common_args, run  # noqa: E402

args = common_args(__doc__)
NTA = args.nta
WORK = Path(args.work)
C = Checks("asset_correlation_cli_test")

for f in WORK.glob("*"):
    if f.is_file():
        f.unlink()

GATEWAY = "192.168.1.1"
SCAN_START = 1708352000  # 2024-02-19 14:13:20 UTC, shortly before the capture


def port_xml(proto: str, port: int, state: str, reason: str, service: str = "", product: str = "",
             version: str = "") -> str:
    x = f'<port protocol="{proto}" portid="{port}"><state state="{state}" reason="{reason}" reason_ttl="64"/>'
    if service:
        attrs = f' product="{product}"' if product else ""
        attrs += f' version="{version}"' if version else ""
        x += f'<service name="{service}"{attrs} method="probed" conf="10"/>'
    return x + "</port>\n"


def host_xml(address: str, ports: list[str], hostname: str = "", os_name: str = "", os_accuracy: int = 0) -> str:
    x = (f'<host starttime="{SCAN_START}" endtime="{SCAN_START + 30}"><status state="up" reason="arp-response" '
         f'reason_ttl="0"/>\n<address addr="{address}" addrtype="ipv4"/>\n<hostnames>\n')
    if hostname:
        x += f'<hostname name="{hostname}" type="PTR"/>\n'
    x += "</hostnames>\n<ports>"
    x += ('<extraports state="closed" count="1000"><extrareasons reason="reset" count="1000" proto="tcp" '
          'ports="1-1024"/></extraports>\n')
    x += "".join(ports) + "</ports>\n"
    if os_name:
        x += (f'<os><osmatch name="{os_name}" accuracy="{os_accuracy}" line="67000"><osclass type="general purpose" '
              f'vendor="Linux" osfamily="Linux" osgen="5.X" accuracy="{os_accuracy}"><cpe>cpe:/o:linux:linux_kernel:5'
              '</cpe></osclass></osmatch></os>\n')
    return x + '<times srtt="500" rttvar="300" to="100000"/>\n</host>\n'


def scan_xml(hosts: list[str], up: int) -> str:
    args_text = "nmap -sS -sU -sV -O -p T:1-1024,U:53 -oX scan.xml 192.168.1.0/24"
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE nmaprun>\n'
            '<?xml-stylesheet href="file:///usr/bin/../share/nmap/nmap.xsl" type="text/xsl"?>\n'
            f'<nmaprun scanner="nmap" args="{args_text}" start="{SCAN_START}" startstr="Mon Feb 19 14:13:20 2024" '
            'version="7.93" xmloutputversion="1.05">\n'
            '<scaninfo type="syn" protocol="tcp" numservices="1024" services="1-1024"/>\n'
            '<scaninfo type="udp" protocol="udp" numservices="1" services="53"/>\n'
            '<verbose level="0"/>\n<debugging level="0"/>\n' + "".join(hosts) +
            f'<runstats><finished time="{SCAN_START + 40}" timestr="x" summary="x" elapsed="40.00" exit="success"/>'
            f'<hosts up="{up}" down="{256 - up}" total="256"/>\n</runstats>\n</nmaprun>\n')


def read_alerts(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def of(alerts: list[dict], detector: str) -> list[dict]:
    return [a for a in alerts if a["alert"]["id"] == detector]


# --- the capture and what is in it (from nta's own flows, without --db) ---------------------------
pcap = WORK / "lan.pcap"
r = run([NTA, "synth", "-o", str(pcap), "--seconds", "30", "--hosts", "6", "--seed", "5", "--attack",
         "brute_force_ftp"], timeout=120)
if not C.check("synth: exit 0", r.rc == 0, r.stderr[:300]):
    sys.exit(C.finish())
with open(WORK / "lan.truth.csv") as f:
    truth = next(csv.DictReader(f))
ATTACKER, VICTIM = truth["attackers"], truth["victims"]

plain_alerts = WORK / "plain.alerts.jsonl"
plain_scores = WORK / "plain.scores.json"
flows_csv = WORK / "plain.flows.csv"
r = run([NTA, "analyze", "-r", str(pcap), "--no-progress", "--flows", str(flows_csv), "--alerts", str(plain_alerts),
         "--scores", str(plain_scores)], timeout=120)
C.check("analyze without --db: exit 0", r.rc == 0, r.stderr[:300])
with open(flows_csv) as f:
    flows = list(csv.DictReader(f))
lan = sorted({h for fl in flows for h in (fl["id.orig_h"], fl["id.resp_h"]) if h.startswith("192.168.1.")},
             key=lambda a: int(a.split(".")[3]))
answered_clients = sorted({fl["id.orig_h"] for fl in flows
                           if fl["id.orig_h"].startswith("192.168.1.") and fl["conn_state"] == "SF"},
                          key=lambda a: int(a.split(".")[3]))
candidates = [h for h in answered_clients if h not in (GATEWAY, ATTACKER, VICTIM)]
dns_answered = any(fl["id.resp_h"] == GATEWAY and fl["id.resp_p"] == "53" and fl["proto"] == "udp"
                   and fl["conn_state"] == "SF" for fl in flows)
if not C.check("capture: the gateway answers DNS and a third LAN host talks", dns_answered and bool(candidates),
               f"lan={lan} answered={answered_clients}"):
    sys.exit(C.finish())
UNKNOWN = candidates[0]
C.check("without --db: no correlation finding and no asset context",
        not any(a["alert"]["id"] in ("unexpected_service", "unknown_host", "risky_service") or "src_asset" in a
                or "dest_asset" in a for a in read_alerts(plain_alerts)))

# --- the scan: every LAN host seen up except UNKNOWN --------------------------------------------
hosts = []
for h in sorted(set(lan) | {GATEWAY}, key=lambda a: int(a.split(".")[3])):
    if h == UNKNOWN:
        continue
    if h == GATEWAY:
        hosts.append(host_xml(h, [port_xml("tcp", 53, "open", "syn-ack", "domain", "dnsmasq", "2.89"),
                                  port_xml("udp", 53, "closed", "port-unreach", "domain")], "gw.lan"))
    elif h == VICTIM:
        hosts.append(host_xml(h, [port_xml("tcp", 21, "open", "syn-ack", "ftp", "vsftpd", "3.0.5"),
                                  port_xml("tcp", 22, "open", "syn-ack", "ssh", "OpenSSH", "8.9p1"),
                                  port_xml("tcp", 80, "open", "syn-ack", "http", "nginx", "1.18.0")],
                              "files.lan", "Linux 5.0 - 5.4", 96))
    else:
        hosts.append(host_xml(h, []))
xml_path = WORK / "scan.xml"
xml_path.write_text(scan_xml(hosts, len(hosts)))
db = WORK / "nta.db"
r = run([NTA, "assets", "import", str(xml_path), "--db", str(db)])
C.check("assets import: exit 0", r.rc == 0, r.stderr[:300])

# --- analyze --db -------------------------------------------------------------------------------
alerts_path = WORK / "db.alerts.jsonl"
scores_path = WORK / "db.scores.json"
r = run([NTA, "analyze", "-r", str(pcap), "--no-progress", "--db", str(db), "--alerts", str(alerts_path),
         "--scores", str(scores_path)], timeout=120)
C.check("analyze --db: exit 0", r.rc == 0, r.stderr[:300])
alerts = read_alerts(alerts_path)

unexpected = of(alerts, "unexpected_service")
C.check("unexpected_service: one, the gateway's UDP 53 scanned closed",
        len(unexpected) == 1 and unexpected[0].get("src_ip") == GATEWAY and "dest_ip" not in unexpected[0]
        and unexpected[0]["evidence"].get("client", "").startswith("192.168.1.")
        and any(fl["uid"] == unexpected[0]["evidence"].get("flow_uid") and fl["id.resp_h"] == GATEWAY
                and fl["id.resp_p"] == "53" and fl["id.orig_h"] == unexpected[0]["evidence"]["client"] for fl in flows)
        and unexpected[0]["evidence"].get("port") == 53 and unexpected[0]["evidence"].get("protocol") == "udp"
        and unexpected[0]["evidence"].get("scan_state") == "closed",
        json.dumps(unexpected)[:600])
unknown = of(alerts, "unknown_host")
C.check(f"unknown_host: exactly the host left out of the scan ({UNKNOWN})",
        [a.get("src_ip") for a in unknown] == [UNKNOWN] and unknown[0]["alert"]["severity"] == "low",
        json.dumps(unknown)[:600])
risky = of(alerts, "risky_service")
C.check("risky_service: the FTP client to vsftpd on the victim's 21/tcp",
        len(risky) == 1 and risky[0].get("src_ip") == ATTACKER and risky[0].get("dest_ip") == VICTIM
        and risky[0]["evidence"].get("port") == 21 and risky[0]["evidence"].get("risk") == "ftp"
        and risky[0]["evidence"].get("service") == "ftp vsftpd 3.0.5",
        json.dumps(risky)[:600])
for a in unexpected + unknown + risky:
    C.check(f"{a['alert']['id']}: has a MITRE id and a summary",
            a["alert"]["mitre"].startswith("T") and len(a["alert"]["summary"]) > 20, json.dumps(a)[:300])

brute = of(alerts, "brute_force")
ctx = brute[0].get("dest_asset") if brute else None
C.check("brute_force alert: the victim's asset context (hostname, OS, open services)",
        ctx is not None and ctx["hostname"] == "files.lan" and ctx["os"] == "Linux 5.0 - 5.4 (96%)"
        and ctx["open_services"] == ["21/tcp ftp vsftpd 3.0.5", "22/tcp ssh OpenSSH 8.9p1", "80/tcp http nginx 1.18.0"]
        and ctx["exposure"] == 1.2,
        json.dumps(brute)[:800])
src_ctx = brute[0].get("src_asset") if brute else None
C.check("brute_force alert: the attacker is inventoried without services",
        src_ctx is not None and src_ctx["hostname"] is None and src_ctx["open_services"] == [], json.dumps(src_ctx))
gw = unexpected[0].get("src_asset") if unexpected else None
C.check("unexpected_service alert: the gateway's context", gw is not None and gw["hostname"] == "gw.lan"
        and gw["open_services"] == ["53/tcp domain dnsmasq 2.89"] and gw["exposure"] == 0.85, json.dumps(gw))
C.check("unknown_host alert: no asset context for the unknown host",
        bool(unknown) and "src_asset" not in unknown[0] and "dest_asset" not in unknown[0])


def host_entry(doc: dict, host: str) -> dict | None:
    return next((h for h in doc["hosts"] if h["host"] == host), None)


scores = json.loads(scores_path.read_text()) if scores_path.exists() else {"hosts": []}
plain = json.loads(plain_scores.read_text()) if plain_scores.exists() else {"hosts": []}
v_db, v_plain = host_entry(scores, VICTIM), host_entry(plain, VICTIM)
C.check("scores: the victim's exposure 1.2 with its reason",
        v_db is not None and v_db["exposure"] == 1.2
        and "asset exposure x1.20: files.lan (3 open services; risky: ftp)" in v_db["reasons"],
        json.dumps(v_db)[:800])
C.check("scores: the victim weighs more with the inventory",
        v_db is not None and v_plain is not None and v_db["score"] > v_plain["score"],
        f"{v_db and v_db['score']} vs {v_plain and v_plain['score']}")
C.check("scores: the findings are counted", scores.get("alerts_by_detector", {}).get("risky_service") == 1
        and scores.get("alerts_by_detector", {}).get("unknown_host") == 1, json.dumps(scores.get("alerts_by_detector")))
C.check("terminal: the findings in the alert table and the inventory named",
        "risky_service" in r.stdout and "unknown_host" in r.stdout and f"asset inventory: {db}" in r.stdout,
        r.stdout[-2500:])

# --- refusals and the empty inventory -------------------------------------------------------------
missing = WORK / "missing.db"
r = run([NTA, "analyze", "-r", str(pcap), "--no-progress", "--db", str(missing)])
C.check("missing database: exit 1, one clear line, nothing created",
        r.rc == 1 and len(r.error_lines()) == 1 and "does not exist" in r.stderr and not missing.exists(),
        f"rc={r.rc} {r.stderr!r}")
foreign = WORK / "notes.db"
foreign.write_text("just some text, not SQLite at all; long enough to fill a header of a hundred bytes.........\n")
r = run([NTA, "analyze", "-r", str(pcap), "--no-progress", "--db", str(foreign)])
C.check("not a database: refused with one line (exit 3)", r.rc == 3 and len(r.error_lines()) == 1
        and "not an SQLite database" in r.stderr, f"rc={r.rc} {r.stderr!r}")
other = WORK / "other.db"
con = sqlite3.connect(other)
con.execute("CREATE TABLE notes (text TEXT)")
con.commit()
con.close()
newer = WORK / "newer.db"
shutil.copy(db, newer)
con = sqlite3.connect(newer)
con.execute("PRAGMA user_version = 99")
con.commit()
con.close()
for path, words in ((other, "is not an nta database"), (newer, "newer than this nta understands")):
    before = path.read_bytes()
    r = run([NTA, "analyze", "-r", str(pcap), "--no-progress", "--db", str(path)])
    C.check(f"{path.name}: refused with one line (exit 3), the file unchanged",
            r.rc == 3 and len(r.error_lines()) == 1 and words in r.stderr and path.read_bytes() == before,
            f"rc={r.rc} {r.stderr!r}")
r = run([NTA, "analyze", "-r", str(pcap), "--no-progress", "--no-detect", "--db", str(db)])
C.check("--db with --no-detect: usage error", r.rc == 2 and "--db" in r.stderr, f"rc={r.rc} {r.stderr!r}")
empty = WORK / "empty.db"
empty.write_bytes(b"")
r = run([NTA, "assets", "--db", str(empty)])
C.check("an empty file becomes an empty inventory with 'nta assets'", r.rc == 0, r.stderr[:300])
empty_alerts = WORK / "empty.alerts.jsonl"
r = run([NTA, "analyze", "-r", str(pcap), "--no-progress", "--db", str(empty), "--alerts", str(empty_alerts)])
found = read_alerts(empty_alerts)
C.check("empty inventory: exit 0, no finding, no asset context",
        r.rc == 0 and not any(a["alert"]["id"] in ("unexpected_service", "unknown_host", "risky_service")
                              or "dest_asset" in a or "src_asset" in a for a in found)
        and len(found) == len(read_alerts(plain_alerts)),
        f"rc={r.rc} {r.stderr[:300]}")

sys.exit(C.finish())
