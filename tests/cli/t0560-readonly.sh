#!/bin/sh
# Reading a log without write access: a colleague's log in a shared
# folder, a read-only mount, an archived copy. verify, log, daily,
# report, samples show/diff and attach --get work there; a log whose -wal may hold changes an immutable read
# cannot see says so in one line; writing fails with one clear line.
#
# The reader is a user without write access: as root (where chmod stops
# nothing) the commands run as nobody through setpriv; otherwise the
# folders are simply made read-only.
. "$LABLOG_TOP/tests/cli/lib.sh"

if [ "$(id -u)" = 0 ]; then
    as_reader() {
        setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
    }
    chmod 755 "$TMP"
else
    as_reader() { "$@"; }
fi
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:log_path=/dev/stderr"
mkdir -p "$TMP/readerhome" && chmod 777 "$TMP/readerhome"
# A reader's commands: HOME of their own; stderr to err, stdout to out.
ro() {
    dir=$1
    shift
    HOME="$TMP/readerhome" as_reader "$LABLOG_BIN" --db "$dir/lablog.db" \
        "$@" >"$TMP/out" 2>"$TMP/err"
}
reads_all() {
    for c in verify log daily report; do
        ro "$1" $c || { echo "$c:"; cat "$TMP/err"; return 1; }
    done
    ro "$1" log && grep -q "second note" "$TMP/out"
}

mkdir src && cd src || exit 1
lablog init >/dev/null 2>&1
lablog exp new e1 >/dev/null
lablog metric loss=0.5 --exp e1 --step 1 >/dev/null
lablog note 'first note' >/dev/null
lablog note 'second note' >/dev/null
printf '{"id": "a", "input": "2+2", "output": "4", "score": 1}\n{"id": "b", "input": "3+3", "output": "7", "score": 0}\n' >s.jsonl
set_id=$(lablog samples add --exp e1 s.jsonl 2>/dev/null)
cd .. || exit 1
# The reading verbs of samples and attach open the log read-only.
reads_samples() {
    ro "$1" samples show e1 --json && grep -q '"id": "b"' "$TMP/out" &&
    ro "$1" samples show e1 --worst 1 && grep -q "id b" "$TMP/out" &&
    ro "$1" samples diff e1 e1 && grep -q "in both" "$TMP/out" &&
    ro "$1" attach --get "$set_id" && cmp -s "$TMP/out" src/s.jsonl
}

test_expect 'the test reader really cannot write a read-only folder' '
    mkdir probe && chmod 555 probe &&
    ! as_reader sh -c ": >probe/x" 2>/dev/null
'

# A shared folder: the log with its -wal and -shm, nothing writable.
mkdir shared && cp src/lablog.db src/lablog.db-wal src/lablog.db-shm shared/
chmod 444 shared/* && chmod 555 shared
test_expect 'a read-only folder with -wal and -shm: verify, log, daily, report' '
    reads_all shared && ! test -s "$TMP/err"
'
test_expect 'samples show, samples diff and attach --get read it too' '
    reads_samples shared && ! test -s "$TMP/err"
'

# An archived copy: the db file alone.
mkdir archive && cp src/lablog.db archive/ && chmod 444 archive/lablog.db &&
    chmod 555 archive
test_expect 'an archived copy alone in a read-only folder reads in full' '
    reads_all archive && ! test -s "$TMP/err" &&
    ro archive verify && grep -q "^ok" "$TMP/out"
'
test_expect 'samples show, samples diff and attach --get read the archived copy' '
    reads_samples archive && ! test -s "$TMP/err"
'
odd='odd dir %41?#x'
mkdir "$odd" && cp src/lablog.db "$odd/" && chmod 444 "$odd/lablog.db" &&
    chmod 555 "$odd"
test_expect 'the immutable read works from a folder whose name needs URI escapes' '
    reads_all "$odd" && ! test -s "$TMP/err"
'
test_expect 'writing to it fails with one line, and it is unchanged' '
    before=$(sha256sum archive/lablog.db) &&
    ! ro archive note "third" &&
    test "$(wc -l <"$TMP/err")" -eq 1 &&
    grep -q "^lablog: error: .*no write access to the log or its folder" \
        "$TMP/err" &&
    test "$(sha256sum archive/lablog.db)" = "$before" &&
    ! test -e archive/lablog.db-shm
'

test_expect 'daily --post on a log it cannot write posts nothing' '
    python3 "$LABLOG_TOP/tests/slack_stub.py" ok "$TMP/requests" 1 \
        >"$TMP/port.out" &
    stub=$!
    n=0
    while [ ! -s "$TMP/port.out" ] && [ $n -lt 50 ]; do
        sleep 0.1; n=$((n + 1))
    done
    LABLOG_SLACK_WEBHOOK="http://127.0.0.1:$(head -n 1 "$TMP/port.out")/x" \
        ro archive daily --post; st=$?
    kill $stub 2>/dev/null; wait $stub 2>/dev/null
    test $st -eq 1 && ! test -e "$TMP/requests" &&
    grep -q "^lablog: error: cannot write to .*no write access to the log or its folder$" "$TMP/err"
'

# A copy taken while a writer had the log open: committed changes are in
# the -wal. Read without write access, they cannot be seen: one warning.
cd src || exit 1
sqlite3 lablog.db "SELECT count(*) FROM entry;" \
    ".shell $LABLOG_BIN note 'third note' >/dev/null" \
    ".shell mkdir ../live && cp lablog.db lablog.db-wal ../live/" >/dev/null
cd .. || exit 1
chmod 444 live/* && chmod 555 live
test_expect 'a copy whose -wal holds changes: reads, and says it may be stale' '
    test -s live/lablog.db-wal &&
    reads_all live &&
    ro live log &&
    test "$(wc -l <"$TMP/err")" -eq 1 &&
    grep -q "^lablog: warning: reading .*without write access to its folder: changes still in .*lablog.db-wal. are not seen, so the log may be stale" "$TMP/err"
'
test_expect 'samples and attach --get read that copy, with the same warning' '
    reads_samples live && grep -q "may be stale" "$TMP/err"
'
test_expect 'the same copy with write access reads the change' '
    mkdir rw && cp live/lablog.db live/lablog.db-wal rw/ &&
    chmod 644 rw/* && lablog --db rw/lablog.db log | grep -q "third note"
'
chmod 755 probe shared archive live "$odd"
test_done
