#!/usr/bin/env bash
# check-abi.sh HEADER LIBRARY: the uvs_ functions the header declares must be exactly the uvs_
# symbols the library exports. Prints both differences; exit 1 when there are any.
set -euo pipefail
header=$1 library=$2
declared=$(gcc -E -P -x c "$header" | tr '\n' ' ' | grep -oE '\buvs_[A-Za-z0-9_]+[[:space:]]*\(' \
    | tr -d ' (' | sort -u)
exported=$(nm -D --defined-only "$library" | awk '$2 ~ /^[TtWw]$/ && $3 ~ /^uvs_/ {print $3}' | sort -u)
missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
extra=$(comm -13 <(echo "$declared") <(echo "$exported"))
[[ -z $missing ]] || printf 'declared in %s but not exported:\n%s\n' "$header" "$missing"
[[ -z $extra ]] || printf 'exported by %s but not declared:\n%s\n' "$library" "$extra"
[[ -z $missing && -z $extra ]] || exit 1
echo "abi-check: $(echo "$declared" | wc -l) uvs_ functions, header and library agree"
