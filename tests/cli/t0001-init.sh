#!/bin/sh
# init, finding the log (--db, $LABLOG_DB, walking up), help and version,
# refusing files that are not lablog logs or come from a newer lablog.
. "$LABLOG_TOP/tests/cli/lib.sh"

test_expect 'init creates lablog.db and prints the project entry id' '
    lablog init --name demo --goal "find out" >out 2>err &&
    echo 1 >expect && test_cmp expect out && test -f lablog.db &&
    grep -q "created lablog.db" err
'
test_fails 2 "already exists" lablog init
test_expect 'a command finds the log from a subdirectory' '
    mkdir -p a/b && (cd a/b && lablog note "from below" >../../id) &&
    echo 2 >expect && test_cmp expect id
'
test_expect '--db and $LABLOG_DB pick another log' '
    mkdir other && (cd other && lablog init --name o >/dev/null 2>&1) &&
    lablog --db other/lablog.db note x >id1 && echo 2 >expect &&
    test_cmp expect id1 &&
    LABLOG_DB=other/lablog.db lablog note y >id2 && echo 3 >expect &&
    test_cmp expect id2
'
outside=$(mktemp -d)
cd "$outside"
test_fails 1 "no lablog log here" lablog note hello
test_fails 1 "run 'lablog init'" lablog log
cd "$TMP"
rmdir "$outside"
test_fails 1 "no lablog log at 'nope.db'" lablog --db nope.db log
echo "hello, not a database" > text.db
test_fails 1 "'text.db' is not a lablog log (not an SQLite database)" lablog --db text.db log
sqlite3 other.db "create table t(x); insert into t values (1);"
test_fails 1 "'other.db' is not a lablog log (an SQLite database of another program)" lablog --db other.db note x
cp lablog.db newer.db
sqlite3 newer.db "pragma user_version = 99"
test_fails 1 "written by a newer lablog (schema 99" lablog --db newer.db log
test_expect 'help and version' '
    lablog --version | grep -q "^lablog [0-9]" &&
    lablog help | grep -q "^  note " &&
    lablog help note | grep -q "^usage: lablog note" &&
    lablog note --help | grep -q -- "--takeaway" &&
    lablog exp new --help | grep -q -- "--hypothesis"
'
test_fails 2 "unknown command 'nope'" lablog nope
test_fails 2 "unknown option '--bogus'" lablog note --bogus x
test_fails 2 "unknown command 'nope' (did you mean 'note'?" lablog help nope
test_expect 'every command has --help' '
    for c in init exp note metric ingest run next done block unblock ask \
             answer decide amend retract attach log show search export \
             verify; do
        lablog $c --help >h || exit 1
        grep -q "^usage: lablog $c" h || exit 1
    done
'
test_done
