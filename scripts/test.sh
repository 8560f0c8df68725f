#!/usr/bin/env bash
# README command 2: install, build (warnings as errors) and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
cmake --preset ci >/dev/null
cmake --build --preset ci
ctest --preset ci
