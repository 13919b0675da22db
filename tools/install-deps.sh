#!/usr/bin/env bash
# Installs what building and testing uvseg needs on a Debian machine with Swift:
# the C libraries (Debian packages) and the test-only Python packages. Safe to run again.
set -euo pipefail
packages=(libnifti2-dev zlib1g-dev libopenblas-dev pkg-config)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
    sudo_cmd=""; [[ $(id -u) == 0 ]] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
python3 -m pip install -q --disable-pip-version-check -r "$(dirname "$0")/requirements-test.txt"
