#!/usr/bin/env bash
# Installs what building and testing uvseg needs on a Debian machine with Swift:
# the C libraries (Debian packages). Safe to run again. The test-only Python packages go into a
# virtual environment of their own (make test, from tools/requirements-test.txt).
set -euo pipefail
packages=(libnifti2-dev zlib1g-dev libopenblas-dev pkg-config cmake dpkg-dev)
# The napari plug-in's test: a virtual X server, and the X and GL libraries Qt and napari load.
packages+=(xvfb xauth libgl1 libegl1 libgl1-mesa-dri libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0
    libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xinerama0
    libxcb-xinput0 libfontconfig1 libdbus-1-3)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
    sudo_cmd=""; [[ $(id -u) == 0 ]] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
