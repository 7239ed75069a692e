#!/bin/sh
# lablog run: experiment bookkeeping, metric lines, exit status, signals.
. "$LABLOG_TOP/tests/cli/lib.sh"
lablog init --name r >/dev/null 2>&1
git init -q . && git config user.email t@t && git config user.name t &&
    echo x >f && git add f && git commit -qm x
cat >train.sh <<'SH'
#!/bin/sh
echo "exp=$LABLOG_EXP"
echo "lablog: loss=0.5 acc=0.1 step=1"
echo "lablog: loss=0.4 step=2"
echo '{"lablog": 1, "step": 3, "loss": 0.3}'
lablog metric lr=0.001 --step 3
echo "plain output line"
exit ${1:-0}
SH
chmod +x train.sh

test_expect 'stdout passes through; metric lines are logged; done on exit 0' '
    lablog run --exp t1 --param lr=3e-4 --tag sweep -- ./train.sh >out 2>err &&
    printf "exp=t1\nlablog: loss=0.5 acc=0.1 step=1\nlablog: loss=0.4 step=2\n{\"lablog\": 1, \"step\": 3, \"loss\": 0.3}\nplain output line\n" >expect &&
    test_cmp expect out && grep -q "run '"'"'t1'"'"' done" err &&
    lablog exp show t1 >s && grep -q "^t1 (#2): done" s &&
    grep -q "loss .* 3 .*0.3 (3)" s && grep -q "lr .*0.001" s &&
    grep -q "run: ./train.sh" s && grep -q "exit status 0" s &&
    grep -q "params: lr=3e-4" s
'
test_expect 'lablog metric inside a run prints nothing; the summary counts it' '
    grep -q "5 points logged" err && ! grep -qx "[0-9]*" out
'
test_expect 'git commit and dirty state are recorded' '
    commit=$(git rev-parse HEAD) &&
    lablog exp show t1 --json >j && grep -q "\"git_commit\": \"$(echo $commit | cut -c1-12)\"" j &&
    grep -q "\"git_dirty\": false" j &&
    echo y >>f && lablog run --exp t1b -- true 2>/dev/null &&
    lablog exp show t1b --json | grep -q "\"git_dirty\": true"
'
test_expect 'a failing command is marked failed and its status returned' '
    lablog run --exp t2 -- ./train.sh 3 >/dev/null 2>&1; test $? -eq 3 &&
    lablog exp list --status failed | grep -q "^t2 "
'
test_expect 'a planned experiment is continued' '
    lablog exp new planned1 --param k=1 >/dev/null &&
    lablog run --exp planned1 -- true 2>/dev/null &&
    lablog exp show planned1 | grep -q "params: k=1" &&
    test $(lablog exp list | grep -c planned1) -eq 1
'
test_expect 'without --exp the name comes from the command and time' '
    lablog run -- ./train.sh >/dev/null 2>&1 &&
    lablog exp list | grep -q "^train-20261120-090000 .*done"
'
test_expect 'a child killed by SIGTERM gives 143' '
    lablog run --exp k -- sh -c "kill -TERM \$\$" 2>/dev/null; test $? -eq 143 &&
    lablog exp show k | grep -q "failed: killed by SIGTERM"
'
test_expect 'exit status is the child'"'"'s: 0, 1 and 3' '
    lablog run --exp e0 -- true 2>/dev/null; test $? -eq 0 &&
    lablog run --exp e1 -- false 2>/dev/null; test $? -eq 1 &&
    lablog run --exp e3 -- sh -c "exit 3" 2>/dev/null; test $? -eq 3 &&
    lablog exp list --status done | grep -q "^e0 " &&
    lablog exp list --status failed | grep -q "^e1 " &&
    lablog exp show e3 | grep -q "failed: exit status 3"
'
test_expect 'a child killed by SIGKILL gives 137 and the status names it' '
    lablog run --exp kk -- sh -c "kill -KILL \$\$" 2>err; test $? -eq 137 &&
    lablog exp show kk | grep -q "failed: killed by SIGKILL" &&
    grep -q "signal 9" err
'
test_expect 'SIGTERM to the lablog pid alone is forwarded to the child' '
    "$LABLOG_BIN" run --exp st -- sh -c "echo \$\$ >child.pid; exec sleep 60" 2>err &
    pid=$!
    while [ ! -s child.pid ]; do sleep 0.05; done
    kill -TERM $pid; wait $pid; st=$?
    test $st -eq 143 && ! kill -0 "$(cat child.pid)" 2>/dev/null &&
    lablog exp show st | grep -q "killed by SIGTERM (forwarded by lablog run)"
'
test_expect 'Ctrl-C at a terminal reaches the child; recorded as SIGINT' '
    cat >slow.py <<PY
import time
print("started", flush=True)
time.sleep(60)
PY
    python3 "$LABLOG_TOP/tests/cli/ptyrun.py" wait:started send:^C -- \
        lablog run --exp ci -- python3 slow.py >out 2>&1; test $? -eq 130 &&
    grep -q KeyboardInterrupt out &&
    lablog exp show ci | grep -q "failed: killed by SIGINT"
'
test_expect 'a second Ctrl-C within 2 s kills a child that ignores the first' '
    cat >stubborn.py <<PY
import signal, time
signal.signal(signal.SIGINT, lambda *a: print("checkpointing", flush=True))
print("started", flush=True)
while True:
    time.sleep(1)
PY
    python3 "$LABLOG_TOP/tests/cli/ptyrun.py" wait:started send:^C \
        wait:checkpointing send:^C -- \
        lablog run --exp c2 -- python3 stubborn.py >out 2>&1; test $? -eq 137 &&
    lablog exp show c2 | grep -q "killed by SIGKILL after a second Ctrl-C"
'
cat >waiter.py <<'PY'
import os, sys, time
print("tty=%s" % sys.stdout.isatty())
print("lablog: loss=0.5 step=1")
print("waiting for go")
while not os.path.exists("go"):
    time.sleep(0.02)
print("went")
PY
test_expect 'a Python print() is seen live on a terminal (the child gets a pty)' '
    rm -f go; python3 "$LABLOG_TOP/tests/cli/ptyrun.py" "wait:waiting for go" touch:go -- \
        lablog run --exp live1 -- python3 waiter.py >out 2>&1 &&
    grep -q "tty=True" out && grep -q went out &&
    lablog exp show live1 | grep -q "loss .* 1 "
'
test_expect 'a Python print() is seen live through a pipe (PYTHONUNBUFFERED)' '
    rm -f go
    lablog run --exp live2 -- python3 waiter.py 2>err | python3 -c "
import sys
for line in sys.stdin:
    sys.stdout.write(line)
    if line.startswith(\"waiting\"):
        open(\"go\", \"w\").close()
" >out &&
    grep -q "tty=False" out && grep -q went out
'
test_expect '--no-tty gives pipes even on a terminal' '
    rm -f go; python3 "$LABLOG_TOP/tests/cli/ptyrun.py" "wait:waiting for go" touch:go -- \
        lablog run --no-tty --exp live3 -- python3 waiter.py >out 2>&1 &&
    grep -q "tty=False" out
'
test_expect '--tty gives a pseudo-terminal when the output is a file; bytes unchanged' '
    lablog run --tty --exp batch -- sh -c "test -t 1 && test -t 2 && printf \"a\\rb\\nc\\n\" && echo lablog: x=1 step=0" >out 2>/dev/null &&
    printf "a\\rb\\nc\\nlablog: x=1 step=0\\n" >expect && cmp expect out &&
    lablog exp show batch | grep -q "^  x  *1 " &&
    { lablog run --exp batch2 -- sh -c "test -t 1" >/dev/null 2>&1; test $? -eq 1; }
'
test_fails 2 "exclude each other" lablog run --tty --no-tty -- true
test_expect 'output passes through byte for byte: no newline added, \r kept' '
    printf "a\\rb\\nno newline" >expect &&
    lablog run --exp raw -- printf "a\\rb\\nno newline" >out 2>/dev/null &&
    cmp expect out
'
test_expect 'a missing command: error, exit 127, recorded as failed' '
    lablog run --exp nf -- no-such-command-xyz >o 2>e; test $? -eq 127 &&
    grep -q "lablog: error: cannot run '"'"'no-such-command-xyz'"'"'" e &&
    lablog exp list --status failed | grep -q "^nf "
'
test_expect 'a step that is NaN, infinite, negative, fractional or >= 2^63 is refused' '
    for s in nan inf -inf 1e19 9223372036854775808 1e300 -1 1.5; do
        lablog run --exp badstep -- sh -c "echo lablog: loss=1 step=$s" \
            >/dev/null 2>e || return 1
        grep -q "stdout:1: step must be a non-negative integer" e || return 1
    done &&
    lablog run --exp badstep -- sh -c "echo lablog: loss=1 step=9007199254740992" \
        >/dev/null 2>e &&
    grep -q ", 1 point logged" e
'
test_expect 'a reader sees points of a child printing every 100 ms while it runs' '
    rm -f stop printed
    lablog run --exp vis -- python3 "$LABLOG_TOP/tests/cli/visible.py" produce kv \
        >/dev/null 2>err & pid=$!
    python3 "$LABLOG_TOP/tests/cli/visible.py" read lablog.db vis 5 >seen; st=$?
    wait $pid
    cat seen && test $st -eq 0 &&
    # generous: seen before the child printed 100 more lines (10 s)
    test $(cut -d" " -f4 seen) -lt 105
'
test_expect '--parse json and --parse dict; step from global_step, _step, epoch' '
    cat >hf.py <<PY
print({"loss": 0.9, "global_step": 10})
print({"loss": 0.8, "_step": 20, "note": "x"})
print({"loss": 0.52, "learning_rate": 3e-05, "epoch": 1.0})
print({"eval_loss": 0.6, "epoch": 1.5})
print("{\"loss\": 0.4, \"step\": 40}")
print({"loss": float("nan"), "step": 50, "tensor": [1, 2]})
print("{not a dict}")
PY
    lablog run --exp hf --parse json,dict -- python3 hf.py >out 2>err &&
    python3 hf.py >expect && test_cmp expect out &&
    grep -q "8 points logged" err && ! grep -q warning err &&
    lablog exp show hf >s &&
    grep -q "loss .* 5 .*NaN (50)" s && grep -q "eval_loss .* 1 " s &&
    grep -q "learning_rate .* 3e-5 (1)" s && grep -q "epoch .* 1.5 (0)" s
'
test_expect 'without --parse, unmarked JSON and dicts are only output' '
    lablog run --exp hf2 -- python3 hf.py >out 2>err &&
    grep -q "0 points logged" err
'
test_fails 2 "unknown format 'yaml'" lablog run --parse yaml -- true
test_fails 2 "missing argument" lablog run --exp x
test_fails 2 "--param and --tag only describe new experiments" lablog run --exp t1 --param a=1 -- true
test_fails 2 "invalid experiment name" lablog run --exp "bad name" -- true
test_expect 'verify passes after all of that' 'lablog verify >/dev/null'
test_done
