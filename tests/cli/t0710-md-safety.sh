#!/bin/sh
# Markdown output under attack: report.md and the Markdown daily are read by
# renderers that pass raw HTML (pandoc, wikis, editor previews), so no raw
# HTML may survive in them, whatever a note holds; and a note of any block
# shape (code, lists, headings, tables, quotes, HTML) must stay inside its
# list item and leave every later section of the document standing.
# Both are checked by parsing the output with cmark --unsafe
# (tests/tools/md_check.py).
. "$LABLOG_TOP/tests/cli/lib.sh"
check="python3 $LABLOG_TOP/tests/tools/md_check.py"
vectors="$LABLOG_TOP/tests/fixtures/xss-vectors.txt"
nl='
'

# ---- XSS vectors in every field that reaches the Markdown --------------------

mkdir xss && cd xss || exit 1
lablog init >/dev/null 2>&1
lablog exp new e1 --hypothesis 'h' >/dev/null
n=0
# Each vector is one line of the file, U+23CE standing for a line break.
while IFS= read -r line; do
    case $line in ';;'*) continue ;; esac
    v=$(printf '%s' "$line" | sed 's/⏎/\
/g')
    n=$((n + 1))
    lablog note -- "$v" >/dev/null || echo "note $n failed"
    case $((n % 9)) in
    0) lablog next -- "$v" >/dev/null ;;
    1) lablog block --exp e1 -- "$v" >/dev/null ;;
    2) id=$(lablog ask "q$n") && lablog answer "$id" -- "$v" >/dev/null ;;
    3) lablog decide -- "$v" >/dev/null ;;
    4) lablog exp new "x$n" --hypothesis "$v" --param "k=$v" \
           --tag "t$n" >/dev/null ;;
    5) id=$(lablog next "n$n") && lablog done "$id" -m "$v" >/dev/null ;;
    6) id=$(lablog note "n$n") && lablog amend "$id" -- "$v" >/dev/null ;;
    7) id=$(lablog note --exp e1 --takeaway -- "$v") &&
           lablog retract "$id" -m "$v" >/dev/null ;;
    8) id=$(lablog block "b$n") && lablog unblock "$id" -m "$v" >/dev/null ;;
    esac
done <"$vectors"

test_expect 'more than 100 vectors were logged' '
    test "$n" -gt 100 &&
    test "$(lablog log --kind note | wc -l)" -gt 100
'
test_expect 'report.md: no raw HTML, handler or unsafe URL survives' '
    lablog report -o report.md && $check report.md
'
test_expect 'Markdown daily: no raw HTML, handler or unsafe URL survives' '
    lablog daily --format markdown >daily.md && $check daily.md
'
test_expect 'the vectors are still there as text' '
    cmark --unsafe report.md >report.html &&
    grep -q "&lt;script&gt;alert(1)&lt;/script&gt;" report.html &&
    grep -q "onerror=alert(1)" report.html
'
cd .. || exit 1

# ---- cross-field constructs ------------------------------------------------

mkdir cross && cd cross || exit 1
lablog init >/dev/null 2>&1
id=$(lablog next '[x')
lablog done "$id" -m '](javascript:alert(1))' >/dev/null
id=$(lablog next '[r]')
lablog done "$id" -m 'javascript:alert(2)' >/dev/null
lablog note 'see [x][r]' >/dev/null
test_expect 'a link cannot be assembled from two fields' '
    lablog report -o report.md && $check report.md &&
    lablog daily --format markdown >daily.md && $check daily.md
'
cd .. || exit 1

# ---- every block shape, through the report and the daily -------------------

mkdir shapes && cd shapes || exit 1
lablog init >/dev/null 2>&1
lablog exp new e1 >/dev/null
shapes=$(printf '%s\n' \
    '```⏎fenced <b>code</b>⏎```' \
    '~~~ python⏎tilde fence⏎~~~' \
    '    indented code⏎    second line' \
    '```⏎a fence never closed' \
    '- bullet one⏎- bullet two' \
    '1. first⏎2. second' \
    '3. third⏎4. fourth' \
    '# A heading in a note⏎⏎text under it' \
    'Setext heading⏎===' \
    '| a | b |⏎| --- | --- |⏎| 1 | 2 |' \
    '> a block quote⏎> over two lines' \
    '<div>⏎html block⏎</div>' \
    '<!-- a comment -->' \
    '---⏎after a rule' \
    'text first⏎⏎```⏎code last⏎```' \
    '- one list⏎⏎⏎* another list⏎⏎    code after it')
nshapes=0
echo "$shapes" >shapes.txt
while IFS= read -r line; do
    v=$(printf '%s' "$line" | sed 's/⏎/\
/g')
    nshapes=$((nshapes + 1))
    lablog note -- "$v" >/dev/null
    lablog note --exp e1 -- "$v" >/dev/null
    lablog next --exp e1 -- "$v" >/dev/null
    lablog block --exp e1 -- "$v" >/dev/null
    id=$(lablog ask -- "$v") && lablog answer "$id" -- "$v" >/dev/null
    lablog ask --exp e1 -- "$v" >/dev/null
    lablog decide -- "$v" >/dev/null
    id=$(lablog next -- "$v") && lablog done "$id" -m "$v" >/dev/null
    id=$(lablog block -- "$v") && lablog unblock "$id" -m "$v" >/dev/null
done <shapes.txt

test_expect 'report.md keeps every section after notes of every shape' '
    lablog report -o report.md &&
    $check --headings report.md >actual &&
    printf "%s\n" shapes Notes Experiments e1 "Next steps" Blockers \
        "Open questions" Decisions >expect &&
    test_cmp expect actual && $check report.md
'
test_expect 'report.md: text after each body is outside its code' '
    cmark report.md >report.html &&
    test "$(grep -c "<em>(since 2026-11-20)</em>" report.html)" \
        -eq "$nshapes" &&
    test "$(grep -o "<em>(e1)</em>" report.html | wc -l)" \
        -ge $((3 * nshapes))
'
test_expect 'the Markdown daily keeps every section' '
    lablog daily --format markdown >daily.md &&
    $check --headings daily.md >actual &&
    printf "%s\n" "Daily update: shapes" Last Next Blockers >expect &&
    test_cmp expect actual && $check daily.md &&
    cmark daily.md >daily.html &&
    test "$(grep -o "<em>(e1)</em>" daily.html | wc -l)" \
        -ge $((3 * nshapes))
'
test_expect 'Markdown formatting in a note still renders' '
    lablog note "plain **bold**, \`code\`, [a link](https://x.example/a) and
- a list" >/dev/null &&
    lablog report -o report.md && cmark report.md >report.html &&
    grep -q "<strong>bold</strong>, <code>code</code>, <a href=\"https://x.example/a\">a link</a>" report.html &&
    grep -q "<li>a list</li>" report.html
'

test_done
