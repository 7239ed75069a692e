#!/bin/sh
# lablog ingest: JSONL, CSV, TensorBoard CSV, dedupe, conflicts, bad lines.
. "$LABLOG_TOP/tests/cli/lib.sh"
lablog init --name i >/dev/null 2>&1
lablog exp new a >/dev/null
lablog exp new b >/dev/null
points() { sqlite3 lablog.db "select count(*) from point"; }

cat >good.jsonl <<'JSONL'
{"step": 0, "loss": 2.3, "acc": 0.1, "exp": "a"}
{"step": 1, "loss": 1.9, "acc": 0.2, "exp": "a", "tag": "x", "ok": true}

{"step": 2, "loss": NaN, "exp": "a", "time": "2026-11-20T08:00:00Z"}
{"step": 0, "loss": 2.2, "exp": "b", "time": 1763625600}
{"step": 1, "loss": -Infinity, "exp": "b"}
JSONL
test_expect 'JSONL: numbers are metrics, strings warned once, blank lines ok' '
    lablog ingest good.jsonl >o 2>e && test ! -s o &&
    grep -q "ingest: 7 points written, 0 duplicates, 0 conflicts, 0 lines skipped" e &&
    test $(grep -c "ignoring field" e) -eq 2 && test "$(points)" = 7 &&
    lablog exp show a | grep -q "loss .* NaN (2)"
'
test_expect 'times come from the line' '
    sqlite3 lablog.db "select ts from point where step = 2 and value is null" >t &&
    echo 1795161600000 >expect && test_cmp expect t
'
test_expect 're-ingesting is a no-op' '
    lablog ingest good.jsonl 2>e && grep -q "0 points written, 7 duplicates" e &&
    test "$(points)" = 7
'
test_expect 'a different value for a known point is a conflict, not written' '
    echo "{\"step\": 0, \"loss\": 9.9, \"exp\": \"a\"}" >c.jsonl &&
    echo "{\"step\": 5, \"loss\": 0.5, \"exp\": \"a\"}" >>c.jsonl &&
    test_fails 1 "1 conflicting points were not written; first: c.jsonl:1: '"'"'loss'"'"' at step 0" lablog ingest c.jsonl &&
    test "$(points)" = 8
'
test_expect 'within one batch: a step again with its value is a duplicate, with another a conflict' '
    printf "{\"step\": 7, \"loss\": 0.7, \"exp\": \"a\"}\n{\"step\": 8, \"loss\": 0.8, \"exp\": \"a\"}\n{\"step\": 7, \"loss\": 0.7, \"exp\": \"a\"}\n{\"step\": 8, \"loss\": 0.9, \"exp\": \"a\"}\n{\"step\": 6, \"loss\": 0.6, \"exp\": \"a\"}\n{\"step\": 6, \"loss\": 0.66, \"exp\": \"a\"}\n" >b.jsonl &&
    test_fails 1 "2 conflicting points were not written; first: b.jsonl:4: '"'"'loss'"'"' at step 8" lablog ingest b.jsonl &&
    test "$(points)" = 11 &&
    lablog exp show a | grep -q "^  loss " &&
    test "$(sqlite3 lablog.db "select value from point p join series s on s.id = p.series where s.name = '"'"'loss'"'"' and step = 8")" = 0.8 &&
    lablog verify >/dev/null
'
test_expect 'CSV with a step column; empty cells are missing values' '
    lablog exp new c >/dev/null &&
    printf "step,loss,acc\n0,1.5,0.3\n1,,0.4\n2,nan,0.5\n" >m.csv &&
    lablog ingest m.csv --exp c 2>e && grep -q "5 points written" e
'
test_expect 'TensorBoard scalar export with --name' '
    printf "Wall time,Step,Value\n1763625600.5,10,0.25\n1763625601,20,0.2\n" >tb.csv &&
    lablog ingest tb.csv --exp b --name val_loss 2>e && grep -q "2 points written" e &&
    sqlite3 lablog.db "select ts from point where step = 10" >t &&
    echo 1763625600500 >expect && test_cmp expect t
'
test_expect 'stdin and --format' '
    echo "step,x" >s.txt && echo "0,1" >>s.txt &&
    lablog ingest --format csv --exp a <s.txt 2>e && grep -q "1 points written" e
'
before=$(log_state)
printf '{"step": 9, "loss": 1, "exp": "a"}\n{"step": 10, "loss": }\n{"step": 11, "loss": 1, "exp": "a"}\n' >bad.jsonl
test_fails 1 "bad.jsonl:2: expected a value at column" lablog ingest bad.jsonl
test_expect 'lines before a malformed line are kept; the rest is not' '
    test "$(points)" = "$(( $(echo "$before" | sed -n 3p) + 1 ))" &&
    sqlite3 lablog.db "select count(*) from point where step = 11" | grep -qx 0
'
test_expect '--skip-bad reports and skips' '
    lablog ingest bad.jsonl --skip-bad 2>e &&
    grep -q "warning: skipped: bad.jsonl:2:" e &&
    grep -q "1 points written, 1 duplicates, 0 conflicts, 1 lines skipped" e
'
before=$(log_state)
printf '{"step": 1, "loss": 1, "exp": "nope"}\n' >u.jsonl
test_fails 1 "u.jsonl:1: unknown experiment 'nope'" lablog ingest u.jsonl
printf '{"step": 1, "loss": 1}\n' >noexp.jsonl
test_fails 1 "noexp.jsonl:1: no experiment" lablog ingest noexp.jsonl
printf '{"step": 1.5, "loss": 1, "exp": "a"}\n' >st.jsonl
test_fails 1 "st.jsonl:1: step must be a non-negative integer" lablog ingest st.jsonl
printf '{"step": 1, "loss": "\377", "exp": "a"}\n' >utf.jsonl
test_fails 1 "utf.jsonl:1: invalid UTF-8" lablog ingest utf.jsonl
printf '[1, 2]\n' >arr.jsonl
test_fails 1 "arr.jsonl:1: not a JSON object" lablog ingest arr.jsonl
printf 'step,loss\n1,abc\n' >bad.csv
test_fails 1 "bad.csv:2: 'abc' is not a number (column 'loss')" lablog ingest bad.csv --exp a
printf 'step,loss,acc\n1,0.5,x\n' >partial.csv
test_fails 1 "partial.csv:2:" lablog ingest partial.csv --exp a
printf 'Wall time,Step,Value\n1,1,1\n' >tb2.csv
test_fails 2 "needs --name METRIC" lablog ingest tb2.csv --exp a
python3 -c "print('{\"step\": 1, \"x\": \"' + 'a' * 2000000 + '\"}')" >huge.jsonl
test_fails 1 "huge.jsonl:1: line longer than" lablog ingest huge.jsonl --exp a
test_fails 1 "cannot open 'missing.jsonl'" lablog ingest missing.jsonl
test_fails 2 "unknown format 'xml'" lablog ingest --format xml good.jsonl
test_expect 'bad input left the log unchanged' '
    test "$(log_state)" = "$before"
'
test_expect 'points from a slow pipe are visible before the pipe ends' '
    (echo "{\"step\": 100, \"v\": 1, \"exp\": \"a\"}"; sleep 3;
     echo "{\"step\": 101, \"v\": 1, \"exp\": \"a\"}") | lablog ingest 2>/dev/null &
    pid=$!
    sleep 2
    n=$(sqlite3 lablog.db "select count(*) from point where step = 100")
    wait $pid
    test "$n" = 1 &&
    sqlite3 lablog.db "select count(*) from point where step = 101" | grep -qx 1
'
test_expect 'a counted step is one past the largest, points not yet committed included' '
    lablog exp new counted >/dev/null &&
    printf "{\"step\": 0, \"v\": 1}\n{\"step\": 5, \"v\": 2}\n{\"v\": 3}\n{\"v\": 4}\n" |
        lablog ingest --exp counted 2>/dev/null &&
    sqlite3 lablog.db "select p.step from point p join series s on s.id = p.series join entry e on e.uid = s.exp_uid where e.title = '"'"'counted'"'"' order by p.step" | tr "\n" " " >got &&
    printf "0 5 6 7 " >want && test_cmp want got
'
test_expect 'a steady pipe (a line every 100 ms, never idle) commits by age' '
    rm -f stop printed
    python3 "$LABLOG_TOP/tests/cli/visible.py" produce json |
        lablog ingest --exp b 2>err & pid=$!
    python3 "$LABLOG_TOP/tests/cli/visible.py" read lablog.db vis 5 >seen; st=$?
    wait $pid
    cat seen && test $st -eq 0 && test $(cut -d" " -f4 seen) -lt 105
'
test_done
