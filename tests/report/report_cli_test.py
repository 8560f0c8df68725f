#!/usr/bin/env python3
"""nta analyze --report: the HTML report of a synthetic attack capture, parsed with html.parser
(sections, alert rows against the alert file, chart marks, no external references), a capture whose
DNS names, HTTP Host and User-Agent carry markup (none of it may reach the page unescaped), and,
when chromium is installed, a headless render that must produce a non-blank screenshot."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "cli"))
import nta_testlib as lib  # noqa: E402

SECTIONS = ["overview", "protocols", "throughput", "sizes", "talkers", "ports", "conversations", "alerts",
            "threats", "anomalies"]
PAYLOADS = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "</script><svg onload=alert(3)>"]


class Page(HTMLParser):
    """Collects what the checks look at: sections, alert rows, chart marks, scripts, references."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections: list[str] = []
        self.alert_rows = 0
        self.alert_severities: list[str] = []
        self.marks = 0
        self.svgs = 0
        self.lines = 0
        self.scripts: list[dict[str, str | None]] = []
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.event_attrs: list[tuple[str, str]] = []
        self.in_json = False
        self.json_text = ""
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        cls = (a.get("class") or "").split()
        if tag == "section":
            self.sections.append(a.get("id") or "")
        if tag == "tr" and "alert" in cls:
            self.alert_rows += 1
            self.alert_severities.append(a.get("data-sev") or "")
        if tag == "svg":
            self.svgs += 1
        if "mark" in cls:
            self.marks += 1
        if tag == "path" and "line" in cls:
            self.lines += 1
        if tag == "script":
            self.scripts.append(a)
            self.in_json = a.get("type") == "application/json"
        for k, v in attrs:
            if k in ("src", "href", "action", "srcset", "data", "poster", "xlink:href"):
                self.refs.append((tag, k, v or ""))
            if k.startswith("on"):
                self.event_attrs.append((tag, k))

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_json = False

    def handle_data(self, data):
        if self.in_json:
            self.json_text += data
        self.text += data


def parse(path: Path) -> tuple[str, Page]:
    html = path.read_text(encoding="utf-8")
    p = Page()
    p.feed(html)
    p.close()
    return html, p


def common_page_checks(c: lib.Checks, name: str, html: str, page: Page) -> None:
    c.check(f"{name}: no http(s) URL", "http://" not in html and "https://" not in html)
    c.check(f"{name}: references are anchors only", all(v.startswith("#") for _, _, v in page.refs), str(page.refs[:5]))
    c.check(f"{name}: two scripts, none external", len(page.scripts) == 2 and all("src" not in s for s in page.scripts),
            str(page.scripts))
    c.check(f"{name}: no event-handler attributes", not page.event_attrs, str(page.event_attrs[:5]))
    c.check(f"{name}: no img/iframe/link/object elements",
            not {"img", "iframe", "link", "object", "embed"} & set(page.tags))
    c.check(f"{name}: CSP default-src 'none'", "default-src 'none'" in html)


# --- a capture whose application fields carry markup -------------------------------------------------
def hostile_capture() -> bytes:
    mac_a, mac_b = bytes([2, 0, 0, 0, 0, 1]), bytes([2, 0, 0, 0, 0, 2])
    ip_a, ip_b = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])

    def ipv4(src, dst, proto, payload):
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0x4000, 64, proto, 0, src, dst)
        return h[:10] + struct.pack("!H", lib._csum(h)) + h[12:] + payload

    def eth(src, dst, payload):
        f = dst + src + struct.pack("!H", 0x0800) + payload
        return f + b"\0" * max(0, 60 - len(f))

    def tcp(sp, dp, seq, ack, flags, data=b""):
        return struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 0x50, flags, 65535, 0, 0) + data

    def dns_query(tid, name: bytes) -> bytes:
        q = b"".join(bytes([len(l)]) + l for l in name.split(b"|")) + b"\0"
        return struct.pack("!HHHHHH", tid, 0x0100, 1, 0, 0, 0) + q + struct.pack("!HH", 1, 1)

    frames = []
    # DNS questions whose labels are markup (DNS labels may hold any byte).
    for i, label in enumerate([b"<script>alert(1)<", b"\"><img src=x onerror=alert(1)>", b"</script><svg onload=alert(3)>"]):
        q = dns_query(0x1000 + i, label + b"|example|com")
        frames.append(eth(mac_a, mac_b, ipv4(ip_a, ip_b, 17, struct.pack("!HHHH", 40000 + i, 53, 8 + len(q), 0) + q)))
    # An HTTP request with markup in Host and User-Agent, after a handshake.
    req = (b"GET /<script>alert(4)</script> HTTP/1.1\r\nHost: <script>alert(1)</script>\r\n"
           b"User-Agent: \"><img src=x onerror=alert(1)>\r\nAccept: */*\r\n\r\n")
    frames.append(eth(mac_a, mac_b, ipv4(ip_a, ip_b, 6, tcp(51000, 80, 1000, 0, 0x02))))
    frames.append(eth(mac_b, mac_a, ipv4(ip_b, ip_a, 6, tcp(80, 51000, 5000, 1001, 0x12))))
    frames.append(eth(mac_a, mac_b, ipv4(ip_a, ip_b, 6, tcp(51000, 80, 1001, 5001, 0x10))))
    frames.append(eth(mac_a, mac_b, ipv4(ip_a, ip_b, 6, tcp(51000, 80, 1001, 5001, 0x18, req))))
    frames.append(eth(mac_b, mac_a, ipv4(ip_b, ip_a, 6, tcp(80, 51000, 5001, 1001 + len(req), 0x10))))
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    t = 1_700_000_000_000_000
    for f in frames:
        t += 1000
        out += struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(f), len(f)) + f
    return bytes(out)


def screenshot(c: lib.Checks, work: Path, html_path: Path) -> None:
    chromium = lib.which("chromium") or lib.which("chromium-browser")
    if chromium is None:
        print("SKIP (part): chromium is not installed: no headless render of the report")
        return
    png = work / "report.png"
    if png.exists():
        png.unlink()
    cmd = [chromium, "--headless", "--disable-gpu", "--no-sandbox", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run",
           "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1", f"--screenshot={png}",
           "--window-size=1280,2000", html_path.resolve().as_uri()]
    r = lib.run(cmd, timeout=120)
    c.check("chromium: screenshot written", png.exists() and png.stat().st_size > 0, r.stderr[-500:])
    if not png.exists():
        return
    data = png.read_bytes()
    # A blank page compresses to almost nothing; a rendered report with charts and tables does not.
    c.check("chromium: screenshot not blank", len(data) > 40_000, f"{len(data)} bytes")


PROBE = """<script>
(function(){
var out=[];
var t=document.getElementById("alert-table");
var th=t.tHead.rows[0].cells[0];
th.click();
var rows=t.tBodies[0].rows, v=[];
for(var i=0;i<rows.length;i++)v.push(rows[i].cells[0].getAttribute("data-v"));
out.push("sorted:"+v.join(","));
th.click();
out.push("first_after_second_click:"+t.tBodies[0].rows[0].cells[0].getAttribute("data-v"));
var box=document.getElementById("alert-filter");
box.value="syn_flood";box.dispatchEvent(new Event("input"));
var shown=0;for(var j=0;j<rows.length;j++)if(!rows[j].classList.contains("hidden"))shown++;
out.push("filtered:"+shown);
box.value="";box.dispatchEvent(new Event("input"));
var sev=document.getElementById("alert-severity");sev.value="2";sev.dispatchEvent(new Event("change"));
shown=0;for(var k=0;k<rows.length;k++)if(!rows[k].classList.contains("hidden"))shown++;
out.push("high:"+shown);
var pre=document.createElement("pre");pre.id="probe";pre.textContent=out.join("\\n");document.body.appendChild(pre);
})();
</script>"""


def browser_behaviour(c: lib.Checks, work: Path, html_path: Path, alerts: list[dict]) -> None:
    """Sorting and filtering, run in headless chromium on a copy of the page with a probe script."""
    chromium = lib.which("chromium") or lib.which("chromium-browser")
    if chromium is None:
        print("SKIP (part): chromium is not installed: sorting and filtering not exercised")
        return
    probe_page = work / "probe.html"
    probe_page.write_text(html_path.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    r = lib.run([chromium, "--headless", "--disable-gpu", "--no-sandbox", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1", "--dump-dom",
                 probe_page.resolve().as_uri()], timeout=120)
    start = r.stdout.find('<pre id="probe">')
    if not c.check("chromium: the page's script ran", start >= 0, r.stdout[-300:] + r.stderr[-300:]):
        return
    text = r.stdout[start + len('<pre id="probe">'):r.stdout.find("</pre>", start)]
    probe = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
    times = [int(x) for x in probe.get("sorted", "").split(",") if x]
    c.check("chromium: a header click sorts ascending", len(times) == len(alerts) and times == sorted(times), str(times[:5]))
    c.check("chromium: a second click sorts descending", times and probe.get("first_after_second_click") == str(max(times)))
    want = sum(1 for a in alerts if a["alert"]["id"] == "syn_flood")
    c.check("chromium: the text filter keeps the matching rows", probe.get("filtered") == str(want), f"{probe} vs {want}")
    want_high = sum(1 for a in alerts if a["alert"]["severity"] == "high")
    c.check("chromium: the severity filter keeps the matching rows", probe.get("high") == str(want_high), f"{probe} vs {want_high}")


def main() -> int:
    args = lib.common_args(__doc__)
    work = Path(args.work)
    c = lib.Checks("report cli")

    # 1. A capture with a port scan and a SYN flood.
    cap = work / "scan.pcap"
    r = lib.run([args.nta, "synth", "-o", str(cap), "--attack", "port_scan_syn,syn_flood", "--seconds", "40",
                 "--hosts", "4", "--seed", "5", "--truth", str(work / "scan.truth.csv")], timeout=120)
    if not c.check("synth runs", r.rc == 0, r.stderr):
        return c.finish()
    html_path, alerts_path = work / "scan.html", work / "scan.alerts.jsonl"
    r = lib.run([args.nta, "analyze", "-r", str(cap), "--no-progress", "--report", str(html_path),
                 "--alerts", str(alerts_path)], timeout=120)
    c.check("analyze --report exits 0", r.rc == 0, r.stderr)
    c.check("prints 'report: FILE'", f"report: {html_path}" in r.stdout, r.stdout[-300:])
    c.check("no temporary left", sorted(p.name for p in work.glob("scan.html*")) == ["scan.html"])
    html, page = parse(html_path)
    common_page_checks(c, "scan", html, page)
    c.check("every section present", all(s in page.sections for s in SECTIONS), str(page.sections))
    alerts = [json.loads(l) for l in alerts_path.read_text().splitlines() if l.strip()]
    detectors = {a["alert"]["id"] for a in alerts}
    c.check("the alert file has port_scan and syn_flood", {"port_scan", "syn_flood"} <= detectors, str(detectors))
    c.check("one alert row per alert", page.alert_rows == len(alerts), f"{page.alert_rows} rows, {len(alerts)} alerts")
    sev_index = {"low": "0", "medium": "1", "high": "2", "critical": "3"}
    want = sorted(sev_index[a["alert"]["severity"]] for a in alerts)
    got = sorted(page.alert_severities)
    c.check("alert rows carry the file's severities", got == want, f"{got} vs {want}")
    summary = json.loads(page.json_text)
    c.check("summary JSON counts the alerts", summary.get("alerts") == len(alerts), str(summary))
    c.check("summary JSON counts the packets", summary.get("packets", 0) > 1000, str(summary))
    c.check("two throughput lines", page.lines == 2, str(page.lines))
    c.check("charts drawn", page.svgs >= 6 and page.marks >= 20, f"{page.svgs} svgs, {page.marks} marks")
    for det in ("port_scan", "syn_flood"):
        c.check(f"alert table names {det}", f">{det}<" in html)
    screenshot(c, work, html_path)
    browser_behaviour(c, work, html_path, alerts)

    # 2. Markup in DNS names, HTTP Host and User-Agent.
    hostile = work / "hostile.pcap"
    hostile.write_bytes(hostile_capture())
    hostile_html = work / "hostile.html"
    r = lib.run([args.nta, "analyze", "-r", str(hostile), "--no-progress", "--report", str(hostile_html)])
    c.check("hostile: analyze exits 0", r.rc == 0, r.stderr)
    html, page = parse(hostile_html)
    common_page_checks(c, "hostile", html, page)
    for p in PAYLOADS + ["<script>alert(4)", "<img", "<svg onload"]:
        c.check(f"hostile: {p!r} not in the page", p not in html)
    c.check("hostile: the Host made it in, escaped", "&lt;script&gt;alert(1)&lt;/script&gt;" in html)
    c.check("hostile: the User-Agent made it in, escaped", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html)
    c.check("hostile: a DNS name made it in, escaped", "&lt;/script&gt;&lt;svg onload=alert(3)&gt;" in html)
    c.check("hostile: the parsed text holds the payloads as text", PAYLOADS[0] in page.text and PAYLOADS[1] in page.text)
    c.check("hostile: only the two scripts of the page", page.tags.count("script") == 2)

    # 3. A damaged capture: the report is still written and says so.
    damaged = work / "damaged.pcap"
    data = cap.read_bytes()[:200_000]
    damaged.write_bytes(data[:-7])
    damaged_html = work / "damaged.html"
    r = lib.run([args.nta, "analyze", "-r", str(damaged), "--no-progress", "--report", str(damaged_html)])
    c.check("damaged: exit 3", r.rc == 3, f"rc {r.rc}: {r.stderr}")
    c.check("damaged: report written", damaged_html.exists())
    if damaged_html.exists():
        c.check("damaged: report says the input failed", "input failed partway" in damaged_html.read_text())

    # 4. An unwritable report path: exit 1, no file.
    r = lib.run([args.nta, "analyze", "-r", str(hostile), "--no-progress", "--report", str(work / "no" / "r.html")])
    c.check("unwritable report: exit 1", r.rc == 1, f"rc {r.rc}: {r.stderr}")
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
