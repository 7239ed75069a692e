#!/bin/sh
# Log format 2: migrating a format-1 log, copies becoming new origins,
# unknown kinds kept verbatim, heads that catch truncation and forks,
# same-named experiments of two origins, the feed, and what people type
# for entries and experiments.
. "$LABLOG_TOP/tests/cli/lib.sh"
export LABLOG_HOST=laptop
drop_triggers() {
    for t in $(sqlite3 "$1" "select name from sqlite_master where type = 'trigger' and name not like 'entry_fts%'"); do
        sqlite3 "$1" "drop trigger $t"
    done
}

# ---- migration of the format-1 fixture ----------------------------------
sqlite3 f1.db <"$LABLOG_TOP/tests/fixtures/format1.sql"
test_fails 1 "is a format-1 log; run 'lablog migrate'" lablog --db f1.db log
test_expect 'migrate says what it did' '
    lablog --db f1.db migrate 2>e && grep -q "migrated the log from format 1 to format 2 (15 entries" e
'
test_expect 'the migrated log verifies, format-1 hashes kept' '
    lablog --db f1.db verify >o && grep -q "^ok: 15 entries, 6 points in 3 batches, 1 attachments; 1 origin$" o &&
    test "$(sqlite3 f1.db "select hex(hash) from entry where id = 1")" = 85FD9E9CD325125DDE5552AB198AD1F3F017AC122095A8CCA04E80F2D6D5D551 &&
    test "$(sqlite3 f1.db "select count(*) from entry where format = 1")" = 14
'
test_expect 'the first format-2 entry chains to the format-1 head' '
    test "$(sqlite3 f1.db "select hex(prev) from entry where seq = 15")" = "$(sqlite3 f1.db "select hex(hash) from entry where seq = 14")" &&
    sqlite3 f1.db "select kind, format from entry where seq = 15" | grep -qx "origin|2"
'
test_expect 'migrate again: nothing to do' '
    lablog --db f1.db migrate 2>e && grep -q "already in format 2" e
'
test_expect 'the migrated log reads as before' '
    lablog --db f1.db exp show base >o &&
    grep -q "^  loss                    3  0.5 (2) " o &&
    lablog --db f1.db log >o && grep -q "^#10    2026-11-20 09:00  amend    #9: a note, amended" o &&
    grep -q "^#9 .*(retracted: wrong)" o
'
test_expect 'the migrated log takes new writes and verifies again' '
    lablog --db f1.db note --exp base "after migration" >/dev/null &&
    lablog --db f1.db metric --exp base loss=0.25 >/dev/null &&
    lablog --db f1.db exp show base | grep -q "^  loss                    4  0.25 (3) " &&
    lablog --db f1.db verify | grep -q "^ok: 17 entries, 7 points in 4 batches"
'
cp f1.db f1t.db
drop_triggers f1t.db
sqlite3 f1t.db "update entry set body = 'a changed note' where id = 9"
test_fails 1 "entry 9 (note) does not match its hash" lablog --db f1t.db verify
cp f1.db f1p.db
drop_triggers f1p.db
sqlite3 f1p.db "update point set value = 3 where value = 2.0"
test_fails 1 "entry 5 (metrics batch) does not match its digest" lablog --db f1p.db verify
cp f1.db f1e.db
drop_triggers f1e.db
sqlite3 f1e.db "update entry set exp_uid = (select uid from entry where id = 3) where id = 9"
test_fails 1 "entry 9 (note) does not match its hash" lablog --db f1e.db verify

# ---- copies become new origins --------------------------------------------
lablog init --name p >/dev/null 2>&1
lablog exp new base >/dev/null
lablog metric --exp base --step 0 loss=1 >/dev/null
cp lablog.db b.db
lablog note "written in a" >/dev/null
LABLOG_HOST=node1 lablog --db b.db note "written in b" >/dev/null
test_expect 'both copies verify' '
    lablog verify | grep -q "^ok: 4 entries.*; 1 origin$" &&
    lablog --db b.db verify | grep -q "^ok: 5 entries.*; 2 origins$"
'
test_expect 'the copy wrote as a new origin named after the one it came from' '
    a=$(sqlite3 lablog.db "select origin from entry where body = '\''written in a'\''") &&
    b=$(sqlite3 b.db "select origin from entry where body = '\''written in b'\''") &&
    test -n "$a" && test -n "$b" && test "$a" != "$b" &&
    sqlite3 b.db "select kind from entry where origin = '\''$b'\'' and seq = 1" | grep -qx origin &&
    lablog --db b.db origins >o && grep -q "^$b  node1 .* copy of $(echo "$a" | cut -c1-8) at 3  (this replica)$" o
'
test_expect 'a second write to the copy stays in its origin' '
    LABLOG_HOST=node1 lablog --db b.db note "again in b" >/dev/null &&
    test "$(sqlite3 b.db "select count(distinct origin) from entry")" = 2
'

# ---- unknown kinds ----------------------------------------------------------
test_expect 'debug is hidden from help' '
    ! lablog help | grep -q debug
'
test_expect 'an entry of an unknown kind verifies' '
    lablog debug append-raw --kind x-future --title "from a newer lablog" --data "{\"k\": [1, 2]}" >/dev/null &&
    lablog verify | grep -q "^ok: 5 entries"
'
test_expect 'it is stored verbatim' '
    sqlite3 lablog.db "select kind, data from entry where id = 5" | grep -qx "x-future|{\"k\": \[1, 2\]}"
'
test_expect 'log lists it as an unknown kind' '
    lablog log >o && grep -q "^#5 .* x-future unknown kind '\''x-future'\'': from a newer lablog$" o &&
    lablog show 5 | grep -q "^kind:    x-future (unknown kind)$"
'
test_expect 'renderers warn once and go on' '
    lablog daily --format text >o 2>e &&
    test "$(grep -c "warning: ignoring 1 entry of a kind this lablog does not know ('\''x-future'\'')" e)" = 1 &&
    test "$(wc -l <e)" = 1 && grep -q "Daily update" o &&
    lablog report -o r.md 2>e && test "$(wc -l <e)" = 1 && test -s r.md
'

# ---- heads: truncation and forks -----------------------------------------
lablog verify >heads
test_expect 'the heads verify later' 'lablog verify --heads heads >/dev/null'
lablog note "the newest" >/dev/null
newest=$(lablog verify | sed -n "s/^head \([^ ]*\).*/\1/p")
test_expect 'a log that grew keeps the old heads' '
    lablog verify --heads heads >/dev/null && lablog verify --head "$newest" >/dev/null
'
cp lablog.db cut.db
drop_triggers cut.db
sqlite3 cut.db "delete from entry where id = (select max(id) from entry)"
test_expect 'without the head, truncation is invisible' 'lablog --db cut.db verify >/dev/null'
test_fails 1 "went backwards: this log ends at" lablog --db cut.db verify --head "$newest"
test_expect 'the message names the lost head' '
    grep -q "$(echo "$newest" | cut -d: -f1-2)" .ferr
'
cp lablog.db backup.db
lablog note "written, then lost" >/dev/null
lost=$(lablog verify | sed -n "s/^head \([^ ]*\).*/\1/p")
cp backup.db lablog.db    # restored in place: same file, same origin
lablog note "written after the restore" >/dev/null
test_fails 1 "forked at seq" lablog verify --head "$lost"
test_fails 2 "is not a head" lablog verify --head "nope"
printf 'garbage\n' >badheads
test_fails 1 "badheads:1: 'garbage' is not a head" lablog verify --heads badheads

# ---- two experiments named baseline from two origins ---------------------
mkdir two && cd two
lablog init --name two >/dev/null 2>&1
cp lablog.db ../node.db
lablog exp new baseline --hypothesis "laptop's" >/dev/null
LABLOG_HOST=node1 LABLOG_AUTHOR=bob lablog --db ../node.db exp new baseline --hypothesis "node's" >/dev/null
LABLOG_HOST=node1 LABLOG_AUTHOR=bob lablog --db ../node.db metric --exp baseline --step 0 loss=2 >/dev/null
printf 'samples from the node\n' >samples.txt
LABLOG_HOST=node1 LABLOG_AUTHOR=bob lablog --db ../node.db attach samples.txt --exp baseline >/dev/null
printf '{"id": "a", "prompt": "2+2", "output": "4", "score": 1}\n{"id": "b", "prompt": "3+3", "output": "7", "score": 0.1}\n' >outs.jsonl
LABLOG_HOST=node1 LABLOG_AUTHOR=bob lablog --db ../node.db samples add --exp baseline outs.jsonl >/dev/null 2>&1
lablog --db ../node.db export --feed >node.feed
test_expect 'the test-only union adds the other origin' '
    lablog debug union node.feed 2>e && grep -q "^union: 5 entries added (1 points), 1 already held, 0 forks kept$" e &&
    lablog verify | grep -q "^ok: 7 entries, 1 points in 1 batches, 1 attachments, 2 samples in 1 set; 2 origins$"
'
test_expect 'a second union adds nothing' '
    lablog debug union node.feed 2>e && grep -q "^union: 0 entries added (0 points), 6 already held" e
'
test_expect 'the attachment came with its bytes' '
    test "$(sqlite3 lablog.db "select data from blob")" = "samples from the node"
'
test_expect 'the samples came with their pieces' '
    lablog samples show baseline@node1 --worst 1 >o && grep -q "3+3" o
'
test_expect 'readers tell them apart' '
    lablog exp list >o && grep -q "^baseline (ada@laptop) " o && grep -q "^baseline (bob@node1) " o &&
    lablog log | grep -q "metrics  \[baseline (bob@node1)\] 1 point"
'
test_fails 2 "experiment name 'baseline' is used by several origins: baseline@laptop (ada" lablog exp show baseline
test_expect '--exp NAME@HOST picks one' '
    lablog exp show baseline@node1 | grep -q "^hypothesis: node'\''s$" &&
    lablog metric --exp baseline@laptop --step 0 loss=1 >/dev/null &&
    lablog exp show baseline@laptop | grep -q "^  loss                    1  1 (0)"
'
test_expect '--exp takes a uid prefix' '
    uid=$(sqlite3 lablog.db "select uid from entry where kind = '\''exp'\'' and body like '\''node%'\''") &&
    lablog exp show "$(echo "$uid" | cut -c1-14 | tr A-Z a-z)" | grep -q "^hypothesis: node'\''s$"
'
test_expect 'a name taken in this replica cannot be created again' '
    ! lablog exp new baseline 2>e && grep -q "already exists" e
'
cd ..

# ---- what people type for entries ----------------------------------------
n=$(lablog next "a step to close by uid")
uid=$(sqlite3 lablog.db "select uid from entry where id = $n")
test_expect 'an entry by its uid and by a unique prefix' '
    lablog show "$uid" | grep -q "^entry #$n " &&
    lablog done "$(echo "$uid" | cut -c1-16)" >/dev/null &&
    lablog show "$n" | grep -q "done"
'
test_fails 2 "is the start of several uids" lablog show "$(echo "$uid" | cut -c1-5)"
test_fails 1 "no entry with uid 'ZZZZZZZZ'" lablog show ZZZZZZZZ

# ---- the feed --------------------------------------------------------------
test_expect 'export --feed gives the same bytes twice' '
    lablog export --feed >f1 && lablog export --feed >f2 && cmp f1 f2
'
cat >check_feed.py <<'PY'
# Re-verifies every entry line of a feed on its own, by README's rules.
import hashlib, json, struct, sys
def field(x): b = x.encode(); return struct.pack(">Q", len(b)) + b
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[-1] == ""
header = json.loads(lines[0])
assert header["lablog-feed"] == 1 and len(header["heads"]) >= 1, header
prev_fold = None
for line in lines[1:-1]:
    e = json.loads(line)
    assert line == json.dumps(e, sort_keys=True, separators=(",", ":"), ensure_ascii=False), line
    prev = bytes.fromhex(e["prev"])
    if e["format"] == 2:
        parts = [e["origin"], str(e["seq"]), e["uid"], str(e["hlc"]), str(e["ts"]), e["author"],
                 e["kind"], e["exp"], e["ref"], e["title"], e["body"], e["data"]]
        tag = b"lablog-entry-2\0"
    else:
        num = lambda n: str(n) if n else ""
        parts = [str(e["seq"]), e["uid"], str(e["ts"]), e["author"], e["kind"], num(e["f1_exp"]),
                 num(e["f1_ref"]), e["title"], e["body"], e["data"]]
        tag = b"lablog-entry-1\0"
    h = hashlib.sha256(prev + tag + b"".join(field(p) for p in parts)).hexdigest()
    assert h == e["hash"], (h, e)
    fold = (e["hlc"], e["origin"], e["seq"])
    assert prev_fold is None or fold > prev_fold, fold
    prev_fold = fold
    if e["kind"] == "metrics" and e["format"] == 2:
        d = hashlib.sha256()
        n = 0
        for g in e["points"]:
            for step, v, ts in g["steps"]:
                v = {"NaN": float("nan"), "inf": float("inf"), "-inf": float("-inf")}.get(v, v)
                bits = 0x7ff8000000000000 if v != v else struct.unpack(">Q", struct.pack(">d", v))[0]
                d.update(field(g["exp"]) + field(g["metric"]) + field(g["attempt"]) +
                         struct.pack(">QQQ", step, bits, ts))
                n += 1
        data = json.loads(e["data"])
        assert d.hexdigest() == data["digest"] and n == data["points"], e
print("feed ok")
PY
test_expect 'every line re-verifies on its own (README rules)' '
    python3 check_feed.py f1 | grep -qx "feed ok" &&
    lablog --db f1.db export --feed >f1.feed && python3 check_feed.py f1.feed | grep -qx "feed ok" &&
    lablog --db b.db export --feed >b.feed && python3 check_feed.py b.feed | grep -qx "feed ok"
'
test_expect 'the header names this replica and every head' '
    head -n 1 f1 | grep -q "^{\"author\":\"ada\",\"heads\":\[{\"hash\":\"[0-9a-f]\{64\}\",\"origin\":\"[0-9A-Z]\{26\}\",\"seq\":[0-9]*}\],\"host\":\"laptop\",\"lablog-feed\":1,"
'
sed '3s/"title":"/"title":"X/' b.feed >tampered.feed
test_fails 1 "tampered.feed:3: the entry does not match its hash" lablog debug union tampered.feed
sed '1s/"lablog-feed":1/"lablog-feed":99/' b.feed >future.feed
test_fails 1 "future.feed:1: a feed of format 99 (this lablog reads 1): upgrade lablog" lablog debug union future.feed
test_expect 'a refused feed adds nothing' '
    lablog verify | grep -q "^ok: " &&
    test "$(sqlite3 lablog.db "select count(*) from entry where body like '\''%in b'\''")" = 0
'
test_expect 'export --json names each origin'\''s head' '
    lablog export --json >x.json && python3 -c "
import json; d = json.load(open(\"x.json\"))
assert len(d[\"heads\"]) == 1 and d[\"heads\"][0][\"seq\"] > 0
assert all(\"origin\" in e and \"seq\" in e for e in d[\"entries\"])
assert d[\"series\"][0][\"attempt\"]"
'
test_done
