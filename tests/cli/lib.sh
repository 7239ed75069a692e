# Sourced by every tests/cli/t*.sh script. Gives each script a fresh temp
# directory, a fixed clock, locale and author, and small assertion helpers
# in the style of git's test suite. The script ends with `test_done`, which
# prints "tNNNN-name: N passed, N failed" for tests/run.sh.
#
#   test_expect 'what it checks' 'shell commands'   passes when they exit 0
#   test_cmp expect actual                           diff -u, fails on any diff
#   test_fails CODE 'message part' cmd args...       cmd must exit CODE and
#                                                    print exactly one stderr
#                                                    line containing the message
#   log_state                                        verify summary + counts,
#                                                    to compare before/after
set -u
: "${LABLOG_BIN:?run through tests/run.sh}"
: "${LABLOG_TOP:?run through tests/run.sh}"
test_name=$(basename "$0" .sh)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lablog-$test_name.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
export TZ=UTC LC_ALL=C LABLOG_NOW=2026-11-20T09:00:00Z LABLOG_AUTHOR=ada
unset LABLOG_DB LABLOG_EXP LABLOG_SLACK_WEBHOOK XDG_CONFIG_HOME
export HOME="$TMP/home"
mkdir -p "$HOME"
PATH="$(dirname "$LABLOG_BIN"):$PATH"
export PATH
lablog() { "$LABLOG_BIN" "$@"; }
passed=0
failed=0

ok() { passed=$((passed + 1)); }
not_ok() {
    failed=$((failed + 1))
    echo "FAIL $test_name: $1"
}

test_expect() {
    if (eval "$2") >"$TMP/.out" 2>&1; then
        ok
    else
        not_ok "$1"
        sed 's/^/    /' "$TMP/.out"
    fi
}

test_cmp() {
    diff -u "$1" "$2"
}

# test_fails CODE MESSAGE CMD...: exit status CODE, exactly one line on
# stderr, starting "lablog: error: " and containing MESSAGE.
test_fails() {
    want=$1
    msg=$2
    shift 2
    "$@" >"$TMP/.fout" 2>"$TMP/.ferr"
    got=$?
    lines=$(wc -l <"$TMP/.ferr")
    if [ "$got" -ne "$want" ]; then
        not_ok "$* exited $got, expected $want"
        sed 's/^/    /' "$TMP/.ferr"
    elif [ "$lines" -ne 1 ]; then
        not_ok "$* printed $lines lines on stderr, expected 1"
        sed 's/^/    /' "$TMP/.ferr"
    elif ! grep -q "^lablog: error: " "$TMP/.ferr"; then
        not_ok "$*: stderr is not 'lablog: error: ...'"
        sed 's/^/    /' "$TMP/.ferr"
    elif ! grep -qF -- "$msg" "$TMP/.ferr"; then
        not_ok "$*: message lacks '$msg'"
        sed 's/^/    /' "$TMP/.ferr"
    else
        ok
    fi
}

# The state of the log at $1 (default lablog.db), for unchanged-log checks:
# the verify summary with every origin's head on one line, then the counts.
log_state() {
    db=${1:-lablog.db}
    lablog --db "$db" verify 2>&1 | tr '\n' ' '
    echo
    sqlite3 "$db" "select count(*) from entry; select count(*) from point;
                   select count(*) from series; select count(*) from blob;"
}

test_done() {
    echo "$test_name: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
