#!/usr/bin/env bash
# install.sh BUILD_DIR PREFIX: installs a built uvseg under PREFIX (with $DESTDIR in front, for
# staging) as a C library is installed:
#   PREFIX/lib/libuvseg.so, PREFIX/include/uvseg.h and uvseg.hpp, PREFIX/bin/uvseg,
#   PREFIX/lib/pkgconfig/uvseg.pc, PREFIX/lib/cmake/uvseg/uvsegConfig{,Version}.cmake.
# The library and the command keep their RUNPATH to the Swift runtime of the toolchain that built
# them (/opt/swift/usr/lib/swift/linux here): the machine running them needs that runtime there.
set -euo pipefail
build_dir=$1 prefix=$2
root="${DESTDIR:-}$prefix"
repo=$(cd "$(dirname "$0")/.." && pwd)
packaging="$repo/tools/packaging"
version=$(sed -n 's/^#define UVS_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' "$repo/include/uvseg.h" | paste -sd.)

install -d "$root/lib/pkgconfig" "$root/lib/cmake/uvseg" "$root/include" "$root/bin"
install -m 755 "$build_dir/libuvseg.so" "$root/lib/libuvseg.so"
install -m 644 "$repo/include/uvseg.h" "$repo/include/uvseg.hpp" "$root/include/"
install -m 755 "$build_dir/uvseg-cli" "$root/bin/uvseg"

fill() { sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" "$packaging/$1.in" >"$2"; chmod 644 "$2"; }
fill uvseg.pc "$root/lib/pkgconfig/uvseg.pc"
fill uvsegConfig.cmake "$root/lib/cmake/uvseg/uvsegConfig.cmake"
fill uvsegConfigVersion.cmake "$root/lib/cmake/uvseg/uvsegConfigVersion.cmake"

# A library in a folder of the dynamic linker's configuration is found by name (Python's ctypes,
# dlopen) only once its cache knows it.
in_linker_configuration() {
    ldconfig -v -N -X 2>/dev/null | awk -F: -v dir="$prefix/lib" '$1 == dir {found = 1} END {exit !found}'
}
if [[ -z ${DESTDIR:-} && $(id -u) == 0 ]] && in_linker_configuration; then
    ldconfig
fi
echo "installed uvseg $version under $root"
