#!/bin/sh
# Sums the last "N passed, N failed" line of each log given and prints the
# grand total as the final line. Exits non-zero on any failure or missing log.
passed=0
failed=0
for log in "$@"; do
    line=$(grep -E '^[^ ]+: [0-9]+ passed, [0-9]+ failed$' "$log" 2>/dev/null | tail -n 1)
    if [ -z "$line" ]; then
        echo "$log: no summary"
        failed=$((failed + 1))
        continue
    fi
    p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
    f=$(echo "$line" | sed -E 's/.*, ([0-9]+) failed$/\1/')
    passed=$((passed + p))
    failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
