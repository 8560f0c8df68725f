#!/usr/bin/env bash
# Whole-command benchmark of `nta analyze --flows` against the libpcap floor and flow-building peers
# (hyperfine), plus nta's peak memory.
#
# Captures (made once with `nta synth`, cached in WORKDIR):
#   bench_1m.pcap   1,000,000 packets, 200 hosts over an hour: ~53,000 flows, 717 MB (the same file
#                   bench/read_bench.sh uses)
#   bench_10m.pcap  10,000,000 packets, 60,000 hosts: ~530,000 flows in about two minutes of packet
#                   time, so nearly all of them are in the flow table at once (~7 GB). nta synth makes
#                   19-20 packets per flow whatever --hosts/--seconds say (its session mix is fixed), so
#                   10M packets cannot hold 1M flows;
#   bench_20m.pcap  only with BENCH_1M_FLOWS=1: 20,000,000 packets, 60,000 hosts: ~1,060,000 flows
#                   (~14 GB), for nta's time and peak memory at a million concurrent flows.
# Tools timed: the floor (bench/pcap_floor.c: a libpcap loop that only counts), nta analyze --flows,
# tshark's TCP+UDP conversation tables, argus (argus -r F -w out.argus && ra -r out.argus), and
# ndpiReader -q; a peer that is not installed is skipped and said so.
# Prints Mpps per tool and its ratio to the floor (goal for nta: >= 0.5), and nta's maximum RSS
# from /usr/bin/time -v (goal: <= 512 MiB on the large capture).
#
# Usage: bench/analyze_bench.sh [NTA_BINARY] [WORKDIR]
#   RUNS_1M (default 5), RUNS_10M (default 3): hyperfine runs per command; SKIP_10M=1: 1M only;
#   BENCH_1M_FLOWS=1: also the 20M-packet capture (nta and floor only).
set -euo pipefail
cd "$(dirname "$0")/.."
nta=${1:-build/src/cli/nta}
work=${2:-bench/out}
runs_1m=${RUNS_1M:-5}
runs_10m=${RUNS_10M:-3}
mkdir -p "$work"
work=$(cd "$work" && pwd)
[[ -x "$nta" ]] || { echo "analyze_bench: build nta first (cmake --preset release && cmake --build --preset release)" >&2; exit 1; }
nta=$(cd "$(dirname "$nta")" && pwd)/$(basename "$nta")
for tool in hyperfine cc python3; do
  command -v "$tool" >/dev/null || { echo "analyze_bench: $tool is missing (bash scripts/install-deps.sh --test)" >&2; exit 1; }
done
[[ -x /usr/bin/time ]] || { echo "analyze_bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }

make_capture() {  # FILE SYNTH-ARGS...
  local file=$1
  shift
  if [[ ! -s "$file" ]]; then
    echo "making $file: nta synth $*"
    "$nta" synth -o "$file.tmp" "$@"
    mv "$file.tmp" "$file"
  fi
}
make_capture "$work/bench_1m.pcap" --packets 1000000 --hosts 200 --seconds 3600 --seed 7
[[ "${SKIP_10M:-0}" == 1 ]] || make_capture "$work/bench_10m.pcap" --packets 10000000 --hosts 60000 --seconds 3600 --seed 7
[[ "${BENCH_1M_FLOWS:-0}" != 1 ]] || make_capture "$work/bench_20m.pcap" --packets 20000000 --hosts 60000 --seconds 3600 --seed 7

cc -O2 -o "$work/pcap_floor" bench/pcap_floor.c -lpcap

# The peers: name and command (CAPTURE is replaced by the file).
peers=()
if command -v tshark >/dev/null; then
  peers+=("tshark-conv" "tshark -q -z conv,tcp -z conv,udp -r CAPTURE")
else
  echo "skipped tshark: not installed (apt-get install tshark)"
fi
if command -v argus >/dev/null && command -v ra >/dev/null; then
  peers+=("argus+ra" "argus -r CAPTURE -w $work/out.argus && ra -r $work/out.argus > /dev/null")
else
  echo "skipped argus: not installed (apt-get install argus-server argus-client)"
fi
if command -v ndpiReader >/dev/null; then
  peers+=("ndpiReader" "ndpiReader -i CAPTURE -q")
else
  echo "skipped ndpiReader: not installed (apt-get install libndpi-bin)"
fi

bench() {  # CAPTURE RUNS WITH_PEERS(0/1) TAG
  local capture=$1 runs=$2 with_peers=$3 tag=$4
  local packets
  packets=$("$work/pcap_floor" "$capture")
  echo
  echo "== $capture: $packets packets, $(du -h "$capture" | cut -f1)"
  local cmds=(-n floor "$work/pcap_floor $capture"
              -n nta-analyze "$nta analyze -r $capture --flows $work/out.csv --no-progress")
  if [[ "$with_peers" == 1 ]]; then
    local i
    for ((i = 0; i < ${#peers[@]}; i += 2)); do
      cmds+=(-n "${peers[i]}" "${peers[i + 1]//CAPTURE/$capture}")
    done
  fi
  hyperfine --warmup 1 --runs "$runs" --prepare "rm -f $work/out.argus" \
    --export-json "$work/analyze_bench_$tag.json" "${cmds[@]}"
  /usr/bin/time -v "$nta" analyze -r "$capture" --flows "$work/out.csv" --no-progress \
    > "$work/analyze_$tag.summary" 2> "$work/analyze_$tag.time"
  python3 - "$work/analyze_bench_$tag.json" "$packets" "$work/analyze_$tag.time" "$work/analyze_$tag.summary" <<'PY'
import json, re, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
packets = int(sys.argv[2])
floor = packets / results["floor"]["mean"]
print(f"\n{'command':<14} {'mean s':>8} {'+/- s':>6} {'Mpps':>7} {'x floor':>8}")
for name, r in results.items():
    pps = packets / r["mean"]
    print(f"{name:<14} {r['mean']:>8.3f} {r['stddev'] or 0:>6.3f} {pps / 1e6:>7.2f} {pps / floor:>8.2f}")
t = open(sys.argv[3]).read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
flows = re.search(r"created ([\d,]*\d)", open(sys.argv[4]).read())
print(f"\nnta analyze peak memory: {rss / 1024:.0f} MiB (max RSS), {flows.group(1) if flows else '?'} flows created")
print("goals: nta-analyze >= 0.5 x floor; <= 512 MiB on the large capture")
PY
}

bench "$work/bench_1m.pcap" "$runs_1m" 1 1m
[[ "${SKIP_10M:-0}" == 1 ]] || bench "$work/bench_10m.pcap" "$runs_10m" 1 10m
[[ "${BENCH_1M_FLOWS:-0}" != 1 ]] || bench "$work/bench_20m.pcap" 2 0 20m
