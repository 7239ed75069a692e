#!/bin/sh
# Many writers on one log, as on a busy day: RUNS `lablog run`s whose
# children print a metric line every INTERVAL_MS for LINES lines, while two
# shells add a note and a metric every 100 ms and a third renders the daily
# update and the report in a loop, until the runs end.
#
#   live_stress.sh LABLOG RUNS LINES INTERVAL_MS
#
# Run in an empty directory. Prints "ok: ..." and exits 0 when every point
# printed is in the log exactly once, every note and metric call
# succeeded, no stderr mentions a lock or an error, and verify passes;
# otherwise says what is wrong and exits 1.
set -u
lablog=$1
runs=$2
lines=$3
interval=$4
"$lablog" init --name stress >/dev/null 2>&1 || exit 1
"$lablog" exp new side >/dev/null || exit 1
cat >child.py <<'PY'
import sys, time
n, pause = int(sys.argv[1]), int(sys.argv[2]) / 1000.0
for i in range(n):
    print("lablog: v=%d step=%d" % (i, i))
    if i % 50 == 0:
        print("plain output line %d" % i)
    time.sleep(pause)
PY
r=1
while [ $r -le "$runs" ]; do
    "$lablog" run --exp "run$r" -- python3 child.py "$lines" "$interval" \
        >run$r.out 2>run$r.err &
    echo $! >>runs.pid
    r=$((r + 1))
done
# Side writers: a note and a metric every 100 ms until the runs are done.
side() {
    i=0
    while [ ! -e runs.done ]; do
        "$lablog" note "note $1-$i" >/dev/null 2>>side$1.err || echo fail >>side$1.fail
        "$lablog" metric --exp side --step $((i * 2 + $1)) m=$i >/dev/null \
            2>>side$1.err || echo fail >>side$1.fail
        i=$((i + 1))
        echo $i >side$1.count
        sleep 0.1
    done
}
readers() {
    while [ ! -e runs.done ]; do
        "$lablog" daily >/dev/null 2>>readers.err || echo fail >>readers.fail
        "$lablog" report -o report.md >/dev/null 2>>readers.err ||
            echo fail >>readers.fail
        "$lablog" exp list >/dev/null 2>>readers.err || echo fail >>readers.fail
    done
}
side 0 & s0=$!
side 1 & s1=$!
readers & rd=$!
status=0
for pid in $(cat runs.pid); do
    wait "$pid" || { echo "a run exited $?"; status=1; }
done
touch runs.done
wait $s0 $s1 $rd
bad=0
for f in *.err; do
    if grep -qi -e locked -e busy -e "error" "$f"; then
        echo "$f:"; sed 's/^/    /' "$f"; bad=1
    fi
done
[ ! -e side0.fail ] && [ ! -e side1.fail ] && [ ! -e readers.fail ] || {
    echo "a side writer or reader failed"; bad=1; }
q() { sqlite3 lablog.db "$1"; }
want=$((runs * lines))
got=$(q "select count(*) from point p join series s on s.id = p.series where s.name = 'v'")
distinct=$(q "select count(*) from (select distinct s.exp_uid, p.step from point p join series s on s.id = p.series where s.name = 'v')")
perrun=$(q "select count(*) from (select s.exp_uid, count(*) c, min(p.step) a, max(p.step) b from point p join series s on s.id = p.series where s.name = 'v' group by s.exp_uid) where c = $lines and a = 0 and b = $lines - 1")
notes=$(q "select count(*) from entry where kind = 'note'")
sidepts=$(q "select count(*) from point p join series s on s.id = p.series where s.name = 'm'")
calls=$(( $(cat side0.count) + $(cat side1.count) ))
[ "$got" = "$want" ] || { echo "points: $got, want $want"; bad=1; }
[ "$distinct" = "$want" ] || { echo "distinct (exp, step): $distinct, want $want"; bad=1; }
[ "$perrun" = "$runs" ] || { echo "runs with steps 0..$((lines - 1)) complete: $perrun of $runs"; bad=1; }
[ "$notes" = "$calls" ] || { echo "notes: $notes, want $calls"; bad=1; }
[ "$sidepts" = "$calls" ] || { echo "side points: $sidepts, want $calls"; bad=1; }
"$lablog" verify >verify.out 2>&1 || { cat verify.out; bad=1; }
[ $status = 0 ] && [ $bad = 0 ] || exit 1
echo "ok: $runs runs x $lines points, $calls notes and $calls metric calls, verify ok"
