#!/bin/sh
# lablog report: the research log as Markdown and HTML, with images beside
# it or embedded, a period of it, escaping, and error paths.
. "$LABLOG_TOP/tests/cli/lib.sh"
. "$LABLOG_TOP/tests/golden/small-project.sh"
gold="$LABLOG_TOP/tests/golden"

mkdir small && cd small || exit 1
build_small_project 2>/dev/null
small_png expect.png

# ---- goldens ----------------------------------------------------------------

test_expect 'markdown report matches its golden; images go beside it' '
    lablog report -o report.md &&
    test_cmp "$gold/report/small.md" report.md &&
    cmp expect.png report_files/win-rate.png &&
    grep -q "^!\[Win rate by step\](report_files/win-rate.png)$" report.md
'
test_expect 'html report matches its golden' '
    lablog report -o report.html &&
    test_cmp "$gold/report/small.html" report.html &&
    grep -q "<img src=\"report_files/win-rate.png\" alt=\"Win rate by step\">" report.html
'
test_expect 'a period of the log matches its golden' '
    lablog report --since 2026-11-19 --until 2026-11-20 >actual &&
    test_cmp "$gold/report/small-thursday.md" actual
'
test_expect 'no uid, hash or directory appears in the reports' '
    ! grep -E "[0-9a-f]{40}|[0-9A-Z]{26}|$TMP" report.md report.html
'
test_expect 'without -o the markdown goes to stdout and images are named' '
    lablog report >out &&
    head -n 1 out | grep -q "^# bon-sampling$" &&
    grep -q "^- win-rate.png (70 B): Win rate by step$" out &&
    ! grep -q "report_files" out
'

# ---- the sample project: goldens -------------------------------------------

if [ -f "$LABLOG_TOP/samples/build.sh" ]; then
    sh "$LABLOG_TOP/samples/build.sh" "$TMP/sample" >/dev/null 2>&1
    test_expect 'the sample report matches its goldens (md and html)' '
        export LABLOG_NOW=2026-11-20T17:00:00Z &&
        db="$TMP/sample/lablog.db" &&
        lablog --db "$db" report -o "$TMP/sample/report.md" &&
        normalize_machine "$LABLOG_TOP" <"$TMP/sample/report.md" >actual &&
        test_cmp "$gold/report/sample.md" actual &&
        lablog --db "$db" report -o "$TMP/sample/report.html" &&
        normalize_machine "$LABLOG_TOP" <"$TMP/sample/report.html" >actual &&
        test_cmp "$gold/report/sample.html" actual
    '
fi

# ---- what a reader needs --------------------------------------------------------

test_expect 'the report has the sections a reader needs' '
    for h in "# bon-sampling" "## Summary" "## Notes" "## Experiments" \
        "### bon-n8" "### bon-n100" "### lr-sweep-3e-4" "### rm-baseline" \
        "## Next steps" "## Blockers" "## Open questions" "## Decisions" \
        "## Retracted"; do
        grep -q "^$h$" report.md || { echo "missing: $h"; return 1; }
    done &&
    grep -q "^- \*\*Goal:\*\* Find out whether best-of-N" report.md &&
    grep -q "^- \*\*Status:\*\* done after 2h 5m, confirmatory$" report.md &&
    grep -q "^- \*\*Status:\*\* failed after 50m 0s, exploratory$" report.md &&
    grep -q "^| n | 100 |$" report.md &&
    grep -q "^| loss | 3 (1 NaN/inf from step 2) | 2.3 @0 | NaN @2 | 1.9 @1 | 2.3 @0 |$" report.md
'
test_expect 'retracted entries are listed, not shown as notes' '
    ! grep -q "^- \*[0-9-]* [0-9:]*\*: The win rate of bon-n100" report.md &&
    grep -q "^- A note of 2026-11-19 16:20: “The win rate of bon-n100 is 0.91.” (misread the table)$" report.md
'
test_expect 'a period report shows the change of a metric and other experiments' '
    lablog report --since 2026-11-19 --until 2026-11-20 >out &&
    grep -q "^| loss | 4 | 2.1 @0 | 1.05 @3 | 1.05 @3 | 2.1 @0 | -0.55 |$" out &&
    grep -q "^- bon-n8 (done)$" out &&
    ! grep -q "^### bon-n8" out
'
test_expect 'the html report has real tables, styled' '
    grep -q "^<table>$" report.html &&
    grep -q "<th>parameter</th><th>value</th>" report.html &&
    grep -q "^th, td {" report.html &&
    ! grep -q "^| " report.html
'
test_expect '-o x.html picks html; --format overrides' '
    lablog report -o r2.html &&
    head -n 1 r2.html | grep -q "^<!DOCTYPE html>$" &&
    lablog report --format md -o r3.html &&
    head -n 1 r3.html | grep -q "^# bon-sampling$"
'
test_expect '--self-contained embeds images as data: URIs' '
    mkdir sc && lablog report --format html --self-contained -o sc/r.html &&
    grep -q "<img src=\"data:image/png;base64,iVBORw0KGgo" sc/r.html &&
    test ! -e sc/r_files &&
    lablog report --self-contained >out.md &&
    grep -q "^!\[Win rate by step\](data:image/png;base64,iVBORw0KGgo" out.md
'
test_expect '--title replaces the title' '
    lablog report --title "Week 47 | BoN" >out &&
    head -n 1 out | grep -q "^# Week 47 \\\\| BoN$"
'
test_expect '--json prints the template context' '
    lablog report --json >ctx.json &&
    python3 -c "
import json
c = json.load(open(\"ctx.json\"))
assert c[\"format\"] == \"md\"
assert c[\"whole_log\"] is True
e = [x for x in c[\"experiments\"] if x[\"name\"] == \"bon-n100\"][0]
assert e[\"attachments\"][0][\"image\"] is True
r = [x for x in c[\"results\"] if x[\"name\"] == \"bon\"][0]
assert r[\"has_plots\"] is False
assert [row[\"setting\"] for row in r[\"rows\"]] == [\"n=8\", \"n=100\"], r
"
'
cd "$TMP" || exit 1

# ---- escaping and attachment names ------------------------------------------------

mkdir esc && cd esc || exit 1
export LABLOG_NOW=2026-11-19T10:00:00Z
lablog init --name 'esc <b>&</b> | proj' --goal 'Goal with <script>alert(1)</script>' >/dev/null 2>&1
lablog exp new esc-1 --param 'prompt=a|b <script>alert(1)</script>' \
    --param 'q=`x`' --hypothesis '<!channel> H & <img src=x onerror=alert(1)>' >/dev/null
lablog exp start esc-1 >/dev/null
lablog note --exp esc-1 'Ping <!channel> & <@U123> <script>alert(1)</script> see [x](javascript:alert(1)) a|b `code` end' >/dev/null
lablog note --exp esc-1 --takeaway "$(printf 'Table:\n\n| N | win |\n|---|--:|\n| 8 | **0.62** |\n| <b>x</b> | [y](javascript:z) |')" >/dev/null
lablog next '<!here> fix & <b>bold</b>' >/dev/null
small_png 'we<i>rd name.png'
lablog attach 'we<i>rd name.png' --exp esc-1 --caption 'a "quoted" <caption>' >/dev/null
rm -f 'we<i>rd name.png'
small_png ..hidden.png
lablog attach ..hidden.png >/dev/null
rm -f ..hidden.png
export LABLOG_NOW=2026-11-20T09:00:00Z
unescaped='\(^\|[^\\]\)<'
outside_code() {
    awk '/^ *```/ { f = !f; next } !f' "$1"
}

test_expect 'markdown: values escaped, raw HTML as text, unsafe links dropped' '
    lablog report -o r.md &&
    outside_code r.md >prose &&
    ! grep -q "$unescaped[a-z!/@]" prose &&
    ! grep -q "javascript:" r.md &&
    grep -q "^| prompt | a\\\\|b \\\\<script\\\\>alert(1)\\\\</script\\\\> |$" r.md &&
    grep -q "^| q | \\\\\`x\\\\\` |$" r.md &&
    grep -q "^# esc \\\\<b\\\\>&\\\\</b\\\\> \\\\| proj$" r.md &&
    grep -q "see x a|b \`code\` end" r.md
'
test_expect 'markdown: a table in a note stays a table inside its item' '
    grep -q "^  | N | win |$" r.md &&
    grep -q "^  |---|--:|$" r.md
'
test_expect 'attachment file names are made safe and stay in their folder' '
    test -f r_files/we_i_rd_name.png &&
    test -f r_files/_.hidden.png &&
    test "$(ls -A r_files | wc -l)" = 2 &&
    grep -q "](r_files/we_i_rd_name.png)" r.md
'
test_expect 'html: no raw HTML, no javascript: link, note tables are tables' '
    lablog report -o r.html &&
    ! grep -q "<script" r.html &&
    ! grep -q "javascript:" r.html &&
    ! grep -qi "<[a-z][^>]* on[a-z]*=" r.html &&
    ! grep -q "<b>" r.html &&
    ! grep -q "<img src=x" r.html &&
    grep -q "&lt;script&gt;alert(1)&lt;/script&gt;" r.html &&
    grep -q "&lt;!channel&gt; H &amp;" r.html &&
    grep -q "<th>N</th><th style=\"text-align: right\">win</th>" r.html &&
    grep -q "<td style=\"text-align: right\"><strong>0.62</strong></td>" r.html &&
    grep -q "<td>&lt;b&gt;x&lt;/b&gt;</td><td style=\"text-align: right\">y</td>" r.html &&
    grep -q "alt=\"a &quot;quoted&quot; &lt;caption&gt;\"" r.html
'
test_expect 'self-contained html of hostile notes is still clean' '
    lablog report --self-contained --format html >sc.html &&
    ! grep -q "<script\|javascript:" sc.html
'
cd "$TMP/small" || exit 1

# ---- errors ---------------------------------------------------------------------------

log_state >before
test_fails 1 "cannot write 'missing/r.md': No such file or directory" lablog report -o missing/r.md
test_fails 2 "invalid date 'someday'" lablog report --since someday
test_fails 2 "invalid date 'never'" lablog report --until never
test_fails 2 'the period is empty: --since is not before --until' lablog report --since 2026-11-19 --until 2026-11-18
test_fails 2 "unknown --format 'pdf' (md or html)" lablog report --format pdf
test_fails 1 "cannot read template 'nope.mustache': No such file or directory" lablog report --template nope.mustache
printf '# {{title}}\n{{#experiments}}\n{{/notes}}\n' >bad.mustache
test_fails 1 "bad.mustache:3: closing tag 'notes'" lablog report --template bad.mustache
test_fails 1 "bad.mustache:3:" lablog report --template bad.mustache -o nowhere.md
test_expect 'failed reports leave the log and the folder as they were' '
    log_state >after && test_cmp before after &&
    test ! -e missing && test ! -e nowhere.md &&
    ! ls nowhere.md.tmp.* 2>/dev/null
'
test_expect 'report is read-only: it never adds an entry' '
    lablog report -o again.md && log_state >after && test_cmp before after
'
test_expect 'help lists the options' '
    lablog report --help >out &&
    grep -q -- "--self-contained" out && grep -q -- "-o, --output FILE" out
'
test_done
