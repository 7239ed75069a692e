#!/bin/sh
# Text entries, their corrections and the append-only guarantee.
. "$LABLOG_TOP/tests/cli/lib.sh"
lablog init --name demo >/dev/null 2>&1

test_expect 'writes print the new id and nothing else' '
    lablog exp new bon-n8 --param n=8 --tag bon --hypothesis "more samples help" >o &&
    echo 2 >expect && test_cmp expect o &&
    lablog note "looked at **samples**" --exp bon-n8 --takeaway >o &&
    echo 3 >expect && test_cmp expect o
'
test_expect 'note from stdin keeps Markdown' '
    printf "line one\n\n- a\n- b\n" | lablog note - >o && echo 4 >expect &&
    test_cmp expect o && lablog show 4 | grep -q "^- b"
'
test_expect 'next, done, block, unblock, ask, answer, decide' '
    lablog next "try n=100" --priority 1 --minutes 10 >/dev/null &&
    lablog done 5 -m "ran it" >/dev/null &&
    lablog block "GPU quota" >/dev/null && lablog unblock 7 >/dev/null &&
    lablog ask "is 300 examples enough?" >/dev/null &&
    lablog answer 9 "yes for a clean signal" >/dev/null &&
    lablog decide "drop n=1" >/dev/null &&
    lablog log >log && grep -q "try n=100  (p1)  (done in #6)" log &&
    grep -q "GPU quota  (resolved in #8)" log &&
    grep -q "(answered in #10)" log
'
test_expect 'amend shows the current text, retract says so' '
    lablog amend 3 "looked at samples, fixed" >/dev/null &&
    lablog note "wrong idea" >/dev/null &&
    lablog retract 13 -m "misread the plot" >/dev/null &&
    lablog log >log &&
    grep -q "#3 .*looked at samples, fixed  (takeaway)  (amended)" log &&
    grep -q "wrong idea  (retracted: misread the plot)" log
'
test_expect 'exp status changes are entries; list and show derive them' '
    lablog exp start bon-n8 >/dev/null && lablog exp done bon-n8 -m ok >/dev/null &&
    lablog exp new bon-n1 --confirm >/dev/null &&
    lablog exp list >l && grep -q "^bon-n8 .* done .*explore" l &&
    grep -q "^bon-n1 .* planned .*confirm" l &&
    lablog exp list --status planned >l && ! grep -q bon-n8 l &&
    lablog exp list --tag bon >l && ! grep -q bon-n1 l &&
    lablog exp show bon-n8 >s && grep -q "params: n=8" s && grep -q "done" s &&
    lablog exp show bon-n8 --json >j && grep -q "\"status\": \"done\"" j
'
test_expect 'log filters and JSON' '
    lablog log --kind next >l && test $(wc -l <l) -eq 1 &&
    lablog log --exp bon-n8 --json >j && grep -q "\"kind\": \"exp\"" j &&
    lablog log --since 2026-11-21 >l && test ! -s l &&
    lablog log --since yesterday --until today >l && test ! -s l &&
    lablog log --since today >l && test -s l
'
test_expect 'search finds words in notes' '
    lablog search samples >s && grep -q "#3" s &&
    lablog search "quota" --json >j && grep -q "GPU quota" j
'
test_expect 'export --json is valid JSON' '
    lablog export --json >e && python3 -c "import json,sys; d=json.load(open(\"e\")); assert len(d[\"entries\"])>10"
'
lablog metric --exp bon-n8 loss=0.5 >/dev/null
before=$(log_state)
test_fails 1 "unknown experiment 'nope'" lablog note x --exp nope
test_fails 1 "no entry 999" lablog done 999
test_fails 2 "entry 2 is an experiment, not a next step" lablog done 2
test_fails 2 "'abc' is not an entry id" lablog amend abc text
test_fails 2 "--priority must be 1, 2 or 3" lablog next x --priority 7
test_fails 2 "invalid experiment name 'a b'" lablog exp new "a b"
test_fails 1 "experiment 'bon-n8' already exists" lablog exp new bon-n8
test_fails 2 "note text is empty" lablog note ""
test_fails 1 "note text is not valid UTF-8" lablog note "$(printf 'bad \377 byte')"
test_fails 2 "missing argument" lablog amend 3
test_fails 2 "--since: invalid date 'someday'" lablog log --since someday
test_fails 2 "unknown verb 'exp frob'" lablog exp frob
test_fails 2 "unknown status 'wat'" lablog exp list --status wat
test_fails 2 "invalid search query" lablog search '"unclosed'
test_expect 'failed commands left the log unchanged' '
    test "$(log_state)" = "$before"
'
test_expect 'the log refuses UPDATE, DELETE and REPLACE from any client' '
    ! sqlite3 lablog.db "delete from entry where id = 3" 2>/dev/null &&
    ! sqlite3 lablog.db "update entry set body = 1 where id = 3" 2>/dev/null &&
    ! sqlite3 lablog.db "replace into entry select * from entry where id = 3" 2>/dev/null &&
    ! sqlite3 lablog.db "delete from point" 2>/dev/null &&
    test "$(log_state)" = "$before"
'
test_done
