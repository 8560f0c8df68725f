#!/usr/bin/env python3
"""`nta scan` and `nta assets` end to end: refused targets and port lists, nmap missing, a real
nmap scan of listeners this test opens on 127.0.0.1 (open ports open, a closed one closed), the kept
XML imported again, a second scan and `assets diff`, hostile and malformed XML through the CLI,
terminal escaping, missing and too-new databases. Exit 77 (skip) when nmap is missing and every
other check passed."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))

from nta_testlib import SKIP, Checks, common_args, run, which  # noqa: E402

args = common_args(__doc__)
NTA = args.nta
WORK = Path(args.work)
C = Checks("scan_cli_test")

for f in WORK.glob("*"):
    if f.is_file():
        f.unlink()


def assets_json(db: Path) -> dict | None:
    r = run([NTA, "assets", "--json", "--db", str(db)])
    if not C.check(f"assets --json --db {db.name}: exit 0", r.rc == 0, r.stderr[:300]):
        return None
    try:
        return json.loads(r.stdout)
    except json.JSONDecodeError as e:
        C.check("assets --json is one JSON document", False, f"{e}: {r.stdout[:200]!r}")
        return None


def port_states(doc: dict | None, address: str) -> dict[int, str]:
    if doc is None:
        return {}
    for h in doc["hosts"]:
        if h["address"] == address:
            return {p["port"]: p["state"] for p in h["ports"] if p["protocol"] == "tcp"}
    return {}


# ---- Usage errors: refused before nmap runs ------------------------------------------------------
db = WORK / "usage.db"
for argv, needle in [
    (["scan", "--db", str(db), "--", "-oX"], "would read as an nmap option"),
    (["scan", "--db", str(db), "--", "--script=evil"], "would read as an nmap option"),
    (["scan", "--db", str(db), "10.0.0.1;reboot"], "contains ';'"),
    (["scan", "--db", str(db), "$(id)"], "contains '$'"),
    (["scan", "--db", str(db), "a b"], "whitespace"),
    (["scan", "--db", str(db), "x" * 300], "longer than 253"),
    (["scan", "--db", str(db), "10.0.0.0/4"], "2^24"),
    (["scan", "--db", str(db), "127.0.0.1", "-p", "22;id"], "port list"),
    (["scan", "--db", str(db), "127.0.0.1", "-p", "70000"], "port list"),
    (["scan", "--db", str(db), "127.0.0.1", "--profile", "insane"], "profile"),
]:
    r = run([NTA, *argv])
    C.check(f"{argv[3:]}: exit 2", r.rc == 2, f"rc={r.rc} {r.stderr[:300]}")
    C.check(f"{argv[3:]}: says why ({needle})", needle in r.stderr, r.stderr[:300])
    C.check(f"{argv[3:]}: no crash", not r.crashed, r.stderr[:300])
C.check("refused targets create no database", not db.exists())
r = run([NTA, "scan", "--db", str(db), "10.0.0.1\x1b[2J"])
C.check("escape sequences in a refused target are not echoed raw", r.rc == 2 and "\x1b" not in r.stderr, repr(r.stderr))

# ---- nmap not on PATH ----------------------------------------------------------------------------
empty = WORK / "empty_path"
empty.mkdir(exist_ok=True)
env_run = __import__("subprocess").run(
    [NTA, "scan", "127.0.0.1", "-p", "1", "--profile", "quick", "--db", str(WORK / "nonmap.db")],
    capture_output=True, text=True, env={**os.environ, "PATH": str(empty)}, timeout=60)
C.check("nmap missing: exit 1", env_run.returncode == 1, f"rc={env_run.returncode} {env_run.stderr[:300]}")
C.check("nmap missing: clear message", "nmap is not installed" in env_run.stderr and "nta assets import" in env_run.stderr,
        env_run.stderr[:300])

# ---- Databases -------------------------------------------------------------------------------------
r = run([NTA, "assets", "--db", str(WORK / "missing.db")])
C.check("missing database: exit 1", r.rc == 1, r.stderr)
C.check("missing database: says so", "does not exist" in r.stderr, r.stderr)
C.check("missing database: not created by listing", not (WORK / "missing.db").exists())
future = WORK / "future.db"
r = run([NTA, "assets", "import", "--db", str(future), "/nonexistent.xml"])
con = sqlite3.connect(future)
con.execute("PRAGMA user_version = 99")
con.commit()
con.close()
r = run([NTA, "assets", "--db", str(future)])
C.check("newer database: exit 3", r.rc == 3, f"rc={r.rc} {r.stderr}")
C.check("newer database: says so", "newer than this nta" in r.stderr and "99" in r.stderr, r.stderr)
other = WORK / "other.db"
con = sqlite3.connect(other)
con.execute("CREATE TABLE customers (name TEXT)")
con.commit()
con.close()
r = run([NTA, "assets", "import", "--db", str(other), "/nonexistent.xml"])
C.check("foreign database: refused (exit 3)", r.rc == 3 and "not an nta database" in r.stderr, f"rc={r.rc} {r.stderr}")

# ---- Hostile and malformed XML through the CLI ---------------------------------------------------
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
NMAPRUN = '<nmaprun scanner="nmap" args="nmap -oX x 10.9.0.0/24" start="1700000000" version="7.93" xmloutputversion="1.05">\n'
xxe = WORK / "xxe.xml"
xxe.write_text(HEAD + '<!DOCTYPE nmaprun [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n' + NMAPRUN +
               '<host><status state="up" reason="x"/><address addr="10.9.0.1" addrtype="ipv4"/>'
               '<hostnames><hostname name="&e;" type="PTR"/></hostnames></host></nmaprun>\n')
hdb = WORK / "hostile.db"
r = run([NTA, "assets", "import", str(xxe), "--db", str(hdb)])
C.check("external entity: exit 3", r.rc == 3, f"rc={r.rc} {r.stderr}")
C.check("external entity: refused with the line", "line 2: refused" in r.stderr, r.stderr)
doc = assets_json(hdb)
C.check("external entity: nothing imported", doc is not None and doc["hosts"] == [] and doc["scans"] == [], str(doc)[:300])
C.check("external entity: /etc/passwd never in the database", b"root:x:" not in hdb.read_bytes())

lol = WORK / "lol.xml"
ents = '<!ENTITY a "' + "x" * 100 + '">' + "".join(
    f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">' for i in range(9))
lol.write_text(HEAD + "<!DOCTYPE nmaprun [" + ents + "]>\n" + NMAPRUN + '<host><status state="up"/>'
               '<address addr="10.9.0.2" addrtype="ipv4"/><hostnames><hostname name="&j;"/></hostnames></host></nmaprun>\n')
r = run([NTA, "assets", "import", str(lol), "--db", str(hdb)], timeout=20)
C.check("billion laughs: refused quickly (exit 3)", r.rc == 3 and "refused" in r.stderr, f"rc={r.rc} {r.stderr}")

bad = WORK / "bad.xml"
bad.write_text(HEAD + NMAPRUN + '<host><status state="up"/>\n<address addr="10.9.0.3" addrtype="ipv4">\n</host>\n</nmaprun>\n')
r = run([NTA, "assets", "import", str(bad), "--db", str(hdb)])
C.check("malformed XML: exit 3", r.rc == 3, f"rc={r.rc} {r.stderr}")
C.check("malformed XML: names the line", "bad.xml' line 5: malformed XML" in r.stderr, r.stderr)
notnmap = WORK / "notnmap.xml"
notnmap.write_text(HEAD + "<rss><channel/></rss>\n")
r = run([NTA, "assets", "import", str(notnmap), "--db", str(hdb)])
C.check("not nmap: exit 3 and says so", r.rc == 3 and "not nmap XML output" in r.stderr, r.stderr)

esc = WORK / "escape.xml"
esc.write_text(HEAD + NMAPRUN + '<host><status state="up" reason="x"/><address addr="10.9.0.4" addrtype="ipv4"/>'
               '<hostnames><hostname name="evil&#x1b;[31mred&#x1b;]0;title&#x7;" type="PTR"/></hostnames>'
               '<ports><port protocol="tcp" portid="23"><state state="open" reason="syn-ack"/>'
               '<service name="telnet" product="Bad&#x1b;[2Jclear"/></port></ports></host>'
               '<runstats><finished time="1700000010" elapsed="10" exit="success"/><hosts up="1" down="0" total="1"/>'
               '</runstats></nmaprun>\n')
r = run([NTA, "assets", "import", str(esc), "--db", str(hdb)])
C.check("escape.xml imports", r.rc == 0, r.stderr)
r = run([NTA, "assets", "--db", str(hdb)])
C.check("table: no raw control characters", r.rc == 0 and "\x1b" not in r.stdout and "\x07" not in r.stdout, repr(r.stdout))
C.check("table: escapes shown", "evil\\x1b[31mred" in r.stdout, r.stdout)
C.check("table: telnet marked risky", "telnet" in r.stdout and "risky" in r.stdout, r.stdout)
doc = assets_json(hdb)
host = doc["hosts"][0] if doc and doc["hosts"] else {}
C.check("json: the raw name survives", host.get("hostnames", [{}])[0].get("name") == "evil\x1b[31mred\x1b]0;title\x07",
        str(host)[:300])
C.check("json: risk of the telnet port", host.get("ports", [{}])[0].get("risk", {}).get("id") == "telnet", str(host)[:300])

# ---- A real nmap scan ----------------------------------------------------------------------------
if not which("nmap"):
    if C.failed:
        raise SystemExit(C.finish())
    print(f"SKIP: nmap not found ({C.passed} checks without it passed)")
    raise SystemExit(SKIP)


def listen() -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    return s


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


listeners = [listen() for _ in range(3)]
open_ports = [s.getsockname()[1] for s in listeners]
closed = free_port()
while closed in open_ports:
    closed = free_port()
sdb = WORK / "scan.db"
spec = ",".join(str(p) for p in open_ports + [closed])
r = run([NTA, "scan", "127.0.0.1", "-p", spec, "--profile", "quick", "--db", str(sdb)], timeout=180)
C.check("nta scan: exit 0", r.rc == 0, f"rc={r.rc}\n{r.stdout[-500:]}\n{r.stderr[-800:]}")
C.check("nta scan: summary line", "Scan 1: 1 hosts (1 up), 3 open ports" in r.stdout, r.stdout[:500])
C.check("nta scan: shows the nmap command (no shell)", f"nmap -T4 -p{spec} --noninteractive -oX" in r.stderr, r.stderr)
xmls = sorted(WORK.glob("scan-scan-*.xml"))
C.check("nmap XML kept beside the database", len(xmls) == 1, str(list(WORK.iterdir())))
doc = assets_json(sdb)
states = port_states(doc, "127.0.0.1")
C.check("assets: the listeners are open", all(states.get(p) == "open" for p in open_ports), str(states))
C.check("assets: the free port is closed", states.get(closed) == "closed", str(states))
C.check("assets: scan recorded with nmap's version and args",
        doc is not None and doc["scans"][0]["scanner"] == "nmap" and spec in doc["scans"][0]["args"],
        str(doc["scans"] if doc else None)[:300])

if xmls:
    idb = WORK / "import.db"
    r = run([NTA, "assets", "import", str(xmls[0]), "--db", str(idb)])
    C.check("assets import of nmap's own XML: exit 0", r.rc == 0, r.stderr)
    C.check("imported states equal the scanned ones", port_states(assets_json(idb), "127.0.0.1") == states)
    r = run([NTA, "assets", "import", str(xmls[0]), "--db", str(sdb)])
    C.check("the kept XML is already in scan.db", r.rc == 0 and "already imported as scan 1" in r.stdout, r.stdout)

# Second scan: one listener gone, a new one up.
listeners[0].close()
gone = open_ports[0]
listeners.append(listen())
new = listeners[-1].getsockname()[1]
spec2 = ",".join(str(p) for p in open_ports + [closed, new])
r = run([NTA, "scan", "127.0.0.1", "-p", spec2, "--profile", "quick", "--db", str(sdb)], timeout=180)
C.check("second scan: exit 0", r.rc == 0, r.stderr[-500:])
r = run([NTA, "assets", "diff", "127.0.0.1", "--json", "--db", str(sdb)])
C.check("assets diff --json: exit 0", r.rc == 0, r.stderr)
try:
    diff = json.loads(r.stdout)
except json.JSONDecodeError:
    diff = {"changes": []}
changes = {c["port"]: (c["change"], c["before"], c["after"]) for c in diff.get("changes", [])}
C.check("diff: the closed listener", changes.get(gone) == ("closed", "open", "closed"), str(changes))
C.check("diff: the new listener", changes.get(new) == ("opened", "unknown", "open"), str(changes))
C.check("diff: nothing else changed", set(changes) == {gone, new}, str(changes))
C.check("diff: two scans", diff.get("observations") == 2 and diff.get("older", {}).get("scan_id") == 1, str(diff)[:300])
r = run([NTA, "assets", "diff", "localhost", "--db", str(sdb)])
C.check("assets diff by recorded hostname", r.rc == 0 and f"{gone}/tcp" in r.stdout and "closed" in r.stdout, r.stdout + r.stderr)
r = run([NTA, "assets", "diff", "10.99.99.99", "--db", str(sdb)])
C.check("assets diff of an unknown host: exit 1", r.rc == 1 and "no scan of 10.99.99.99" in r.stderr, r.stderr)
r = run([NTA, "assets", "--db", str(sdb)])
C.check("assets table lists the host and ports", r.rc == 0 and "127.0.0.1" in r.stdout and f"{new}/tcp" in r.stdout, r.stdout)
for s in listeners[1:]:
    s.close()

raise SystemExit(C.finish())
