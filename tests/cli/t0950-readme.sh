#!/bin/sh
# The tour in README.md is real: run every "$ lablog ..." line of its
# console blocks in order and compare what they print with what README shows
# (durations and hashes, which change from run to run, are normalised).
. "$LABLOG_TOP/tests/cli/lib.sh"
cat >train.py <<'PY'
import math
for step in range(0, 300, 100):
    print(f"lablog: loss={2.3 * math.exp(-step / 150):.3f} step={step}")
print("training done")
PY
# README names its machine gpu-07; here it is this one.
normalise() {
    sed -E -e 's/after [0-9.]+s/after Ns/;
            s/^head [0-9A-Z]{26}:([0-9]+):[0-9a-f]{64}.*/head ORIGIN:\1:HASH/' \
        -e "s/ on (gpu-07|$(uname -n))(_?)\$/ on HOST\2/"
}
awk '/^```console$/ {on = 1; next} /^```$/ {on = 0} on' "$LABLOG_TOP/README.md" >blocks
# Split into (command, expected output) pairs and run them in order.
n=0
while IFS= read -r line; do
    case $line in
    '$ '*)
        n=$((n + 1))
        printf '%s\n' "${line#\$ }" >"cmd.$n"
        : >"want.$n"
        ;;
    *)
        printf '%s\n' "$line" >>"want.$n"
        ;;
    esac
done <blocks
test_expect 'README has a tour' 'test "$n" -ge 8'
i=1
while [ $i -le $n ]; do
    sh "cmd.$i" >"got.$i" 2>&1
    normalise <"got.$i" >"got.n.$i"
    normalise <"want.$i" >"want.n.$i"
    test_expect "README: $(cat cmd.$i)" "test_cmp want.n.$i got.n.$i"
    i=$((i + 1))
done
test_done
