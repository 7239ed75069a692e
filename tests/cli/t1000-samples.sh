#!/bin/sh
# lablog samples add|show|diff and attach --get: round trips, selectors,
# diff with partly overlapping ids and the paired test against scipy,
# hostile text, invalid UTF-8, 1 MB fields, verify, errors.
. "$LABLOG_TOP/tests/cli/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
lablog init --name s >/dev/null 2>&1
lablog exp new base >/dev/null
lablog exp new tuned >/dev/null
export COLUMNS=100

# 12 ids in A, 10 in B; 8 shared (q4..q11), scores made up by hand.
cat >a.jsonl <<'JSONL'
{"id": "q0", "prompt": "What is 0 + 0?", "response": "0", "score": 1.0, "temperature": 0.7}
{"id": "q1", "prompt": "What is 1 + 1?", "response": "2", "score": 0.9}
{"id": "q2", "prompt": "What is 2 + 2?", "response": "5", "score": 0.1}
{"id": "q3", "prompt": "What is 3 + 3?", "response": "6", "score": 0.8}
{"id": "q4", "prompt": "What is 4 + 4?", "response": "8", "score": 0.62}
{"id": "q5", "prompt": "What is 5 + 5?", "response": "ten", "score": 0.71}

{"id": "q6", "prompt": "What is 6 + 6?", "response": "12", "score": 0.55}
{"id": "q7", "prompt": "What is 7 + 7?", "response": "14", "score": 0.80, "meta": {"k": [1, 2]}}
{"id": "q8", "prompt": "What is 8 + 8?", "response": "61", "score": 0.47}
{"id": "q9", "prompt": "What is 9 + 9?", "response": "18", "score": 0.66}
{"id": "q10", "prompt": "What is 10 + 10?", "response": "20", "score": 0.73}
{"id": "q11", "prompt": "What is 11 + 11?", "response": "22", "score": 0.59}
JSONL
cat >b.csv <<'CSV'
id,prompt,completion,reward
q4,"What is 4 + 4?","8, surely",0.70
q5,"What is 5 + 5?","10",0.69
q6,"What is 6 + 6?","12
(on two lines)",0.63
q7,"What is 7 + 7?","14",0.85
q8,"What is 8 + 8?","16",0.55
q9,"What is 9 + 9?","18",0.64
q10,"What is 10 + 10?","20",0.81
q11,"What is 11 + 11?","22",0.66
q12,"What is 12 + 12?","24",0.9
q13,"What is 13 + 13?","26",0.2
CSV

test_expect 'add: JSONL and CSV (a record spanning lines), ids printed' '
    lablog samples add --exp base a.jsonl >id_a 2>e_a &&
    lablog samples add --exp tuned b.csv >id_b 2>e_b &&
    grep -q "samples: 12 rows (12 scored) from a.jsonl" e_a &&
    grep -q "roles: id, input, output, score" e_a &&
    grep -q "samples: 10 rows (10 scored) from b.csv" e_b &&
    test "$(cat id_a)" = 4 && test "$(cat id_b)" = 5
'
test_expect 'log lists a samples set with its rows' '
    lablog log --kind samples >l && grep -q "samples  \[base\] a.jsonl: 12 rows" l
'
test_expect 'verify covers the samples' '
    lablog verify >v && grep -q "22 samples in 2 sets" v
'
test_expect 'attach --get gives both files back byte for byte' '
    lablog attach --get 4 >got_a && cmp got_a a.jsonl &&
    lablog attach --get 5 -o got_b.csv && cmp got_b.csv b.csv &&
    sha=$(sha256sum b.csv | cut -c1-12) &&
    lablog attach --get "$sha" | cmp - b.csv
'
test_expect 'attach --get of a plain attachment' '
    printf "\001\002binary\377" >bin.dat && lablog attach bin.dat >id_bin &&
    lablog attach --get "$(cat id_bin)" -o bin.out && cmp bin.dat bin.out
'
test_expect 'round trip: show --json gives the rows back' '
    lablog samples show base --json >rt.jsonl &&
    $PY - a.jsonl rt.jsonl <<PY
import json, sys
a = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
b = [json.loads(l) for l in open(sys.argv[2])]
assert a == b, (a, b)
PY
'
test_expect 'round trip of CSV rows: cells by header, numbers as numbers' '
    lablog samples show tuned --json >rt2.jsonl &&
    $PY - b.csv rt2.jsonl <<PY
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
got = [json.loads(l) for l in open(sys.argv[2])]
assert len(rows) == len(got) == 10
for r, g in zip(rows, got):
    assert list(r) == list(g)
    assert r["completion"] == g["completion"] and r["id"] == g["id"]
    assert float(r["reward"]) == g["reward"]
PY
'
test_expect '--worst and --best order by score, ties in file order' '
    lablog samples show base --worst 3 --json >w &&
    $PY -c "import json,sys; print([json.loads(l)[\"id\"] for l in open(\"w\")])" >ids &&
    echo "['"'"'q2'"'"', '"'"'q8'"'"', '"'"'q6'"'"']" >expect && test_cmp expect ids &&
    lablog samples show base --best 1 --json | grep -q "\"q0\""
'
test_expect '--random N --seed S is reproducible and seed-dependent' '
    lablog samples show base --random 4 --seed 7 --json >r1 &&
    lablog samples show base --random 4 --seed 7 --json >r2 &&
    test_cmp r1 r2 && test $(wc -l <r1) = 4 &&
    lablog samples show base --random 4 --seed 8 --json >r3 &&
    ! cmp -s r1 r3 &&
    lablog samples show base --random 50 --json >r4 && test $(wc -l <r4) = 12
'
test_expect '--where FIELD=VALUE, by text and by number' '
    lablog samples show base --where response=ten --json >w1 &&
    test $(wc -l <w1) = 1 && grep -q "\"q5\"" w1 &&
    lablog samples show base --where score=1 --json | grep -q "\"q0\"" &&
    lablog samples show base --where temperature=0.7 --json | grep -q q0
'
test_expect '--id and --row' '
    lablog samples show tuned --id q6 >o && grep -q "(on two lines)" o &&
    grep -q "row 3 · id q6 · score 0.63" o &&
    lablog samples show base --row 12 --json | grep -q "\"q11\""
'
test_expect 'terminal view: summary, headline, other fields kept' '
    lablog samples show base --id q7 >o &&
    grep -q "^base: a.jsonl (entry 4, 2026-11-20 09:00, ada): 12 rows, 12 scored" o &&
    grep -q "meta .*{\"k\": \[1, 2\]}" o &&
    lablog samples show base >o2 && grep -q "(10 of 12 rows; --all" o2
'
test_fails 2 'choose one of --worst' lablog samples show base --worst 2 --best 2
test_fails 1 "'base' has no row with id 'nope'" lablog samples show base --id nope
test_fails 1 "unknown experiment 'nobody'" lablog samples show nobody
lablog exp new empty >/dev/null
test_fails 1 "experiment 'empty' has no samples" lablog samples show empty

test_expect 'diff: counts with partly overlapping ids, largest change first' '
    lablog samples diff base tuned --limit 3 >d &&
    grep -q "8 in both, 4 only in A, 2 only in B" d &&
    grep -q "scored in both: 8: B better 6, A better 2, tie 0" d &&
    grep -m 1 "^── " d | grep -q "^── q8 · base 0.47 → tuned 0.55 (+0.08)" ||
    { cat d; false; }
'
test_expect 'diff: outputs side by side' '
    grep -q "base output .*│ tuned output" d && grep -q "61 .*│ 16" d
'
test_expect 'diff --json: the paired t test agrees with scipy' '
    lablog samples diff base tuned --json >dj &&
    $PY - dj a.jsonl b.csv <<PY
import csv, json, math, sys
from scipy import stats
d = json.load(open(sys.argv[1]))
a = {r["id"]: r["score"] for r in map(json.loads, filter(str.strip, open(sys.argv[2])))}
b = {r["id"]: float(r["reward"]) for r in csv.DictReader(open(sys.argv[3], newline=""))}
ids = sorted(set(a) & set(b))
xa = [a[i] for i in ids]; xb = [b[i] for i in ids]
r = stats.ttest_rel(xb, xa)
diff = [y - x for x, y in zip(xa, xb)]
n = len(diff); m = sum(diff) / n
sd = math.sqrt(sum((x - m) ** 2 for x in diff) / (n - 1))
q = stats.t.ppf(0.975, n - 1)
p = d["paired"]
assert d["both"] == 8 and d["only_a"] == 4 and d["only_b"] == 2
for got, want in [(p["t"], r.statistic), (p["p"], r.pvalue), (p["mean"], m),
                  (p["sd"], sd), (p["lo"], m - q * sd / math.sqrt(n)),
                  (p["hi"], m + q * sd / math.sqrt(n))]:
    assert abs(got - want) <= 1e-9 * max(1, abs(want)), (got, want)
assert [x["key"] for x in d["pairs"]][:2] == ["q8", "q10"], d["pairs"]
PY
'
test_expect 'diff --by another field' '
    lablog samples diff base tuned --by prompt --limit 0 >d2 &&
    grep -q "samples diff by prompt" d2 && grep -q "8 in both" d2
'

# Hostile text: control characters, terminal escapes, bidi overrides,
# Markdown, HTML, Slack mentions and bytes that are not UTF-8.
$PY - <<'PY'
import json
rows = [
    {"id": "h1", "input": "\x1b[2J\x1b[31mred\x07", "output": "<script>alert(1)</script> **bold** <!channel> \u202eevil"},
    {"id": "h2", "input": "tab\there\rcr", "output": "ok"},
]
with open("h.jsonl", "w") as f:
    for r in rows:
        f.write(json.dumps(r) + "\n")
with open("h.jsonl", "ab") as f:
    f.write(b'{"id": "h3", "output": "raw \xff\xfe bytes", "input": "\\udcc3 escaped"}\n')
PY
lablog exp new hostile >/dev/null
test_expect 'hostile text is stored and shown escaped in a terminal' '
    lablog samples add --exp hostile h.jsonl >/dev/null 2>&1 &&
    lablog samples show hostile --all >o &&
    ! grep -q "$(printf "\033")" o && ! grep -q "$(printf "\007")" o &&
    ! grep -q "$(printf "\r")" o &&
    grep -qF "\\x1b[2J\\x1b[31mred\\x07" o && grep -qF "\\u202eevil" o &&
    grep -qF "<script>alert(1)</script> **bold** <!channel>" o &&
    grep -qF "raw \\xff\\xfe bytes" o && grep -qF "\\xc3 escaped" o &&
    grep -qF "tab    here\\x0dcr" o
'
test_expect 'invalid UTF-8 comes back through --json as surrogate escapes' '
    lablog samples show hostile --id h3 --json >j &&
    $PY - j <<PY
import json, sys
r = json.loads(open(sys.argv[1]).read())
assert r["output"].encode("utf-8", "surrogateescape") == b"raw \xff\xfe bytes", r
assert r["input"].encode("utf-8", "surrogateescape") == b"\xc3 escaped", r
PY
'
test_expect 'the hostile file comes back byte for byte' '
    id=$(lablog log --kind samples | tail -n 1 | sed "s/^#\([0-9]*\).*/\1/") &&
    lablog attach --get "$id" | cmp - h.jsonl
'

test_expect 'a 1 MB field is stored whole and folded when shown' '
    $PY -c "
import json
print(json.dumps({\"id\": \"big\", \"output\": \"x\" * 1048576, \"score\": 0.5}))
print(json.dumps({\"id\": \"small\", \"output\": \"y\", \"score\": 0.4}))
" >big.jsonl &&
    lablog exp new big >/dev/null &&
    lablog samples add --exp big big.jsonl >/dev/null 2>&1 &&
    lablog samples show big --id big >o &&
    grep -q "… (1,048,.* more characters)" o && test $(wc -c <o) -lt 5000 &&
    lablog samples show big --id big --json | $PY -c "import json,sys; assert len(json.load(sys.stdin)[\"output\"]) == 1048576" &&
    lablog samples show big --id big --full | grep -c x >/dev/null
'

# Bad input: the log is unchanged.
log_state >before
printf '{"id": "ok", "score": 1}\n{"id": broken}\n' >bad.jsonl
test_fails 1 "bad.jsonl:2:" lablog samples add --exp base bad.jsonl
printf 'id,output\n1,"open\n' >bad.csv
test_fails 1 "bad.csv:2: unterminated quoted field" lablog samples add --exp base bad.csv
: >empty.jsonl
test_fails 1 "no rows" lablog samples add --exp base empty.jsonl
test_fails 2 "no experiment given" lablog samples add a.jsonl
test_fails 1 "cannot open 'missing.jsonl'" lablog samples add --exp base missing.jsonl
test_expect 'failed adds left the log as it was' '
    log_state >after && test_cmp before after
'
test_expect 'samples from stdin, format guessed from the content' '
    printf "id,output,correct\nz1,yes,true\nz2,no,false\n" |
        lablog samples add --exp base - >/dev/null 2>e &&
    grep -q "2 rows (2 scored) from stdin.csv" e &&
    lablog samples show base --worst 1 --json | grep -q z2
'
test_expect '--set picks an older set' '
    lablog samples show base --set 4 --row 1 --json | grep -q "\"q0\""
'

test_expect 'note --sample ties a note to one example of the newest set' '
    lablog note --sample base:z1 "Right answer, wrong reason" >nid &&
    lablog show "$(cat nid)" >n && grep -q "exp:     base" n &&
    grep -q "\"sample\":\"z1\"" n && grep -q "\"sample_set\":\"" n
'
test_fails 1 "'base' has no sample with id 'q0'" lablog note --sample base:q0 "x" --takeaway
lablog samples add --exp base a.jsonl >/dev/null 2>&1
test_expect 'note --sample after re-adding finds the id again' '
    lablog note --sample base:q3 --takeaway "Confident and right" >/dev/null
'
test_fails 2 "--sample expects EXP:ID" lablog note --sample base "x"
test_fails 2 "name different experiments" lablog note --exp tuned --sample base:q3 "x"
test_fails 1 "unknown experiment 'nope'" lablog note --sample nope:q1 "x"

test_expect '--attempt picks the set of one attempt' '
    lablog exp start base >/dev/null &&
    run1=$(lablog log --kind status --exp base | tail -n 1 | sed "s/^#\([0-9]*\).*/\1/") &&
    uid1=$(lablog show "$run1" | head -n 1 | sed "s/.*  //") &&
    printf "%s\n" "{\"id\": \"r1\", \"score\": 0.5}" >att1.jsonl &&
    lablog samples add --exp base att1.jsonl >/dev/null 2>&1 &&
    lablog exp start base >/dev/null &&
    printf "%s\n" "{\"id\": \"r2\", \"score\": 0.6}" >att2.jsonl &&
    lablog samples add --exp base att2.jsonl >/dev/null 2>&1 &&
    lablog samples show base --json | grep -q r2 &&
    lablog samples show base --attempt "$(echo "$uid1" | cut -c1-20)" --json >a1 &&
    grep -q r1 a1 && ! grep -q r2 a1
'
test_fails 1 "has no samples from attempt ZZZZ" lablog samples show base --attempt ZZZZ
# Tampering with a stored sample is caught.
test_expect 'verify names a changed sample' '
    cp lablog.db t.db &&
    sqlite3 t.db "drop trigger sample_no_update; update sample set score = 0.99 where entry = 4 and seq = 0" &&
    ! lablog --db t.db verify 2>e && grep -q "entry 4 (samples) does not match its digest" e &&
    cp lablog.db t2.db &&
    sqlite3 t2.db "drop trigger sample_no_delete; delete from sample where entry = 5 and seq = 3" &&
    ! lablog --db t2.db verify 2>e2 && grep -q "entry 5 (samples)" e2
'
test_expect 'the sample table is append-only' '
    ! sqlite3 lablog.db "update sample set score = 1" 2>/dev/null &&
    ! sqlite3 lablog.db "delete from sample" 2>/dev/null &&
    ! sqlite3 lablog.db "insert or replace into sample(entry, seq, bytes) values (4, 0, x)" 2>/dev/null
'
# The add reads and stages its input without the write lock: another
# writer goes on meanwhile. The test holds a FIFO open and writes more than
# a pipe holds, so the add is surely reading (past opening the log) when
# the note is written; with the lock held, the note would wait out its
# busy timeout and fail.
"$PY" -c '
import json
for i in range(2000):
    print(json.dumps({"id": "f%d" % i, "input": "q" * 500, "output": "a" * 500, "score": i % 7 / 7}))
' >fifo1.jsonl
printf '{"id": "last", "input": "q", "output": "a", "score": 1}\n' >fifo2.jsonl
test_expect 'a note is written while samples add is still reading its input' '
    lablog exp new piped >/dev/null &&
    before=$(sqlite3 lablog.db "select count(*) from sample") &&
    mkfifo in.fifo &&
    { lablog samples add --exp piped - <in.fifo >add.out 2>add.err & } &&
    pid=$! &&
    exec 7>in.fifo &&
    cat fifo1.jsonl >&7 &&
    lablog note "written while the add reads" >note.out 2>note.err &&
    mid=$(sqlite3 lablog.db "select count(*) from sample") &&
    cat fifo2.jsonl >&7 && exec 7>&- &&
    wait $pid &&
    test "$mid" = "$before" &&
    test "$(cat note.out)" -lt "$(cat add.out)" &&
    lablog samples show piped --json >piped.json &&
    test "$(wc -l <piped.json)" -eq 2001 && grep -q "\"last\"" piped.json &&
    lablog verify >v && grep -q "^ok" v
'
test_expect 'an add that fails after staging leaves nothing behind' '
    before=$(log_state) &&
    { cat fifo1.jsonl; echo "{not json"; } >bad-late.jsonl &&
    ! lablog samples add --exp piped bad-late.jsonl 2>e &&
    grep -q "bad-late.jsonl:2001:" e &&
    test "$(log_state)" = "$before"
'
# export --json: every set, every row (row, id, score, the fields as
# given), strict JSON even for NaN cells; the fields equal show --json's.
printf 'id,input,output,score,temp\nn1,a,b,nan,inf\nn2,c,d,0.5,-inf\n' >nan.csv
lablog samples add --exp tuned nan.csv >/dev/null 2>&1
test_expect 'export --json has every samples set with its rows' '
    lablog export --json >x.json &&
    for id in $(sqlite3 lablog.db "select id from entry where kind = '"'"'samples'"'"' order by id"); do
        exp=$(sqlite3 lablog.db "select x.title from entry e join entry x on x.uid = e.exp_uid where e.id = $id") &&
        lablog samples show "$exp" --set $id --json >"set$id.json" || exit 1
    done &&
    "$PY" -c "
import json, math, sys
def strict(c):
    raise ValueError(\"not strict JSON: \" + c)
d = json.load(open(\"x.json\"), parse_constant=strict)
ids = [e[\"id\"] for e in d[\"entries\"] if e[\"kind\"] == \"samples\"]
assert [s[\"entry\"] for s in d[\"samples\"]] == ids, ids
assert len(ids) >= 8, ids
def same(a, b):
    if isinstance(b, float) and math.isnan(b):
        return a == \"NaN\"
    if isinstance(b, float) and math.isinf(b):
        return a == (\"inf\" if b > 0 else \"-inf\")
    if isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in b)
    return a == b
for s in d[\"samples\"]:
    shown = [json.loads(l) for l in open(\"set%d.json\" % s[\"entry\"])]
    assert len(s[\"rows\"]) == len(shown), (s[\"entry\"], len(s[\"rows\"]))
    for i, (r, want) in enumerate(zip(s[\"rows\"], shown)):
        assert r[\"row\"] == i + 1, r
        assert same(r[\"fields\"], want), (r, want)
nan = [s for s in d[\"samples\"] if s[\"name\"] == \"nan.csv\"][0]
assert nan[\"format\"] == \"csv\" and nan[\"exp\"] == \"tuned\"
assert [r[\"id\"] for r in nan[\"rows\"]] == [\"n1\", \"n2\"]
assert nan[\"rows\"][0][\"score\"] is None and nan[\"rows\"][1][\"score\"] == 0.5
assert nan[\"rows\"][0][\"fields\"][\"temp\"] == \"inf\", nan[\"rows\"][0]
assert nan[\"rows\"][1][\"fields\"][\"temp\"] == \"-inf\", nan[\"rows\"][1]
assert nan[\"rows\"][0][\"fields\"][\"score\"] == \"NaN\", nan[\"rows\"][0]
piped = [s for s in d[\"samples\"] if s[\"exp\"] == \"piped\"][0]
assert len(piped[\"rows\"]) == 2001 and piped[\"rows\"][-1][\"id\"] == \"last\"
"
'
# Reading verbs open the log read-only: an older log is not migrated by
# a look at its samples.
sqlite3 f1.db <"$LABLOG_TOP/tests/fixtures/format1.sql"
f1sum=$(sha256sum <f1.db)
test_fails 1 "is a format-1 log; run 'lablog migrate'" lablog --db f1.db samples show base
test_fails 1 "is a format-1 log; run 'lablog migrate'" lablog --db f1.db samples diff base tuned
test_fails 1 "is a format-1 log; run 'lablog migrate'" lablog --db f1.db attach --get 1
test_expect 'the format-1 log is as it was' '
    test "$(sha256sum <f1.db)" = "$f1sum"
'
test_done
