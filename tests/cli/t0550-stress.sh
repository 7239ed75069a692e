#!/bin/sh
# Many writers at once, and an ingest killed mid-write.
. "$LABLOG_TOP/tests/cli/lib.sh"
lablog init --name s >/dev/null 2>&1
for w in 1 2 3 4; do lablog exp new w$w >/dev/null; done

# 4 writers x (2000 entries + 50,000 points). Entries go through one
# `lablog ingest`-sized note stream per writer: 2000 separate processes per
# writer would only measure fork/exec.
writer() {
    python3 - "$1" >w$1.jsonl <<'PY'
import sys
w = sys.argv[1]
for i in range(50000):
    print('{"step": %d, "loss": %f, "exp": "w%s"}' % (i, 1.0 / (i + 1), w))
PY
    lablog ingest w$1.jsonl 2>/dev/null &&
    i=0 && while [ $i -lt 2000 ]; do
        printf 'note %s-%s\n' "$1" "$i"; i=$((i + 1))
    done | while read -r line; do lablog note "$line" >/dev/null || exit 1; done
}
test_expect '4 concurrent writers: everything is there and verify passes' '
    writer 1 & p1=$!; writer 2 & p2=$!; writer 3 & p3=$!; writer 4 & p4=$!
    wait $p1 && wait $p2 && wait $p3 && wait $p4 &&
    sqlite3 lablog.db "select count(*) from point" | grep -qx 200000 &&
    sqlite3 lablog.db "select count(*) from entry where kind = '"'"'note'"'"'" | grep -qx 8000 &&
    lablog verify >/dev/null
'
python3 -c "
for i in range(400000):
    print('{\"step\": %d, \"v\": %d, \"exp\": \"w1\"}' % (i, i))
" >big.jsonl
# The ingest (the program itself, not the lablog shell function, so that
# the kill reaches it) reads a FIFO that is given only the first quarter of
# the file and never closed: it is killed mid-input however fast it is.
test_expect 'an ingest killed with SIGKILL leaves whole batches only' '
    mkfifo big.fifo && { "$LABLOG_BIN" ingest big.fifo 2>/dev/null & } &&
    pid=$! && exec 8>big.fifo && head -n 100000 big.jsonl >&8 &&
    while [ "$(sqlite3 lablog.db "select count(*) from series where name = '"'"'v'"'"'" 2>/dev/null)" != 1 ]; do sleep 0.05; done
    sleep 0.3; kill -KILL $pid; wait $pid 2>/dev/null; exec 8>&-
    ! kill -0 $pid 2>/dev/null &&
    n=$(sqlite3 lablog.db "select count(*) from point p join series s on s.id = p.series where s.name = '"'"'v'"'"'")
    sqlite3 lablog.db "pragma integrity_check" | grep -qx ok &&
    lablog verify >/dev/null && test "$n" -lt 400000 &&
    batched=$(sqlite3 lablog.db "select sum(json_extract(data, '"'"'$.points'"'"')) from entry where kind = '"'"'metrics'"'"'") &&
    test "$batched" = "$(sqlite3 lablog.db "select count(*) from point")"
'
test_expect 're-running the same ingest completes it with no duplicates' '
    lablog ingest big.jsonl 2>e &&
    sqlite3 lablog.db "select count(*) from point p join series s on s.id = p.series where s.name = '"'"'v'"'"'" | grep -qx 400000 &&
    grep -q "0 conflicts" e && lablog verify >/dev/null
'
test_expect '8 runs printing every 5 ms, notes, metrics and readers: exact, no lock error' '
    mkdir live && cd live &&
    sh "$LABLOG_TOP/tests/cli/live_stress.sh" "$LABLOG_BIN" 8 1000 5
'
test_done
