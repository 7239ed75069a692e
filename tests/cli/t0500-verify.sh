#!/bin/sh
# lablog verify: tamper evidence for entries, points and attachments.
. "$LABLOG_TOP/tests/cli/lib.sh"
lablog init --name v >/dev/null 2>&1
lablog exp new a >/dev/null
lablog note "first" >/dev/null
lablog note "second" >/dev/null
lablog metric --exp a loss=1 acc=2 >/dev/null
lablog metric --exp a loss=0.5 >/dev/null
printf 'PNG-ish bytes' >plot.png
lablog attach plot.png --exp a --caption "a plot" >/dev/null
lablog attach plot.png >/dev/null
lablog note "third" >/dev/null

test_expect 'verify: ok with counts and the head of the one origin' '
    lablog verify >o && sed -n 1p o | grep -qx "ok: 9 entries, 3 points in 2 batches, 1 attachments; 1 origin" &&
    sed -n 2p o | grep -q "^head [0-9A-Z]\{26\}:9:[0-9a-f]\{64\}  " &&
    test "$(wc -l <o)" -eq 2
'
test_expect 'the same file attached twice is stored once' '
    sqlite3 lablog.db "select count(*) from blob" | grep -qx 1
'
drop_triggers() {
    for t in $(sqlite3 "$1" "select name from sqlite_master where type = 'trigger' and name not like 'entry_fts%'"); do
        sqlite3 "$1" "drop trigger $t"
    done
}
cp lablog.db t1.db
drop_triggers t1.db
sqlite3 t1.db "update entry set body = 'edited' where id = 3"
test_fails 1 "entry 3 (note) does not match its hash" lablog --db t1.db verify
cp lablog.db t2.db
drop_triggers t2.db
sqlite3 t2.db "update point set value = 0.75 where step = 1"
test_fails 1 "entry 6 (metrics batch) does not match its digest" lablog --db t2.db verify
cp lablog.db t3.db
drop_triggers t3.db
sqlite3 t3.db "delete from point where step = 0 and value = 2"
test_fails 1 "entry 5 (metrics batch) recorded 2 points but 1 are in the log" lablog --db t3.db verify
cp lablog.db t4.db
drop_triggers t4.db
sqlite3 t4.db "update blob set data = 'other'"
test_fails 1 "attachment" lablog --db t4.db verify
cp lablog.db t5.db
drop_triggers t5.db
sqlite3 t5.db "delete from entry where id = 4"
test_fails 1 "entry 4 of origin" lablog --db t5.db verify
test_expect 'the message names the gap' '
    grep -q "is missing (its chain jumps from 3 to 5)" .ferr
'
cp lablog.db t20.db
drop_triggers t20.db
sqlite3 t20.db "update entry set exp_uid = (select uid from entry where id = 1) where id = 3"
test_fails 1 "entry 3 (note) does not match its hash" lablog --db t20.db verify
cp lablog.db t21.db
drop_triggers t21.db
sqlite3 t21.db "update series set attempt = (select uid from entry where id = 1)"
test_fails 1 "does not match its digest" lablog --db t21.db verify
cp lablog.db t22.db
drop_triggers t22.db
sqlite3 t22.db "update entry set prev = zeroblob(32) where id = 4"
test_fails 1 "entry 4 (note) does not name its predecessor's hash" lablog --db t22.db verify
cp lablog.db t23.db
sqlite3 t23.db "insert or replace into point select series, step, batch, 9.5, ts from point where step = 0 and value = 1"
test_fails 1 "does not match its digest" lablog --db t23.db verify
# Holes: an attachment's bytes deleted, or replaced and re-keyed; a stored
# field that reads back as less than is stored (the hash covers what is
# read).
sha=$(sqlite3 lablog.db "select sha256 from blob")
other=$(printf other | sha256sum | cut -c1-64)
cp lablog.db t6.db
drop_triggers t6.db
sqlite3 t6.db "delete from blob"
test_fails 1 "entry 7 (attach): attachment ${sha%"${sha#????????????}"} is not in the log" \
    lablog --db t6.db verify
cp lablog.db t7.db
drop_triggers t7.db
sqlite3 t7.db "update blob set data = 'other', size = 5, sha256 = '$other'"
test_fails 1 "entry 7 (attach): attachment ${sha%"${sha#????????????}"} is not in the log" \
    lablog --db t7.db verify
cp lablog.db t8.db
drop_triggers t8.db
sqlite3 t8.db "update entry set uid = uid || 'EXTRA' where id = 3"
test_fails 1 "entry 3: its uid has 31 characters, not 26" lablog --db t8.db verify
cp lablog.db t9.db
drop_triggers t9.db
sqlite3 t9.db "update entry set body = body || char(0) || 'hidden' where id = 3"
test_fails 1 "entry 3: its body is not text or holds a NUL byte" lablog --db t9.db verify
cp lablog.db t10.db
drop_triggers t10.db
sqlite3 t10.db "update entry set kind = 'notes' where id = 3"
test_fails 1 "entry 3 (notes) does not match its hash" lablog --db t10.db verify
cp lablog.db t11.db
drop_triggers t11.db
sqlite3 t11.db "update entry set ts = ts + 0.5 where id = 3"
test_fails 1 "entry 3: its id, seq, clock, time or format is not an integer" \
    lablog --db t11.db verify
test_expect 'the original still verifies' 'lablog verify >/dev/null'
test_done
