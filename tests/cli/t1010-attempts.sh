#!/bin/sh
# Attempts: each run of an experiment is an attempt; two attempts hold the
# same step; readers show the latest, or the one asked for; --resume
# continues an attempt, where a step logged again is a newer value;
# LABLOG_ATTEMPT makes a child's 'lablog metric' join its run.
. "$LABLOG_TOP/tests/cli/lib.sh"
lablog init --name att >/dev/null 2>&1
cat >train.py <<'PY'
import sys
scale, steps = float(sys.argv[1]), [int(s) for s in sys.argv[2].split(",")]
for s in steps:
    print(f"lablog: loss={scale / (s + 1):.3f} step={s}")
PY
cat >child.sh <<'SH'
lablog metric --step 7 acc=0.7 >/dev/null
echo "attempt=$LABLOG_ATTEMPT"
SH
attempt_uid() {
    sqlite3 lablog.db "select uid from entry where kind = 'status' and title = 'running' and data not like '%resume%' order by id limit 1 offset $(($1 - 1))"
}

lablog run --exp e -- python3 train.py 1 0,1,2 >/dev/null 2>&1
lablog run --exp e -- python3 train.py 2 0,1,2 >/dev/null 2>&1
test_expect 'two attempts hold the same step' '
    test "$(sqlite3 lablog.db "select count(*) from point where step = 0")" = 2 &&
    lablog verify | grep -q "^ok: .*6 points in 2 batches"
'
test_expect 'exp show lists the attempts and shows the latest' '
    lablog exp show e >o &&
    grep -q "^attempts:$" o &&
    grep -q "^  #1  2026-11-20 09:00  python3 train.py 1 0,1,2: exit 0 after [0-9.]*s, 3 points$" o &&
    grep -q "^  #2  2026-11-20 09:00  python3 train.py 2 0,1,2: exit 0 after [0-9.]*s, 3 points$" o &&
    grep -q "^  loss                    3  0.667 (2) .* 2 (0)$" o
'
test_expect '--attempt N shows that attempt' '
    lablog exp show e --attempt 1 >o &&
    grep -q "^metrics (attempt #1):$" o && grep -q "^  loss                    3  0.333 (2) " o
'
test_expect '--all-attempts shows every attempt' '
    lablog exp show e --all-attempts >o &&
    grep -q "^metrics (attempt #1):$" o && grep -q "^metrics (attempt #2):$" o &&
    test "$(grep -c "^  loss " o)" = 2
'
test_fails 2 "'e' has 2 attempts, not 3" lablog exp show e --attempt 3
test_fails 2 "excludes --all-attempts" lablog exp show e --attempt 1 --all-attempts
test_expect 'exp show --json lists the attempts' '
    lablog exp show e --json >j && python3 -c "
import json; d = json.load(open(\"j\"))
a = d[\"attempts\"]
assert [x[\"number\"] for x in a] == [1, 2] and all(x[\"run\"] and x[\"exit\"] == 0 for x in a), a
assert a[0][\"command\"] == \"python3 train.py 1 0,1,2\""
'
test_expect 'export --json has every attempt of a series' '
    lablog export --json >x && python3 -c "
import json; d = json.load(open(\"x\"))
assert sorted(s[\"attempt_number\"] for s in d[\"series\"]) == [1, 2]"
'

# Within an attempt: the same value is a duplicate, another is a conflict.
test_expect 'a logged step again, same value: nothing new' '
    lablog metric --exp e --step 2 loss=0.667 2>err && grep -q "nothing new" err
'
test_fails 1 "'loss' at step 2 already has another value" lablog metric --exp e --step 2 loss=5
test_expect 'a new step joins the latest attempt' '
    lablog metric --exp e loss=0.5 >/dev/null &&
    lablog exp show e | grep -q "^  loss                    4  0.5 (3) "
'

# LABLOG_ATTEMPT: a child of run joins it; an explicit one is honoured;
# another experiment's is ignored.
test_expect 'a child of run logs into its attempt' '
    lablog run --exp e -- sh child.sh >o 2>/dev/null &&
    uid=$(attempt_uid 3) && grep -qx "attempt=$uid" o &&
    lablog exp show e --attempt 3 | grep -q "^  acc                     1  0.7 (7) "
'
test_expect 'LABLOG_ATTEMPT names an earlier attempt' '
    LABLOG_ATTEMPT=$(attempt_uid 1) lablog metric --exp e --step 9 loss=0.1 >/dev/null &&
    lablog exp show e --attempt 1 | grep -q "^  loss                    4  0.1 (9) "
'
lablog exp new other >/dev/null
test_expect 'another experiment ignores LABLOG_ATTEMPT' '
    LABLOG_ATTEMPT=$(attempt_uid 1) lablog metric --exp other --step 0 loss=3 >/dev/null &&
    lablog exp show other | grep -q "^  #1  .*metrics logged outside a run, 1 point$"
'
test_expect 'ingest honours LABLOG_ATTEMPT' '
    printf "{\"step\": 11, \"loss\": 0.05}\n" | LABLOG_ATTEMPT=$(attempt_uid 2) lablog ingest --exp e 2>/dev/null &&
    lablog exp show e --attempt 2 | grep -q "^  loss                    5  0.05 (11) "
'

# --resume: the latest attempt goes on; re-logged steps are newer values.
lablog run --exp r -- python3 train.py 1 0,1,2 >/dev/null 2>&1
test_expect 'run --resume continues the latest attempt' '
    lablog run --resume --exp r -- python3 train.py 4 1,2,3 >/dev/null 2>&1 &&
    lablog exp show r >o &&
    grep -q "^  #1  .*python3 train.py 4 1,2,3: exit 0 after [0-9.]*s (resumed 1 time), 6 points$" o &&
    ! grep -q "^  #2 " o &&
    grep -q "^  loss                    4  1 (3)  *1 (0)  *2 (1)$" o
'
test_expect 'a resumed step twice in one batch keeps the newer value' '
    printf "lablog: loss=7 step=20\nlablog: loss=8 step=20\n" >twice.txt &&
    lablog run --resume --exp r -- cat twice.txt >/dev/null 2>&1 &&
    lablog exp show r | grep -q "^  loss                    5  8 (20) " &&
    test "$(sqlite3 lablog.db "select count(*) from point where step = 20")" = 2 &&
    lablog verify >/dev/null
'
test_fails 2 "no experiment 'nope' to resume" lablog run --resume --exp nope -- true
lablog exp new fresh >/dev/null
test_fails 2 "'fresh' has no attempt to resume" lablog run --resume --exp fresh -- true
test_expect 'a refused resume adds nothing' '
    test "$(sqlite3 lablog.db "select count(*) from entry where kind = '\''exp'\'' and title = '\''nope'\''")" = 0
'

# Metrics outside a run start an attempt; a run after them is the next.
lablog metric --exp fresh --step 0 loss=1 >/dev/null
lablog run --exp fresh -- python3 train.py 3 0 >/dev/null 2>&1
test_expect 'metrics outside a run are an attempt of their own' '
    lablog exp show fresh >o &&
    grep -q "^  #1  .*metrics logged outside a run, 1 point$" o &&
    grep -q "^  #2  .*python3 train.py 3 0: exit 0" o &&
    grep -q "^  loss                    1  3 (0) " o
'
test_expect 'plot draws one attempt or all of them' '
    lablog plot --exp e --metric loss --attempt 1 -o a1.png &&
    lablog plot --exp e --metric loss --all-attempts -o all.png &&
    test -s a1.png && test -s all.png && ! cmp -s a1.png all.png
'
test_fails 2 "excludes --all-attempts" lablog plot --exp e --metric loss --attempt 1 --all-attempts
test_expect 'attempts travel in the feed' '
    lablog export --feed >f && grep -q "\"attempt\":\"$(attempt_uid 1)\"" f
'

# Two origins log the same step of one attempt: both values are kept, and
# every replica shows the newer (fold order), whichever arrived first.
cp lablog.db b.db
lablog metric --exp e --step 50 loss=0.25 >/dev/null
LABLOG_HOST=node1 lablog --db b.db metric --exp e --step 50 loss=0.75 >/dev/null
lablog export --feed >a.feed
lablog --db b.db export --feed >b.feed
test_expect 'the same step from two origins: kept twice, the newer shown' '
    lablog debug union b.feed 2>/dev/null &&
    LABLOG_HOST=node1 lablog --db b.db debug union a.feed 2>/dev/null &&
    test "$(sqlite3 lablog.db "select count(*) from point where step = 50")" = 2 &&
    lablog exp show e | grep "^  loss " >a.out &&
    lablog --db b.db exp show e | grep "^  loss " >b.out &&
    test_cmp a.out b.out && grep -q "0.75 (50)" a.out &&
    lablog verify >/dev/null && lablog --db b.db verify >/dev/null
'
test_done
