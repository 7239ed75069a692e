#!/bin/sh
# Runs every fuzz target of a libFuzzer build for a bounded time (make fuzz).
#
#   tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
#
# Each target starts from its checked-in seeds (tests/fuzz/corpus/NAME,
# read-only) plus what earlier runs found (BUILD_DIR/fuzz/work/NAME, where
# new inputs go). A crash, sanitizer report or failed property leaves its
# input in BUILD_DIR/fuzz/crashes/NAME-*; add it to tests/fuzz/corpus/NAME
# once fixed, so `make test` replays it for ever. Prints one line per target
# (executions, corpus size, findings), then "fuzz: N passed, N failed".
set -u
build=${1:?usage: tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
seconds=${2:?usage: tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
out="$top/$build/fuzz"
mkdir -p "$out/crashes"
targets=$*
if [ -z "$targets" ]; then
    for t in "$top/$build"/tests/fuzz/fuzz_*; do
        [ -x "$t" ] && targets="$targets $(basename "$t" | sed 's/^fuzz_//')"
    done
fi
passed=0
failed=0
for name in $targets; do
    bin="$top/$build/tests/fuzz/fuzz_$name"
    mkdir -p "$out/work/$name"
    before=$(ls "$out/crashes" | grep -c "^$name-" || true)
    "$bin" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$out/crashes/$name-" \
        "$out/work/$name" "$top/tests/fuzz/corpus/$name" \
        >"$out/$name.log" 2>&1
    status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log")
    corpus=$(ls "$out/work/$name" | wc -l)
    after=$(ls "$out/crashes" | grep -c "^$name-" || true)
    echo "fuzz_$name: ${runs:-?} executions in ${seconds}s, $corpus new corpus inputs, $((after - before)) findings (exit $status)"
    if [ "$status" -ne 0 ] || [ "$after" -ne "$before" ]; then
        grep -E 'ERROR|runtime error|property failed|SUMMARY' "$out/$name.log" | head -n 5
        failed=$((failed + 1))
    else
        passed=$((passed + 1))
    fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
