#!/bin/sh
# Velocity and the swamp: lablog velocity (text, json), the daily's line
# and swamp warning, the deck's TL;DR and first agenda item. The footgun
# checks: a finished run not below chance, a held-out loss rising while
# accuracy rises, on the daily's line and the run's slide.
. "$LABLOG_TOP/tests/cli/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

at() { LABLOG_NOW=$1; export LABLOG_NOW; }
at 2026-11-05T09:00:00Z
lablog init --name swampy >/dev/null 2>&1
# Last week: two runs done, a next step written and marked done 2 days
# later. This week: ten runs on refusal-sft after the only takeaway, over
# five days; two runs on another tag.
at 2026-11-06T10:00:00Z
lablog exp new old-1 --tag warmup >/dev/null
lablog exp new old-2 --tag warmup >/dev/null
n1=$(lablog next "Sweep lr on refusal-sft")
at 2026-11-07T10:00:00Z
lablog exp done old-1 >/dev/null
lablog exp done old-2 >/dev/null
at 2026-11-08T10:00:00Z
lablog done "$n1" >/dev/null
at 2026-11-14T09:30:00Z
lablog exp new first --tag refusal-sft >/dev/null
lablog note --exp first --takeaway "the baseline works" >/dev/null
for d in 14 15 16 17 18; do
    for k in 1 2; do
        at 2026-11-${d}T1$k:00:00Z
        lablog exp new sft-$d-$k --param lr=$k --param day=$d --tag refusal-sft >/dev/null
        at 2026-11-${d}T1$k:40:00Z
        lablog exp done sft-$d-$k >/dev/null
    done
done
lablog exp new other-1 --tag prompts >/dev/null
at 2026-11-19T09:00:00Z
log_state >before

test_expect 'velocity: weeks back from now, and the swamp' '
    lablog velocity --weeks 3 >out &&
    printf "%s\n" "WEEK TO      FINISHED  PER DAY  TAKEAWAYS  NEXT STEP TO DONE (median, steps)" \
        "2026-11-19         10      1.4          1  –" \
        "2026-11-12          2      0.3          0  2d 0h (1)" \
        "2026-11-05          0      0.0          0  –" "" \
        "swamps (8+ runs, 3+ days without a takeaway):" \
        "  10 runs on '\''refusal-sft'\'' since the last takeaway (4 days)" >expect &&
    test_cmp expect out
'
test_expect 'velocity --json' '
    lablog velocity --json --weeks 2 >j &&
    $PY - j <<PY
import json, sys
d = json.load(open(sys.argv[1]))
w = d["weeks"]
assert [x["finished"] for x in w] == [10, 2], w
assert w[1]["median_lead_ms"] == 2 * 86400000 and w[0]["median_lead_ms"] is None
assert w[0]["end"] == "2026-11-19T09:00:00.000Z" and w[0]["start"] == "2026-11-12T09:00:00.000Z"
s = d["swamps"]
assert len(s) == 1 and s[0]["tag"] == "refusal-sft" and s[0]["runs"] == 10, s
assert s[0]["takeaway"] is True and s[0]["since"] == "2026-11-14T09:30:00.000Z"
PY
'
test_expect 'the daily has the velocity line and the swamp under blockers' '
    lablog daily --format text >d &&
    grep -qx "Velocity: 10 finished this week (1.4/day) vs 2 last week; 1 takeaway (0 last week)" d &&
    sed -n "/^BLOCKERS$/,\$p" d >b &&
    grep -qx "\- Swamp: 10 runs on '\''refusal-sft'\'' since the last takeaway (4 days)" b &&
    ! grep -qx "None." b &&
    lablog daily --format slack >s &&
    grep -qx "• Swamp: 10 runs on '\''refusal-sft'\'' since the last takeaway (4 days)" s &&
    grep -q "^_Velocity: 10 finished" s &&
    lablog daily --format markdown >m &&
    grep -qx "\- \*\*Swamp:\*\* 10 runs on '\''refusal-sft'\'' since the last takeaway (4 days)" m
'
test_expect 'a takeaway clears the swamp' '
    (at 2026-11-19T08:00:00Z && lablog note --exp sft-18-2 --takeaway "lr 2 wins" >/dev/null) &&
    lablog velocity >out &&
    ! grep -q swamp out &&
    lablog daily --format text | sed -n "/^BLOCKERS$/,\$p" >b &&
    grep -qx "None." b
'
test_expect 'untagged runs swamp under their hypothesis' '
    for i in 1 2 3 4 5 6 7 8; do
        (at 2026-11-15T0$i:00:00Z && lablog exp new h-$i --hypothesis "Longer prompts make the model refuse less often than short ones" >/dev/null)
    done &&
    lablog velocity >out &&
    grep -qx "  8 runs on the hypothesis '\''Longer prompts make the model refuse les…'\'' in 4 days, no takeaway yet" out
'
test_expect 'the deck opens its agenda with the swamp, the TL;DR has the velocity' '
    lablog slides -o deck.pdf >/dev/null 2>&1 &&
    pdftotext -layout deck.pdf deck.txt 2>/dev/null &&
    sed -n "/Agenda/,/TL;DR/p" deck.txt | grep -q "0:00 *Swamp: 8 runs on the hypothesis" &&
    grep -q "Velocity: 10 finished this week" deck.txt
'
test_fails 2 "--weeks expects 1 to 520, not 0" lablog velocity --weeks 0

# ---- footguns --------------------------------------------------------------------

mkdir fg && cd fg || exit 1
at 2026-11-19T09:00:00Z
lablog init --name fg >/dev/null 2>&1
lablog metric-info loss --chance-k 4 >/dev/null
lablog exp new stuck --tag cls >/dev/null
for s in 0 1 2; do
    lablog metric --exp stuck --step $((s * 100)) loss=1.4$((5 - s)) accuracy=0.2$s >/dev/null
done
lablog exp done stuck >/dev/null
lablog exp new learning --tag cls >/dev/null
lablog metric --exp learning --step 0 loss=1.2 accuracy=0.4 >/dev/null
lablog metric --exp learning --step 100 loss=0.9 accuracy=0.6 >/dev/null
lablog exp done learning >/dev/null
lablog exp new overfit --tag cls >/dev/null
lablog exp new noisy --tag cls >/dev/null
$PY - <<PY
import json, random
r = random.Random(3)
with open("of.jsonl", "w") as f, open("no.jsonl", "w") as g:
    for s in range(200):
        vl = 0.9 - 0.002 * s if s < 80 else 0.74 + 0.0015 * (s - 80)
        f.write(json.dumps({"step": s, "val_loss": round(vl + r.gauss(0, 0.005), 4),
                            "accuracy": round(0.5 + 0.001 * s, 4)}) + "\n")
        # A plateau with noise: its lowest point is far below its last.
        g.write(json.dumps({"step": s, "val_loss": round(0.45 + r.gauss(0, 0.05), 4),
                            "accuracy": round(0.5 + 0.001 * s, 4)}) + "\n")
PY
lablog ingest --exp overfit of.jsonl >/dev/null 2>&1
lablog ingest --exp noisy no.jsonl >/dev/null 2>&1
lablog exp done noisy >/dev/null
lablog exp done overfit >/dev/null
# Still running at chance: not flagged until it is done.
lablog exp new early --tag cls >/dev/null
lablog exp start early >/dev/null
lablog metric --exp early --step 1 loss=1.5 >/dev/null

test_expect 'the daily flags a loss not below chance and a rising test loss' '
    lablog daily --format text >d &&
    grep -qx "\- stuck finished: accuracy 0.22, loss 1.43 \[check: loss 1.43 is not below chance (1.386)\]" d &&
    grep "^- overfit finished: " d >of &&
    grep -q "\[check: val_loss up since step ~89 (0.75[0-9]* → 0.90[0-9]*) while accuracy rose: overfitting?\]" of &&
    grep "^- noisy " d | grep -vq check &&
    grep "^- learning " d | grep -vq check &&
    grep "^- early " d | grep -vq check &&
    lablog daily --format slack | grep -q "^• \*stuck\* finished: .* — _check: loss 1.43 is not below chance (1.386)_$"
'
test_expect 'the results slide says it first' '
    lablog slides -o deck.pdf >/dev/null 2>&1 &&
    pdftotext deck.pdf deck.txt 2>/dev/null &&
    grep -q "Check: stuck: loss 1.43 is not below chance (1.386)" deck.txt &&
    grep -q "Check: overfit: val_loss up since step ~89" deck.txt &&
    ! grep -q "Check: noisy" deck.txt
'
test_done
