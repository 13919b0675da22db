#!/usr/bin/env bash
# Fuzzes one of uvseg's readers of untrusted files with libFuzzer and AddressSanitizer.
#
#   tools/fuzz.sh TARGET [SECONDS | -runs=N] [extra libFuzzer flags...]     (default 300 seconds)
#
# TARGET is one of
#   nifti        the NIfTI reader (Sources/NIfTI), through tools/fuzz/NIfTIFuzzer.swift
#   pytorch      the .pt reader: zip archive and pickle   } Sources/Network/Checkpoint and
#   safetensors  the safetensors reader                   } Architecture, through
#   json         the JSON parser of safetensors headers   } tools/fuzz/CheckpointFuzzer.swift
#
# Builds the sources with `swiftc -sanitize=fuzzer,address` into $FUZZ_DIR/TARGET-fuzzer (default
# FUZZ_DIR: .build-fuzz), seeds $FUZZ_DIR/TARGET-corpus with small valid files (NIfTI written by
# nibabel when python3 has it; the checkpoints of Tests/NetworkTests/Fixtures and their headers),
# then runs the fuzzer for SECONDS, or for N inputs with -runs=N. Exit status 0: no crash found.
# A crash leaves its input as $FUZZ_DIR/TARGET-crash-* (replay: $FUZZ_DIR/TARGET-fuzzer FILE).
# The nifti target needs libnifti2-dev and zlib1g-dev (as the package build does).
set -euo pipefail

usage="usage: tools/fuzz.sh nifti|pytorch|safetensors|json [SECONDS | -runs=N] [libFuzzer flags...]"
target="${1:-}"
case "$target" in
    nifti | pytorch | safetensors | json) shift ;;
    *) echo "$usage" >&2; exit 2 ;;
esac
limit=(-max_total_time=300)
if [[ $# -gt 0 ]]; then
    case "$1" in
        -runs=*) limit=("$1") ;;
        *) limit=(-max_total_time="$1") ;;
    esac
    shift
fi
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="${FUZZ_DIR:-$repo/.build-fuzz}"
corpus="$out/$target-corpus"
fixtures="$repo/Tests/NetworkTests/Fixtures"
mkdir -p "$corpus"

flags=(-sanitize=fuzzer,address -O -g -parse-as-library -I "$out")

# Diagnostics, the module every reader reports through.
swiftc "${flags[@]}" -wmo -module-name Diagnostics -emit-module -emit-module-path "$out/Diagnostics.swiftmodule" \
    -c "$repo"/Sources/Diagnostics/*.swift -o "$out/Diagnostics.o"

seed_nifti() {
    python3 -c "import nibabel" 2>/dev/null || return 0
    python3 - "$corpus" <<'PY'
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
}

# Copies the fixtures named *.SUFFIX of at most MAX_LEN bytes into the corpus.
seed_fixtures() {
    find "$fixtures" -name "*.$1" -size -"$2"c -exec cp {} "$corpus/" \;
}

# The JSON headers of the safetensors fixtures.
seed_headers() {
    python3 - "$corpus" "$fixtures" <<'PY'
import pathlib, struct, sys
for n, path in enumerate(sorted(pathlib.Path(sys.argv[2]).rglob("*.safetensors"))):
    data = path.read_bytes()
    length = struct.unpack("<Q", data[:8])[0]
    pathlib.Path(sys.argv[1], f"header{n}.json").write_bytes(data[8:8 + length])
PY
}

case "$target" in
    nifti)
        max_len=4096
        cat > "$out/CNIfTI.modulemap" <<MAP
module CNIfTI {
    umbrella header "$repo/Sources/CNIfTI/include/CNIfTI.h"
    export *
}
MAP
        clang=(-Xcc "-fmodule-map-file=$out/CNIfTI.modulemap" -Xcc "-I$repo/Sources/CNIfTI/include")
        swiftc "${flags[@]}" "${clang[@]}" -wmo -module-name NIfTI -emit-module -emit-module-path "$out/NIfTI.swiftmodule" \
            -c "$repo"/Sources/NIfTI/*.swift -o "$out/NIfTI.o"
        swiftc "${flags[@]}" "${clang[@]}" "$repo/tools/fuzz/NIfTIFuzzer.swift" "$out/NIfTI.o" "$out/Diagnostics.o" \
            -lnifti2 -lznz -lz -o "$out/nifti-fuzzer"
        seed_nifti
        ;;
    pytorch | safetensors | json)
        swiftc "${flags[@]}" -enable-testing -wmo -module-name Network -emit-module \
            -emit-module-path "$out/Network.swiftmodule" \
            -c $(find "$repo/Sources/Network/Checkpoint" "$repo/Sources/Network/Architecture" -name "*.swift") \
            -o "$out/Network.o"
        swiftc "${flags[@]}" -D "FUZZ_$(tr '[:lower:]' '[:upper:]' <<< "$target")" \
            "$repo/tools/fuzz/CheckpointFuzzer.swift" "$out/Network.o" "$out/Diagnostics.o" -o "$out/$target-fuzzer"
        case "$target" in
            pytorch) max_len=100000; seed_fixtures pt "$max_len" ;;
            safetensors) max_len=100000; seed_fixtures safetensors "$max_len" ;;
            json) max_len=16384; seed_headers ;;
        esac
        ;;
esac

exec "$out/$target-fuzzer" "$corpus" "${limit[@]}" -max_len="$max_len" -rss_limit_mb=4096 \
    -artifact_prefix="$out/$target-" -print_final_stats=1 "$@"
