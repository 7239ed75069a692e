#!/bin/sh
# Logs meeting logs: clone, merge (a log or a feed), feed directories
# (push, pull, sync, remotes), and the failure cases of SYNC.md that need
# no server: copies, rolled-back replicas, tampered, torn and newer feeds.
. "$(dirname "$0")/lib.sh"

L() { LABLOG_HOST=laptop lablog --db laptop.db "$@"; }
N() { LABLOG_HOST=node17 lablog --db node17.db "$@"; }
M() { LABLOG_HOST=node22 lablog --db node22.db "$@"; }
body() { lablog --db "$1" export --feed | tail -n +2; }

test_expect 'clone makes a replica with an origin of its own' '
    L init --name proj >/dev/null && L exp new base --param lr=1e-3 >/dev/null &&
    printf "sample output\n" >s.txt && L attach s.txt --exp base >/dev/null &&
    LABLOG_HOST=node17 lablog clone laptop.db node17.db 2>err &&
    grep -q "cloned .laptop.db. to .node17.db. as a new replica" err &&
    LABLOG_HOST=node22 lablog clone laptop.db node22.db 2>/dev/null &&
    N origins >o && grep -q "node17 .* copy of" o && grep -q "(this replica)" o &&
    test "$(N origins | wc -l)" = 2
'
test_fails 2 "exists: clone writes a new file" lablog clone laptop.db node17.db

# Interleaved work on three replicas, with clock offsets.
LABLOG_NOW=2026-11-20T10:00:00Z N metric --exp base --step 0 loss=2.0 acc=0.5 >/dev/null
LABLOG_NOW=2026-11-20T09:30:00Z M metric --exp base --step 0 loss=2.1 acc=0.4 >/dev/null
LABLOG_NOW=2026-11-20T09:40:00Z M note "node22 sees a plateau" >/dev/null
LABLOG_NOW=2026-11-20T09:50:00Z L note --takeaway "lr matters" >/dev/null
LABLOG_NOW=2026-11-20T10:10:00Z N exp new probe --param lr=3e-4 >/dev/null
LABLOG_NOW=2026-11-20T10:05:00Z M exp new probe --param lr=1e-4 >/dev/null

test_expect 'merge of a log, in three orders, gives one log' '
    cp laptop.db a.db && cp node17.db b.db && cp node22.db c.db &&
    LABLOG_HOST=laptop lablog --db a.db merge b.db 2>e1 &&
    grep -q "^merge: 3 entries added (2 points), 3 already held$" e1 &&
    LABLOG_HOST=laptop lablog --db a.db merge c.db 2>/dev/null &&
    LABLOG_HOST=node17 lablog --db b.db merge c.db 2>/dev/null &&
    LABLOG_HOST=node17 lablog --db b.db merge laptop.db 2>/dev/null &&
    LABLOG_HOST=node22 lablog --db c.db merge a.db 2>/dev/null &&
    LABLOG_HOST=node17 lablog --db b.db merge c.db 2>/dev/null &&
    body a.db >fa && body b.db >fb && body c.db >fc &&
    cmp fa fb && cmp fa fc &&
    lablog --db a.db verify >/dev/null && lablog --db b.db verify >/dev/null &&
    lablog --db c.db verify >/dev/null
'
test_expect 'a second merge adds nothing' '
    LABLOG_HOST=laptop lablog --db a.db merge c.db 2>e &&
    grep -q "^merge: 0 entries added (0 points), [0-9]* already held$" e
'
test_expect 'two experiments named probe from two origins are both kept' '
    lablog --db a.db exp list >l && test "$(grep -c "^probe" l)" = 2 &&
    grep -q "probe (ada@node17)" l && grep -q "probe (ada@node22)" l
'
test_expect 'merge of a feed file' '
    cp laptop.db d.db && lablog --db b.db export --feed >b.feed &&
    LABLOG_HOST=laptop lablog --db d.db merge b.feed 2>e &&
    grep -q "entries added" e && body d.db >fd && cmp fa fd
'

test_expect 'feed directory: push, pull and sync bring every replica level' '
    N push dir:spool 2>e && grep -q "^push: [0-9]* entries appended to spool$" e &&
    M push dir:spool 2>/dev/null && L remote add lab dir:spool &&
    L remote | grep -q "^lab  *dir:spool$" &&
    L sync lab 2>e && grep -q "^pull: 2 feeds: " e &&
    N pull dir:spool 2>/dev/null && M sync dir:spool 2>/dev/null &&
    N pull dir:spool 2>/dev/null &&
    body laptop.db >f1 && body node17.db >f2 && body node22.db >f3 &&
    cmp f1 f2 && cmp f1 f3 && cmp f1 fa
'
test_expect 'a second pull adds nothing, a second push appends nothing' '
    L pull lab 2>e && grep -q "0 entries added (0 points)" e &&
    N push dir:spool 2>e && grep -q "^push: 0 entries appended" e
'
test_expect 'an attachment travels with its entry' '
    LABLOG_HOST=node99 lablog --db fresh.db init --name other >/dev/null &&
    LABLOG_HOST=node99 lablog --db fresh.db pull dir:spool 2>/dev/null &&
    lablog --db fresh.db verify | grep -q "1 attachments"
'

# Failure cases.
test_expect 'a torn last line is left for the next pull' '
    cp laptop.db t.db && mkdir torn &&
    N note "written while a pull runs" >/dev/null && N push dir:spool 2>/dev/null &&
    f=$(grep -l "while a pull" spool/*.feed) &&
    head -c -40 "$f" >torn/$(basename "$f") &&
    LABLOG_HOST=laptop lablog --db t.db pull dir:torn 2>e && grep -q "0 entries added" e &&
    cp "$f" torn/ && LABLOG_HOST=laptop lablog --db t.db pull dir:torn 2>e &&
    grep -q "1 entry added" e
'
test_expect 'a push after a cut-off push repairs the line' '
    f=$(grep -l "while a pull" spool/*.feed) &&
    N note "after the cut" >/dev/null &&
    head -c -40 "$f" >cut && cp cut "$f" && N push dir:spool 2>/dev/null &&
    test "$(tail -c 1 "$f" | od -An -c | tr -d " ")" = "\n" &&
    LABLOG_HOST=laptop lablog --db t.db pull dir:spool 2>e && grep -q "1 entry added" e &&
    lablog --db t.db verify >/dev/null
'
mkdir bad
f=$(grep -l "while a pull" spool/*.feed)
sed '3s/"title":"/"title":"X/' "$f" >bad/$(basename "$f")
cp laptop.db u.db
state_before=$(log_state u.db)
test_fails 1 ":3: the entry does not match its hash" \
    env LABLOG_HOST=laptop "$LABLOG_BIN" --db u.db pull dir:bad
test_expect 'a tampered feed adds nothing' '
    test "$(log_state u.db)" = "$state_before"
'
lablog --db node17.db export --feed >pts.feed
sed 's/"steps":\[\[0,2,/"steps":[[0,2.5,/' pts.feed >badpts.feed
LABLOG_HOST=node40 lablog --db v.db init --name v >/dev/null 2>&1
v_before=$(log_state v.db)
test_fails 1 "a metrics entry whose points do not match its digest" \
    env LABLOG_HOST=node40 "$LABLOG_BIN" --db v.db merge badpts.feed
test_expect 'a changed point: what came before it is added, nothing from it on' '
    ! cmp -s pts.feed badpts.feed &&
    bad_uid=$(grep "\"steps\":\[\[0,2.5," badpts.feed | sed "s/.*\"uid\":\"\([0-9A-Z]*\)\".*/\1/") &&
    test ${#bad_uid} = 26 && lablog --db v.db verify >/dev/null &&
    ! lablog --db v.db export --feed | grep -q "$bad_uid" &&
    test "$(log_state v.db)" != "$v_before"
'
test_fails 1 "a metrics entry whose points do not match its digest" \
    env LABLOG_HOST=laptop "$LABLOG_BIN" --db u.db merge badpts.feed
rm -f bad/*
sed '1s/"lablog-feed":1/"lablog-feed":99/' "$f" >bad/$(basename "$f")
test_fails 1 "a feed of format 99 (this lablog reads 1): upgrade lablog" \
    env LABLOG_HOST=laptop "$LABLOG_BIN" --db u.db pull dir:bad
test_expect 'a replica restored from a backup does not push over its feed' '
    cp node22.db old22.db && M note "after the backup" >/dev/null &&
    M push dir:spool 2>/dev/null && cat old22.db >node22.db &&
    rm -f node22.db-wal node22.db-shm &&
    ! M push dir:spool 2>e && grep -q "this replica went back" e
'
# A merge holds the log only while it adds checked entries: a note written
# while it waits for the rest of a feed goes through (with the lock held
# from the start it would wait out the busy timeout and fail).
test_expect 'a merge waiting on a slow feed does not hold up a writer' '
    lablog --db node17.db export --feed >full.feed &&
    LABLOG_HOST=node41 lablog --db w.db init --name w >/dev/null 2>&1 &&
    mkfifo slow.feed &&
    { LABLOG_HOST=node41 lablog --db w.db merge slow.feed 2>merge.err & } &&
    exec 9>slow.feed && head -n 3 full.feed >&9 &&
    LABLOG_HOST=node41 lablog --db w.db note "written during a merge" >/dev/null &&
    tail -n +4 full.feed >&9 && exec 9>&- && wait &&
    grep -q "entries added" merge.err &&
    lablog --db w.db log | grep -q "written during a merge" &&
    lablog --db w.db verify >/dev/null
'
test_expect 'merge - reads a feed from stdin' '
    LABLOG_HOST=node42 lablog --db x.db init --name x >/dev/null 2>&1 &&
    LABLOG_HOST=node42 lablog --db x.db merge - <full.feed 2>e &&
    grep -q "entries added" e && lablog --db x.db verify >/dev/null
'

# Heads seen in merges and pulls are remembered: a place that went back is
# named when it is met again, and so is this log losing what it was given.
P() { LABLOG_HOST=node30 lablog --db p.db "$@"; }
Q() { LABLOG_HOST=laptop lablog --db q.db "$@"; }
P init --name p >/dev/null 2>&1 && P note one >/dev/null
cp p.db p-old.db && P note two >/dev/null
p_origin=$(P origins | grep "this replica" | cut -c1-26)
test_expect 'a log merged before that went back is named, and adds nothing' '
    cp laptop.db q.db && Q merge p.db 2>/dev/null &&
    cp p-old.db p.db && rm -f p.db-wal p.db-shm && state=$(log_state q.db) &&
    ! Q merge p.db 2>e &&
    grep -q "^lablog: error: .*/p.db: origin $p_origin went back: it held entry 3 when last seen (20[0-9-]* [0-9:]*) and now ends at 2 (restored from a backup, or rows removed)$" e &&
    test "$(log_state q.db)" = "$state"
'
R() { LABLOG_HOST=node31 lablog --db r.db "$@"; }
R init --name r >/dev/null 2>&1 && R note one >/dev/null
r_origin=$(R origins | grep "this replica" | cut -c1-26)
test_expect 'a feed file that lost lines is named by a replica that read it' '
    mkdir rf && R push dir:rf 2>/dev/null && Q pull dir:rf 2>/dev/null &&
    R note two >/dev/null && R push dir:rf 2>/dev/null && Q pull dir:rf 2>/dev/null &&
    head -n -1 rf/$r_origin.feed >cut && cp cut rf/$r_origin.feed &&
    ! Q pull dir:rf 2>e && grep -q "rf/$r_origin.feed: origin $r_origin went back: it held entry 3 when" e
'
test_expect 'this log losing entries it was given is named by verify and origins' '
    sqlite3 q.db "DROP TRIGGER entry_no_delete;
                  DELETE FROM entry WHERE origin = '"'$p_origin'"' AND seq = 3" &&
    ! lablog --db q.db verify 2>e &&
    grep -q "^lablog: error: origin $p_origin went backwards: this log ends at $p_origin:2:.* (seen in .*p.db on 20" e &&
    lablog --db q.db origins | grep "^$p_origin " | grep -q "BEHIND: entry 3 was seen" &&
    lablog --db q.db origins --json | python3 -c "
import json, sys
o = {x[\"origin\"]: x for x in json.load(sys.stdin)}
p = o[\"$p_origin\"]
assert p[\"behind\"] and p[\"seen_seq\"] == 3 and p[\"head_seq\"] == 2, p
assert p[\"host\"] == \"node30\" and p[\"last_write\"].endswith(\"Z\"), p
assert sum(1 for x in o.values() if x[\"self\"]) == 1
"
'
test_fails 2 "no remote 'nowhere'" env LABLOG_HOST=laptop "$LABLOG_BIN" --db laptop.db push nowhere
test_fails 1 "cannot connect to the hub" env LABLOG_HOST=laptop "$LABLOG_BIN" --db laptop.db push "postgresql:///db?host=$TMP/nowhere"
test_fails 2 "a target is dir:PATH or a postgresql:// URL" env LABLOG_HOST=laptop "$LABLOG_BIN" --db laptop.db push ftp://x/y
test_fails 1 "cannot open 'missing.db'" env LABLOG_HOST=laptop "$LABLOG_BIN" --db laptop.db merge missing.db
# One SQLite file is never written from two hosts on a network filesystem.
cp laptop.db nfs.db && LABLOG_HOST=laptop lablog --db nfs.db note "here" >/dev/null 2>&1
nfs_before=$(log_state nfs.db)
test_fails 1 "is on a network filesystem (nfs4) and was last written from host 'laptop'" \
    env LABLOG_TEST_FSTYPE=nfs4 LABLOG_HOST=node17 "$LABLOG_BIN" --db nfs.db note "from a node"
test_expect 'the refused write left the log unchanged' '
    test "$(log_state nfs.db)" = "$nfs_before"
'
test_expect 'the same host on a network filesystem is warned once' '
    LABLOG_TEST_FSTYPE=nfs4 LABLOG_HOST=laptop lablog --db nfs.db note one >/dev/null 2>e1 &&
    grep -q "^lablog: warning: .nfs.db. is on a network filesystem (nfs4): write it from this host only" e1 &&
    LABLOG_TEST_FSTYPE=nfs4 LABLOG_HOST=laptop lablog --db nfs.db note two >/dev/null 2>e2 &&
    test ! -s e2
'
test_expect 'a local filesystem is not refused' '
    LABLOG_TEST_FSTYPE=ext4 LABLOG_HOST=node17 lablog --db nfs.db note "copy here" >/dev/null 2>&1
'
# A cluster job: lablog env names the experiment by uid and the spool; a
# replica on the node logs to it by uid and its feed comes home by pull.
test_expect 'env prints the job variables and pushes this replica to the spool' '
    L env --exp base --spool jobs >v && uid=$(sed -n "s/^LABLOG_EXP_UID=\([0-9A-Z]*\),LABLOG_SPOOL=.*/\1/p" v) &&
    test ${#uid} = 26 && grep -q ",LABLOG_SPOOL=$PWD/jobs$" v &&
    test -s jobs/$(L origins | grep "this replica" | cut -c1-26).feed &&
    L env --exp base --spool jobs --sh >sh && grep -q "^export LABLOG_EXP_UID=$uid$" sh &&
    grep -q "^export LABLOG_SPOOL=.$PWD/jobs.$" sh
'
test_expect 'a job replica logs to the experiment by uid; pull brings it home' '
    eval "$(L env --exp base --spool jobs --sh)" &&
    LABLOG_HOST=node50 lablog --db job.db init --name job >/dev/null 2>&1 &&
    LABLOG_HOST=node50 lablog --db job.db pull "dir:$LABLOG_SPOOL" 2>/dev/null &&
    LABLOG_HOST=node50 lablog --db job.db metric --step 7 loss=0.25 >/dev/null &&
    LABLOG_HOST=node50 lablog --db job.db push "dir:$LABLOG_SPOOL" 2>/dev/null &&
    unset LABLOG_EXP_UID LABLOG_SPOOL &&
    L pull dir:jobs 2>/dev/null && L exp show base --all-attempts >x && grep -q "0.25 (7)" x
'
test_expect 'a job writes a replica of its own: started when missing, the experiment pulled from the spool' '
    eval "$(L env --exp base --spool jobs --sh)" && mkdir node51 &&
    LABLOG_HOST=node51 LABLOG_DB=$PWD/node51/ll.db lablog metric --step 8 loss=0.125 >/dev/null 2>e &&
    grep -q "^lablog: [0-9]* entries from the spool " e &&
    LABLOG_HOST=node51 LABLOG_DB=$PWD/node51/ll.db lablog push "dir:$LABLOG_SPOOL" 2>/dev/null &&
    unset LABLOG_EXP_UID LABLOG_SPOOL &&
    L pull dir:jobs 2>/dev/null && L exp show base --all-attempts >x && grep -q "0.125 (8)" x
'
test_expect 'a job run killed with SIGKILL: what it committed is home, shown lost, and base runs again' '
    eval "$(L env --exp base --spool jobs2 --sh)" && mkdir node53 &&
    { LABLOG_HOST=node53 LABLOG_DB=$PWD/node53/ll.db lablog run --no-tty -- \
        sh -c "echo lablog: loss=0.75 step=101; echo lablog: loss=0.5 step=102; exec sleep 60" \
        >run.out 2>run.err & } && pid=$! &&
    for i in $(seq 200); do
        grep -qs "\[102,0.5," jobs2/*.feed && break; sleep 0.1
    done &&
    grep -qs "\[102,0.5," jobs2/*.feed &&
    kill -9 $(pgrep -P $pid) $pid && unset LABLOG_EXP_UID LABLOG_SPOOL &&
    L pull dir:jobs2 2>/dev/null &&
    LABLOG_NOW=2026-11-20T12:00:00Z L exp show base --all-attempts >x &&
    grep -q "0.5 (102)" x && grep -q "^base (#[0-9]*): lost" x &&
    L run --exp base -- true 2>/dev/null &&
    L exp show base >x && grep -q "^base (#[0-9]*): done" x
'
test_fails 1 "'probe@node17' was created on node17, and its feed is not in" \
    env LABLOG_HOST=laptop "$LABLOG_BIN" --db laptop.db env --exp probe@node17 --spool jobs3
test_expect 'a job run finds its experiment by uid where origins share its name' '
    L exp new twin >/dev/null && N exp new twin >/dev/null &&
    L merge node17.db 2>/dev/null && N push dir:jobs3 2>/dev/null &&
    eval "$(L env --exp twin@laptop --spool jobs3 --sh)" && mkdir node54 &&
    LABLOG_HOST=node54 LABLOG_DB=$PWD/node54/ll.db lablog run --no-tty -- \
        sh -c "echo lablog: acc=0.875 step=5" >/dev/null 2>e &&
    grep -q "run .twin. done" e && unset LABLOG_EXP_UID LABLOG_SPOOL &&
    L pull dir:jobs3 2>/dev/null && L exp show twin@laptop --all-attempts >x &&
    grep -q "0.875 (5)" x && L exp show twin@node17 --all-attempts >y &&
    ! grep -q "0.875" y
'
test_fails 1 "no lablog log at" env LABLOG_DB="$PWD/node52/ll.db" "$LABLOG_BIN" metric --step 1 loss=1
test_fails 2 "env needs --exp NAME" env LABLOG_HOST=laptop "$LABLOG_BIN" --db laptop.db env
test_expect 'every command has --help' '
    for c in merge clone push pull sync remote env; do
        lablog --db laptop.db $c --help | grep -q "^usage: lablog $c" || exit 1
    done
'
test_done
