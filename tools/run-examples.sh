#!/usr/bin/env bash
# run-examples.sh BIN_DIR [WEIGHTS]: runs every example on the demo data, with the given weights or
# else the built-in model: the C and C++ programs built in BIN_DIR (c_NAME, cpp_NAME, as
# examples/CMakeLists.txt names them) and the Python scripts (the uvseg package and library must be
# importable). Each must succeed, and the three languages must agree: the same label map on the
# query's grid, the same metrics. With the built-in model the demo organ must also be found
# (Dice >= 0.5: a wiring mistake, such as swapped axes, gives far less).
# Prints one line per example or comparison and 'N passed, N failed'.
set -uo pipefail
bin_dir=$1
weights=("${@:2}")  # empty: the examples' default, the built-in model
repo=$(cd "$(dirname "$0")/.." && pwd)
data="$repo/examples/data"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
passed=0 failed=0

check() {  # check NAME COMMAND...: one example or comparison, its output kept in NAME.log
    local name=$1; shift
    if "$@" >"$out/$name.log" 2>&1; then
        passed=$((passed + 1)); echo "ok      $name: $(grep -v '%' "$out/$name.log" | tail -1)"
    else
        failed=$((failed + 1)); echo "FAILED  $name"; sed 's/^/    /' "$out/$name.log"
    fi
}

for language in c cpp; do
    check "${language}_segment_image" "$bin_dir/${language}_segment_image" "${weights[@]}"
    check "${language}_segment_volume" "$bin_dir/${language}_segment_volume" "$data" "$out/$language.nii.gz" "${weights[@]}"
    check "${language}_validate" "$bin_dir/${language}_validate" "$data" "${weights[@]}"
done
check python_segment_image python3 "$repo/examples/python/segment_image.py" "${weights[@]}"
check python_segment_volume python3 "$repo/examples/python/segment_volume.py" "$data" "$out/python.nii.gz" "${weights[@]}"
check python_validate python3 "$repo/examples/python/validate.py" "$data" "${weights[@]}"

same_lines() {  # same_lines PATTERN NAME...: the examples NAME printed the same lines matching PATTERN
    local pattern=$1 first=$2 name; shift 2
    grep -q "$pattern" "$out/$first.log" || { echo "$first printed no line matching '$pattern'"; return 1; }
    for name; do
        diff <(grep "$pattern" "$out/$first.log") <(grep "$pattern" "$out/$name.log") || return 1
    done
    echo "the same $(grep -c "$pattern" "$out/$first.log") lines"
}
same_label_maps() {  # same_label_maps QUERY OUTPUT...: identical label maps on the query's grid
    python3 - "$@" <<'PY'
import sys
import nibabel as nib
import numpy as np
query, *outputs = (nib.load(path) for path in sys.argv[1:])
first = np.asanyarray(outputs[0].dataobj)
for output in outputs:
    assert output.shape == query.shape and np.allclose(output.affine, query.affine, atol=1e-4), "off the query's grid"
    assert np.array_equal(np.asanyarray(output.dataobj), first), "the label maps differ"
print(f"{len(outputs)} identical label maps on the query's grid")
PY
}
check same_metrics same_lines '^label [0-9]' c_segment_volume cpp_segment_volume python_segment_volume
check same_validation same_lines '^support size' c_validate cpp_validate python_validate
check same_label_maps same_label_maps "$data/case06_image.nii.gz" "$out"/{c,cpp,python}.nii.gz
organ_found() {  # the Dice of label 1 that c_segment_volume printed is at least 0.5
    awk '/^label 1: Dice/ {dice = $4 + 0; print "Dice " dice; found = dice >= 0.5} END {exit !found}' \
        "$out/c_segment_volume.log"
}
((${#weights[@]})) || check organ_found organ_found

echo "$passed passed, $failed failed"
((failed == 0))
