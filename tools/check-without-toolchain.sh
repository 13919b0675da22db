#!/usr/bin/env bash
# check-without-toolchain.sh BUILD_DIR DIST: what ships runs on a machine without Swift. The build
# is installed into a temporary prefix, the wheel of DIST into a fresh virtual environment, and the
# .deb of DIST onto the machine (as root: apt-get install, removed again at the end; otherwise its
# files are only unpacked). Then, in a private mount namespace with an empty tmpfs over the Swift
# toolchain's folder: the installed command segments the demo case, a C program built with
# pkg-config against the install predicts with the built-in model, the wheel imports and predicts
# and its `uvseg` command runs, and the .deb's command and a C program built against it do the same.
# Prints one line per check and 'N passed, N failed'. Needs unshare (util-linux) and, when not
# root, user namespaces.
set -uo pipefail
build_dir=$(realpath "$1") dist=$(realpath "$2")
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
toolchain=$(dirname "$(dirname "$(dirname "$(readlink -f "$(command -v swiftc)")")")")
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
data="$repo/examples/data"
deb_installed=0
cleanup() {
    ((deb_installed)) && DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq uvseg >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=checks.sh
source "$repo/tools/checks.sh"

# Set up, with the toolchain in view.
"$repo/tools/install.sh" "$build_dir" "$work/prefix" >/dev/null
build_example() {  # PKG_CONFIG_DIR OUTPUT [extra flags]: the 2-D C example built with pkg-config
    local pc_dir=$1 output=$2; shift 2
    # shellcheck disable=SC2046  # pkg-config's output is split into arguments on purpose
    PKG_CONFIG_LIBDIR="$pc_dir" cc "$repo/examples/c/segment_image.c" \
        $(PKG_CONFIG_LIBDIR="$pc_dir" pkg-config --cflags --libs uvseg) "$@" -o "$output"
}
check "a C program builds with pkg-config against the install" build_example "$work/prefix/lib/pkgconfig" \
    "$work/c_prefix" -Wl,-rpath,"$work/prefix/lib"
check "the wheel installs into a fresh virtual environment" bash -c '
    python3 -m venv "$1/venv" && "$1/venv/bin/python" -m pip install -q --disable-pip-version-check "$2"/uvseg-*.whl' \
    _ "$work" "$dist"
if [[ $(id -u) == 0 ]]; then
    check "the .deb installs with apt-get" bash -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1"/uvseg_*.deb' _ "$dist" \
        && deb_installed=1
    deb_root=/
else
    check "the .deb unpacks" dpkg-deb -x "$dist"/uvseg_*.deb "$work/deb"
    deb_root="$work/deb"
fi
check "a C program builds with pkg-config against the .deb" build_example "$deb_root/usr/lib/$multiarch/pkgconfig" \
    "$work/c_deb" $([[ $deb_root == / ]] || echo "-Wl,-rpath,$deb_root/usr/lib/$multiarch")
check "the .deb depends on no Swift package" bash -c '! dpkg-deb -f "$1"/uvseg_*.deb Depends | grep -i swift' _ "$dist"

# The same programs with the toolchain hidden.
cat >"$work/hidden.sh" <<'HIDDEN'
set -uo pipefail
toolchain=$1 work=$2 data=$3 deb_root=$4 repo=$5
mount -t tmpfs tmpfs "$toolchain" || exit 1
[[ ! -e $toolchain/usr/lib/swift ]] || { echo "the toolchain is still in view"; exit 1; }
run() {  # NAME COMMAND...
    local name=$1; shift
    if "$@" >"$work/$name.log" 2>&1; then echo "ok $name"; else echo "FAILED $name"; sed 's/^/    /' "$work/$name.log"; fi
}
segment_demo() {  # COMMAND OUTPUT
    "$1" segment --query "$data/case01_image.nii.gz" --quiet --out "$2" \
        $(for n in 02 03 04 05 06; do echo --support "$data/case${n}_image.nii.gz:$data/case${n}_label.nii.gz"; done) &&
        "$1" evaluate --pred "$2" --truth "$data/case01_label.nii.gz" --json | python3 -c '
import json, sys
dice = json.load(sys.stdin)["mean_dice"]
print("mean Dice", dice)
sys.exit(dice < 0.5)'
}
run the_installed_command_segments_the_demo segment_demo "$work/prefix/bin/uvseg" "$work/prefix.nii.gz"
run the_C_program_built_against_the_install_predicts "$work/c_prefix"
run the_wheel_imports_and_predicts "$work/venv/bin/python" "$repo/examples/python/segment_image.py"
run the_wheel_command_runs bash -c '[[ $("$1/venv/bin/uvseg" --version) =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]' _ "$work"
run the_deb_command_segments_the_demo segment_demo "$deb_root/usr/bin/uvseg" "$work/deb.nii.gz"
run the_C_program_built_against_the_deb_predicts "$work/c_deb"
HIDDEN
namespace=(unshare --mount --propagation private)
[[ $(id -u) == 0 ]] || namespace+=(--map-root-user)
while IFS= read -r line; do
    case $line in
        "ok "*) passed=$((passed + 1)); name=${line#ok }; echo "ok      hidden toolchain: ${name//_/ }" ;;
        "FAILED "*) failed=$((failed + 1)); name=${line#FAILED }; echo "FAILED  hidden toolchain: ${name//_/ }" ;;
        "    "*) echo "$line" ;;
        *) failed=$((failed + 1)); echo "FAILED  hidden toolchain: $line" ;;
    esac
done < <("${namespace[@]}" bash "$work/hidden.sh" "$toolchain" "$work" "$data" "$deb_root" "$repo" 2>&1)
finish_checks
