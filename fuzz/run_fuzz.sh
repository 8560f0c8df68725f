#!/usr/bin/env bash
# Builds the decoder fuzzer with clang into BUILD_DIR and runs it for SECONDS (default 60) on a seed
# corpus split, one file per packet, from every capture under ../shared/data/pcaps (if present) and
# from the project's own generated captures (files or directories given after SECONDS). The corpus,
# the new inputs libFuzzer finds and any crash reproducers stay in BUILD_DIR. Exits non-zero when the
# fuzzer finds a crash (or the build fails).
#
# usage: fuzz/run_fuzz.sh BUILD_DIR [SECONDS] [GENERATED_CAPTURE_OR_DIR...]
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 BUILD_DIR [SECONDS] [GENERATED_CAPTURE_OR_DIR...]" >&2
  exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
build=$(mkdir -p "$1" && cd "$1" && pwd)
seconds=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))
generated=("$@")

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DNTA_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$build/configure.log" || { cat "$build/configure.log"; exit 1; }
cmake --build "$build" --target decode_fuzz

seeds="$build/fuzz-seeds"
corpus="$build/fuzz-corpus"
artifacts="$build/fuzz-artifacts"
rm -rf "$seeds" "$artifacts"
mkdir -p "$seeds" "$corpus" "$artifacts"

inputs=()
shared="$root/../shared/data/pcaps"
[[ -d "$shared" ]] && inputs+=("$shared")
for g in "${generated[@]}"; do
  [[ -e "$g" ]] && inputs+=("$g") || echo "run_fuzz: $g not found, skipped" >&2
done
if [[ ${#inputs[@]} -gt 0 ]]; then
  python3 "$here/make_seeds.py" "$seeds" "${inputs[@]}"
else
  echo "run_fuzz: no captures found: starting from an empty corpus" >&2
fi

status=0
"$build/fuzz/decode_fuzz" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "$seeds" 2>&1 | tee "$build/fuzz.log" ||
  status=$?

if [[ $status -ne 0 ]] || compgen -G "$artifacts/*" >/dev/null; then
  echo "run_fuzz: the fuzzer found a problem (exit $status); reproducers in $artifacts:" >&2
  ls -l "$artifacts" >&2
  exit 1
fi
echo "run_fuzz: ${seconds}s clean; corpus $(ls "$corpus" | wc -l) new inputs + $(ls "$seeds" | wc -l) seeds"
