#!/usr/bin/env bash
# build-deb.sh BUILD_DIR DIST: builds DIST/uvseg_VERSION_ARCH.deb, a Debian package of the library
# (with its SONAME and links), the headers, the pkg-config and CMake files and the command under
# /usr, as install.sh lays them out with LIBDIR=lib/MULTIARCH. Its Depends are what dpkg-shlibdeps
# finds the binaries need: Debian's libopenblas, libnifti2, zlib and the C and C++ runtimes,
# nothing of Swift (the runtime is linked in).
set -euo pipefail
build_dir=$(realpath "$1") dist=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
version=$("$repo/tools/version.sh")
architecture=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"

DESTDIR="$root" LIBDIR="lib/$multiarch" "$repo/tools/install.sh" "$build_dir" /usr >/dev/null

# dpkg-shlibdeps reads the package's name from a debian/control beside it.
mkdir -p "$work/debian" "$root/DEBIAN"
printf 'Source: uvseg\n\nPackage: uvseg\nArchitecture: any\n' >"$work/debian/control"
depends=$(cd "$work" && dpkg-shlibdeps -O -e"$root/usr/lib/$multiarch/libuvseg.so.$version" -e"$root/usr/bin/uvseg" \
    2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[[ -n $depends ]] || { echo "build-deb.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

cat >"$root/DEBIAN/control" <<CONTROL
Package: uvseg
Version: $version
Section: science
Priority: optional
Architecture: $architecture
Maintainer: uvseg developers <uvseg@localhost>
Depends: $depends
Installed-Size: $(du -sk "$root/usr" | cut -f1)
Description: in-context segmentation of medical images from a few labelled examples
 uvseg segments a medical image (NIfTI) from a small support set of labelled
 examples with the UniverSeg network, without training. This package holds
 libuvseg (the C library, its header uvseg.h, the C++ wrapper uvseg.hpp,
 pkg-config and CMake files) and the uvseg command. Research software, not a
 medical device: validate it locally before any use.
CONTROL
# ldconfig runs after the library is installed or removed, as for any shared library package.
printf 'activate-noawait ldconfig\n' >"$root/DEBIAN/triggers"

mkdir -p "$dist"
rm -f "$dist"/uvseg_*.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$dist/uvseg_${version}_${architecture}.deb" >/dev/null
ls "$dist/uvseg_${version}_${architecture}.deb"
