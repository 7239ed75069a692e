#!/bin/sh
# A hub under concurrent pushers and a looping puller, with and without the
# push lock, and a pusher killed in the middle of its COPY.
. "$(dirname "$0")/lib.sh"
. "$LABLOG_TOP/tests/cli/pg.sh"
pg_start
HUB=$PG_SUPER_URL
lablog hub init "$HUB" >/dev/null

mk() {
    LABLOG_HOST=$1 lablog --db "$1.db" init --name p >/dev/null 2>&1
    i=0
    while [ "$i" -lt "${2:-1}" ]; do
        LABLOG_HOST=$1 lablog --db "$1.db" note "$1 note $i" >/dev/null
        i=$((i + 1))
    done
}
as() { h=$1; shift; LABLOG_HOST=$h lablog --db "$h.db" "$@"; }
notes_in() { lablog --db "$1" log --kind note | grep -c "$2 note" ; }
hub_seq() { pg_psql "select coalesce(pg_sequence_last_value('lablog.entry_hub_seq_seq'), 0)"; }
wait_seq() {   # until the hub's arrival counter reaches $1
    n=0
    while [ "$(hub_seq)" -lt "$1" ] && [ $n -lt 600 ]; do sleep 0.05; n=$((n + 1)); done
}

# Without the lock a late commit hides under the puller's cursor: a takes
# its arrival numbers, b commits after it, the puller reads b, then a
# commits below the cursor and is never pulled. This is why pushes lock.
mk a; mk b; mk p
start=$(hub_seq)
LABLOG_TEST_NO_PUSH_LOCK=1 LABLOG_TEST_PUSH_DELAY_MS=2500 as a push "$HUB" 2>/dev/null &
pa=$!
wait_seq $((start + 2))
LABLOG_TEST_NO_PUSH_LOCK=1 as b push "$HUB" 2>/dev/null
as p pull "$HUB" 2>/dev/null
wait $pa
as p pull "$HUB" 2>/dev/null
test_expect 'without the push lock a puller skips a late commit' '
    test "$(notes_in p.db b)" = 1 && test "$(notes_in p.db a)" = 0 &&
    test "$(pg_psql "select count(*) from lablog.entry where line like \$\$%a note%\$\$")" = 1
'

# The same with the lock: b waits for a, the puller misses nothing.
mk c; mk d; mk q
start=$(hub_seq)
LABLOG_TEST_PUSH_DELAY_MS=2500 as c push "$HUB" 2>/dev/null &
pc=$!
wait_seq $((start + 2))
as d push "$HUB" 2>/dev/null &
pd=$!
as q pull "$HUB" 2>/dev/null
wait $pc $pd
as q pull "$HUB" 2>/dev/null
test_expect 'with the push lock the puller gets both' '
    test "$(notes_in q.db c)" = 1 && test "$(notes_in q.db d)" = 1
'

# Eight pushers at once and a puller looping until they are done.
for r in r1 r2 r3 r4 r5 r6 r7 r8; do mk $r 15; done
mk z
pids=
for r in r1 r2 r3 r4 r5 r6 r7 r8; do
    as $r push "$HUB" 2>>push.err &
    pids="$pids $!"
done
(while [ ! -f done ]; do as z pull "$HUB" 2>>pull.err || exit 1; done) &
puller=$!
wait $pids
touch done
wait $puller
as z pull "$HUB" 2>>pull.err
test_expect 'eight pushers and a looping puller: every entry arrives' '
    for r in r1 r2 r3 r4 r5 r6 r7 r8; do
        test "$(notes_in z.db $r)" = 15 || exit 1
    done &&
    ! grep -q "error" push.err pull.err && lablog --db z.db verify >/dev/null
'

# kill -9 of a pusher after its COPY, before its commit: nothing of it on
# the hub (the server rolls the transaction back).
LABLOG_HOST=big lablog --db big.db init --name big >/dev/null 2>&1
as big exp new e >/dev/null
awk 'BEGIN { for (s = 0; s < 150000; s++) printf "{\"step\": %d, \"loss\": %.6f}\n", s, 1 / (s + 1) }' >big.jsonl
as big ingest --exp e big.jsonl >/dev/null 2>&1
LABLOG_TEST_PUSH_DELAY_MS=30000 LABLOG_HOST=big "$LABLOG_BIN" --db big.db push "$HUB" 2>/dev/null &
pb=$!
n=0
while [ -z "$(pg_psql "select pid from pg_stat_activity where application_name = 'lablog' and state = 'idle in transaction'")" ] &&
      [ $n -lt 1200 ]; do sleep 0.05; n=$((n + 1)); done
held=$(pg_psql "select count(*) from pg_locks where locktype = 'advisory'")
kill -9 $pb 2>/dev/null
wait $pb 2>/dev/null
n=0
while [ -n "$(pg_psql "select pid from pg_stat_activity where application_name = 'lablog'")" ] &&
      [ $n -lt 600 ]; do sleep 0.05; n=$((n + 1)); done
big_origin=$(lablog --db big.db origins | grep "this replica" | cut -c1-26)
test_expect 'a killed push leaves nothing of it on the hub' '
    test "$held" = 1 &&
    test "$(pg_psql "select count(*) from lablog.entry where origin = \$\$$big_origin\$\$")" = 0 &&
    test "$(pg_psql "select count(*) from lablog.point")" = 0
'
test_expect 'the retry completes it and the hub verifies' '
    as big push "$HUB" 2>e && grep -q "150000 points" e &&
    test "$(pg_psql "select count(*) from lablog.point")" = 150000 &&
    lablog hub verify "$HUB" | grep -q "^hub ok: "
'
test_done
