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
lablog metric lr=0.001 --step 3 >/dev/null
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
test_expect 'a killed command is failed with 128+signal' '
    lablog run --exp k -- sh -c "kill -TERM \$\$" 2>/dev/null; test $? -eq 143 &&
    lablog exp show k | grep -q "killed by a signal"
'
test_expect 'Ctrl-C reaches the child and the run is marked failed' '
    lablog run --exp ci -- sleep 30 >/dev/null 2>&1 &
    pid=$!; sleep 1
    kill -INT -- -$(ps -o pgid= $pid | tr -d " ") 2>/dev/null || pkill -INT -f "sleep 30"
    wait $pid; st=$?
    test $st -eq 130 && lablog exp list --status failed | grep -q "^ci "
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
    grep -q ", 1 points logged" e
'
test_fails 2 "missing argument" lablog run --exp x
test_fails 2 "--param and --tag only describe new experiments" lablog run --exp t1 --param a=1 -- true
test_fails 2 "invalid experiment name" lablog run --exp "bad name" -- true
test_expect 'verify passes after all of that' 'lablog verify >/dev/null'
test_done
