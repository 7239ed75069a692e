#!/bin/sh
# Samples in the report: goldens (Markdown and HTML), long fields folded,
# notes tied to examples, the best run against its baseline; and a list of
# real XSS vectors fed through `samples add` into the HTML report (and the
# Markdown report rendered by cmark with raw HTML allowed), loaded in
# headless Chromium: none may run.
. "$LABLOG_TOP/tests/cli/lib.sh"
. "$LABLOG_TOP/tests/golden/samples-project.sh"
gold="$LABLOG_TOP/tests/golden/samples"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
export LABLOG_NOW=2026-11-20T09:00:00Z

mkdir proj && cd proj && build_samples_project && cd .. || echo "build failed"
export LABLOG_DB="$TMP/proj/lablog.db"

test_expect 'markdown report with samples matches its golden' '
    lablog report -o r.md && test_cmp "$gold/report.md" r.md
'
test_expect 'html report with samples matches its golden' '
    lablog report -o r.html && test_cmp "$gold/report.html" r.html
'
test_expect 'the noted example comes first, with its note' '
    grep -A2 "^\*\*Samples\*\* (baseline.jsonl" r.md | tail -n 1 |
        grep -q "^> \*\*lowest score\*\* · row 1 · id p1" &&
    grep -q "^> \*\*Note:\*\* Refuses a sysadmin question because of the word \*kill\*" r.md
'
test_expect 'a long field is folded in Markdown and collapsed in HTML' '
    grep -q "^> … ([0-9,]* more characters)" r.md &&
    grep -q "<details><summary>Plan a three-day\|<details><summary>Step 1: think" r.html &&
    grep -q "Step 40: think about" r.html
'
test_expect 'the best run against its baseline, with the paired test' '
    grep -q "^### bon: bon-n8 against bon-baseline" r.md &&
    grep -q "paired t test, n = 5, p = 0.1107" r.md
'
test_expect 'the same report twice is the same (seeded draws)' '
    lablog report -o r2.md && test_cmp r.md r2.md
'

# ---- the deck ---------------------------------------------------------------
test_expect 'deck: a samples slide for the group, examples side by side' '
    lablog slides --since 2026-11-16 --samples 4 -o d.pdf >/dev/null &&
    pdftotext -layout d.pdf d.txt 2>/dev/null &&
    grep -q "Samples: bon-n8 vs bon-baseline" d.txt &&
    grep -q "id p1 · 0.1 → 0.85 (+0.75) *id p4 · 0.2 → 0.75 (+0.55)" d.txt &&
    grep -q "paired t test p =" d.txt &&
    grep -q "Note: Refuses a sysadmin question" d.txt &&
    grep -q "Samples  *[0-9]* min" d.txt
'
test_expect 'deck: a long output is cut with an ellipsis to fit its box' '
    grep -q "uncle Claudius poisoned him;…" d.txt &&
    ! grep -q "Fortinbras" d.txt
'
test_expect 'deck: --samples N sets the columns, --no-samples drops the slides' '
    lablog slides --since 2026-11-16 --samples 2 -o d2.pdf >/dev/null &&
    pdftotext -layout d2.pdf - 2>/dev/null | grep -q "id p4 · 0.2" &&
    ! pdftotext -layout d2.pdf - 2>/dev/null | grep -q "id p5 · 0.5" &&
    lablog slides --since 2026-11-16 --no-samples -o d3.pdf >/dev/null &&
    ! pdftotext d3.pdf - 2>/dev/null | grep -q "Samples:"
'
test_fails 2 "--samples must be between 1 and 4" lablog slides --samples 9 -o x.pdf
test_expect 'deck: an example noted outside a group gets its own slide' '
    lablog exp new solo >/dev/null &&
    printf "%s\n" "{\"id\": \"s1\", \"input\": \"2+2\", \"output\": \"5\", \"score\": 0}" >solo.jsonl &&
    lablog samples add --exp solo solo.jsonl >/dev/null 2>&1 &&
    lablog note --sample solo:s1 "Off by one" >/dev/null &&
    lablog slides --since 2026-11-16 -o d4.pdf >/dev/null &&
    pdftotext -layout d4.pdf - 2>/dev/null >d4.txt &&
    grep -q "Samples: solo" d4.txt && grep -q "Note: Off by one" d4.txt
'

# ---- hostile text ---------------------------------------------------------
unset LABLOG_DB
mkdir xss && cd xss || exit 1
lablog init --name xss >/dev/null 2>&1
lablog exp new hostile --tag x >/dev/null
lablog exp new hostile-baseline --tag x >/dev/null
$PY - "$LABLOG_TOP/tests/fixtures/xss-dom-vectors.txt" <<'PY'
import json, sys
vectors = [l.rstrip("\n") for l in open(sys.argv[1])
           if l.strip() and not l.startswith(";;")]
with open("hostile.jsonl", "w") as f:
    # Every vector as a value (the lowest score: shown), as a field name,
    # as an id, as an input and an output.
    f.write(json.dumps(dict([("id", "all-values"), ("score", 0)] +
                            [("v%02d" % i, v) for i, v in enumerate(vectors)])) + "\n")
    f.write(json.dumps(dict([("id", "all-keys"), ("score", 0.01)] +
                            [(v, i) for i, v in enumerate(vectors)])) + "\n")
    for i, v in enumerate(vectors):
        f.write(json.dumps({"id": "k%02d%s" % (i, v), "input": v, "output": v,
                            "target": v, "score": 0.5 + i / 100}) + "\n")
with open("base.jsonl", "w") as f:
    for i, v in enumerate(vectors):
        f.write(json.dumps({"id": "k%02d%s" % (i, v), "input": v,
                            "output": "plain " + str(i), "score": 0.1}) + "\n")
with open("control.html", "w") as f:
    f.write("<!DOCTYPE html><html><head><title>control</title></head><body>\n")
    f.write("\n".join(vectors) + "\n</body></html>\n")
with open("first-id", "w") as f:
    f.write("k00" + vectors[0])
PY
lablog samples add --exp hostile hostile.jsonl >/dev/null 2>&1
lablog samples add --exp hostile-baseline base.jsonl >/dev/null 2>&1
lablog note --sample "hostile:$(cat first-id)" "$(grep -v "^;;" "$LABLOG_TOP/tests/fixtures/xss-dom-vectors.txt" | head -n 2 | tr '\n' ' ')" >/dev/null
lablog report -o hostile.html
lablog report -o hostile.md
cmark --unsafe hostile.md >hostile-md.html

# Loads a page in headless Chromium and prints its DOM after the scripts
# (if any) ran; a virtual time budget lets timers and load events fire.
dom() {
    prof=$(mktemp -d "$TMP/chromium.XXXXXX")
    timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update \
        --disable-sync --user-data-dir="$prof" --virtual-time-budget=3000 \
        --dump-dom "file://$PWD/$1" 2>/dev/null
}
test_expect 'the detector works: the vectors fire on a page that does not escape them' '
    dom control.html >control.dom && grep -q "XSSFIRED" control.dom
'
test_expect 'every vector reached the report, as text' '
    test $(grep -c "document.title=&#39;XSS&#39;+&#39;FIRED&#39;" hostile.html) -ge 40 &&
    ! grep -q "<script>document" hostile.html && ! grep -q "<img src=x" hostile.html
'
test_expect 'no vector runs in the HTML report (headless Chromium)' '
    dom hostile.html >hostile.dom && grep -q "all-values" hostile.dom &&
    ! grep -q "XSSFIRED" hostile.dom &&
    grep -q "<title>xss</title>" hostile.dom
'
test_expect 'no vector runs in the Markdown report rendered with raw HTML allowed' '
    dom hostile-md.html >hostile-md.dom && grep -q "all-values" hostile-md.dom &&
    ! grep -q "XSSFIRED" hostile-md.dom
'
test_expect 'the shared XSS list (tests/fixtures/xss-vectors.txt) is escaped too' '
    $PY - "$LABLOG_TOP/tests/fixtures/xss-vectors.txt" <<PY &&
import json, sys
vs = [l.rstrip("\n").replace("\u23ce", "\n") for l in open(sys.argv[1], encoding="utf-8")
      if l.strip() and not l.startswith(";;")]
with open("shared.jsonl", "w") as f:
    f.write(json.dumps(dict([("id", "shared"), ("score", -1)] +
                            [("v%03d" % i, v) for i, v in enumerate(vs)])) + "\n")
PY
    lablog exp new shared >/dev/null &&
    lablog samples add --exp shared shared.jsonl >/dev/null 2>&1 &&
    lablog report -o shared.html && grep -q "v131\|v130\|v12" shared.html &&
    ! grep -qi "<script\|<img\|<svg\|<iframe\|<object\|<embed\|<math" shared.html
'
test_expect 'Slack mentions and Markdown in samples stay literal in Markdown' '
    printf "%s\n" "{\"id\": \"s1\", \"output\": \"<!channel> *bold* [x](javascript:alert(1))\", \"score\": 0}" >slack.jsonl &&
    lablog exp new slack >/dev/null && lablog samples add --exp slack slack.jsonl >/dev/null 2>&1 &&
    lablog report -o s.md && grep -q "^> \*output:\* \\\\<!channel\\\\> \\\\\*bold\\\\\* \\\\\[x\\\\\](javascript:alert(1))" s.md
'
# A field folded by its lines, not its length, says how much is left.
test_expect 'a field folded at its fourth line counts the characters after it' '
    unset LABLOG_DB && mkdir lines && cd lines &&
    lablog init --name lines >/dev/null 2>&1 &&
    lablog exp new many-lines >/dev/null &&
    printf "%s\n" "{\"id\": \"x\", \"input\": \"q\", \"output\": \"l1\\nl2\\nl3\\nl4\\nl5\\nl6\", \"score\": 1}" >l.jsonl &&
    lablog samples add --exp many-lines l.jsonl >/dev/null 2>&1 &&
    lablog report -o l.html &&
    grep -q "<details><summary>l1 l2 l3 l4 … (6 more characters)</summary>" l.html
'
test_done
