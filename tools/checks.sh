# checks.sh: sourced by the check scripts (check-install.sh, check-without-toolchain.sh). Each check
# prints one line, with its output only when it fails; finish_checks prints 'N passed, N failed'
# and says whether all passed. Needs $work, a scratch folder of the caller's.
passed=0 failed=0

check() {  # check DESCRIPTION COMMAND...: one check, its output shown only when it fails
    local what=$1; shift
    if "$@" >"$work/log" 2>&1; then
        passed=$((passed + 1)); echo "ok      $what"
    else
        failed=$((failed + 1)); echo "FAILED  $what"; sed 's/^/    /' "$work/log"
    fi
}

finish_checks() {
    echo "$passed passed, $failed failed"
    ((failed == 0))
}
