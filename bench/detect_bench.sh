#!/usr/bin/env bash
# What detection costs: `nta analyze --flows` with all detectors on (the default) and with
# --no-detect, against the libpcap floor (bench/pcap_floor.c), on the 1,000,000-packet bench
# capture of bench/analyze_bench.sh (made with `nta synth` and cached in WORKDIR). Goal: with all
# detectors on, at least 0.4x the floor's packets per second.
#
# Usage: bench/detect_bench.sh [NTA_BINARY] [WORKDIR]    RUNS (default 10): hyperfine runs per command
set -euo pipefail
cd "$(dirname "$0")/.."
nta=${1:-build/src/cli/nta}
work=${2:-bench/out}
runs=${RUNS:-10}
mkdir -p "$work"
work=$(cd "$work" && pwd)
[[ -x "$nta" ]] || { echo "detect_bench: build nta first (cmake --preset release && cmake --build --preset release)" >&2; exit 1; }
nta=$(cd "$(dirname "$nta")" && pwd)/$(basename "$nta")
for tool in hyperfine cc python3; do
  command -v "$tool" >/dev/null || { echo "detect_bench: $tool is missing (bash scripts/install-deps.sh --test)" >&2; exit 1; }
done

capture=$work/bench_1m.pcap
if [[ ! -s "$capture" ]]; then
  echo "making $capture"
  "$nta" synth -o "$capture.tmp" --packets 1000000 --hosts 200 --seconds 3600 --seed 7
  mv "$capture.tmp" "$capture"
fi
cc -O2 -o "$work/pcap_floor" bench/pcap_floor.c -lpcap
packets=$("$work/pcap_floor" "$capture")

hyperfine --warmup 1 --runs "$runs" --export-json "$work/detect_bench.json" \
  -n floor "$work/pcap_floor $capture" \
  -n analyze-no-detect "$nta analyze -r $capture --flows $work/out.csv --no-progress --no-detect" \
  -n analyze-detect "$nta analyze -r $capture --flows $work/out.csv --no-progress --alerts $work/alerts.jsonl"

python3 - "$work/detect_bench.json" "$packets" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
packets = int(sys.argv[2])
floor = packets / results["floor"]["median"]
print(f"\n{'command':<18} {'median s':>9} {'Mpps':>7} {'x floor':>8}")
for name, r in results.items():
    pps = packets / r["median"]
    print(f"{name:<18} {r['median']:>9.3f} {pps / 1e6:>7.2f} {pps / floor:>8.2f}")
nd, d = results["analyze-no-detect"]["median"], results["analyze-detect"]["median"]
print(f"\ndetection costs {100 * (d - nd) / nd:.1f}% of analyze's time; goal: analyze-detect >= 0.4 x floor")
PY
