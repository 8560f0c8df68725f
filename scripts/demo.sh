#!/usr/bin/env bash
# README command 1: install, build, and run nta on the bundled sample capture.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target nta   # the tests build with scripts/test.sh
mkdir -p out
./build/src/cli/nta analyze -r samples/sample.pcap --no-progress \
  --flows out/sample_flows.csv --csv out/sample_packets.csv --alerts out/sample_alerts.jsonl \
  --report out/sample_report.html
echo
echo "Outputs: out/sample_flows.csv (one row per flow), out/sample_packets.csv (one row per packet),"
echo "out/sample_alerts.jsonl (one alert per line) and the report: $(pwd)/out/sample_report.html"
echo "The binary is ./build/src/cli/nta; try: ./build/src/cli/nta read -r samples/sample.pcap -c 5"
