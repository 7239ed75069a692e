#!/bin/sh
# What the data means (src/model/): metric roles and directions, declared
# with `lablog metric-info` or guessed from names, and how every renderer
# uses them. Each check here failed on the renderers before model/.
. "$LABLOG_TOP/tests/cli/lib.sh"

# ---- metric-info: declaring and showing -------------------------------------

export LABLOG_NOW=2026-11-19T09:00:00Z
lablog init --name meaning >/dev/null 2>&1
lablog exp new run-a --param lr=1e-4 --tag t >/dev/null
lablog metric --exp run-a --step 0 acc=0.5 loss=1.4 n_examples=300 \
    lr=0.0005 epoch=1 _step=1 over_refusal=0.2 >/dev/null
lablog metric --exp run-a --step 1 acc=0.6 loss=1.1 n_examples=300 \
    lr=0.0005 epoch=2 _step=2 over_refusal=0.15 >/dev/null

test_expect 'metric-info alone shows what lablog takes each metric to mean' '
    lablog metric-info >out &&
    grep -q "^METRIC  *ROLE  *BETTER" out &&
    grep -q "^acc  *score  *higher  .*its name$" out &&
    grep -q "^loss  *loss  *lower  .*its name$" out &&
    grep -q "^n_examples  *bookkeeping  *-" out &&
    grep -q "^lr  *bookkeeping" out &&
    grep -q "^epoch  *bookkeeping" out &&
    grep -q "^_step  *bookkeeping" out &&
    grep -q "^over_refusal  *result  *higher" out
'
test_expect 'a declaration is an entry, and the latest wins per field' '
    id=$(lablog metric-info over_refusal --lower-better --chance 0.5) &&
    lablog show "$id" >show &&
    grep -q "^kind:    metric-info$" show &&
    grep -q "^title:   over_refusal$" show &&
    grep -q "^lower is better; chance 0.5$" show &&
    lablog metric-info over_refusal >out &&
    grep -q "^over_refusal  *result  *lower  *0.5 .*entry #$id$" out &&
    lablog metric-info over_refusal --higher-better >/dev/null &&
    lablog metric-info over_refusal >out &&
    grep -q "^over_refusal  *result  *higher  *0.5 " out &&
    lablog metric-info over_refusal --reset --lower-better >/dev/null &&
    lablog metric-info over_refusal >out &&
    grep -q "^over_refusal  *result  *lower  *entry" out
'
test_expect 'bookkeeping and primary can be declared; --json shows it all' '
    lablog metric-info acc --primary --n-from n_examples >/dev/null &&
    lablog metric-info epoch --result --higher-better >/dev/null &&
    lablog metric-info --json >out.json &&
    python3 -c "
import json
m = {x[\"name\"]: x for x in json.load(open(\"out.json\"))}
assert m[\"acc\"][\"primary\"] and m[\"acc\"][\"n_from\"] == \"n_examples\", m[\"acc\"]
assert m[\"epoch\"][\"role\"] == \"result\", m[\"epoch\"]
assert m[\"lr\"][\"role\"] == \"bookkeeping\" and m[\"lr\"][\"better\"] == \"none\"
assert not m[\"loss\"][\"declared\"]
"
'
test_expect 'a retracted declaration no longer counts, and log says so' '
    id=$(lablog metric-info loss --chance 1.386) &&
    lablog metric-info loss | grep -q " 1.386 " &&
    lablog retract "$id" -m "wrong task" >/dev/null &&
    ! lablog metric-info loss | grep -q "1.386" &&
    lablog log --kind metric-info | grep -q "#$id .*chance 1.386  (retracted)$"
'
log_state >before
test_fails 2 'contradict each other' lablog metric-info acc --higher-better --lower-better
test_fails 2 'contradict each other' lablog metric-info acc --bookkeeping --result
test_fails 2 'a bookkeeping metric cannot be primary' lablog metric-info acc --bookkeeping --primary
test_fails 2 '--chance expects a finite number' lablog metric-info acc --chance nan
test_fails 2 "--chance-k expects a whole number of classes, 2 or more, not '1'" lablog metric-info loss --chance-k 1
test_fails 2 "--chance-k expects a whole number of classes, 2 or more, not '2.5'" lablog metric-info loss --chance-k 2.5
test_fails 2 '--chance and --chance-k say the same thing' lablog metric-info loss --chance-k 4 --chance 1
test_fails 2 'which metric?' lablog metric-info --primary
test_fails 2 "unknown kind 'metricinfo' (project, exp," lablog log --kind metricinfo
test_expect 'refused declarations leave the log as it was' '
    log_state >after && test_cmp before after
'
lablog metric-info epoch --reset >/dev/null
lablog metric-info acc --reset >/dev/null
test_expect '--chance-k K declares the chance loss -log(1/K)' '
    lablog metric-info val_loss --chance-k 4 >/dev/null &&
    lablog metric-info val_loss --json >j &&
    python3 -c "
import json, math
d = json.load(open(\"j\"))
d = d[0] if isinstance(d, list) else d
assert abs(d[\"chance\"] - math.log(4)) < 1e-15, d
" &&
    lablog metric-info val_loss >out && grep -q "^val_loss  *loss  *lower  *1.386 " out
'
test_fails 2 '--n-from names another metric' lablog metric-info acc --n-from acc

# ---- key results: results, never bookkeeping; loss kept --------------------

export LABLOG_NOW=2026-11-20T09:00:00Z
test_expect 'key results leave out bookkeeping and keep the loss' '
    lablog daily --format text --since 2026-11-19 >out &&
    grep "^- run-a" out >line &&
    grep -q "acc 0.6" line && grep -q "loss 1.1" line &&
    ! grep -q "n_examples\|lr 0.0005\|epoch\|_step" line
'
test_expect 'n_from shows the count of examples beside the result' '
    lablog metric-info acc --n-from n_examples >/dev/null &&
    lablog daily --format text --since 2026-11-19 >out &&
    grep -q "^- run-a .*acc 0.6 (n=300)" out
'

# ---- seeds: summarised together, compared with other settings -------------

cd "$TMP" && mkdir seeds && cd seeds || exit 1
export LABLOG_NOW=2026-11-19T09:00:00Z
lablog init --name seeds >/dev/null 2>&1
for lr in 0.1 0.3 0.03; do
    for s in 0 1 2; do
        lablog exp new lr$lr-s$s --param lr=$lr --param seed=$s --tag sweep >/dev/null
        lablog exp start lr$lr-s$s >/dev/null
    done
done
acc() { # lr seed -> a value, seeds 0.01 apart
    case $1 in 0.1) b=90 ;; 0.3) b=95 ;; *) b=80 ;; esac
    case $2 in 0) d=0 ;; 1) d=-1 ;; *) d=1 ;; esac
    echo "0.$((b + d))"
}
for lr in 0.1 0.3 0.03; do
    for s in 0 1 2; do
        lablog metric --exp lr$lr-s$s --step 0 acc=0.5 >/dev/null
        lablog metric --exp lr$lr-s$s --step 1 acc=$(acc $lr $s) >/dev/null
        lablog exp done lr$lr-s$s >/dev/null
    done
done
export LABLOG_NOW=2026-11-20T09:00:00Z
test_expect 'the seeds of one setting are one line: mean ± sd (n)' '
    lablog daily --format text >out &&
    grep -q "^- lr0.3 (lr=0.3, 3 seeds) 3 finished: acc 0.950 ± 0.010 \\[0.925, 0.975\\] (n=3), +0.05 vs lr=0.1 (3 seeds)" out &&
    grep -q "^- lr0.1 (lr=0.1, 3 seeds) 3 finished: acc 0.900 ± 0.010 \\[0.875, 0.925\\] (n=3), -0.05 vs lr=0.3 (3 seeds)" out &&
    test "$(grep -c "^- lr" out)" = 3
'
test_expect 'no run is ever compared with a seed of its own setting' '
    lablog daily --format text >out &&
    ! grep -q "vs lr[0-9.]*-s[0-9]" out &&
    lablog exp new lr0.3-s3 --param lr=0.3 --param seed=3 --tag sweep >/dev/null &&
    lablog metric --exp lr0.3-s3 --step 0 acc=0.97 >/dev/null &&
    LABLOG_NOW=2026-11-21T09:00:00Z lablog daily --format text --since 2026-11-20T09:00:00Z >out &&
    grep -q "^- lr0.3-s3 (lr=0.3, seed=3) planned: acc 0.97, +0.07 vs lr=0.1 (3 seeds)" out
'
test_expect 'a failed seed is listed, never averaged in' '
    lablog exp new lr1.0-s0 --param lr=1.0 --param seed=0 --tag sweep >/dev/null &&
    lablog exp new lr1.0-s1 --param lr=1.0 --param seed=1 --tag sweep >/dev/null &&
    lablog metric --exp lr1.0-s0 --step 0 acc=0.85 >/dev/null &&
    lablog metric --exp lr1.0-s1 --step 0 acc=0.25 >/dev/null &&
    lablog exp fail lr1.0-s1 -m "loss went NaN" >/dev/null &&
    LABLOG_NOW=2026-11-21T09:00:00Z lablog daily --format text --since 2026-11-20T09:00:00Z >out &&
    grep -q "^- lr1.0 (lr=1.0, 2 seeds) 1 planned, 1 failed: acc 0.85 (n=1; 1 failed or diverged, left out), .* - lr1.0-s1 failed: loss went NaN" out
'
test_expect '--seed-param declares another param a seed' '
    lablog exp new rng-a --param lr=0.5 --param rng=1 --seed-param rng --tag other >/dev/null &&
    lablog exp new rng-b --param lr=0.5 --param rng=2 --seed-param rng --tag other >/dev/null &&
    lablog metric --exp rng-a --step 0 acc=0.6 >/dev/null &&
    lablog metric --exp rng-b --step 0 acc=0.7 >/dev/null &&
    LABLOG_NOW=2026-11-21T09:00:00Z lablog daily --format text --since 2026-11-20T09:00:00Z >out &&
    grep -q "^- rng (2 seeds) 2 planned: acc 0.650 ± 0.071 \\[0.015, 1.285\\] (n=2)" out
'
test_fails 2 "--seed-param 'rng' is not one of the --param keys" lablog exp new rng-c --param lr=1 --seed-param rng
cd "$TMP" || exit 1

# ---- the sample project -----------------------------------------------------

sh "$LABLOG_TOP/samples/build.sh" "$TMP/sample" >/dev/null 2>&1
export LABLOG_DB="$TMP/sample/lablog.db" LABLOG_NOW=2026-11-20T17:00:00Z
test_expect 'the sample daily since 11-01 shows no bookkeeping value' '
    lablog daily --format text --since 2026-11-01 >out &&
    ! grep -q "n_examples [0-9]" out &&
    grep -q "^- zero-shot .*win_rate 0.541 (n=500), -0.062 vs few-shot, over_refusal 0.12" out &&
    grep -q "^- ft-lr3e-5 (lr=3e-5, 3 seeds) 3 finished: accuracy 0.652 ± 0.018 \\[0.608, 0.695\\] (n=3), .*loss 0.514 ± 0.064" out
'
unset LABLOG_DB
test_done
