#!/usr/bin/env bash
# check-install.sh BUILD_DIR: installs the build into a temporary prefix with install.sh,
# checks what was installed, and builds the C and C++ examples against that prefix twice, with
# pkg-config and with CMake's find_package(uvseg), running the 2-D example of each build.
# Prints one line per check and 'N passed, N failed'.
set -uo pipefail
build_dir=$(realpath "$1")
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
# shellcheck source=checks.sh
source "$repo/tools/checks.sh"

check "install.sh installs under the prefix" "$repo/tools/install.sh" "$build_dir" "$prefix"
version=$("$repo/tools/version.sh")
major=${version%%.*}
check "every file is in place" ls "$prefix/lib/libuvseg.so.$version" "$prefix/include/uvseg.h" \
    "$prefix/include/uvseg.hpp" "$prefix/bin/uvseg" "$prefix/lib/pkgconfig/uvseg.pc" \
    "$prefix/lib/cmake/uvseg/uvsegConfig.cmake" "$prefix/lib/cmake/uvseg/uvsegConfigVersion.cmake"
check "libuvseg.so -> libuvseg.so.$major -> libuvseg.so.$version" test \
    "$(readlink "$prefix/lib/libuvseg.so") $(readlink "$prefix/lib/libuvseg.so.$major")" = "libuvseg.so.$major libuvseg.so.$version"
check "the library's SONAME is libuvseg.so.$major (the header's major version)" bash -c \
    'readelf -d "$1" | grep -q "(SONAME).*\[libuvseg.so.$2\]"' _ "$prefix/lib/libuvseg.so.$version" "$major"
# The Swift runtime is linked in: nothing of the toolchain's folder may be needed.
needs_no_swift() { ! readelf -d "$1" | grep -E "NEEDED.*(swift|Foundation|dispatch|BlocksRuntime)" && ! readelf -d "$1" | grep -qE "R(UN)?PATH.*swift"; }
check "the installed library is at most 10 MB" test "$(stat -c %s "$prefix/lib/libuvseg.so.$version")" -le 10000000
check "the library needs no Swift runtime library" needs_no_swift "$prefix/lib/libuvseg.so.$version"
check "the command needs no Swift runtime library" needs_no_swift "$prefix/bin/uvseg"
check "the installed library finds every library it needs" bash -c '! ldd "$1" | grep "not found"' _ "$prefix/lib/libuvseg.so"
check "the installed command runs" "$prefix/bin/uvseg" --help

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
check "pkg-config gives the header's version and the prefix" \
    test "$(pkg-config --modversion uvseg) $(pkg-config --variable=prefix uvseg)" = "$version $prefix"

# pkg-config, with the very command each example's comment gives (its "build:" line), run in a
# copy of the examples: the rpath in it is what lets the program find a library under a prefix
# the dynamic linker does not search.
build_with_pkg_config() {  # LANGUAGE EXTENSION WARNING_FLAGS
    local language=$1 extension=$2 flags=$3 source command
    cp -r "$repo/examples/$language" "$work/pkg-config/$language"
    for source in "$work/pkg-config/$language"/*."$extension"; do
        command=$(sed -n 's/^ \* build: //p' "$source")
        [[ $command == *'$(pkg-config --cflags --libs uvseg)'* ]] || { echo "no pkg-config build line in $source"; return 1; }
        (cd "$work/pkg-config/$language" && bash -c "$command $flags") || return 1
    done
}
mkdir -p "$work/pkg-config"
check "C examples build with their comments' pkg-config command" build_with_pkg_config c c "-Wall -Wextra -Werror"
check "C++ examples build with their comments' pkg-config command" build_with_pkg_config cpp cpp "-Wall -Wextra -Werror"
check "the C example built with pkg-config runs" "$work/pkg-config/c/segment_image"
check "the C++ example built with pkg-config runs" "$work/pkg-config/cpp/segment_image"

check "C and C++ examples build with CMake's find_package(uvseg)" bash -c '
    cmake -S "$1/examples" -B "$2" -DCMAKE_PREFIX_PATH="$3" -DCMAKE_C_FLAGS="-Wall -Werror" \
        -DCMAKE_CXX_FLAGS="-Wall -Werror" && cmake --build "$2" -j 2' _ "$repo" "$work/cmake" "$prefix"
check "the C example built with CMake runs" "$work/cmake/c_segment_image"
check "the C++ example built with CMake runs" "$work/cmake/cpp_segment_image"

# The version file: a newer or another major version than installed must not be accepted.
mkdir -p "$work/version"
cat >"$work/version/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.16)
project(version_check NONE)
find_package(uvseg ${REQUESTED} EXACT_PLACEHOLDER QUIET)
if(NOT uvseg_FOUND STREQUAL EXPECTED)
    message(FATAL_ERROR "find_package(uvseg ${REQUESTED}) found: ${uvseg_FOUND}, expected ${EXPECTED}")
endif()
CMAKE
sed -i 's/ EXACT_PLACEHOLDER//' "$work/version/CMakeLists.txt"
find_version() {  # REQUESTED EXPECTED(1 or 0)
    rm -rf "$work/version/build"
    cmake -S "$work/version" -B "$work/version/build" -DCMAKE_PREFIX_PATH="$prefix" -DREQUESTED="$1" -DEXPECTED="$2"
}
check "find_package(uvseg $version) is found" find_version "$version" 1
check "find_package(uvseg 99.0) is refused" find_version 99.0 0
check "find_package(uvseg ${version%.*}.99) is refused" find_version "${version%.*}.99" 0

finish_checks
