#!/usr/bin/env bash
# Installs nta's build (and, with --test, test) dependencies from Debian bookworm's packages.
# Safe to rerun: it only calls apt-get when something is missing.
set -euo pipefail

packages=(build-essential cmake ninja-build pkg-config libpcap-dev libfmt-dev libcli11-dev
          nlohmann-json3-dev libpugixml-dev libsqlite3-dev)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(googletest libgtest-dev libbenchmark-dev tshark tcpdump python3 clang
             libclang-rt-14-dev hyperfine iproute2 python3-sklearn python3-numpy nmap chromium)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root (or install sudo): missing ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
