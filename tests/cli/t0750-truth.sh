#!/bin/sh
# Renderers that tell the truth (issue 9 §3): each check here failed on the
# renderers before src/model/ and the view snapshot.
. "$LABLOG_TOP/tests/cli/lib.sh"

sh "$LABLOG_TOP/samples/build.sh" "$TMP/sample" >/dev/null 2>&1
export LABLOG_DB="$TMP/sample/lablog.db" LABLOG_NOW=2026-11-20T17:00:00Z
mkdir out && cd out || exit 1

. "$LABLOG_TOP/tests/golden/small-project.sh"
test_expect 'the whole sample log matches its golden' '
    lablog daily --format text --since 2026-11-01 | normalize_machine "$LABLOG_TOP" >actual &&
    test_cmp "$LABLOG_TOP/tests/golden/daily/sample-all.text.txt" actual
'

# ---- the report's image links ------------------------------------------

test_expect 'report -o "my report.md": every image link parses in CommonMark' '
    lablog report -o "my report.md" &&
    n=$(grep -c "^!\[" "my report.md") && test "$n" -gt 0 &&
    cmark "my report.md" >out.html &&
    test "$(grep -o "<img src=\"[^\"]*\"" out.html | wc -l)" = "$n" &&
    grep -o "<img src=\"[^\"]*\"" out.html | sed "s/<img src=\"//; s/\"$//" |
        python3 -c "
import os, sys, urllib.parse
for line in sys.stdin:
    p = urllib.parse.unquote(line.strip())
    assert os.path.isfile(p), p
"
'
test_expect 'the report opens with a results table: groups x key metrics, mean ± sd and a 95% interval over seeds' '
    lablog report -o r.md &&
    line_of() { grep -n "$2" "$1" | head -n 1 | cut -d: -f1; } &&
    r=$(line_of r.md "^## Results$") && sm=$(line_of r.md "^## Summary$") &&
    test -n "$r" && test "$r" -lt "$sm" &&
    grep -qxF "**ft-sweep** — lr sweep, 3 settings, 3 seeds each (mean ± sd, \\[95% interval\\])" r.md &&
    grep -q "^| setting | runs | accuracy | loss |$" r.md &&
    grep -qxF "| lr=3e-5 | 3 | 0.652 ± 0.018 \\[0.608, 0.695\\] | 0.514 ± 0.064 \\[0.355, 0.672\\] |" r.md &&
    grep -q "^| lr=1e-4 | 2 (+1 failed) | " r.md &&
    grep -q "^Failed or diverged, left out of the means: ft-lr1e-4-s2.$" r.md
'
test_expect 'the report draws one plot per group, none inside an experiment section' '
    sed -n "/^## Results$/,/^## Summary$/p" r.md | grep -c "^!\[" >n &&
    test "$(cat n)" -ge 3 &&
    test "$(sed -n "/^## Experiments$/,\$p" r.md | grep -c "^!\[")" = 0 &&
    grep -q "^!\[accuracy of all 9 runs, mean ± sd of each lr over its seeds\](r_files/ft-sweep-accuracy.png)$" r.md
'
test_expect 'the report lists each takeaway once' '
    for t in "the demonstrations teach refusing" "gains flatten after N = 32" \
             "is the sweet spot" "is unstable: seed 2"; do
        test "$(grep -c "$t" r.md)" = 1 || { echo "$t: $(grep -c "$t" r.md)"; return 1; }
    done
'
cd "$TMP" || exit 1

# ---- a busy day on Slack -------------------------------------------------

mkdir busy && cd busy || exit 1
export LABLOG_DB="$TMP/busy/lablog.db"
. "$LABLOG_TOP/tests/golden/busy-day.sh"
build_busy_day 2>/dev/null
export LABLOG_NOW=2026-11-20T09:00:00Z
test_expect 'a busy day: no takeaway, decision, blocker or next step is dropped' '
    lablog daily >out &&
    test "$(wc -c <out)" -le 12000 &&
    for t in "lr = 0.3 is best" "Batch size barely matters" "Prompt v4 is the best" \
             "The eval is saturating" "Decided: Fine-tune with lr = 0.3" \
             "Decided: Stop tuning prompts" "300 labelled prompts" "GPU quota runs out" \
             "grader times out" "Label 300 hard prompts" "Re-run lr = 0.3 with 5 seeds" \
             "gradient clipping" "more GPU quota" "Write up the sweep"; do
        grep -qF "$t" out || { echo "missing: $t"; return 1; }
    done &&
    ! grep -q "more takeaways\|more decisions\|more next steps\|more blockers" out
'
test_expect 'a busy day: runs collapse into their groups before anything is cut' '
    lablog daily >out &&
    grep -q "^• \*lr-sweep\* (lr sweep, 4 × 3 seeds) 11 finished, 1 failed: best lr=0.3, acc 0.950 ± 0.010 (n=3) — failed or diverged: lr1.0-s2" out &&
    grep -q "^• \*bs-sweep\* (bs sweep, 3 × 3 seeds) 9 finished: best bs=16, acc 0.910 ± 0.010 (n=3)$" out &&
    grep -q "^• \*prompts\* (prompt sweep of 4) 4 finished: best prompt=v4, acc 0.64$" out &&
    test "$(grep -c "^• \*\(lr\|bs\)[0-9]" out)" = 0 &&
    grep -q "^_Shortened for Slack: \`lablog daily --format text\` has all of it._$" out
'
test_expect 'the busy day matches its goldens' '
    lablog daily >actual &&
    test_cmp "$LABLOG_TOP/tests/golden/daily/busy.slack.txt" actual &&
    lablog daily --format text >actual &&
    test_cmp "$LABLOG_TOP/tests/golden/daily/busy.text.txt" actual
'
test_expect 'a busy day in text keeps every run' '
    lablog daily --format text >out &&
    test "$(grep -c "^- lr[0-9.]* (lr=.*3 seeds)" out)" = 4
'
cd "$TMP" || exit 1

# ---- a messy week's deck -----------------------------------------------

mkdir messy && cd messy || exit 1
export LABLOG_DB="$TMP/messy/lablog.db"
. "$LABLOG_TOP/tests/golden/messy-week.sh"
build_messy_week 2>/dev/null
export LABLOG_NOW=2026-11-20T10:00:00Z
lablog slides -o deck.pdf 2>/dev/null
pdftotext -layout deck.pdf deck.txt 2>/dev/null
# The lines of the page whose title is $1 (pages are split at form feeds).
page_of() {
    awk -v t="$1" 'BEGIN { RS = "\f" } index($0, t) == 1 { print; exit }' deck.txt
}
test_expect 'the messy week matches its goldens' '
    lablog daily --format slack --since 2026-11-16 >actual &&
    test_cmp "$LABLOG_TOP/tests/golden/daily/messy.slack.txt" actual &&
    lablog report -o report.md &&
    test_cmp "$LABLOG_TOP/tests/golden/report/messy.md" report.md
'
test_expect 'a run that went NaN at step 25: the report plots its finite part' '
    lablog report -o rep.md &&
    grep -q "^| long-run | 1 (failed) | 0.54 | NaN @ step 25 |$" rep.md &&
    test -f rep_files/long-run-loss.png &&
    test "$(python3 "$LABLOG_TOP/tests/tools/png_colour.py" rep_files/long-run-loss.png 0173B2)" -gt 300
'
test_expect 'the sweep slide: rows best first by the primary metric, failed runs always listed' '
    page_of "lr: lr sweep" >sweep.txt &&
    grep -A1 "Experiment *Params" sweep.txt | tail -n 1 | grep -q "^ *lr0.1-s2 " &&
    grep -q "more$" sweep.txt &&
    grep -q "lr1.0-s1 .*NaN @ step 6 *failed" sweep.txt &&
    grep -q "lr1.0-s2 .*failed" sweep.txt
'
test_expect 'the sweep chart: the primary metric, failed runs counted, not averaged' '
    page_of "lr: lr sweep" >sweep.txt &&
    grep -q "Experiment *Params *acc *loss *Status" sweep.txt &&
    lablog plot --exp lr1.0-s0,lr1.0-s1,lr1.0-s2,lr0.1-s0 --metric acc \
        --bar last --group-by lr -o bars.pdf &&
    pdftotext -layout bars.pdf - 2>/dev/null >bars.txt &&
    grep -q "2 failed" bars.txt && grep -q "0.715" bars.txt
'
test_expect 'a failed run with nothing to show is an appendix line, not a slide' '
    ! grep -q "^quick-crash" deck.txt &&
    page_of "Appendix" | grep -q "quick-crash *failed"
'
test_expect 'a multi-line note that does not fit ends with an ellipsis' '
    page_of "lr: lr sweep" >sweep.txt &&
    grep -q "lr 0.3 starts fastest" sweep.txt &&
    grep -q "…$" sweep.txt &&
    ! grep -q "before we drop it" sweep.txt
'
test_expect 'an image attached to an experiment is in the deck' '
    page_of "long-run: attached" | grep -q "Gradient norm before the NaN" &&
    pdfimages -list deck.pdf 2>/dev/null | grep -q " 120 *80 "
'
cd "$TMP" || exit 1

# ---- a file attached to a finished run is not news of the run ----------

mkdir attach && cd attach || exit 1
export LABLOG_DB="$TMP/attach/lablog.db"
LABLOG_NOW=2026-11-18T09:00:00Z lablog init --name att >/dev/null 2>&1
LABLOG_NOW=2026-11-18T09:00:00Z lablog exp new lr1.0-s0 --param lr=1.0 --param seed=0 >/dev/null
LABLOG_NOW=2026-11-18T10:00:00Z lablog metric --exp lr1.0-s0 --step 0 acc=0.7 >/dev/null
LABLOG_NOW=2026-11-18T11:00:00Z lablog exp done lr1.0-s0 >/dev/null
echo "a,b" >curve.csv
LABLOG_NOW=2026-11-19T15:00:00Z lablog attach curve.csv --exp lr1.0-s0 --caption "loss curve" >/dev/null
test_expect "a Thursday attachment does not make Friday's daily repeat 'done'" '
    LABLOG_NOW=2026-11-19T09:00:00Z lablog daily --format text >thu &&
    grep -q "^- lr1.0-s0 .*finished" thu &&
    LABLOG_NOW=2026-11-20T09:00:00Z lablog daily --format text >fri &&
    ! grep -q "^- lr1.0-s0" fri &&
    grep -q "^- Attached: curve.csv - loss curve (lr1.0-s0)$" fri
'
cd "$TMP" || exit 1

# ---- plots ---------------------------------------------------------------

mkdir plots && cd plots || exit 1
export LABLOG_DB="$TMP/plots/lablog.db" LABLOG_NOW=2026-11-19T09:00:00Z
lablog init --name plots >/dev/null 2>&1
names=
i=1
while [ $i -le 12 ]; do
    lablog exp new r$i >/dev/null
    for s in 0 1 2 3 4; do
        LABLOG_NOW=2026-11-$((10 + i))T09:0${s}:00Z lablog metric --exp r$i --step $s \
            loss=$(python3 -c "print(round(2 - $s * 0.1 - $i * 0.05, 3))") >/dev/null
    done
    names="$names${names:+,}r$i"
    i=$((i + 1))
done
for lr in 0.1 0.03 0.3; do
    lablog exp new lr$lr --param lr=$lr >/dev/null
    lablog metric --exp lr$lr --step 0 loss=$lr >/dev/null
done
pdf_text() { pdftotext -layout "$1" - 2>/dev/null; }
test_expect '--bar --log-y draws a log axis' '
    lablog plot --exp lr0.1,lr0.03,lr0.3 --metric loss --bar last -o lin.png &&
    lablog plot --exp lr0.1,lr0.03,lr0.3 --metric loss --bar last --log-y -o log.png &&
    ! cmp -s lin.png log.png &&
    lablog plot --exp lr0.1,lr0.03,lr0.3 --metric loss --bar last -o lin.pdf &&
    lablog plot --exp lr0.1,lr0.03,lr0.3 --metric loss --bar last --log-y -o log.pdf &&
    pdf_text lin.pdf | grep -q "^ *0 *$" &&
    ! pdf_text log.pdf | grep -q "^ *0 *$" &&
    pdf_text log.pdf | grep -q "^ *0.05 *$"
'
test_expect '--group-by bars follow the values in numeric order' '
    lablog plot --exp lr0.1,lr0.03,lr0.3 --metric loss --bar last --group-by lr -o g.pdf &&
    pdf_text g.pdf | grep "lr=" | tr -s " " | grep -q "lr=0.03 lr=0.1 lr=0.3"
'
test_expect 'a short run gets whole step ticks' '
    lablog plot --exp r1 --metric loss -o short.pdf &&
    pdf_text short.pdf | grep -q "^ *0 *1 *2 *3 *4 *$" &&
    ! pdf_text short.pdf | grep -q "0\.5 *1 *1\.5"
'
test_expect 'after the colours run out, lines are dashed' '
    lablog plot --exp "$names" --metric loss -o many.svg &&
    grep -q "stroke-dasharray" many.svg &&
    lablog plot --exp r1,r2,r3 --metric loss -o few.svg &&
    ! grep -q "stroke-dasharray" few.svg
'
test_expect '--x time counts each run from its own start' '
    lablog plot --exp r1,r2,r3 --metric loss --x time -o time.pdf &&
    pdf_text time.pdf >time.txt &&
    grep -q "4m" time.txt &&
    ! grep -q "[0-9]d" time.txt
'
cd "$TMP" || exit 1

# ---- CJK text: fontconfig's fallback for glyphs DejaVu Sans lacks -------

mkdir cjk && cd cjk || exit 1
export LABLOG_DB="$TMP/cjk/lablog.db" LABLOG_NOW=2026-11-19T09:00:00Z
lablog init --name "中文项目" >/dev/null 2>&1
lablog exp new exp-a >/dev/null
lablog metric --exp exp-a --step 0 准确率=0.5 >/dev/null
lablog metric --exp exp-a --step 1 准确率=0.7 >/dev/null
lablog note --exp exp-a --takeaway "准确率提高了 **20%**，样本更流畅。" >/dev/null
test_expect 'CJK text draws in plots (a CJK font is embedded, the text extracts)' '
    fc-list :lang=zh | grep -q . &&
    lablog plot --exp exp-a --metric 准确率 --title "准确率曲线" -o p.pdf &&
    pdffonts p.pdf 2>/dev/null | grep -q "WenQuanYi" &&
    pdftotext p.pdf - 2>/dev/null | grep -q "^准确率曲线$"
'
test_expect 'CJK text draws in slides' '
    LABLOG_NOW=2026-11-20T09:00:00Z lablog slides --title "周会" -o d.pdf 2>/dev/null &&
    pdffonts d.pdf 2>/dev/null | grep -q "WenQuanYi" &&
    pdftotext d.pdf - 2>/dev/null >d.txt &&
    grep -q "准确率提高了 20%，样本更流畅。" d.txt &&
    grep -q "^周会$" d.txt
'
cd "$TMP" || exit 1
test_done
