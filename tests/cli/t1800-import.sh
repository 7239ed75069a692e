#!/bin/sh
# lablog import: MLflow file store and mlflow.db, W&B panel CSV and
# history exports, TensorBoard event files (written by Google's protobuf
# library from the published message layout). Importing twice adds
# nothing; bad input leaves the log as it was.
. "$LABLOG_TOP/tests/cli/lib.sh"
lablog init --name imports >/dev/null 2>&1
points() { sqlite3 lablog.db "select count(*) from point"; }
series() { # EXP METRIC: "step value" lines
    lablog export --json | python3 -c '
import json, sys
doc = json.load(sys.stdin)
for s in doc["series"]:
    if s["exp"] == sys.argv[1] and s["metric"] == sys.argv[2]:
        for p in s["points"]:
            print(p[0], p[1])' "$1" "$2"
}
exp_json() { lablog exp show "$1" --json; }
field() { # EXP PYTHON-EXPRESSION-ON-e
    exp_json "$1" | python3 -c "import json,sys; e=json.load(sys.stdin); p={x['key']:x['value'] for x in e['params']}; print($2)"
}

# ---- MLflow file store, in the layout MLflow writes -----------------------
run() { # DIR: a run folder
    mkdir -p "$1/params" "$1/tags" "$1/metrics" "$1/artifacts"
}
M=mlruns
mkdir -p $M/0 $M/.trash
printf "artifact_location: mlflow-artifacts:/0\ncreation_time: 1763625600000\nexperiment_id: '0'\nlast_update_time: 1763625600000\nlifecycle_stage: active\nname: Default\n" >$M/0/meta.yaml
E=$M/853099972095872099
mkdir -p $E
printf "artifact_location: file:///home/ada/proj/mlruns/853099972095872099\ncreation_time: 1763625600000\nexperiment_id: '853099972095872099'\nlast_update_time: 1763625600000\nlifecycle_stage: active\nname: lr sweep\n" >$E/meta.yaml
R1=$E/41d73abfbc414cbb924ec53fc919a7e6
run $R1
cat >$R1/meta.yaml <<'YAML'
artifact_uri: file:///home/ada/proj/mlruns/853099972095872099/41d73abfbc414cbb924ec53fc919a7e6/artifacts
end_time: 1763629200000
entry_point_name: ''
experiment_id: '853099972095872099'
lifecycle_stage: active
run_id: 41d73abfbc414cbb924ec53fc919a7e6
run_name: lr-3e-4
run_uuid: 41d73abfbc414cbb924ec53fc919a7e6
source_name: ''
source_type: 4
source_version: ''
start_time: 1763625600000
status: 3
tags: []
user_id: ada
YAML
printf '0.0003' >$R1/params/lr
printf 'adamw' >$R1/params/optimizer
printf 'modèle α, “quoted”' >$R1/params/note
mkdir -p $R1/params/model
printf '64' >$R1/params/model/width
printf 'lr-3e-4' >$R1/tags/mlflow.runName
printf 'ada' >$R1/tags/mlflow.user
printf 'train.py' >$R1/tags/mlflow.source.name
printf '0123456789abcdef0123456789abcdef01234567' >$R1/tags/mlflow.source.git.commit
printf 'nlp' >$R1/tags/team
printf 'Does a higher lr converge faster?' >$R1/tags/mlflow.note.content
printf '1763625601000 2.3 0\n1763625602000 1.2 1\n1763625603000 nan 2\n1763625604000 0.6 3\n' >$R1/metrics/loss
mkdir -p $R1/metrics/train
printf '1763625601000 0.1 0\n1763625602000 0.5 1\n' >$R1/metrics/train/acc
# A run without a name, failed, with metrics logged without a step (old
# "timestamp value" lines and new ones at step 0).
R2=$E/bbb2222233334444555566667777aaaa
run $R2
printf "artifact_uri: file:///x\nend_time: 1763629300000\nexperiment_id: '853099972095872099'\nlifecycle_stage: active\nrun_id: bbb2222233334444555566667777aaaa\nrun_name: ''\nrun_uuid: bbb2222233334444555566667777aaaa\nstart_time: 1763625700000\nstatus: 4\nuser_id: bob\n" >$R2/meta.yaml
printf '1763625701000 5.0\n1763625702000 4.0\n1763625703000 3.0\n' >$R2/metrics/score
printf '1763625701000 0.9 0\n1763625702000 0.8 0\n' >$R2/metrics/val_loss
printf '1763625701000 1 4\n1763625702000 2 4\n1763625703000 3 5\n' >$R2/metrics/repeated
# A deleted run, a killed one, one still running, and a deleted experiment.
R3=$E/ccc33333ccc33333ccc33333ccc33333
run $R3
printf "run_id: ccc33333ccc33333ccc33333ccc33333\nrun_name: trashed\nstart_time: 1763625800000\nend_time: 1763625900000\nstatus: 3\nlifecycle_stage: deleted\nuser_id: ada\n" >$R3/meta.yaml
printf '1763625801000 1.0 0\n' >$R3/metrics/loss
R4=$E/ddd44444ddd44444ddd44444ddd44444
run $R4
printf "run_id: ddd44444ddd44444ddd44444ddd44444\nrun_name: killed-one\nstart_time: 1763625800000\nend_time: 1763625900000\nstatus: 5\nlifecycle_stage: active\nuser_id: ada\n" >$R4/meta.yaml
R5=$E/eee55555eee55555eee55555eee55555
run $R5
printf "run_id: eee55555eee55555eee55555eee55555\nrun_name: still-going\nstart_time: 1763625800000\nend_time: null\nstatus: 1\nlifecycle_stage: active\nuser_id: ada\n" >$R5/meta.yaml
printf '1763625801000 7.0 0\n' >$R5/metrics/loss
mkdir -p $M/.trash/999
printf "name: old\nexperiment_id: '999'\nlifecycle_stage: deleted\n" >$M/.trash/999/meta.yaml
run $M/.trash/999/fff66666fff66666fff66666fff66666
printf "run_id: fff66666fff66666fff66666fff66666\nrun_name: gone\nstatus: 3\nlifecycle_stage: active\nstart_time: 1763625800000\n" >$M/.trash/999/fff66666fff66666fff66666fff66666/meta.yaml

q="'"
# An experiment of the user's with the same name as an MLflow run.
lablog exp new lr-3e-4 >/dev/null

test_expect 'mlflow: the file store imports, deleted runs skipped' '
    lablog import mlflow mlruns 2>err &&
    grep -q "import: 4 runs, 4 new experiments, 2 deleted runs skipped; 14 points written, 0 duplicates" err
'
test_expect 'mlflow: names, params (non-ASCII kept), tags, author, command' '
    lablog exp list >list &&
    grep -q "^lr-3e-4-41d73abf " list && grep -q "^mlflow-bbb22222 " list &&
    grep -q "^killed-one " list && grep -q "^still-going " list &&
    ! grep -q trashed list && ! grep -q gone list &&
    test "$(field lr-3e-4-41d73abf "p[\"note\"]")" = "modèle α, “quoted”" &&
    test "$(field lr-3e-4-41d73abf "p[\"lr\"], p[\"model/width\"]")" = "0.0003 64" &&
    test "$(field lr-3e-4-41d73abf "e[\"tags\"]")" = "[${q}lr-sweep${q}, ${q}team=nlp${q}]" &&
    test "$(field lr-3e-4-41d73abf "e[\"hypothesis\"]")" = "Does a higher lr converge faster?" &&
    lablog exp show lr-3e-4-41d73abf | grep -q "run: train.py" &&
    lablog log --exp mlflow-bbb22222 | grep -q "status .*failed"
' 
test_expect 'mlflow: statuses and their times' '
    test "$(field lr-3e-4-41d73abf "e[\"status\"], len(e[\"history\"])")" = "done 2" &&
    test "$(field mlflow-bbb22222 "e[\"status\"]")" = failed &&
    test "$(field killed-one "e[\"status\"], e[\"history\"][-1][\"message\"]")" = "failed killed (MLflow status KILLED)" &&
    test "$(field still-going "e[\"status\"]")" = running &&
    test "$(field lr-3e-4-41d73abf "e[\"history\"][0][\"time\"]")" = "2025-11-20 08:00"
'
test_expect 'mlflow: metric histories with steps, NaN, nested names' '
    series lr-3e-4-41d73abf loss >got && printf "0 2.3\n1 1.2\n2 NaN\n3 0.6\n" >want && test_cmp want got &&
    series lr-3e-4-41d73abf train/acc | tr "\n" " " | grep -qx "0 0.1 1 0.5 "
'
test_expect 'mlflow: metrics without a step are numbered; a repeated step keeps the last value' '
    series mlflow-bbb22222 score | tr "\n" " " | grep -qx "0 5 1 4 2 3 " &&
    series mlflow-bbb22222 val_loss | tr "\n" " " | grep -qx "0 0.9 1 0.8 " &&
    series mlflow-bbb22222 repeated | tr "\n" " " | grep -qx "4 2 5 3 "
'
test_expect 'mlflow: importing twice adds nothing' '
    before=$(log_state) &&
    lablog import mlflow mlruns 2>err &&
    grep -q "4 runs, 0 new experiments, 2 deleted runs skipped; 0 points written, 14 duplicates" err &&
    test "$(log_state)" = "$before"
'
test_expect 'mlflow: a run that finished since is updated, once' '
    sed -i "s/^status: 1/status: 3/; s/^end_time: null/end_time: 1763629900000/" $R5/meta.yaml &&
    printf "1763625802000 6.0 1\n" >>$R5/metrics/loss &&
    lablog import mlflow . 2>err && grep -q "1 points written" err &&
    test "$(field still-going "e[\"status\"], len(e[\"history\"])")" = "done 2" &&
    lablog import mlflow mlruns 2>err && grep -q "0 points written" err &&
    test "$(field still-going "len(e[\"history\"])")" = 2
'
before=$(log_state)
printf '1763625801000 abc 0\n' >$R1/metrics/bad
test_fails 1 "$R1/metrics/bad:1: 'abc' is not a number" lablog import mlflow mlruns
rm $R1/metrics/bad
printf "run_id: x\nstatus 3\n" >$R4/meta.yaml
test_fails 1 "$R4/meta.yaml:2: expected 'key: value'" lablog import mlflow mlruns
test_expect 'mlflow: bad input leaves the log unchanged' '
    test "$(log_state)" = "$before"
'
test_fails 1 "not an MLflow store" lablog import mlflow "$HOME"
test_fails 2 "unknown tool 'import mlfow' (did you mean 'import mlflow'?)" lablog import mlfow mlruns

# ---- mlflow.db (MLflow's SQLite tracking store) --------------------------
sqlite3 mlflow.db <<'SQL'
CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);
INSERT INTO alembic_version VALUES ('4465047574b1');
CREATE TABLE experiments (experiment_id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(256) NOT NULL UNIQUE, artifact_location VARCHAR(256), lifecycle_stage VARCHAR(32), creation_time BIGINT, last_update_time BIGINT);
CREATE TABLE runs (run_uuid VARCHAR(32) NOT NULL PRIMARY KEY, name VARCHAR(250), source_type VARCHAR(20), source_name VARCHAR(500), entry_point_name VARCHAR(50), user_id VARCHAR(256), status VARCHAR(9), start_time BIGINT, end_time BIGINT, deleted_time BIGINT, source_version VARCHAR(50), lifecycle_stage VARCHAR(20), artifact_uri VARCHAR(200), experiment_id INTEGER);
CREATE TABLE params (key VARCHAR(250) NOT NULL, value VARCHAR(8000) NOT NULL, run_uuid VARCHAR(32) NOT NULL, PRIMARY KEY (key, run_uuid));
CREATE TABLE tags (key VARCHAR(250) NOT NULL, value VARCHAR(8000), run_uuid VARCHAR(32) NOT NULL, PRIMARY KEY (key, run_uuid));
CREATE TABLE metrics (key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT NOT NULL, run_uuid VARCHAR(32) NOT NULL, step BIGINT DEFAULT '0' NOT NULL, is_nan BOOLEAN DEFAULT '0' NOT NULL, PRIMARY KEY (key, timestamp, step, run_uuid, value, is_nan));
CREATE TABLE latest_metrics (key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT, step BIGINT NOT NULL, is_nan BOOLEAN NOT NULL, run_uuid VARCHAR(32) NOT NULL, PRIMARY KEY (key, run_uuid));
INSERT INTO experiments VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', 1763625600000, 1763625600000);
INSERT INTO experiments VALUES (1, 'dpo', 'mlflow-artifacts:/1', 'active', 1763625600000, 1763625600000);
INSERT INTO runs VALUES ('a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1', 'dpo-beta-0.1', 'LOCAL', '', '', 'ada', 'FINISHED', 1763625600000, 1763629200000, NULL, '', 'active', 'x', 1);
INSERT INTO runs VALUES ('b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2', NULL, 'LOCAL', '', '', 'ada', 'FAILED', 1763625700000, 1763625800000, NULL, '', 'active', 'x', 1);
INSERT INTO runs VALUES ('c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3', 'removed', 'LOCAL', '', '', 'ada', 'FINISHED', 1763625700000, 1763625800000, 1763625900000, '', 'deleted', 'x', 1);
INSERT INTO params VALUES ('beta', '0.1', 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1');
INSERT INTO params VALUES ('modèle', 'grand', 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1');
INSERT INTO tags VALUES ('mlflow.runName', 'dpo-beta-0.1', 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1');
INSERT INTO tags VALUES ('stage', 'pilot', 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1');
INSERT INTO metrics VALUES ('reward', 0.5, 1763625601000, 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1', 0, 0);
INSERT INTO metrics VALUES ('reward', 0.75, 1763625602000, 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1', 10, 0);
INSERT INTO metrics VALUES ('reward', 0, 1763625603000, 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1', 20, 1);
INSERT INTO metrics VALUES ('loss', 3.5, 1763625701000, 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2', 0, 0);
INSERT INTO metrics VALUES ('loss', 1.0, 1763625701000, 'c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3', 0, 0);
SQL
test_expect 'mlflow.db: runs, params, tags, metrics (is_nan), deleted skipped' '
    lablog import mlflow mlflow.db 2>err &&
    grep -q "import: 2 runs, 2 new experiments, 1 deleted run skipped; 4 points written" err &&
    series dpo-beta-0.1 reward | tr "\n" " " | grep -qx "0 0.5 10 0.75 20 NaN " &&
    test "$(field dpo-beta-0.1 "p[\"beta\"], p[\"modèle\"], e[\"tags\"], e[\"status\"]")" = "0.1 grand [${q}dpo${q}, ${q}stage=pilot${q}] done" &&
    test "$(field mlflow-b2b2b2b2 "e[\"status\"]")" = failed &&
    lablog import mlflow mlflow.db 2>err && grep -q "0 points written, 4 duplicates" err
'
printf 'not a database at all, just some text........................\n' >fake.db
test_fails 1 "fake.db" lablog import mlflow fake.db

# ---- W&B -------------------------------------------------------------------
cat >panel.csv <<'CSV'
"Step","lr-3e-4 - train/loss","lr-3e-4 - train/loss__MIN","lr-3e-4 - train/loss__MAX","lr-1e-3 - train/loss","lr-1e-3 - train/loss__MIN","lr-1e-3 - train/loss__MAX"
0,2.3,2.2,2.4,2.1,2.0,2.2
100,1.1,1.0,1.2,,,
200,0.6,0.5,0.7,0.9,0.8,1.0
CSV
test_expect 'wandb panel CSV: one experiment per run, bands dropped, gaps skipped' '
    lablog import wandb panel.csv 2>err &&
    grep -q "import: 2 runs, 2 new experiments; 5 points written" err &&
    series lr-3e-4-wandb train/loss | tr "\n" " " | grep -qx "0 2.3 100 1.1 200 0.6 " &&
    series lr-1e-3 train/loss | tr "\n" " " | grep -qx "0 2.1 200 0.9 " &&
    ! lablog exp show lr-1e-3 | grep -q "__MIN" &&
    lablog import wandb panel.csv 2>err && grep -q "0 points written, 5 duplicates" err
'
mkdir -p wandb/run-20251120_080000-abc123/files
cat >wandb/run-20251120_080000-abc123/files/wandb-history.jsonl <<'JSONL'
{"_step": 0, "_runtime": 1.5, "_timestamp": 1763625600.5, "loss": 2.5, "train": {"acc": 0.1, "lr": 0.001}, "samples": {"_type": "table-file", "path": "x.json"}}
{"_step": 1, "_runtime": 2.5, "_timestamp": 1763625601.5, "loss": 1.5, "train": {"acc": 0.2}, "note": "text is not a metric"}
JSONL
test_expect 'wandb history JSONL: _step, _timestamp, nested a/b, media skipped' '
    lablog import wandb wandb/run-20251120_080000-abc123/files/wandb-history.jsonl 2>err &&
    grep -q "1 new experiment; 5 points written" err &&
    series run-20251120_080000-abc123 loss | tr "\n" " " | grep -qx "0 2.5 1 1.5 " &&
    series run-20251120_080000-abc123 train/acc | tr "\n" " " | grep -qx "0 0.1 1 0.2 " &&
    ! lablog exp show run-20251120_080000-abc123 | grep -q "_runtime\|samples" &&
    sqlite3 lablog.db "select ts from point where value = 2.5" | grep -qx 1763625600500
'
printf ',_step,_runtime,_timestamp,loss,acc\n0,0,1.0,1763625600,0.9,0.5\n1,1,2.0,1763625601,0.7,\n' >history.csv
test_expect 'wandb history CSV (pandas to_csv): index dropped, _step the step' '
    lablog import wandb history.csv --exp hist 2>err &&
    grep -q "3 points written" err &&
    series hist loss | tr "\n" " " | grep -qx "0 0.9 1 0.7 " &&
    ! lablog exp show hist | grep -q "_runtime"
'
before=$(log_state)
printf '"Step","a - loss"\n0,1\n1,oops\n' >badpanel.csv
test_fails 1 "badpanel.csv:3: 'oops' is not a number (column 'a - loss')" lablog import wandb badpanel.csv
printf 'step,loss\n0,1\n' >plain.csv
test_fails 1 "plain.csv:1: not a W&B export" lablog import wandb plain.csv
test_expect 'wandb: bad input leaves the log unchanged' '
    test "$(log_state)" = "$before"
'

# ---- TensorBoard ------------------------------------------------------------
PY=python3
python3 -c "import google.protobuf" 2>/dev/null || PY=/usr/bin/python3
$PY "$LABLOG_TOP/tests/cli/tb_write.py" tb
test_expect 'tensorboard: one experiment per run folder, simple_value and scalar tensors' '
    lablog import tensorboard tb 2>err &&
    grep -q "import: 2 runs, 2 new experiments; 17 points written" err &&
    lablog exp list | grep -q "^lr-3e-4-train " && lablog exp list | grep -q "^lr-3e-4-eval " &&
    series lr-3e-4-train loss | tr "\n" " " | grep -qx "0 2 1 1 2 0.6666666865348816 3 0.5 4 0.4000000059604645 5 0.25 " &&
    series lr-3e-4-train acc | head -1 | grep -qx "0 0" &&
    series lr-3e-4-eval eval/loss | tr "\n" " " | grep -qx "0 1.5 10 1 20 0.5 " &&
    series lr-3e-4-eval eval/acc | tr "\n" " " | grep -qx "0 0.5 10 0.625 20 0.75 " &&
    ! lablog exp show lr-3e-4-eval | grep -q "weights\|samples" &&
    sqlite3 lablog.db "select ts from point where value = 0.25" | grep -qx 1763625705000
'
test_expect 'tensorboard: importing twice adds nothing' '
    before=$(log_state) &&
    lablog import tensorboard tb 2>err && grep -q "0 points written, 17 duplicates" err &&
    test "$(log_state)" = "$before"
'
before=$(log_state)
$PY "$LABLOG_TOP/tests/cli/tb_write.py" tbbad corrupt
test_fails 1 "events.out.tfevents.1763625600.host.1.0: record 2 (byte" lablog import tensorboard tbbad
test_fails 1 "no TensorBoard event files" lablog import tensorboard "$HOME"
test_expect 'tensorboard: a corrupt file leaves the log unchanged' '
    test "$(log_state)" = "$before"
'
$PY "$LABLOG_TOP/tests/cli/tb_write.py" tbcut truncate
test_expect 'tensorboard: a file cut short (still being written) is read up to the cut' '
    lablog import tensorboard tbcut 2>err &&
    grep -q "is cut short" err && grep -q "new experiments" err
'
test_done
