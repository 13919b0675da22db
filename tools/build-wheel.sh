#!/usr/bin/env bash
# build-wheel.sh BUILD_DIR DIST PYTHON: builds DIST/uvseg-VERSION-py3-none-PLATFORM.whl, the Python
# package with the library and the command of BUILD_DIR inside it, from a copy of bindings/python
# (the source folder is left as it is). PYTHON needs setuptools >= 70.1 (tools/requirements-test.txt).
set -euo pipefail
build_dir=$(realpath "$1") dist=$2 python=$3
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The copy keeps the repository's layout: setup.py reads the version with tools/version.sh.
package="$work/bindings/python"
mkdir -p "$work/bindings" "$work/tools" "$work/include"
cp -r "$repo/bindings/python" "$package"
cp "$repo/tools/version.sh" "$work/tools/"
cp "$repo/include/uvseg.h" "$work/include/"
rm -rf "$package/build" "$package/src/"*.egg-info
# Stripped of their debugging symbols (the library keeps its exported ones).
install -s -m 755 "$build_dir/libuvseg.so" "$package/src/uvseg/libuvseg.so"
install -s -D -m 755 "$build_dir/uvseg-cli" "$package/src/uvseg/bin/uvseg"
mkdir -p "$dist"
rm -f "$dist"/uvseg-*.whl
"$python" -m pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation -w "$dist" "$package"
ls "$dist"/uvseg-*.whl
