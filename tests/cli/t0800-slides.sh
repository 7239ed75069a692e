#!/bin/sh
# lablog slides: the weekly meeting deck as a 16:9 PDF, checked with
# poppler-utils (pdfinfo, pdffonts, pdftotext): pages and metadata, the
# embedded font, each section in order, next steps by priority, Markdown
# and non-ASCII text, an empty period, the deck entry and the period it
# moves, and errors that leave the log and the file system alone.
. "$LABLOG_TOP/tests/cli/lib.sh"

# pdftotext of the whole deck (or pages $2..$3) without poppler's warnings
# about libharu's ToUnicode CMap (API-NOTES D).
text() {
    if [ $# -gt 1 ]; then
        pdftotext -f "$2" -l "$3" "$1" - 2>/dev/null
    else
        pdftotext "$1" - 2>/dev/null
    fi
}
info() { pdfinfo "$1" 2>/dev/null; }
pages() { info "$1" | sed -n 's/^Pages: *//p'; }
# The first line of each page: the slide titles.
slide_titles() {
    text "$1" | awk 'BEGIN { RS = "\f" } {
        n = split($0, l, "\n")
        for (i = 1; i <= n; i++) if (l[i] != "") { print l[i]; break }
    }'
}
# The outline's titles, in order: the UTF-16 /Title of every object with
# a /Dest (outline items are plain objects, never compressed).
bookmarks() {
    python3 -c '
import re, sys
data = open(sys.argv[1], "rb").read()
for obj in re.findall(rb"\d+ 0 obj(.*?)endobj", data, re.S):
    m = re.search(rb"/Title <FEFF([0-9A-Fa-f]*)>", obj)
    if m and b"/Dest" in obj:
        print(bytes.fromhex(m.group(1).decode()).decode("utf-16-be"))' "$1"
}
# The line number of the first line containing $2 in file $1.
line_of() { grep -n -F -- "$2" "$1" | head -n 1 | cut -d: -f1; }
before() { a=$(line_of "$1" "$2"); b=$(line_of "$1" "$3"); \
           [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]; }

# ---- the sample project: a realistic deck ---------------------------------
sh "$LABLOG_TOP/samples/build.sh" "$TMP/sample" >/dev/null 2>&1
cd "$TMP/sample" || exit 1
export LABLOG_DB="$TMP/sample/lablog.db" LABLOG_AUTHOR="Ada Researcher"
export LABLOG_NOW=2026-11-20T10:00:00Z

test_expect 'slides writes deck-DATE.pdf by default and logs nothing' '
    lablog slides 2>err &&
    test -s deck-2026-11-20.pdf &&
    grep -q "wrote deck-2026-11-20.pdf (.*) (not recorded: --record when it is presented)" err &&
    test "$(lablog log --kind deck | wc -l)" -eq 0
'
test_expect '--record logs the deck as presented' '
    cmp_pdf=$(md5sum <deck-2026-11-20.pdf) &&
    lablog slides --record 2>err &&
    grep -q "recorded as entry [0-9]*: the next deck starts here" err &&
    test "$(md5sum <deck-2026-11-20.pdf)" = "$cmp_pdf" &&
    lablog log --kind deck >log.txt &&
    test $(wc -l <log.txt) -eq 1 &&
    grep -q "deck  *refusal-calibration" log.txt
'
mv deck-2026-11-20.pdf deck.pdf
text deck.pdf >deck.txt

test_expect 'the deck is 960x540 pt with a sane page count' '
    info deck.pdf >info.txt &&
    grep -q "^Page size: *960 x 540 pts" info.txt &&
    n=$(pages deck.pdf) && test "$n" -ge 6 && test "$n" -le 20
'

test_expect 'title, author, subject and dates come from the log' '
    info deck.pdf >info.txt &&
    grep -q "^Title: *refusal-calibration$" info.txt &&
    grep -q "^Author: *Ada Researcher$" info.txt &&
    grep -q "^Subject: *Weekly meeting, 2026-11-13 – 2026-11-20 10:00$" \
        info.txt &&
    grep -q "^CreationDate: *Fri Nov 20 10:00:00 2026 UTC$" info.txt
'

test_expect 'DejaVu Sans is embedded, regular and bold' '
    pdffonts deck.pdf 2>/dev/null >fonts.txt &&
    grep "DejaVuSans,Book" fonts.txt | grep -q "Identity-H *yes" &&
    grep "DejaVuSans-Bold" fonts.txt | grep -q "Identity-H *yes" &&
    ! grep -q " no  *no  *no " fonts.txt
'

test_expect 'the slides come in the order of the issue' '
    slide_titles deck.pdf >titles.txt &&
    printf "%s\n" refusal-calibration Agenda "TL;DR" \
        "ft-sweep: lr sweep, 3 seeds" "bon: N sweep" \
        "Samples: bon-n32 vs bon-n1" "Samples: bon-n32" "Next steps" \
        "Questions for the meeting" Blockers >expect &&
    test_cmp expect titles.txt
'

test_expect 'the title slide has project, period, author and date' '
    text deck.pdf 1 1 >p1.txt &&
    grep -q "refusal-calibration" p1.txt &&
    grep -q "Weekly meeting · 2026-11-13 – 2026-11-20 10:00" p1.txt &&
    grep -q "Ada Researcher · 2026-11-20" p1.txt
'

test_expect 'the TL;DR lists the takeaways, then the decisions' '
    before deck.txt "Best-of-100 reaches a win rate" \
        "lr = 3e-5 is the sweet spot" &&
    before deck.txt "lr = 3e-5 is the sweet spot" "lr = 1e-4 is unstable" &&
    before deck.txt "lr = 1e-4 is unstable" "Decided: Use lr = 3e-5"
'

test_expect 'Markdown is drawn, not shown raw' '
    grep -q "win rate of 0.87, but" deck.txt &&
    ! grep -q "\*\*" deck.txt
'

test_expect 'next steps are ranked by priority, with minutes and owner' '
    text deck.pdf 1 99 | sed -n "/^Next steps/,\$p" >next.txt &&
    before next.txt "Deduplicate the eval set" "Length penalty" &&
    before next.txt "Length penalty" "Compare fine-tuned" &&
    before next.txt "Compare fine-tuned" "Write up best-of-N" &&
    grep -q "P1 · 10 min" next.txt &&
    grep -q "P3" next.txt &&
    grep -q "Ada Researcher" next.txt
'

test_expect 'results show the hypothesis, badge, params and metric table' '
    grep -q "Hypothesis: A small refusal-SFT run" deck.txt &&
    grep -q "CONFIRM" deck.txt && grep -q "EXPLORE" deck.txt &&
    grep -q "lr = 1e-5, 3e-5, 1e-4 · seed = 0, 1, 2" deck.txt &&
    grep -q "ft-lr1e-4-s2" deck.txt &&
    grep -q "NaN @ step 1900" deck.txt &&
    grep -q "bon-n100" deck.txt
'

test_expect 'the agenda minutes add up to 30, most relevant first' '
    text deck.pdf 2 2 >agenda.txt &&
    sum=$(sed -n "s/^\([0-9][0-9]*\) min$/\1/p" agenda.txt |
          awk "{ s += \$1 } END { print s }") &&
    test "$sum" -eq 30 &&
    before agenda.txt "TL;DR" "ft-sweep" &&
    before agenda.txt "ft-sweep" "Next steps"
'

test_expect 'every section and result has a bookmark' '
    bookmarks deck.pdf >marks.txt &&
    printf "%s\n" refusal-calibration Agenda "TL;DR" Results \
        "ft-sweep: lr sweep, 3 seeds" "bon: N sweep" \
        "Samples: bon-n32 vs bon-n1" "Samples: bon-n32" "Next steps" \
        "Questions for the meeting" Blockers >expect &&
    test_cmp expect marks.txt
'

test_expect '--minutes sets the agenda total; bad values are usage errors' '
    lablog slides --since 2026-11-13 --minutes 45 -o m45.pdf 2>/dev/null &&
    sum=$(text m45.pdf 2 2 | sed -n "s/^\([0-9][0-9]*\) min$/\1/p" |
          awk "{ s += \$1 } END { print s }") &&
    test "$sum" -eq 45
'

test_expect 'the same log and period give the same bytes' '
    lablog slides --since 2026-11-13 --until 2026-11-20 -o r1.pdf 2>/dev/null &&
    lablog slides --since 2026-11-13 --until 2026-11-20 -o r2.pdf 2>/dev/null &&
    cmp r1.pdf r2.pdf
'

test_expect '-o - writes the PDF to stdout' '
    lablog slides --since 2026-11-13 -o - >out.pdf 2>/dev/null &&
    test "$(head -c 5 out.pdf)" = "%PDF-" &&
    test "$(pages out.pdf)" -ge 6
'

test_expect 'a deck entry records period, pages and file' '
    lablog log --kind deck --json >decks.json &&
    python3 -c "
import json, sys
d = json.load(open(\"decks.json\"))[0]
assert d[\"title\"] == \"refusal-calibration\", d
data = d[\"data\"]
assert data[\"file\"] == \"deck-2026-11-20.pdf\", data
assert data[\"since\"] == \"2026-11-13T00:00:00.000Z\", data
assert data[\"until\"] == \"2026-11-20T10:00:00.000Z\", data
assert data[\"pages\"] >= 6, data
"
'

# ---- errors: one line, non-zero exit, nothing changed ---------------------
state=$(log_state "$LABLOG_DB")
test_fails 2 "--minutes must be between 1 and 600" lablog slides --minutes 0
test_fails 2 "--minutes" lablog slides --minutes abc
test_fails 1 "cannot write 'nodir/deck.pdf'" lablog slides -o nodir/deck.pdf
test_fails 2 "invalid date 'someday'" lablog slides --since someday
test_fails 2 "--since is not before --until" \
    lablog slides --since 2026-11-20 --until 2026-11-13
test_fails 2 "unknown option" lablog slides --colour
# A title longer than PDF strings may be (65535 bytes) fails inside
# libharu: its error becomes the one message, and nothing is written.
long_title=$(python3 -c 'print("a" * 70000)')
test_fails 1 "cannot write the deck: libharu error 0x105B (detail 0)" \
    lablog slides --title "$long_title" -o long-title.pdf
test_expect 'failed runs leave the log and the directory alone' '
    test "$(log_state "$LABLOG_DB")" = "$state" &&
    ! test -e nodir && ! test -e long-title.pdf &&
    ! ls ./*.tmp.* 2>/dev/null
'

test_expect '--help documents the default output file' '
    lablog slides --help >help.txt &&
    grep -q "deck-YYYY-MM-DD.pdf" help.txt &&
    grep -q -- "--minutes N" help.txt
'

# ---- a small log: UTF-8, the default period, an empty period -------------
mkdir "$TMP/small" && cd "$TMP/small" || exit 1
export LABLOG_DB="$TMP/small/lablog.db" LABLOG_AUTHOR="Zoë Ångström"
export LABLOG_NOW=2026-11-18T09:00:00Z
lablog init --name "proj-β" >/dev/null 2>&1
lablog exp new probe --hypothesis "It *works*" --param k=1 --explore >/dev/null
lablog metric --exp probe --step 0 acc=0.5 >/dev/null
lablog metric --exp probe --step 1 acc=0.7 >/dev/null
lablog exp done probe >/dev/null
lablog note --exp probe --takeaway \
    "α ≥ β, café, naïve: **bold** and \`code\`" >/dev/null
lablog next "Ask about α" --priority 1 >/dev/null
export LABLOG_NOW=2026-11-20T09:00:00Z

test_expect 'non-ASCII text survives: notes, title, author' '
    lablog slides --title "Réunion α" -o s1.pdf 2>/dev/null &&
    text s1.pdf >s1.txt &&
    grep -q "α ≥ β, café, naïve: bold and code" s1.txt &&
    grep -q "Réunion α" s1.txt && grep -q "proj-β" s1.txt &&
    info s1.pdf >i1.txt &&
    grep -q "^Title: *Réunion α$" i1.txt &&
    grep -q "^Author: *Zoë Ångström$" i1.txt
'

test_expect 'the default period starts a week back, and rendering again keeps it' '
    info s1.pdf |
        grep -q "^Subject: *Weekly meeting, 2026-11-13 – 2026-11-20 09:00$" &&
    lablog slides -o s2.pdf 2>/dev/null &&
    text s2.pdf >s2.txt &&
    grep -q "café" s2.txt &&
    ! grep -q "No logged activity" s2.txt &&
    test "$(lablog log --kind deck | wc -l)" -eq 0
'
test_expect 'a recorded deck keeps its period that day; the next deck starts at its end' '
    LABLOG_NOW=2026-11-20T10:00:00Z lablog slides --record -o r1.pdf 2>/dev/null &&
    LABLOG_NOW=2026-11-20T10:30:00Z lablog slides --record -o r2.pdf 2>/dev/null &&
    text r2.pdf >r2.txt &&
    grep -q "café" r2.txt &&
    info r2.pdf |
        grep -q "^Subject: *Weekly meeting, 2026-11-13 – 2026-11-20 10:30$" &&
    LABLOG_NOW=2026-11-21T09:00:00Z lablog note "news about γ" >/dev/null &&
    LABLOG_NOW=2026-11-22T09:00:00Z lablog slides -o s3.pdf 2>/dev/null &&
    text s3.pdf >s3.txt &&
    ! grep -q "No logged activity" s3.txt &&
    ! grep -q "café" s3.txt &&
    info s3.pdf |
        grep -q "^Subject: *Weekly meeting, 2026-11-20 10:30 – 2026-11-22 09:00$" &&
    test "$(lablog log --kind deck | wc -l)" -eq 2
'

test_expect 'an empty period is still a valid deck that says so' '
    lablog slides --since 2026-01-01 --until 2026-01-08 -o empty.pdf \
        2>/dev/null &&
    test "$(pages empty.pdf)" -eq 2 &&
    text empty.pdf >empty.txt &&
    grep -q "No logged activity between 2026-01-01 and 2026-01-07." empty.txt &&
    info empty.pdf | grep -q "^Title: *proj-β$"
'

test_expect 'a long list continues on the next slide' '
    for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
        lablog next "Step $i: a next step long enough to wrap onto a second \
line on the slide, surely" --priority 2 >/dev/null || exit 1
    done &&
    lablog slides --since 2026-11-01 -o long.pdf 2>/dev/null &&
    text long.pdf >long.txt &&
    grep -q "Next steps (cont.)" long.txt &&
    before long.txt "Step 1:" "Next steps (cont.)" &&
    before long.txt "Next steps (cont.)" "Step 12:"
'

cd "$TMP" && test_done
