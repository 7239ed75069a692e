#!/bin/sh
# lablog metric: steps, NaN/inf as data, duplicates and conflicts.
. "$LABLOG_TOP/tests/cli/lib.sh"
lablog init --name m >/dev/null 2>&1
lablog exp new r1 >/dev/null

test_expect 'several metrics at one step, next step by default' '
    lablog metric --exp r1 loss=0.9 acc=0.5 >/dev/null &&
    LABLOG_EXP=r1 lablog metric loss=0.8 >/dev/null &&
    lablog metric --exp r1 --step 10 loss=0.7 >/dev/null &&
    lablog metric --exp r1 loss=0.6 >/dev/null &&
    sqlite3 lablog.db "select step, value from point join series s on s.id = series where name = '"'"'loss'"'"' order by step" >got &&
    printf "0|0.9\n1|0.8\n10|0.7\n11|0.6\n" >expect && test_cmp expect got
'
test_expect 'NaN and inf are kept and shown' '
    lablog metric --exp r1 loss=nan >/dev/null &&
    lablog metric --exp r1 loss=inf acc=-inf >/dev/null &&
    lablog exp show r1 >s && grep -q "loss .* inf (13)" s && grep -q "2 NaN/inf" s &&
    lablog verify >/dev/null
'
test_expect 'the same point twice is a no-op' '
    lablog metric --exp r1 --step 0 loss=0.9 >o 2>e && test ! -s o &&
    grep -q "nothing new" e
'
test_expect 'a metrics batch has no full-text row; notes do, and search finds them' '
    id=$(lablog metric --exp r1 fts_probe=1) &&
    test "$(sqlite3 lablog.db "select count(*) from entry_fts_docsize where id = $id")" = 0 &&
    nid=$(lablog note "findable words here") &&
    test "$(sqlite3 lablog.db "select count(*) from entry_fts_docsize where id = $nid")" = 1 &&
    lablog search findable | grep -q "findable words here"
'
test_expect 'a log with the full-text trigger of before gets the new one at its next write' '
    sqlite3 lablog.db "drop trigger entry_fts_add; create trigger entry_fts_add after insert on entry begin insert into entry_fts(rowid, title, body) values (new.id, new.title, new.body); end" &&
    lablog log >/dev/null &&
    ! sqlite3 lablog.db "select sql from sqlite_master where name = '\''entry_fts_add'\''" | grep -q WHEN &&
    id=$(lablog metric --exp r1 fts_probe=2) &&
    sqlite3 lablog.db "select sql from sqlite_master where name = '\''entry_fts_add'\''" | grep -q WHEN &&
    test "$(sqlite3 lablog.db "select count(*) from entry_fts_docsize where id = $id")" = 0 &&
    lablog verify >/dev/null
'
before=$(log_state)
test_fails 1 "'loss' at step 0 already has another value" lablog metric --exp r1 --step 0 loss=0.1
test_fails 1 "'abc' is not a number (metric 'loss')" lablog metric --exp r1 loss=abc
test_fails 1 "'0x10' is not a number" lablog metric --exp r1 loss=0x10
test_fails 2 "expected METRIC=VALUE, not 'loss'" lablog metric --exp r1 loss
test_fails 2 "no experiment given" lablog metric loss=1
test_fails 1 "unknown experiment 'zz'" lablog metric --exp zz loss=1
test_fails 2 "--step must be a non-negative integer" lablog metric --exp r1 --step -3 loss=1
test_fails 2 "--step expects an integer, not '1.5'" lablog metric --exp r1 --step 1.5 loss=1
test_fails 1 "metric name is not valid UTF-8" lablog metric --exp r1 "$(printf 'l\377=1')"
test_expect 'a rejected metric call writes nothing, not even part' '
    test_fails 1 "not a number" lablog metric --exp r1 good=1 bad=x &&
    test "$(log_state)" = "$before"
'
test_done
