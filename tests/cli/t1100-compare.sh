#!/bin/sh
# lablog compare: rows of runs or settings (seeds together), intervals over
# seeds (Student t) and over examples (Wilson), differences from a
# baseline with Welch's test (seeds) or the two-proportion test (lone
# runs), verdicts only for confirmatory rows; every number recomputed with
# scipy; text, md, csv and json; each error path.
. "$LABLOG_TOP/tests/cli/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
gold="$LABLOG_TOP/tests/golden"

lablog init --name cmp >/dev/null 2>&1
seeds() { # NAME-PREFIX MODE LR VALUES...
    pre=$1 mode=$2 lr=$3
    shift 3
    s=0
    for v in "$@"; do
        lablog exp new "$pre-s$s" $mode --param lr=$lr --param seed=$s \
            --tag sft >/dev/null
        lablog metric --exp "$pre-s$s" --step 100 win_rate=$v \
            loss=$(echo "1.3 - $v" | bc) n_examples=500 >/dev/null
        lablog exp done "$pre-s$s" >/dev/null
        s=$((s + 1))
    done
}
seeds base "" 1e-5 0.712 0.698 0.731
seeds tuned --confirm 3e-5 0.745 0.760 0.739 0.751
seeds hot --confirm 1e-4 0.66 0.62 0.69
# A lone exploratory probe on 50 examples, and two confirmatory prompt
# evaluations on 500 examples each (one run each: the examples are the
# samples).
lablog exp new probe --param lr=3e-4 --tag sft >/dev/null
lablog metric --exp probe --step 1 win_rate=0.84 n_examples=50 >/dev/null
lablog exp new prompt-a --param prompt=a --tag prompts >/dev/null
lablog metric --exp prompt-a --step 1 acc=0.54 n_examples=500 >/dev/null
lablog exp new prompt-b --confirm --param prompt=b --tag prompts >/dev/null
lablog metric --exp prompt-b --step 1 acc=0.602 n_examples=500 >/dev/null
log_state >before

test_expect 'text: one row per setting, best first, verdicts in words' '
    lablog compare --tag sft --baseline base-s0 >out &&
    grep -q "^11 runs in 4 rows, best first by win_rate (higher is better); baseline base$" out &&
    grep -q "^setting  *lr  *runs  *win_rate  *Δ win_rate  *loss  *Δ loss  *verdict$" out &&
    sed -n "/^setting/,\$p" out | cut -c1-6 >order &&
    printf "settin\nprobe \ntuned \nbase  \nhot   \n" >expect &&
    test_cmp expect order &&
    grep -q "^tuned  *3e-5  *4  *0.7488 ± 0.0090 \[0.7345, 0.7630\]  *+0.035 \[+0.001, +0.069\] .* better (p = 0.048)$" out &&
    grep -q "^base  *1e-5  *3  *0.714 ± 0.017 \[0.673, 0.755\]  *(baseline) .*(baseline)$" out &&
    grep -q "^hot  .* within noise (p = 0.089)$" out &&
    grep -q "^probe  *3e-4  *1  *0.84 \[0.71, 0.92\] n < 300  *+0.13  .* exploratory$" out &&
    grep -q "^n < 300: fewer than 300 examples" out
'
test_expect 'json: every number agrees with scipy' '
    lablog compare --tag sft --tag prompts --baseline base-s0 --json >sft.json &&
    lablog compare --tag prompts --baseline prompt-a --json >prompts.json &&
    $PY - sft.json prompts.json <<PY
import json, math, sys
from scipy import stats
d = json.load(open(sys.argv[1]))
rows = {r["label"]: r for r in d["rows"]}
vals = {"base": [0.712, 0.698, 0.731], "tuned": [0.745, 0.760, 0.739, 0.751],
        "hot": [0.66, 0.62, 0.69]}
def close(got, want, tol=1e-9):
    assert got is not None and abs(got - want) <= tol * max(1, abs(want)), (got, want)
for name, xs in vals.items():
    c = rows[name]["cells"][0]
    n = len(xs); m = sum(xs) / n
    lo, hi = stats.t.interval(0.95, n - 1, loc=m, scale=stats.sem(xs))
    close(c["mean"], m); close(c["sd"], stats.tstd(xs))
    close(c["lo"], lo); close(c["hi"], hi)
    assert c["n"] == n and c["ci"] == "t" and c["examples"] == 500
for name in ("tuned", "hot"):
    xs, base = vals[name], vals["base"]
    r = stats.ttest_ind(xs, base, equal_var=False)
    va = stats.tvar(base) / len(base); vb = stats.tvar(xs) / len(xs)
    df = (va + vb) ** 2 / (va ** 2 / (len(base) - 1) + vb ** 2 / (len(xs) - 1))
    diff = sum(xs) / len(xs) - sum(base) / len(base)
    q = stats.t.ppf(0.975, df)
    dl = rows[name]["cells"][0]["delta"]
    close(dl["diff"], diff); close(dl["t"], r.statistic); close(dl["p"], r.pvalue)
    close(dl["df"], df); close(dl["lo"], diff - q * math.sqrt(va + vb))
    close(dl["hi"], diff + q * math.sqrt(va + vb))
    assert dl["test"] == "welch"
assert rows["tuned"]["verdict"] == "better (p = 0.048)", rows["tuned"]
assert rows["hot"]["verdict"] == "within noise (p = 0.089)", rows["hot"]
# Wilson for the lone probe on 50 examples.
c = rows["probe"]["cells"][0]
ci = stats.binomtest(42, 50).proportion_ci(confidence_level=0.95, method="wilson")
close(c["lo"], ci.low); close(c["hi"], ci.high)
assert c["ci"] == "wilson" and c["small_n"] is True
# Exploratory rows never get a p-value or a test, only a difference.
for r in d["rows"]:
    for c in r["cells"]:
        if r["mode"] == "explore" and "delta" in c:
            assert set(c["delta"]) == {"diff", "text"}, c["delta"]
    if r["mode"] == "explore" and not r["baseline"]:
        assert r["verdict"] == "exploratory", r
assert rows["base"]["verdict"] is None and rows["base"]["baseline"] is True
# Two lone confirmatory evaluations on counted examples: Newcombe interval
# from the two Wilson intervals, pooled two-proportion z test.
p = {r["label"]: r for r in json.load(open(sys.argv[2]))["rows"]}
dl = p["prompt-b"]["cells"][0]["delta"]
wa = stats.binomtest(270, 500).proportion_ci(method="wilson")
wb = stats.binomtest(301, 500).proportion_ci(method="wilson")
pa, pb = 0.54, 0.602
close(dl["lo"], pb - pa - math.sqrt((pb - wb.low) ** 2 + (wa.high - pa) ** 2))
close(dl["hi"], pb - pa + math.sqrt((wb.high - pb) ** 2 + (pa - wa.low) ** 2))
pool = (pa + pb) / 2
z = (pb - pa) / math.sqrt(pool * (1 - pool) * (2 / 500))
close(dl["p"], 2 * stats.norm.sf(abs(z)))
assert dl["test"] == "two-proportion z"
assert p["prompt-b"]["verdict"] == "better (p = 0.048)", p["prompt-b"]
PY
'
test_expect 'csv: one line per row, numbers exact, pandas-readable' '
    lablog compare --tag sft --baseline base-s0 --format csv >out.csv &&
    $PY - out.csv <<PY
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert [r["label"] for r in rows] == ["probe", "tuned", "base", "hot"], rows
t = {r["label"]: r for r in rows}
assert float(t["tuned"]["win_rate_mean"]) == 0.74875
assert t["tuned"]["win_rate_n"] == "4" and t["tuned"]["mode"] == "confirm"
assert t["probe"]["win_rate_p"] == "" and t["probe"]["verdict"] == "exploratory"
assert abs(float(t["tuned"]["win_rate_p"]) - 0.04770763541402) < 1e-12
assert t["base"]["win_rate_delta"] == "" and t["base"]["lr"] == "1e-5"
assert len(rows[0]) == 4 + 1 + 2 * 10 + 1
PY
'
test_expect 'md: a Markdown table with its legend' '
    lablog compare --tag sft --baseline base-s0 --format md >out.md &&
    grep -q "^| setting | lr | runs | win\\\\_rate | Δ win\\\\_rate | loss | Δ loss | verdict |$" out.md &&
    grep -q "^| --- | --- | --- | --- | --- | --- | --- | --- |$" out.md &&
    grep -q "^| tuned | 3e-5 | 4 | 0.7488 ± 0.0090 \\\\\[0.7345, 0.7630\\\\\] | " out.md &&
    grep -q "^11 runs in 4 rows, .*baseline base\.  $" out.md
'
test_expect 'globs, --metric, --group and a baseline pulled in with its seeds' '
    lablog compare "tuned-*" --baseline base-s1 --metric loss --json >g.json &&
    $PY -c "
import json
d = json.load(open(\"g.json\"))
assert [m[\"name\"] for m in d[\"metrics\"]] == [\"loss\"]
assert [r[\"label\"] for r in d[\"rows\"]] == [\"tuned\", \"base\"], d[\"rows\"]
assert d[\"runs\"] == 7 and d[\"baseline\"] == \"base\"
" &&
    lablog compare --group hot-s1 --format csv >grp.csv &&
    test "$(wc -l <grp.csv)" = 5
'
test_expect 'a failed seed is counted and named in the verdict' '
    lablog exp new hot-s3 --confirm --param lr=1e-4 --param seed=3 --tag sft >/dev/null &&
    lablog metric --exp hot-s3 --step 50 win_rate=nan >/dev/null &&
    lablog exp fail hot-s3 >/dev/null &&
    lablog compare --tag sft --baseline base-s0 >out &&
    grep -q "^hot  *1e-4  *4 (1 failed)  .*within noise (p = 0.089); 1 of 4 seeds failed, left out$" out
'
log_state >before
test_fails 2 "compare needs experiments" lablog compare
test_fails 1 "no experiment 'tunedd-s0' (did you mean 'tuned-s0'?)" lablog compare tunedd-s0
test_fails 1 "no experiment matches 'zz-*'" lablog compare "zz-*"
test_fails 1 "no experiment has the tag 'nope'" lablog compare --tag nope
test_fails 1 "no experiment 'nobase'" lablog compare --tag sft --baseline nobase
test_fails 2 "unknown format 'xml' (text, md, csv, json)" lablog compare --tag sft --format xml
test_fails 2 "--json and --format csv disagree" lablog compare --tag sft --json --format csv
test_fails 1 "no experiment compared has a metric 'bleu'" lablog compare --tag sft --metric bleu
test_expect 'compare writes nothing' '
    log_state >after && test_cmp before after
'
test_expect 'compare --help names every option' '
    lablog compare --help >h &&
    for o in --tag --group --baseline --metric --format --json; do
        grep -q -- "$o" h || { echo "missing $o"; exit 1; }
    done
'

# ---- paired test on samples ------------------------------------------------------

test_expect 'lone runs with scored samples: the paired test, checked with scipy' '
    $PY - <<PY &&
import json, random
r = random.Random(7)
with open("sa.jsonl", "w") as a, open("sb.jsonl", "w") as b:
    for i in range(60):
        s = r.random()
        a.write(json.dumps({"id": "x%d" % i, "score": round(s, 3)}) + "\n")
        if i < 55:
            b.write(json.dumps({"id": "x%d" % i, "score": round(min(1, s + r.gauss(0.05, 0.1)), 3)}) + "\n")
PY
    lablog samples add --exp prompt-a sa.jsonl >/dev/null &&
    lablog samples add --exp prompt-b sb.jsonl >/dev/null &&
    lablog compare --tag prompts --baseline prompt-a --json >pj &&
    lablog compare --tag prompts --baseline prompt-a >pt &&
    grep -q "Δ paired (samples)" pt &&
    grep -q "^Δ paired: the samples" pt &&
    $PY - pj sa.jsonl sb.jsonl <<PY
import json, sys
from scipy import stats
d = {r["label"]: r for r in json.load(open(sys.argv[1]))["rows"]}
a = {x["id"]: x["score"] for x in map(json.loads, open(sys.argv[2]))}
b = {x["id"]: x["score"] for x in map(json.loads, open(sys.argv[3]))}
ids = sorted(set(a) & set(b))
xa = [a[i] for i in ids]; xb = [b[i] for i in ids]
t = stats.ttest_rel(xb, xa)
diff = [y - x for x, y in zip(xa, xb)]
n = len(diff); m = sum(diff) / n
lo, hi = stats.t.interval(0.95, n - 1, loc=m, scale=stats.sem(diff))
p = d["prompt-b"]["paired"]
assert p["n"] == 55 and p["only_one"] == 5, p
for got, want in [(p["mean"], m), (p["t"], t.statistic), (p["p"], t.pvalue), (p["lo"], lo), (p["hi"], hi)]:
    assert abs(got - want) <= 1e-9 * max(1, abs(want)), (got, want)
assert "paired" not in d["prompt-a"]
PY
'

# ---- export --csv ----------------------------------------------------------------

test_expect 'export --csv: runs x params x final metrics' '
    lablog exp new odd --param "n_examples=7" --param "note=a,b" >/dev/null &&
    lablog metric --exp odd --step 3 n_examples=9 acc=nan >/dev/null &&
    lablog export --csv >runs.csv &&
    $PY - runs.csv <<PY
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
t = {r["exp"]: r for r in rows}
assert list(rows[0])[:6] == ["exp", "uid", "status", "mode", "tags", "created"], list(rows[0])
assert len(rows) == 15, len(rows)
assert t["tuned-s1"]["win_rate"] == "0.76" and t["tuned-s1"]["lr"] == "3e-5"
assert t["tuned-s1"]["mode"] == "confirm" and t["tuned-s1"]["tags"] == "sft"
assert t["hot-s3"]["status"] == "failed" and t["hot-s3"]["win_rate"] == "nan"
assert t["probe"]["seed"] == "" and t["probe"]["loss"] == ""
# A param and a metric of one name: two columns; a comma is quoted.
assert t["odd"]["n_examples"] == "7" and t["odd"]["n_examples (metric)"] == "9"
assert t["odd"]["note"] == "a,b" and math.isnan(float(t["odd"]["acc"]))
assert t["base-s0"]["created"] == "2026-11-20T09:00:00.000Z"
PY
'
test_expect 'export --csv --points: every point, long' '
    lablog export --csv --points >pts.csv &&
    head -1 pts.csv >h && echo "exp,attempt,metric,step,value,time_ms" >expect &&
    test_cmp expect h &&
    grep -q "^tuned-s0,1,win_rate,100,0.745,1795165200000$" pts.csv &&
    grep -q "^hot-s3,1,win_rate,50,nan,1795165200000$" pts.csv &&
    test "$(grep -c ,win_rate, pts.csv)" = 12 &&
    test "$(sqlite3 lablog.db "select count(*) from point")" = "$(($(wc -l <pts.csv) - 1))"
'
test_fails 2 "--points goes with --csv" lablog export --points
test_fails 2 "export needs one of --json, --feed, --csv" lablog export --csv --json

# ---- the sample project: goldens ----------------------------------------------

if [ -f "$LABLOG_TOP/samples/build.sh" ]; then
    sh "$LABLOG_TOP/samples/build.sh" "$TMP/sample" >/dev/null 2>&1
    test_expect 'the sample comparisons match their goldens' '
        export LABLOG_NOW=2026-11-20T17:00:00Z &&
        db="$TMP/sample/lablog.db" &&
        lablog --db "$db" compare --tag ft-sweep --baseline ft-lr1e-5-s0 >actual &&
        test_cmp "$gold/compare/sample-ft.txt" actual &&
        lablog --db "$db" compare "bon-*" zero-shot few-shot --baseline zero-shot --format md >actual &&
        test_cmp "$gold/compare/sample-prompts.md" actual
    '
fi
test_done
