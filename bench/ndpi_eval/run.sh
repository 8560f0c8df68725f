#!/bin/sh
# The nDPI evaluation (docs/app_layer.md): builds ndpi_eval (libndpi) and nta_app_eval (nta's
# decode and app libraries from a Release build tree), runs both on a large synthetic capture and
# on the shared benign captures, and compares their labels. Needs: libndpi-dev, libpcap-dev.
#   bench/ndpi_eval/run.sh [NTA_BUILD_DIR=build-app] [CAPTURE=/tmp/app_big.pcap] [OUT=/tmp/ndpi_eval]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build-app}
capture=${2:-/tmp/app_big.pcap}
out=${3:-/tmp/ndpi_eval}
benign=$root/../shared/data/pcaps/benign
mkdir -p "$out"

cmake --build "$build" --target nta_app nta_decode nta_core
gcc -O2 -Wall -Wextra -o "$out/ndpi_eval" "$here/ndpi_eval.c" $(pkg-config --cflags --libs libndpi) -lpcap
g++ -std=c++20 -O3 -DNDEBUG -Wall -Wextra -I"$root/src" -o "$out/nta_app_eval" "$here/nta_app_eval.cpp" \
  "$build/src/app/libnta_app.a" "$build/src/decode/libnta_decode.a" "$build/src/core/libnta_core.a" -lpcap

if [ ! -f "$capture" ]; then
  nta=$root/build/src/cli/nta
  [ -x "$nta" ] || nta=$build/src/cli/nta
  "$nta" synth -o "$capture" --packets 1000000 --hosts 200 --seconds 3600 --seed 7
fi

echo "== $capture"
"$out/ndpi_eval" "$capture" "$out/ndpi_big.tsv"
"$out/nta_app_eval" "$capture" "$out/nta_big.tsv"
python3 "$here/compare.py" "$out/ndpi_big.tsv" "$out/nta_big.tsv"

if [ -d "$benign" ]; then
  : > "$out/ndpi_benign.tsv"
  : > "$out/nta_benign.tsv"
  for f in "$benign"/*; do
    name=$(basename "$f")
    "$out/ndpi_eval" "$f" "$out/one_ndpi.tsv" > /dev/null
    "$out/nta_app_eval" "$f" "$out/one_nta.tsv" > /dev/null
    sed "s|^|$name:|" "$out/one_ndpi.tsv" >> "$out/ndpi_benign.tsv"
    sed "s|^|$name:|" "$out/one_nta.tsv" >> "$out/nta_benign.tsv"
  done
  echo
  echo "== $(ls "$benign" | wc -l) benign captures in $benign"
  python3 "$here/compare.py" "$out/ndpi_benign.tsv" "$out/nta_benign.tsv"
fi
