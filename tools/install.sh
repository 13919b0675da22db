#!/usr/bin/env bash
# install.sh BUILD_DIR PREFIX: installs a built uvseg under PREFIX (with $DESTDIR in front, for
# staging) as a C library is installed:
#   PREFIX/lib/libuvseg.so.MAJOR.MINOR.PATCH, with the links libuvseg.so.MAJOR (its SONAME, what
#   programs load) and libuvseg.so (what the linker finds), PREFIX/include/uvseg.h and uvseg.hpp,
#   PREFIX/bin/uvseg, PREFIX/lib/pkgconfig/uvseg.pc, PREFIX/lib/cmake/uvseg/uvsegConfig{,Version}.cmake.
# LIBDIR=... puts the library, pkg-config and CMake files elsewhere than PREFIX/lib (a Debian
# package uses lib/x86_64-linux-gnu). The library and the command carry the Swift runtime inside
# them: only Debian's libopenblas, libnifti2, zlib and the C and C++ runtimes are needed.
set -euo pipefail
build_dir=$1 prefix=$2
root="${DESTDIR:-}$prefix"
repo=$(cd "$(dirname "$0")/.." && pwd)
packaging="$repo/tools/packaging"
version=$("$repo/tools/version.sh")

major=${version%%.*}
libdir=${LIBDIR:-lib}
lib="$root/$libdir"
# From LIBDIR back up to PREFIX ("..", or "../.." for lib/x86_64-linux-gnu), for the CMake file.
libdir_to_prefix=$(echo "$libdir" | sed 's|[^/][^/]*|..|g')

install -d "$lib/pkgconfig" "$lib/cmake/uvseg" "$root/include" "$root/bin"
# Stripped of debugging symbols (the library keeps its exported ones): about a third of the size.
install -s -m 755 "$build_dir/libuvseg.so" "$lib/libuvseg.so.$version"
ln -sf "libuvseg.so.$version" "$lib/libuvseg.so.$major"
ln -sf "libuvseg.so.$major" "$lib/libuvseg.so"
install -m 644 "$repo/include/uvseg.h" "$repo/include/uvseg.hpp" "$root/include/"
install -s -m 755 "$build_dir/uvseg-cli" "$root/bin/uvseg"

fill() {
    sed -e "s|@PREFIX@|$prefix|g" -e "s|@LIBDIR@|$libdir|g" -e "s|@VERSION@|$version|g" -e "s|@MAJOR@|$major|g" \
        -e "s|@LIBDIR_TO_PREFIX@|$libdir_to_prefix|g" \
        "$packaging/$1.in" >"$2"
    chmod 644 "$2"
}
fill uvseg.pc "$lib/pkgconfig/uvseg.pc"
fill uvsegConfig.cmake "$lib/cmake/uvseg/uvsegConfig.cmake"
fill uvsegConfigVersion.cmake "$lib/cmake/uvseg/uvsegConfigVersion.cmake"

# A library in a folder of the dynamic linker's configuration is found by name (Python's ctypes,
# dlopen) only once its cache knows it.
in_linker_configuration() {
    ldconfig -v -N -X 2>/dev/null | awk -F: -v dir="$prefix/$libdir" '$1 == dir {found = 1} END {exit !found}'
}
if [[ -z ${DESTDIR:-} && $(id -u) == 0 ]] && in_linker_configuration; then
    ldconfig
fi
echo "installed uvseg $version under $root"
