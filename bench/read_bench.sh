#!/usr/bin/env bash
# Whole-command benchmark of `nta read` against the libpcap floor and tcpdump (hyperfine).
# Makes a 1,000,000-packet capture with `nta synth` (about 50,000 flows, mixed sizes) once, then
# times: a libpcap loop that only counts packets, tcpdump -r F -w /dev/null, nta read -q, and
# nta read -q --csv. Prints packets per second for each and nta's ratios to the floor.
# Usage: bench/read_bench.sh [NTA_BINARY] [WORKDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
nta=${1:-build/src/cli/nta}
work=${2:-bench/out}
mkdir -p "$work"
[[ -x "$nta" ]] || { echo "read_bench: build nta first (cmake --preset release && cmake --build --preset release)" >&2; exit 1; }
for tool in hyperfine tcpdump cc; do
  command -v "$tool" >/dev/null || { echo "read_bench: $tool is missing (bash scripts/install-deps.sh --test)" >&2; exit 1; }
done

capture="$work/bench_1m.pcap"
if [[ ! -s "$capture" ]]; then
  "$nta" synth -o "$capture" --packets 1000000 --hosts 200 --seconds 3600 --seed 7
fi
cc -O2 -o "$work/pcap_floor" bench/pcap_floor.c -lpcap
packets=$("$work/pcap_floor" "$capture")
echo "capture: $capture, $packets packets, $(du -h "$capture" | cut -f1)"

hyperfine --warmup 2 --runs 10 --export-json "$work/read_bench.json" \
  -n floor "$work/pcap_floor $capture" \
  -n tcpdump "tcpdump -r $capture -w /dev/null" \
  -n nta-read "$nta read -r $capture -q" \
  -n nta-read-csv "$nta read -r $capture -q --csv $work/out.csv"

python3 - "$work/read_bench.json" "$packets" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
packets = int(sys.argv[2])
floor = packets / results["floor"]["mean"]
print(f"\n{'command':<14} {'mean s':>8} {'Mpps':>7} {'x floor':>8}")
for name, r in results.items():
    pps = packets / r["mean"]
    print(f"{name:<14} {r['mean']:>8.3f} {pps / 1e6:>7.2f} {pps / floor:>8.2f}")
print("\ngoals: nta-read >= 0.70 x floor, nta-read-csv >= 0.40 x floor")
PY
