#!/usr/bin/env python3
"""nta capture on the loopback interface: UDP datagrams and a TCP connection the test sends itself
appear in the CSV with the right addresses and ports; SIGINT stops it with exit 0 and a summary;
-c N stops by itself; -w writes a pcap tcpdump reads; an unknown interface gives exit 1 and lists
the real ones. Exit 77 (skipped) when capturing is not permitted here."""

from __future__ import annotations

import os
import shutil
import tempfile
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.dont_write_bytecode = True  # keep the source tree clean

from nta_testlib import SKIP, Checks, common_args, read_csv, run, which

args = common_args(__doc__)
NTA = args.nta
WORK = Path(args.work)
C = Checks("live_capture_test")
IFACE = "lo"


def free_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
            t.bind(("127.0.0.1", 0))
            port = t.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                    u.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port")


def start(extra: list[str], tag: str) -> tuple[subprocess.Popen, Path, Path, Path]:
    csv_path = WORK / f"{tag}.csv"
    out, err = WORK / f"{tag}.out", WORK / f"{tag}.err"
    for p in (csv_path, out, err):
        if p.exists():
            p.unlink()
    proc = subprocess.Popen([NTA, "capture", "-i", IFACE, "--csv", str(csv_path)] + extra,
                            stdout=open(out, "wb"), stderr=open(err, "wb"), cwd=str(WORK))
    return proc, csv_path, out, err


def wait_ready(proc: subprocess.Popen, err: Path, seconds: float = 1.0) -> bool:
    """Gives nta time to open the interface; False if it exited meanwhile."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        time.sleep(0.05)
    return proc.poll() is None


def permission_skip(rc: int, err_text: str) -> None:
    low = err_text.lower()
    if rc == 1 and ("permission" in low or "not permitted" in low):
        print(f"SKIP: capturing on {IFACE} is not permitted here: {err_text.strip()[:300]}")
        sys.exit(SKIP)


def send_udp(port: int, count: int, payload: bytes = b"nta-live-test") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as rx, \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as tx:
        rx.bind(("127.0.0.1", port))
        tx.bind(("127.0.0.1", 0))
        for i in range(count):
            tx.sendto(payload + bytes([i]), ("127.0.0.1", port))
            time.sleep(0.02)
        return tx.getsockname()[1]


def tcp_exchange(port: int) -> int:
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(1)

    def serve() -> None:
        conn, _ = srv.accept()
        with conn:
            data = conn.recv(100)
            conn.sendall(b"pong:" + data)

    t = threading.Thread(target=serve)
    t.start()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as c:
        client_port = c.getsockname()[1]
        c.sendall(b"ping")
        c.recv(100)
    t.join(5)
    srv.close()
    return client_port


# ---------------------------------------------------------------------------------------------------
# 1. Until SIGINT: UDP and TCP on a free port.
# ---------------------------------------------------------------------------------------------------
port = free_port()
proc, csv_path, out, err = start(["-c", "0", "-q", f"udp port {port} or tcp port {port}"], "sigint")
if not wait_ready(proc, err):
    rc = proc.wait()
    permission_skip(rc, err.read_text(errors="replace"))
    C.check("capture -c 0 keeps running until interrupted", False,
            f"exit {rc}: {err.read_text(errors='replace')[:300]}")
    raise SystemExit(C.finish())
udp_client = send_udp(port, 5)
tcp_client = tcp_exchange(port)
time.sleep(0.5)
proc.send_signal(signal.SIGINT)
try:
    rc = proc.wait(timeout=10)
except subprocess.TimeoutExpired:
    proc.kill()
    rc = proc.wait()
    C.check("SIGINT stops nta within 10 s", False)
stderr_text = err.read_text(errors="replace")
permission_skip(rc, stderr_text)
C.check("SIGINT: exit 0", rc == 0, f"exit {rc}: {stderr_text[:300]}")
C.check("SIGINT: no crash report", "Sanitizer" not in stderr_text and "runtime error" not in stderr_text)
stdout_text = out.read_text(errors="replace")
C.check("SIGINT: summary printed", "=== Summary ===" in stdout_text, stdout_text[:300])
C.check("-q: no per-packet lines", "[Packet #" not in stdout_text)
header, rows = read_csv(csv_path)
C.check("CSV written with the header", header == "timestamp,src_ip,dst_ip,src_port,dst_port,protocol,length",
        repr(header))
udp_rows = [r for r in rows if r[5] == "UDP"]
tcp_rows = [r for r in rows if r[5] == "TCP"]
C.check("5 UDP rows", len(udp_rows) == 5, f"{len(udp_rows)} UDP rows: {udp_rows[:3]}")
C.check("UDP rows: 127.0.0.1 -> 127.0.0.1, ports client -> server",
        udp_rows and all(r[1:5] == ["127.0.0.1", "127.0.0.1", str(udp_client), str(port)] for r in udp_rows),
        f"{udp_rows[:2]}")
C.check("UDP rows: length = 14 + 20 + 8 + payload",
        udp_rows and all(r[6] == str(14 + 20 + 8 + len(b"nta-live-test") + 1) for r in udp_rows), f"{udp_rows[:2]}")
to_srv = [r for r in tcp_rows if r[1:5] == ["127.0.0.1", "127.0.0.1", str(tcp_client), str(port)]]
from_srv = [r for r in tcp_rows if r[1:5] == ["127.0.0.1", "127.0.0.1", str(port), str(tcp_client)]]
C.check("TCP rows in both directions with the right ports (SYN, data, FIN ... at least 3 each way)",
        len(to_srv) >= 3 and len(from_srv) >= 2, f"{len(to_srv)} to server, {len(from_srv)} from server")
C.check("only the filtered traffic", len(rows) == len(udp_rows) + len(to_srv) + len(from_srv),
        f"{[r for r in rows if r not in udp_rows + to_srv + from_srv][:3]}")
C.check("summary counts the packets the CSV has",
        re.search(rf"^Packets:\s+{len(rows)}\b", stdout_text, re.M) is not None, stdout_text[:400])

# ---------------------------------------------------------------------------------------------------
# 2. -c 3 stops by itself; 3. -w writes a pcap tcpdump reads.
# ---------------------------------------------------------------------------------------------------
for tag, extra, count in (("count3", ["-c", "3", "-q"], 3), ("write", ["-c", "4", "-q"], 4)):
    port = free_port()
    pcap_out = WORK / f"{tag}.pcap"
    if pcap_out.exists():
        pcap_out.unlink()
    if tag == "write":
        extra = extra + ["-w", str(pcap_out)]
    proc, csv_path, out, err = start(extra + [f"udp port {port}"], tag)
    if not wait_ready(proc, err):
        rc = proc.wait()
        permission_skip(rc, err.read_text(errors="replace"))
    deadline = time.monotonic() + 10
    while proc.poll() is None and time.monotonic() < deadline:
        send_udp(port, 2)
    try:
        rc = proc.wait(timeout=2)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = proc.wait()
        C.check(f"-c {count}: stops by itself", False, "still running after 10 s of traffic")
        continue
    C.check(f"-c {count}: exit 0 by itself", rc == 0, err.read_text(errors="replace")[:300])
    header, rows = read_csv(csv_path)
    C.check(f"-c {count}: {count} rows", len(rows) == count, f"{len(rows)} rows")
    C.check(f"-c {count}: rows are the UDP datagrams to port {port}",
            all(r[5] == "UDP" and r[4] == str(port) for r in rows), f"{rows[:2]}")
    if tag == "write":
        C.check("-w: pcap file written", pcap_out.exists() and pcap_out.stat().st_size > 24)
        if which("tcpdump") and pcap_out.exists():
            t = run(["tcpdump", "-n", "-r", str(pcap_out)])
            lines = [l for l in t.stdout.splitlines() if l.strip()]
            C.check("-w: tcpdump reads it with the same packet count", t.rc == 0 and len(lines) == count,
                    f"tcpdump exit {t.rc}, {len(lines)} packets: {t.stderr[:200]}")
        r2 = run([NTA, "read", "-r", str(pcap_out), "-q", "--csv", str(WORK / "reread.csv")])
        _h, again = read_csv(WORK / "reread.csv")
        C.check("-w: nta read of the written pcap gives the same CSV", r2.rc == 0 and again == rows,
                f"exit {r2.rc}: {again[:2]} vs {rows[:2]}")

# ---------------------------------------------------------------------------------------------------
# 4. An interface that does not exist.
# ---------------------------------------------------------------------------------------------------
r = run([NTA, "capture", "-i", "nosuchif0", "-c", "1", "-q", "--csv", str(WORK / "none.csv")], timeout=20)
C.check("nosuchif0: no crash", not r.crashed, f"exit {r.rc}")
C.check("nosuchif0: exit 1", r.rc == 1, f"exit {r.rc}: {r.stderr[:300]}")
lines = r.error_lines()
C.check("nosuchif0: one 'nta: error:' line naming the interface",
        len(lines) == 1 and lines[0].startswith("nta: error: ") and "nosuchif0" in lines[0], r.stderr[:300])
real = sorted(os.listdir("/sys/class/net")) if os.path.isdir("/sys/class/net") else [IFACE]
C.check("nosuchif0: the message lists the real interfaces",
        all(name in r.stderr for name in real if name in ("lo",)) and any(name in r.stderr for name in real),
        f"interfaces {real}; stderr {r.stderr[:300]}")

# ---------------------------------------------------------------------------------------------------
# 5. Without permission: run as an unprivileged user (only possible when this test runs as root).
# ---------------------------------------------------------------------------------------------------
setpriv = shutil.which("setpriv")
if os.geteuid() == 0 and setpriv:
    noperm_dir = Path(tempfile.mkdtemp(prefix="nta_noperm_"))
    os.chmod(noperm_dir, 0o777)
    r = run([setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", NTA, "capture", "-i", "lo",
             "-c", "1", "-q", "--csv", str(noperm_dir / "x.csv")], timeout=20)
    C.check("no permission: no crash", not r.crashed, f"exit {r.rc}")
    C.check("no permission: exit 1", r.rc == 1, f"exit {r.rc}: {r.stderr[:300]}")
    C.check("no permission: says to run as root or grant the capabilities with setcap",
            "root" in r.stderr and "setcap cap_net_raw,cap_net_admin" in r.stderr, r.stderr[:300])
    C.check("no permission: no CSV left behind", not (noperm_dir / "x.csv").exists(), "")
    shutil.rmtree(noperm_dir, ignore_errors=True)
else:
    print("skipped the no-permission check: needs root and setpriv to become an unprivileged user")

raise SystemExit(C.finish())
