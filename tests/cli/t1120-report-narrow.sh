#!/bin/sh
# report --tag, --exp, --confirm-only, --takeaways-only: the cleaned-up
# version of the research log for others (on the sample project).
. "$LABLOG_TOP/tests/cli/lib.sh"

sh "$LABLOG_TOP/samples/build.sh" "$TMP/sample" >/dev/null 2>&1
export LABLOG_DB="$TMP/sample/lablog.db" LABLOG_NOW=2026-11-20T17:00:00Z
log_state "$LABLOG_DB" >before
# The experiment sections: the ### headings under "## Experiments".
sections() {
    sed -n "/^## Experiments$/,/^## [^E]/p" "$1" | grep "^### " |
        sed "s/^### //" | tr "\n" " "
}

test_expect '--tag: only those experiments, their results and takeaways' '
    lablog report --tag bon >r.md &&
    test "$(sections r.md)" = "bon-n1 bon-n8 bon-n32 bon-n100 " &&
    grep -q "^\*\*bon\*\*" r.md && ! grep -q "^\*\*ft-sweep\*\*" r.md &&
    ! grep -q "^## Other experiments" r.md &&
    ! grep -q "lr = 3e-5 is the sweet spot" r.md &&
    grep -q "^## Next steps" r.md
'
test_expect '--exp takes globs and names; --tag and --exp add up' '
    lablog report --exp "bon-n1*" --exp zero-shot >r.md &&
    test "$(sections r.md)" = "zero-shot bon-n1 bon-n100 " &&
    lablog report --tag prompting --exp bon-n8 >r.md &&
    test "$(sections r.md)" = "zero-shot few-shot bon-n8 "
'
test_expect '--confirm-only drops exploratory runs' '
    lablog report --confirm-only >r.md &&
    ! grep -q "^### zero-shot\|^### bon-" r.md &&
    grep -q "^### few-shot$" r.md && grep -q "^### ft-lr3e-5-s0$" r.md
'
test_expect '--takeaways-only keeps the takeaways, not the other notes' '
    lablog report >all.md &&
    grep -q "Gradient clipping was off" all.md &&
    lablog report --takeaways-only >r.md &&
    ! grep -q "Gradient clipping was off" r.md &&
    grep -q "lr = 3e-5 is the sweet spot" r.md &&
    test "$(sections r.md)" = "$(sections all.md)"
'
test_expect 'html too' '
    lablog report --tag ft-sweep --takeaways-only --format html >r.html &&
    grep -q "<h3 id=\"exp-ft-lr3e-5-s0\">" r.html &&
    ! grep -q "id=\"exp-bon-n32\"" r.html && ! grep -q "Gradient clipping" r.html
'
test_expect '--baseline: a Comparisons section, the compare table of its group' '
    lablog report --baseline ft-lr1e-5-s0 --baseline zero-shot >r.md &&
    lablog compare --group ft-lr1e-5-s0 --baseline ft-lr1e-5-s0 --format md >c.md &&
    sed -n "/^## Comparisons$/,/^## Summary$/p" r.md >sec &&
    grep -qx "\*\*Against ft-lr1e-5\*\*" sec && grep -qx "\*\*Against zero-shot\*\*" sec &&
    grep "^| ft-lr" c.md >want && grep "^| ft-lr" sec | sed "s|\\\\(|(|g" >got && test_cmp want got &&
    grep -q "^| few-shot | 4 | 1 | .* | better (p = 0.048) |$" sec &&
    grep -q "^- Δ: minus the baseline" sec &&
    lablog report --baseline zero-shot --format html >r.html &&
    grep -q "<h2>Comparisons</h2>" r.html && grep -q "<h3>Against zero-shot</h3>" r.html &&
    lablog report >plain.md && ! grep -q "^## Comparisons" plain.md
'
test_fails 1 "no experiment 'nobody' (--baseline)" lablog report --baseline nobody
test_fails 1 "no experiment has the tag 'nope'" lablog report --tag nope
test_fails 1 "no experiment matches 'zz*'" lablog report --exp "zz*"
test_expect 'report reads only' '
    log_state "$LABLOG_DB" >after && test_cmp before after
'
test_done
