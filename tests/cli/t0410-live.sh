#!/bin/sh
# Live runs: lost runs (process gone, machine restarted, no heartbeat),
# heartbeats, the output tail of a failed run, scheduler context, progress
# and ETA, per-attempt durations, and running/lost runs first in the daily.
. "$LABLOG_TOP/tests/cli/lib.sh"
lablog init --name live >/dev/null 2>&1
visible="$LABLOG_TOP/tests/cli/visible.py"
points_of() {
    sqlite3 lablog.db "select count(*) from point p join series s on s.id = p.series join entry e on e.uid = s.exp_uid where e.title = '$1'"
}
batched_of() {
    sqlite3 lablog.db "select coalesce(sum(json_extract(m.data, '\$.points')), 0) from entry m join entry e on e.uid = m.exp_uid where m.kind = 'metrics' and e.title = '$1'"
}

cat >tb.py <<'PY'
import sys
print("lablog: loss=0.9 step=1")
print("loading data", file=sys.stderr)
def shapes():
    raise ValueError("bad shape (3, 4)")
shapes()
PY
test_expect 'a traceback is captured: exp show shows the tail, stderr passed through' '
    lablog run --exp tb -- python3 tb.py >out 2>err; test $? -eq 1 &&
    grep -q "ValueError: bad shape" err && grep -q "loading data" err &&
    ! grep -q Traceback out &&
    lablog exp show tb >s &&
    grep -q "^output (last [0-9]* of [0-9]* lines):" s &&
    grep -q "^  | loading data" s && grep -q "^  | ValueError: bad shape (3, 4)" s &&
    grep -q "^  | lablog: loss=0.9 step=1" s
'
test_expect 'the tail is a blob named by the end entry, and verify covers it' '
    sha=$(sqlite3 lablog.db "select json_extract(data, '"'"'\$.tail.sha256'"'"') from entry where kind = '"'"'status'"'"' and title = '"'"'failed'"'"'") &&
    test -n "$sha" &&
    sqlite3 lablog.db "select data from blob where sha256 = '"'"'$sha'"'"'" | grep -q "ValueError" &&
    lablog verify >/dev/null
'
test_expect 'the daily shows the last 5 lines of a failed run, the report 20' '
    lablog daily --format text >d &&
    grep -q "^    | ValueError: bad shape (3, 4)" d &&
    test $(grep -c "^    | " d) -eq 5 &&
    lablog daily --format slack | grep -q "^ValueError: bad shape (3, 4)" &&
    lablog report >r.md && grep -q "^\*\*Output\*\* (last lines)" r.md &&
    grep -q "^  File .*tb.py" r.md
'
test_expect 'a successful run keeps no tail' '
    lablog run --exp ok -- echo fine >/dev/null 2>&1 &&
    sqlite3 lablog.db "select count(*) from blob" | grep -qx 1
'

cat >steady.py <<'PY'
import os, sys, time
print("loading shards", file=sys.stderr, flush=True)
i = 0
while True:
    print("lablog: v=%d step=%d" % (i, i), flush=True)
    i += 1
    time.sleep(0.05)
PY
test_expect 'SIGKILL of lablog run mid-run: whole batches, shown as lost everywhere' '
    "$LABLOG_BIN" run --exp killed -- python3 steady.py >/dev/null 2>&1 & pid=$!
    python3 "$visible" read lablog.db v 5 >/dev/null; st=$?
    # The tail file lablog run keeps while it runs (rewritten each second).
    i=0; while [ $i -lt 600 ] && ! grep -qs "^lablog: v=5 step=5$" lablog.db-tails/*; do sleep 0.05; i=$((i + 1)); done
    kill -KILL $pid; wait $pid 2>/dev/null
    test $st -eq 0 &&
    n=$(points_of killed) && test "$n" -ge 6 &&
    test "$(batched_of killed)" = "$n" && lablog verify >/dev/null &&
    lablog exp list --status lost | grep -q "^killed " &&
    lablog exp show killed >s && grep -q "^killed (#[0-9]*): lost" s &&
    grep -q "^lost: its lablog run (pid $pid on .*) is gone" s &&
    grep -q "^progress: step [0-9]*, " s &&
    f=$(echo lablog.db-tails/*) && test -f "$f" && cp "$f" kept-tail &&
    grep -q "^lablog: v=5 step=5$" kept-tail &&
    grep -q "^output (last [0-9]* of $(wc -l <kept-tail) lines):" s &&
    sed -n "/^output (last/,\$p" s | sed 1d >shown &&
    tail -n 20 kept-tail | sed "s/^/  | /" >want && test_cmp want shown &&
    lablog daily --format text >d &&
    grep -q "^- killed lost, step [0-9]*.* - its lablog run (pid $pid" d &&
    tail -n 5 kept-tail | sed "s/^/    | /" >want &&
    awk "/^- killed lost/ { f = 1; next } /^- / { f = 0 } f && /^    \\| /" d >shown &&
    test_cmp want shown &&
    lablog report | grep -q "^- \*\*Lost:\*\* its lablog run (pid $pid" &&
    lablog slides -o deck.pdf >/dev/null && pdftotext deck.pdf - | grep -q "runs to look at"
'
test_expect 'readers wrote nothing; exp fail closes the lost run for good' '
    before=$(sqlite3 lablog.db "select count(*) from entry") &&
    lablog exp list >/dev/null && lablog exp show killed >/dev/null &&
    test "$(sqlite3 lablog.db "select count(*) from entry")" = "$before" &&
    test -d lablog.db-tails &&
    lablog exp fail killed -m "node preempted" >/dev/null &&
    lablog exp show killed >s && grep -q "^killed (#[0-9]*): failed" s &&
    ! lablog exp list --status lost | grep -q killed &&
    sha=$(sqlite3 lablog.db "select json_extract(data, '"'"'\$.tail.sha256'"'"') from entry where kind = '"'"'status'"'"' and body = '"'"'node preempted'"'"'") &&
    sqlite3 lablog.db "select data from blob where sha256 = '"'"'$sha'"'"'" >stored &&
    printf "\n" >>kept-tail && test_cmp kept-tail stored &&
    n=$(wc -l <kept-tail) && k=$((n < 21 ? n - 1 : 20)) &&
    grep -q "^output (last $k of $((n - 1)) lines):" s &&
    test ! -e lablog.db-tails &&
    lablog verify >/dev/null
'
test_expect 'a re-run is a new attempt with its own id and context' '
    lablog run --exp killed -- sh -c "echo \$LABLOG_ATTEMPT" >att 2>/dev/null &&
    test $(sqlite3 lablog.db "select count(*) from entry e join entry x on x.uid = e.exp_uid where x.title = '"'"'killed'"'"' and e.title = '"'"'running'"'"'") -eq 2 &&
    sqlite3 lablog.db "select uid from entry where title = '"'"'running'"'"' order by id desc limit 1" >want &&
    test_cmp want att &&
    lablog exp show killed | grep -q "^killed (#[0-9]*): done"
'

test_expect 'a live run on this host is running; LABLOG_HOST: judged by heartbeat' '
    rm -f started
    "$LABLOG_BIN" run --exp alive -- sh -c "echo started; exec sleep 60" >started 2>/dev/null & pid=$!
    while ! grep -q started started; do sleep 0.05; done
    lablog exp list --status running | grep -q "^alive " &&
    LABLOG_HOST=elsewhere lablog exp list --status running | grep -q "^alive " &&
    LABLOG_NOW=2026-11-20T09:30:00Z LABLOG_HOST=elsewhere lablog exp show alive >s &&
    grep -q "^lost: no sign of life for 30m from " s &&
    LABLOG_NOW=2026-11-20T09:30:00Z LABLOG_LOST_AFTER=1h lablog exp list --status running | grep -q "^alive " &&
    LABLOG_TEST_BOOT_ID=another-boot lablog exp show alive | grep -q "^lost: .* was restarted since the run began"
    kill -TERM $pid; wait $pid
    lablog exp show alive | grep -q "failed: killed by SIGTERM"
'
test_fails 2 "unknown status 'gone'" lablog exp list --status gone

# The run began at 09:00 (LABLOG_NOW); judged from another host at 09:30.
test_expect 'lost_after in the config file; LABLOG_LOST_AFTER wins; a bad value is ignored' '
    rm -f started6
    "$LABLOG_BIN" run --exp cfg -- sh -c "echo started; exec sleep 60" >started6 2>/dev/null & pid=$!
    while ! grep -q started started6; do sleep 0.05; done
    mkdir -p "$HOME/.config/lablog" &&
    printf "# quiet replicas\nlost_after = 1h\n" >"$HOME/.config/lablog/config"
    at="LABLOG_NOW=2026-11-20T09:30:00Z LABLOG_HOST=elsewhere"
    env $at lablog exp list --status running >l1 2>e1
    env $at LABLOG_LOST_AFTER=20m lablog exp list --status lost >l2 2>e2
    printf "lost_after = soon\n" >"$HOME/.config/lablog/config"
    env $at lablog exp list --status lost >l3 2>e3
    rm -f "$HOME/.config/lablog/config"
    kill -TERM $pid; wait $pid
    grep -q "^cfg " l1 && test ! -s e1 && grep -q "^cfg " l2 && test ! -s e2 &&
    grep -q "^cfg " l3 &&
    grep -q "^lablog: warning: ignoring .lost_after = soon. in .*/\.config/lablog/config" e3
'
test_expect 'a silent run writes heartbeats; log hides them, show sums them up' '
    LABLOG_TEST_HEARTBEAT_MS=100 lablog run --exp quiet -- sleep 1 2>/dev/null &&
    n=$(sqlite3 lablog.db "select count(*) from entry where kind = '"'"'heartbeat'"'"'") &&
    test "$n" -ge 3 &&
    ! lablog log | grep -q heartbeat &&
    test $(lablog log --kind heartbeat | grep -c "heartbeat") -eq "$n" &&
    id=$(sqlite3 lablog.db "select e.id from entry e join entry x on x.uid = e.exp_uid where x.title = '"'"'quiet'"'"' and e.title = '"'"'running'"'"'") &&
    lablog show $id | grep -q "^  -> $n heartbeats, the last at " &&
    lablog verify >/dev/null
'
test_expect 'scheduler context is recorded and shown in exp show and the daily' '
    SLURM_JOB_ID=812 SLURM_ARRAY_TASK_ID=3 SLURM_JOB_NODELIST=gpu07 \
        SLURM_JOB_PARTITION=a100 CUDA_VISIBLE_DEVICES=0,1 \
        lablog run --exp slurm -- false 2>/dev/null
    lablog exp show slurm | grep -q "^  Slurm job 812_3 on gpu07, partition a100; CUDA_VISIBLE_DEVICES=0,1$" &&
    lablog daily --format text | grep -q "^- slurm failed (exit 1) (Slurm 812_3 on gpu07)" &&
    lablog report | grep -q "Scheduler:\*\* Slurm job 812_3"
'

# Progress: a run started at 09:00 that reached step 1200 of 3000 at 10:00,
# 200 steps in its last 10 minutes: ETA 1h 30m.
progress_log() {
    python3 - "$1" "$2" <<'PY' >"$1.jsonl"
import sys
name, last = sys.argv[1], int(sys.argv[2])
for s in range(0, last + 1, 100):
    minute = s * 60 // 1200  # 1200 steps an hour
    print('{"step": %d, "loss": %f, "time": "2026-11-20T%02d:%02d:00Z"}'
          % (s, 1.0 / (s + 1), 9 + minute // 60, minute % 60))
PY
}
test_expect 'a running run shows step N/TOTAL, elapsed, ETA and last point' '
    lablog exp new prog --param steps=3000 >/dev/null &&
    LABLOG_NOW=2026-11-20T09:00:00Z lablog exp start prog >/dev/null &&
    progress_log prog 1200 && lablog ingest --exp prog prog.jsonl 2>/dev/null &&
    LABLOG_NOW=2026-11-20T10:00:30Z lablog exp show prog >s &&
    grep -qx "progress: step 1200/3000 (40%), 1h 0m elapsed, ETA 1h 29m, last point 30s ago" s &&
    LABLOG_NOW=2026-11-20T10:00:30Z lablog daily --format text >d &&
    grep -q "^- prog (steps=3000) started, step 1200/3000 (40%), 1h 0m elapsed, ETA 1h 29m, last point 30s ago: loss" d
'
test_expect 'on course for more than 16 hours: flagged' '
    lablog exp new long --param steps=30000 >/dev/null &&
    LABLOG_NOW=2026-11-20T09:00:00Z lablog exp start long >/dev/null &&
    progress_log long 1200 && lablog ingest --exp long long.jsonl 2>/dev/null &&
    LABLOG_NOW=2026-11-20T10:00:00Z lablog exp show long >s &&
    grep -q "^progress: step 1200/30000 (4%), 1h 0m elapsed, ETA 1d 0h, last point 0s ago; on course for 1d 1h in all: it will not finish overnight$" s &&
    LABLOG_NOW=2026-11-20T10:00:00Z lablog exp show long --json | grep -q "\"long_run\": true" &&
    LABLOG_NOW=2026-11-20T10:00:00Z lablog exp show prog --json | grep -q "\"long_run\": false"
'
test_expect 'epochs as the planned total; --total on run' '
    lablog exp new ep --param epochs=10 >/dev/null &&
    LABLOG_NOW=2026-11-20T09:00:00Z lablog exp start ep >/dev/null &&
    printf "{\"epoch\": 2.0, \"step\": 1, \"time\": \"2026-11-20T09:30:00Z\"}\n{\"epoch\": 2.5, \"step\": 2, \"time\": \"2026-11-20T10:00:00Z\"}\n" |
        lablog ingest --exp ep 2>/dev/null &&
    LABLOG_NOW=2026-11-20T10:00:00Z lablog exp show ep | grep -qx "progress: epoch 2.5/10 (25%), 1h 0m elapsed, ETA 15h 0m, last point 0s ago" &&
    rm -f started2
    "$LABLOG_BIN" run --exp tot --total 500 -- sh -c "echo lablog: x=1 step=100; echo started; exec sleep 60" >started2 2>/dev/null & pid=$!
    while ! grep -q started started2; do sleep 0.05; done
    python3 "$visible" read lablog.db x 100 >/dev/null
    lablog exp show tot | grep -q "^progress: step 100/500 (20%)"; st=$?
    kill -TERM $pid; wait $pid; test $st -eq 0
'
# Progress is of the live attempt: a resumed one is where its newest point
# is (step 1000, re-logged from a checkpoint at 900, not the 1200 its first
# segment reached), its rate is that of the resumed segment (100 steps in
# 5 minutes: 2000 steps left, 1h 40m less the 30s since the last point).
test_expect 'a resumed attempt: progress from where it is now' '
    progress_log res 1200 &&
    LABLOG_NOW=2026-11-20T09:00:00Z lablog run --exp res --total 3000 -- \
        lablog ingest --exp res res.jsonl 2>/dev/null &&
    printf "{\"step\": 900, \"loss\": 0.5, \"time\": \"2026-11-20T11:00:00Z\"}\n{\"step\": 1000, \"loss\": 0.4, \"time\": \"2026-11-20T11:05:00Z\"}\n" >seg2.jsonl &&
    rm -f started3
    LABLOG_NOW=2026-11-20T11:00:00Z "$LABLOG_BIN" run --resume --exp res --total 3000 -- \
        sh -c "lablog ingest --exp res seg2.jsonl; echo started; exec sleep 60" >started3 2>/dev/null & pid=$!
    while ! grep -q started started3; do sleep 0.05; done
    LABLOG_NOW=2026-11-20T11:05:30Z lablog exp show res >s; st=$?
    kill -TERM $pid; wait $pid
    test $st -eq 0 &&
    grep -qx "progress: step 1000/3000 (33%), 5m 30s elapsed, ETA 1h 39m, last point 30s ago" s
'
# A new attempt that has logged nothing yet is not at the step the earlier
# attempt reached (the metrics shown are still the earlier attempt's).
test_expect 'a new attempt without points shows no progress of the old one' '
    rm -f started4
    "$LABLOG_BIN" run --exp res --total 3000 -- sh -c "echo started; exec sleep 60" >started4 2>/dev/null & pid=$!
    while ! grep -q started started4; do sleep 0.05; done
    lablog exp show res >s; st=$?
    lablog exp show res --attempt 1 >s1
    kill -TERM $pid; wait $pid
    test $st -eq 0 && grep -q "^res (#[0-9]*): running" s &&
    grep -q "^  loss " s && ! grep -q "^progress:" s && ! grep -q "^progress:" s1
'
# Two runs of one experiment at once: the first logs a point while the
# second runs (it waits for it); the second's summary counts its own two.
test_expect 'the run summary counts its own attempt only' '
    rm -f started5 go
    "$LABLOG_BIN" run --exp pair -- sh -c "echo started; while [ ! -e go ]; do sleep 0.05; done; echo lablog: a=1 step=0; exec sleep 60" >started5 2>/dev/null & pid=$!
    while ! grep -q started started5; do sleep 0.05; done
    lablog run --exp pair -- sh -c "touch go; python3 \"$visible\" read lablog.db a 0 >/dev/null; echo lablog: b=1 step=0; echo lablog: b=2 step=1" >/dev/null 2>err; st=$?
    kill -TERM $pid; wait $pid
    test $st -eq 0 && test "$(points_of pair)" -eq 3 &&
    grep -q "^lablog: run .pair. done after .*, 2 points logged" err
'
test_expect 'the daily lists running and lost runs first' '
    LABLOG_NOW=2026-11-20T10:00:30Z lablog daily --format text >d &&
    grep "^- " d | head -3 >first &&
    grep -q "^- prog " first && grep -q "^- long " first &&
    grep -q "^- ep " first && grep -q "step 1200/3000" first
'
test_expect 'durations are per attempt' '
    lablog exp new again >/dev/null &&
    LABLOG_NOW=2026-11-20T09:00:00Z lablog exp start again >/dev/null &&
    LABLOG_NOW=2026-11-20T09:07:48Z lablog exp done again >/dev/null &&
    LABLOG_NOW=2026-11-20T11:00:00Z lablog exp start again >/dev/null &&
    LABLOG_NOW=2026-11-20T11:00:01Z lablog exp done again >/dev/null &&
    lablog exp show again | grep -qx "duration: 1s"
'
test_expect 'verify passes after all of that' 'lablog verify >/dev/null'
test_done
