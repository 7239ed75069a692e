#!/bin/sh
# Runs every test of one build directory and prints the total as the last
# line, "N passed, N failed". Exits non-zero when anything failed.
#
#   tests/run.sh BUILD_DIR
#
# Each unit/spec binary prints "suite: N passed, N failed"; each CLI script
# (tests/cli/t*.sh) does the same through tests/cli/lib.sh.
set -u
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
export LABLOG_BIN="$top/$build/lablog"
export LABLOG_TEMPLATES="$top/templates"
export LABLOG_TOP="$top"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$top/tests/lsan.supp:print_suppressions=0}
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_one() {
    name=$1
    shift
    "$@" >"$log" 2>&1
    status=$?
    line=$(grep -E '^[^ ]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [ -z "$line" ]; then
        cat "$log"
        echo "$name: no summary line (exit $status)"
        failed=$((failed + 1))
        return
    fi
    p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\1/')
    f=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\2/')
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1   # crashed or leaked after its summary: count it
        echo "$name: exited $status after its summary"
    fi
    if [ "$f" -ne 0 ]; then
        cat "$log"
    else
        echo "$line"
    fi
    passed=$((passed + p))
    failed=$((failed + f))
}

for t in "$top/$build"/tests/unit/test_* "$top/$build"/tests/spec/spec_*; do
    [ -x "$t" ] || continue
    run_one "$(basename "$t")" "$t"
done
# Fuzz targets, replaying their corpus (no fuzzing; see tests/fuzz/).
for t in "$top/$build"/tests/fuzz/fuzz_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    run_one "$name" "$t" "$top/tests/fuzz/corpus/${name#fuzz_}"
done
for t in "$top"/tests/cli/t[0-9]*.sh; do
    [ -f "$t" ] || continue
    run_one "$(basename "$t" .sh)" sh "$t"
done
echo "$build: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
