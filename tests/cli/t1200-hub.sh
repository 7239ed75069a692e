#!/bin/sh
# lablog hub init|status against a real PostgreSQL server started here:
# the schema, its append-only rules and grants, and that a password in the
# URL never shows in any output.
. "$(dirname "$0")/lib.sh"
. "$LABLOG_TOP/tests/cli/pg.sh"
pg_start

test_expect 'hub init creates the schema' '
    lablog hub init "$PG_SUPER_URL" >out &&
    grep -q "^lablog hub ready at .*/postgres (schema 1)$" out &&
    test "$(pg_psql "select max(version) from lablog.version")" = 1
'

test_expect 'hub init again changes nothing' '
    lablog hub init "$PG_SUPER_URL" >out &&
    test "$(pg_psql "select count(*) from lablog.version")" = 1
'

test_expect 'hub status of an empty hub' '
    lablog hub status "$PG_SUPER_URL" >out &&
    grep -q "no origins yet" out &&
    grep -q "^0 entries, 0 points, 0 attachments" out
'

# A member and a row of each kind, written as the owner would push them.
pg_psql "CREATE ROLE alice LOGIN PASSWORD 'al1ce-pw' IN ROLE lab_member;
         CREATE ROLE mallory LOGIN PASSWORD 'm4llory-pw'"
ALICE=$(pg_url alice al1ce-pw)
alice() {
    PGPASSWORD=al1ce-pw psql -X -q -At -v ON_ERROR_STOP=1 -h "$PG_HOST" \
        -U alice -d postgres -c "$1"
}
O=01JD0000000000000000000000

test_expect 'a member can insert entries and move a head forward' '
    alice "INSERT INTO lablog.origin VALUES (\$\$$O\$\$, \$\$laptop\$\$,
               \$\$ada\$\$, NULL);
           INSERT INTO lablog.entry(origin, seq, uid, hlc, ts, author, kind,
               title, body, data, format, prev, hash, line)
           VALUES (\$\$$O\$\$, 1, \$\$u1\$\$, 1, 1, \$\$ada\$\$, \$\$project\$\$,
               \$\$p\$\$, \$\$\$\$, \$\${}\$\$, 2, \$\$\\x00\$\$, \$\$\\x01\$\$, \$\${}\$\$),
                  (\$\$$O\$\$, 2, \$\$u2\$\$, 2, 2, \$\$ada\$\$, \$\$note\$\$,
               \$\$n\$\$, \$\$\$\$, \$\${}\$\$, 2, \$\$\\x01\$\$, \$\$\\x02\$\$, \$\${}\$\$);
           SELECT lablog.move_head(\$\$$O\$\$, 2, \$\$\\x02\$\$)" &&
    test "$(pg_psql "select seq from lablog.head")" = 2
'

denied() {
    if alice "$1" >"$TMP/denied" 2>&1; then
        echo "allowed: $1"
        return 1
    fi
    grep -q "$2" "$TMP/denied" || { cat "$TMP/denied"; return 1; }
}

test_expect 'a member cannot UPDATE an entry' '
    denied "UPDATE lablog.entry SET title = \$\$x\$\$" "permission denied"
'
test_expect 'a member cannot DELETE points' '
    denied "DELETE FROM lablog.point" "permission denied"
'
test_expect 'a member cannot TRUNCATE' '
    denied "TRUNCATE lablog.entry CASCADE" "permission denied"
'
test_expect 'a member cannot write a head directly' '
    denied "INSERT INTO lablog.head(origin, seq, hash) VALUES
            (\$\$$O\$\$, 9, \$\$\\x09\$\$)" "permission denied"
'
test_expect 'move_head refuses a head that goes back' '
    denied "SELECT lablog.move_head(\$\$$O\$\$, 1, \$\$\\x01\$\$)" \
        "would go back from 2 to 1"
'
test_expect 'move_head refuses an entry the hub does not hold' '
    denied "SELECT lablog.move_head(\$\$$O\$\$, 3, \$\$\\x03\$\$)" \
        "does not hold"
'
test_expect 'move_head refuses a gap' '
    alice "INSERT INTO lablog.entry(origin, seq, uid, hlc, ts, author, kind,
               title, body, data, format, prev, hash, line)
           VALUES (\$\$$O\$\$, 5, \$\$u5\$\$, 5, 5, \$\$ada\$\$, \$\$note\$\$,
               \$\$n\$\$, \$\$\$\$, \$\${}\$\$, 2, \$\$\\x04\$\$, \$\$\\x05\$\$, \$\${}\$\$)" &&
    denied "SELECT lablog.move_head(\$\$$O\$\$, 5, \$\$\\x05\$\$)" "has a gap"
'
test_expect 'a role outside lab_member cannot read the hub' '
    PGPASSWORD=m4llory-pw psql -X -q -At -h "$PG_HOST" -U mallory \
        -d postgres -c "select count(*) from lablog.entry" >out 2>&1 && false;
    grep -q "permission denied" out
'
test_expect 'even the owner cannot change or truncate' '
    ! pg_psql "UPDATE lablog.entry SET title = \$\$x\$\$" 2>out &&
    grep -q "append-only (UPDATE on entry)" out &&
    ! pg_psql "DELETE FROM lablog.head" 2>out &&
    grep -q "append-only (DELETE on head)" out &&
    ! pg_psql "TRUNCATE lablog.point" 2>out &&
    grep -q "append-only (TRUNCATE on point)" out
'

test_expect 'hub status lists the origin and its head' '
    lablog hub status "$ALICE" >out &&
    grep -q "^  $O  laptop  *ada  *2  02  *20[0-9-]* [0-9:]*$" out &&
    grep -q "^3 entries, 0 points, 0 attachments" out
'

# Failures: one line, exit 1, and never the password.
test_fails 1 'cannot connect to the hub' \
    lablog hub status "postgresql://alice:al1ce-pw@/postgres?host=$TMP/nowhere"
test_fails 1 'password authentication failed' \
    lablog hub status "postgresql://alice:wr0ng-pw@/postgres?host=$PG_HOST"
test_fails 1 'invalid percent-encoded token' \
    lablog hub status "postgresql://alice:s3cr%zzet@/postgres?host=$PG_HOST"
test_expect 'no failure message quotes the password' '
    lablog hub status "postgresql://alice:s3cr%zzet@/postgres?host=$PG_HOST" \
        2>err; ! grep -q "s3cr" err && grep -q "\*\*\*" err &&
    lablog hub status "postgresql://alice:wr0ng-pw@/postgres?host=$PG_HOST" \
        2>err; ! grep -q "wr0ng" err &&
    lablog hub status "postgresql://alice:al1ce-pw@/postgres?host=$TMP/nowhere" \
        2>err; ! grep -q "al1ce" err
'
test_expect 'no success output quotes the password' '
    lablog hub init "$PG_SUPER_URL" >out 2>&1 &&
    lablog hub status "$ALICE" >>out 2>&1 &&
    ! grep -q "$PG_PASS" out && ! grep -q "al1ce-pw" out
'
pg_psql "CREATE DATABASE empty"
test_fails 1 "no lablog hub at" \
    lablog hub status "$(pg_url postgres "$PG_PASS" empty)"
test_fails 2 'a hub is a postgresql:// URL' lablog hub status dir:/tmp/x
test_fails 2 'unknown verb' lablog hub frobnicate "$ALICE"
test_expect 'hub --help without a log' '
    lablog hub --help >out && grep -q "usage: lablog hub" out &&
    lablog hub init --help >out && grep -q "lab_member" out
'

test_done
