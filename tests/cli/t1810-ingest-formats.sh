#!/bin/sh
# lablog ingest of the files people have: pandas CSV (unnamed index), a BOM
# and CRLF, nested JSONL, --step-key, and files of other tools, which get
# one line naming the import to use.
. "$LABLOG_TOP/tests/cli/lib.sh"
lablog init --name f >/dev/null 2>&1
lablog exp new a >/dev/null
series() {
    lablog export --json | python3 -c '
import json, sys
for s in json.load(sys.stdin)["series"]:
    if s["exp"] == sys.argv[1] and s["metric"] == sys.argv[2]:
        print(" ".join("%s:%s" % (p[0], p[1]) for p in s["points"]))' "$1" "$2"
}
metrics() { sqlite3 lablog.db "select group_concat(name, ' ') from (select name from series order by name)"; }

printf ',loss,acc\n0,2.5,0.1\n1,1.5,0.2\n2,0.5,0.3\n' >pandas.csv
test_expect 'pandas to_csv: the unnamed index is the step, not a metric' '
    lablog ingest pandas.csv --exp a 2>err && grep -q "6 points written" err &&
    test "$(metrics)" = "acc loss" && test "$(series a loss)" = "0:2.5 1:1.5 2:0.5"
'
lablog exp new b >/dev/null
printf ',step,loss\n0,10,2.5\n1,20,1.5\n' >indexed.csv
test_expect 'pandas index beside a step column is ignored' '
    lablog ingest indexed.csv --exp b 2>err && grep -q "2 points written" err &&
    test "$(series b loss)" = "10:2.5 20:1.5"
'
lablog exp new c >/dev/null
printf '\357\273\277step,loss\r\n0,1.0\r\n1,0.5\r\n' >bom.csv
test_expect 'a UTF-8 BOM and CRLF line ends are fine' '
    lablog ingest bom.csv --exp c 2>err && grep -q "2 points written" err &&
    test "$(series c loss)" = "0:1 1:0.5"
'
lablog exp new d >/dev/null
cat >nested.jsonl <<'JSONL'
{"step": 0, "train": {"loss": 2.0, "acc": {"top1": 0.1, "top5": 0.3}}, "eval": {"loss": 2.2}}
{"step": 1, "train": {"loss": 1.0, "acc": {"top1": 0.2, "top5": 0.5}}, "list": [1, 2]}
JSONL
test_expect 'JSONL: nested objects flatten to a/b names; arrays warned once' '
    lablog ingest nested.jsonl --exp d 2>err && grep -q "7 points written" err &&
    test "$(series d train/acc/top5)" = "0:0.3 1:0.5" &&
    test "$(series d eval/loss)" = "0:2.2" &&
    test "$(grep -c "ignoring field .list. (an array)" err)" = 1
'
lablog exp new e >/dev/null
printf '{"global_step": 5, "loss": 1.0, "step": 99}\n{"global_step": 6, "loss": 0.5}\n' >keyed.jsonl
printf 'iteration,loss\n100,1.0\n200,0.5\n' >keyed.csv
test_expect '--step-key names the step field (JSONL) or column (CSV)' '
    lablog ingest keyed.jsonl --exp e --step-key global_step 2>err &&
    test "$(series e loss)" = "5:1 6:0.5" && test "$(series e step)" = "5:99" &&
    lablog exp new e2 >/dev/null &&
    lablog ingest keyed.csv --exp e2 --step-key iteration 2>err &&
    test "$(series e2 loss)" = "100:1 200:0.5"
'
test_fails 1 "keyed.csv:1: no column 'epoch' (--step-key)" lablog ingest keyed.csv --exp e2 --step-key epoch

before=$(log_state)
printf '"Step","run-a - loss","run-a - loss__MIN","run-a - loss__MAX"\n0,1,1,1\n' >panel.csv
test_fails 2 "panel.csv:1: this looks like a W&B panel export ('RUN - METRIC' columns); import it with 'lablog import wandb FILE'" lablog ingest panel.csv --exp a
printf '{"_step": 0, "_runtime": 1.2, "_timestamp": 1763625600, "loss": 1}\n' >hist.jsonl
test_fails 2 "hist.jsonl:1: this looks like a W&B history export (_step, _runtime, _timestamp); import it with 'lablog import wandb FILE'" lablog ingest hist.jsonl --exp a
printf ',_step,_runtime,loss\n0,0,1.0,1\n' >hist.csv
test_fails 2 "hist.csv:1: this looks like a W&B history export" lablog ingest hist.csv --exp a
printf '1763625600000 0.5 0\n1763625601000 0.4 1\n' >loss
test_fails 2 "loss:1: this looks like an MLflow metric file (timestamp value step); import it with 'lablog import mlflow mlruns/'" lablog ingest loss --exp a
printf 'x' >events.out.tfevents.1763625600.host
test_fails 2 "this is a TensorBoard event file; import its folder with 'lablog import tensorboard DIR'" lablog ingest events.out.tfevents.1763625600.host --exp a
cp lablog.db copy.db
test_fails 2 "copy.db: this is an SQLite database; for MLflow's mlflow.db use 'lablog import mlflow copy.db'" lablog ingest copy.db --exp a
printf 'step,,loss\n0,1,2\n' >noname.csv
test_fails 1 "noname.csv:1: column 2 has no name" lablog ingest noname.csv --exp a
test_expect 'refused files leave the log unchanged' '
    test "$(log_state)" = "$before"
'
test_expect 'with --step-key, a W&B history file ingests as asked' '
    lablog exp new h >/dev/null &&
    lablog ingest hist.jsonl --exp h --step-key _step 2>err && grep -q "3 points written" err
'
test_done
