#!/usr/bin/env bash
# version.sh: prints uvseg's version, MAJOR.MINOR.PATCH, from the UVS_VERSION_* macros of
# include/uvseg.h, the one place it is written for the build, install and packaging scripts.
set -euo pipefail
header="$(cd "$(dirname "$0")/.." && pwd)/include/uvseg.h"
sed -n 's/^#define UVS_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' "$header" | paste -sd.
