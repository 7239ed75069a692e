#!/bin/sh
# A full disk, for real: the log lives on a small tmpfs mounted in a
# private mount namespace (unshare -m as root, unshare -rm otherwise), so
# nothing is left mounted when the script ends. Counts in messages are what
# committed; daily --post never posts and then fails silently, in either
# order of failure.
if [ -z "${LABLOG_T0570_NS:-}" ]; then
    export LABLOG_T0570_NS=1
    if [ "$(id -u)" = 0 ]; then
        exec unshare -m sh "$0" "$@"
    fi
    exec unshare -rm sh "$0" "$@"
fi
. "$LABLOG_TOP/tests/cli/lib.sh"

mkdir disk && mount -t tmpfs -o size=2m tmpfs disk || {
    echo "FAIL $test_name: cannot mount a tmpfs"
    exit 1
}
trap 'cd /; umount "$TMP/disk" 2>/dev/null; rm -rf "$TMP"' EXIT
cd disk || exit 1
lablog init --name full >/dev/null 2>&1
lablog exp new e1 >/dev/null
lablog note 'a note for the daily' >/dev/null
lablog next 'a next step' >/dev/null
python3 -c '
for i in range(200000):
    print("{\"exp\":\"e1\",\"step\":%d,\"loss\":%r}" % (i, i * 0.001))
' >"$TMP/points.jsonl"

# Leave room for about one batch of points (20,000), then ingest ten.
dd if=/dev/zero of=fill bs=1k count=1200 2>/dev/null
test_expect 'ingest on a full disk: the count it gives is the count in the log' '
    ! lablog ingest "$TMP/points.jsonl" 2>"$TMP/err" &&
    test "$(wc -l <"$TMP/err")" -eq 1 &&
    grep -q "disk is full ([0-9]* points written before it)$" "$TMP/err" &&
    said=$(sed -n "s/.*(\([0-9]*\) points written before it)$/\1/p" \
        "$TMP/err") &&
    inlog=$(sqlite3 lablog.db "select count(*) from point") &&
    test "$said" -eq "$inlog" && test "$inlog" -gt 0 &&
    batched=$(sqlite3 lablog.db "select sum(json_extract(data, '"'"'$.points'"'"')) from entry where kind = '"'"'metrics'"'"'") &&
    test "$batched" -eq "$inlog" &&
    lablog verify >/dev/null
'

# A fresh log on a disk with no room at all (the first log's -wal would
# have room left inside it from the batch that failed).
cd "$TMP" && mkdir disk2 && mount -t tmpfs -o size=1m tmpfs disk2 &&
    cd disk2 || exit 1
trap 'cd /; umount "$TMP/disk" "$TMP/disk2" 2>/dev/null; rm -rf "$TMP"' EXIT
lablog init --name full >/dev/null 2>&1
lablog note 'a note for the daily' >/dev/null
lablog next 'a next step' >/dev/null
dd if=/dev/zero of=fill bs=4k 2>/dev/null
log_state >"$TMP/before"

# start_stub MODE: a fake Slack (tests/slack_stub.py) on a free port.
start_stub() {
    rm -f "$TMP/requests" "$TMP/port.out"
    python3 "$LABLOG_TOP/tests/slack_stub.py" "$1" "$TMP/requests" 1 \
        >"$TMP/port.out" &
    STUB=$!
    n=0
    while [ ! -s "$TMP/port.out" ] && [ $n -lt 50 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    export LABLOG_SLACK_WEBHOOK="http://127.0.0.1:$(head -n 1 "$TMP/port.out")/services/T0/B0/x"
}
stop_stub() {
    kill "$STUB" 2>/dev/null
    wait "$STUB" 2>/dev/null
    unset LABLOG_SLACK_WEBHOOK
}
requests() {
    if [ -f "$TMP/requests" ]; then wc -l <"$TMP/requests"; else echo 0; fi
}

start_stub ok
test_fails 1 'posted to Slack, but could not record it: cannot commit to' \
    lablog daily --post
test_expect '... it says exactly that, posted once, and the log is unchanged' '
    grep -q "^lablog: error: posted to Slack, but could not record it: cannot commit to .*: database or disk is full; do not post again$" "$TMP/.ferr" &&
    test "$(requests)" -eq 1 &&
    log_state >"$TMP/after" && test_cmp "$TMP/before" "$TMP/after"
'
stop_stub

start_stub bad
test_fails 1 'answered HTTP 400' lablog daily --post
test_expect '... a failed post on a full disk claims no post and records nothing' '
    ! grep -q "posted to Slack" "$TMP/.ferr" &&
    log_state >"$TMP/after" && test_cmp "$TMP/before" "$TMP/after"
'
stop_stub

test_fails 1 'database or disk is full' lablog daily --record
test_expect '... and --record alone fails with the disk error' '
    ! grep -q "posted" "$TMP/.ferr" && log_state >"$TMP/after" && test_cmp "$TMP/before" "$TMP/after"
'

rm -f fill
test_expect 'with room again, writes work and both logs verify' '
    lablog note "after the disk was freed" >/dev/null &&
    lablog verify >/dev/null && lablog --db ../disk/lablog.db verify >/dev/null
'
cd "$TMP" || exit 1
test_done
