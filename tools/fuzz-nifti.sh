#!/usr/bin/env bash
# Fuzzes uvseg's NIfTI reader with libFuzzer and AddressSanitizer for a bounded time.
#
#   tools/fuzz-nifti.sh [SECONDS] [extra libFuzzer flags...]     (default 300 seconds)
#
# Builds Sources/Diagnostics and Sources/NIfTI with `swiftc -sanitize=fuzzer,address` together with
# tools/fuzz/NIfTIFuzzer.swift into $FUZZ_DIR/nifti-fuzzer (default .build-fuzz), seeds a corpus
# with small valid files (NIfTI-1/2, both byte orders, .nii and .nii.gz, written by nibabel when
# python3 has it), then runs the fuzzer. Exit status 0: no crash found in that time. A crash leaves
# its input as $FUZZ_DIR/crash-* (replay: $FUZZ_DIR/nifti-fuzzer $FUZZ_DIR/crash-...).
# Needs libnifti2-dev and zlib1g-dev (as the package build does).
set -euo pipefail

seconds="${1:-300}"
shift || true
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="${FUZZ_DIR:-$repo/.build-fuzz}"
mkdir -p "$out/corpus"

cat > "$out/CNIfTI.modulemap" <<MAP
module CNIfTI {
    umbrella header "$repo/Sources/CNIfTI/include/CNIfTI.h"
    export *
}
MAP

flags=(-sanitize=fuzzer,address -O -g -parse-as-library -I "$out")
clang=(-Xcc "-fmodule-map-file=$out/CNIfTI.modulemap" -Xcc "-I$repo/Sources/CNIfTI/include")

swiftc "${flags[@]}" -wmo -module-name Diagnostics -emit-module -emit-module-path "$out/Diagnostics.swiftmodule" \
    -c "$repo"/Sources/Diagnostics/*.swift -o "$out/Diagnostics.o"
swiftc "${flags[@]}" "${clang[@]}" -wmo -module-name NIfTI -emit-module -emit-module-path "$out/NIfTI.swiftmodule" \
    -c "$repo"/Sources/NIfTI/*.swift -o "$out/NIfTI.o"
swiftc "${flags[@]}" "${clang[@]}" "$repo/tools/fuzz/NIfTIFuzzer.swift" "$out/NIfTI.o" "$out/Diagnostics.o" \
    -lnifti2 -lznz -lz -o "$out/nifti-fuzzer"

if python3 -c "import nibabel" 2>/dev/null; then
    python3 - "$out/corpus" <<'PY'
import sys, numpy as np, nibabel as nib
folder = sys.argv[1]
for n, (cls, endian, dtype, ext) in enumerate([
        (nib.Nifti1Image, "<", np.int16, ".nii"), (nib.Nifti1Image, ">", np.float32, ".nii"),
        (nib.Nifti2Image, "<", np.uint8, ".nii"), (nib.Nifti2Image, ">", np.float64, ".nii.gz"),
        (nib.Nifti1Image, "<", np.int64, ".nii.gz")]):
    shape = (3, 2, 2) if n % 2 else (2, 2, 1, 2)
    data = (np.arange(np.prod(shape)).reshape(shape) * 3 - 4).astype(dtype)
    affine = np.array([[0, 0, -2, 5], [1.5, 0, 0, 6], [0, 3, 0, 7], [0, 0, 0, 1.0]])
    image = cls(data, affine, header=cls.header_class(endianness=endian))
    nib.save(image, f"{folder}/seed{n}{ext}")
PY
fi

exec "$out/nifti-fuzzer" "$out/corpus" -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=4096 \
    -artifact_prefix="$out/" -print_final_stats=1 "$@"
