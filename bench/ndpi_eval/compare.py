#!/usr/bin/env python3
"""Compares the per-flow labels of ndpi_eval and nta_app_eval (TSV: proto, lo ip, lo port, hi ip,
hi port, label, how, detail). Usage: compare.py NDPI.tsv NTA.tsv"""
import collections
import sys

FOCUS = ["dns", "http", "ssl", "ssh"]
# nDPI names for what Zeek (and nta) file under the same service.
NDPI_EQUIV = {"llmnr": "dns", "mdns": "dns", "http_proxy": "http", "http_connect": "http"}


def load(path):
    rows = {}
    with open(path) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            rows[tuple(cols[:5])] = (cols[5], cols[6])
    return rows


ndpi, nta = load(sys.argv[1]), load(sys.argv[2])
keys = sorted(set(ndpi) | set(nta))
only_one = sum(1 for k in keys if (k in ndpi) != (k in nta))
both = [k for k in keys if k in ndpi and k in nta]
print(f"TCP/UDP flows: {len(both)} in both tables ({only_one} in one table only: decoding differences)")

n_detect = sum(1 for k in both if ndpi[k][0] != "-" and ndpi[k][1] == "detect")
n_guess = sum(1 for k in both if ndpi[k][0] != "-" and ndpi[k][1] == "guess")
t_content = sum(1 for k in both if nta[k][0] != "-" and nta[k][1] == "content")
t_port = sum(1 for k in both if nta[k][0] != "-" and nta[k][1] == "port")
print(f"nDPI labels: {n_detect} by detection + {n_guess} by guess = {n_detect + n_guess}; "
      f"unknown {len(both) - n_detect - n_guess}")
print(f"nta labels:  {t_content} by content + {t_port} by port = {t_content + t_port}; "
      f"unknown {len(both) - t_content - t_port}")

print()
print("Per service: nDPI (detected + guessed), nta (by content + by port), flows both label so,")
print("flows only one labels so, and of nDPI's detected ones how many nta found by content.")
print(f"{'service':8} {'nDPI det+guess':>15} {'nta content+port':>17} {'both':>6} {'nDPI only':>9} "
      f"{'nta only':>8} {'det & content':>14}")
for s in FOCUS:
    nd = {k for k in both if NDPI_EQUIV.get(ndpi[k][0], ndpi[k][0]) == s}
    ndd = {k for k in nd if ndpi[k][1] == "detect"}
    nt = {k for k in both if nta[k][0] == s}
    ntc = {k for k in nt if nta[k][1] == "content"}
    print(f"{s:8} {f'{len(ndd)}+{len(nd) - len(ndd)}':>15} {f'{len(ntc)}+{len(nt) - len(ntc)}':>17} "
          f"{len(nd & nt):6} {len(nd - nt):9} {len(nt - nd):8} {f'{len(ndd & ntc)}/{len(ndd)}':>14}")

print()
print("Disagreements on the focus services (nDPI label -> nta label/how: flows):")
dis = collections.Counter()
for k in both:
    a = NDPI_EQUIV.get(ndpi[k][0], ndpi[k][0])
    b = nta[k][0]
    if a != b and (a in FOCUS or b in FOCUS):
        dis[(f"{ndpi[k][0]}/{ndpi[k][1]}", f"{b}/{nta[k][1]}")] += 1
for (a, b), c in dis.most_common(25):
    print(f"  {a:28} -> {b:22} {c}")
