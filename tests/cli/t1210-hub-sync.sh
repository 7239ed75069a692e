#!/bin/sh
# push, pull and sync with a PostgreSQL hub started here: replicas meet
# through it, a changed row is refused, a stopped server changes nothing
# local, and the password of the URL shows up nowhere.
. "$(dirname "$0")/lib.sh"
. "$LABLOG_TOP/tests/cli/pg.sh"
pg_start
pg_psql "CREATE ROLE alice LOGIN PASSWORD 'Al1ce-pw9' IN ROLE lab_member" 2>/dev/null ||
    true
lablog hub init "$PG_SUPER_URL" >/dev/null
pg_psql "CREATE ROLE alice LOGIN PASSWORD 'Al1ce-pw9' IN ROLE lab_member" 2>/dev/null ||
    true
HUB=$(pg_url alice Al1ce-pw9)

L() { LABLOG_HOST=laptop lablog --db laptop.db "$@"; }
N() { LABLOG_HOST=node17 lablog --db node17.db "$@"; }
M() { LABLOG_HOST=node22 lablog --db node22.db "$@"; }
body() { lablog --db "$1" export --feed | tail -n +2; }

L init --name proj >/dev/null 2>&1
L exp new base --param lr=1e-3 >/dev/null
printf 'step,loss\n0,2.0\n1,1.5\n2,nan\n' | L ingest --exp base --format csv >/dev/null 2>&1
printf 'a sample\n' >s.txt && L attach s.txt --exp base >/dev/null
LABLOG_HOST=node17 lablog clone laptop.db node17.db 2>/dev/null
LABLOG_HOST=node22 lablog clone laptop.db node22.db 2>/dev/null
LABLOG_NOW=2026-11-20T10:00:00Z N metric --exp base --step 3 loss=1.1 >/dev/null
LABLOG_NOW=2026-11-20T09:40:00Z M note "node22: plateau" >/dev/null
LABLOG_NOW=2026-11-20T09:50:00Z L note --takeaway "lr matters" >/dev/null

test_expect 'three replicas push' '
    L push "$HUB" 2>e && grep -q "^push: 5 entries (3 points) of 1 origin sent to " e &&
    N push "$HUB" 2>e && grep -q "^push: 2 entries (1 points) of 1 origin sent to " e &&
    M push "$HUB" 2>/dev/null
'
test_expect 'a fourth replica pulls everything; all agree' '
    LABLOG_HOST=desk lablog --db desk.db init --name other >/dev/null 2>&1 &&
    LABLOG_HOST=desk lablog --db desk.db pull "$HUB" 2>e &&
    grep -q "^pull: 9 entries added (4 points), 0 already held$" e &&
    L pull "$HUB" 2>/dev/null && N pull "$HUB" 2>/dev/null && M pull "$HUB" 2>/dev/null &&
    body laptop.db >f1 && body node17.db >f2 && body node22.db >f3 &&
    cmp f1 f2 && cmp f1 f3 &&
    lablog --db desk.db verify | grep -q "1 attachments"
'
test_expect 'a second push and pull move nothing' '
    L sync "$HUB" 2>e && grep -q "^pull: 0 entries added" e &&
    grep -q "^push: 0 entries (0 points) of 0 origins" e
'
test_expect 'the hub holds its points and verifies' '
    test "$(pg_psql "select count(*) from lablog.point")" = 4 &&
    test "$(pg_psql "select count(*) from lablog.point where value = \$\$NaN\$\$")" = 1 &&
    lablog hub verify "$HUB" >out && grep -q "^hub ok: 9 entries, 4 points" out
'
test_expect 'a named remote (no password stored)' '
    L remote add lab "postgresql://alice@/postgres?host=$PG_HOST" &&
    L note "via the remote" >/dev/null &&
    PGPASSWORD=Al1ce-pw9 L push lab 2>e && grep -q "^push: 1 entry" e
'
test_fails 2 "give the URL without its password" \
    env LABLOG_HOST=laptop "$LABLOG_BIN" --db laptop.db remote add bad "$HUB"

# The renderers pull the hub remote first (2 s at most), unless --offline.
test_expect 'daily, report and slides pull the hub remote first' '
    M note "node22 result for the daily" >/dev/null && M push "$HUB" 2>/dev/null &&
    PGPASSWORD=Al1ce-pw9 L daily --format text >d 2>e && test -s d && ! test -s e &&
    lablog --db laptop.db log | grep -q "node22 result for the daily" &&
    M note "node22 result for the report" >/dev/null && M push "$HUB" 2>/dev/null &&
    PGPASSWORD=Al1ce-pw9 L report >r 2>e && ! test -s e &&
    grep -q "node22 result for the report" r &&
    M note "node22 result for the deck" >/dev/null && M push "$HUB" 2>/dev/null &&
    PGPASSWORD=Al1ce-pw9 L slides -o deck.pdf 2>e && ! grep -q unreachable e &&
    lablog --db laptop.db log | grep -q "node22 result for the deck"
'
test_expect 'with --offline nothing is pulled' '
    M note "not pulled yet" >/dev/null && M push "$HUB" 2>/dev/null &&
    PGPASSWORD=Al1ce-pw9 L report --offline >r 2>e && ! test -s e &&
    ! grep -q "not pulled yet" r && ! lablog --db laptop.db log | grep -q "not pulled yet"
'
test_fails 2 "--pull and --offline exclude each other" \
    env LABLOG_HOST=laptop "$LABLOG_BIN" --db laptop.db daily --pull --offline

# A head moved back on the hub (by its owner, triggers off) is named by a
# replica that pulled the newer head before; the head is put back after.
L pull "$HUB" 2>/dev/null
m_origin=$(lablog --db node22.db origins | grep "this replica" | cut -c1-26)
m_seq=$(pg_psql "SELECT max(seq) FROM lablog.head WHERE origin = '$m_origin'")
m_hash=$(pg_psql "SELECT encode(hash, 'hex') FROM lablog.head
                   WHERE origin = '$m_origin' AND seq = $m_seq")
pg_psql "ALTER TABLE lablog.head DISABLE TRIGGER head_no_change;
         DELETE FROM lablog.head WHERE origin = '$m_origin' AND
          seq = $m_seq"
test_expect 'a hub whose head went back is named by a replica that pulled it' '
    ! L pull "$HUB" 2>e &&
    grep -q "^lablog: error: .*: origin $m_origin went back: it held entry $m_seq when last seen (.*) and now \(ends at\|holds none\)" e
'
pg_psql "INSERT INTO lablog.head(origin, seq, hash) VALUES ('$m_origin',
          $m_seq, decode('$m_hash', 'hex'));
         ALTER TABLE lablog.head ENABLE TRIGGER head_no_change"
test_expect 'with the head back, the pull goes through' '
    L pull "$HUB" 2>e && grep -q "^pull: 0 entries added" e
'

# A row changed on the hub (by its owner, triggers off) is named by hub
# verify and refused by a replica that pulls it.
pg_psql "ALTER TABLE lablog.entry DISABLE TRIGGER entry_no_change;
         UPDATE lablog.entry SET line = replace(line, 'plateau', 'PLATEAU')
          WHERE line LIKE '%plateau%';
         ALTER TABLE lablog.entry ENABLE TRIGGER entry_no_change"
test_fails 1 "the entry does not match its hash" lablog hub verify "$HUB"
test_expect 'a pulling replica refuses the changed row' '
    LABLOG_HOST=fresh lablog --db fresh.db init --name f >/dev/null 2>&1 &&
    ! LABLOG_HOST=fresh lablog --db fresh.db pull "$HUB" 2>e &&
    grep -q "does not match its hash" e
'

# The server stopped: local work goes on, the hub commands fail in a line.
pg_stop
test_expect 'run and note work with the hub down' '
    L note "hub is down" >/dev/null && L run --exp base -- true 2>/dev/null
'
test_fails 1 "cannot connect to the hub" env LABLOG_HOST=laptop "$LABLOG_BIN" --db laptop.db push "$HUB"
test_expect 'daily with the hub down: one line, then the local update' '
    L daily --format text >d 2>e && test -s d && test "$(wc -l <e)" = 1 &&
    grep -q "^lablog: hub .lab. unreachable; local data as of 20[0-9-]* [0-9:]*$" e &&
    L daily --offline --format text >d2 2>e2 && ! test -s e2 && cmp d d2
'
test_expect 'the password is in no output, no log and no message' '
    L push "$HUB" 2>err >out; L pull "$HUB" 2>>err >>out;
    ! grep -q "Al1ce-pw9" err out && ! grep -q "Al1ce-pw9" laptop.db desk.db &&
    ! lablog --db laptop.db export --json | grep -q "Al1ce-pw9"
'
test_done
