#!/bin/sh
# The daily of one person in a shared log: by default the user's own
# entries (and the experiments their notes name, whoever ran them), with
# --author NAME anyone's, with --team everyone's.
. "$(dirname "$0")/lib.sh"

A() { LABLOG_AUTHOR=ada LABLOG_HOST=laptop lablog --db ada.db "$@"; }
B() { LABLOG_AUTHOR=bob LABLOG_HOST=node17 lablog --db bob.db "$@"; }

A init --name shared >/dev/null 2>&1
A exp new ada-run --param lr=1e-3 >/dev/null
A note --exp ada-run "ada: loss is flat" >/dev/null
LABLOG_HOST=node17 lablog clone ada.db bob.db 2>/dev/null
B exp new bob-run --param lr=3e-4 >/dev/null
B metric --exp bob-run --step 0 acc=0.71 >/dev/null
B note --takeaway "bob: warmup matters" >/dev/null
B next "bob: try 5 seeds" >/dev/null
A merge bob.db 2>/dev/null
A note --exp bob-run "ada: bob-run beats mine" >/dev/null
A next "ada: rerun with warmup" >/dev/null

test_expect 'the default daily is the user'"'"'s own' '
    A daily --format text --since 2026-11-01 >d &&
    grep -q "ada: loss is flat" d && grep -q "ada: rerun with warmup" d &&
    ! grep -q "bob: warmup matters" d && ! grep -q "bob: try 5 seeds" d
'
test_expect 'with the experiments the user'"'"'s notes name, whoever ran them' '
    grep -q "bob-run" d
'
test_expect '--author shows another person'"'"'s update' '
    A daily --format text --since 2026-11-01 --author bob >d &&
    grep -q "bob: warmup matters" d && grep -q "bob: try 5 seeds" d &&
    ! grep -q "ada: loss is flat" d && ! grep -q "ada: rerun" d &&
    head -1 d | grep -q ", bob)$"
'
test_expect '--team shows everyone'"'"'s' '
    A daily --format text --since 2026-11-01 --team >d &&
    grep -q "bob: warmup matters" d && grep -q "ada: rerun with warmup" d
'
test_expect 'someone who wrote nothing here gets everyone'"'"'s update' '
    LABLOG_AUTHOR=carol lablog --db ada.db daily --format text --since 2026-11-01 >d &&
    grep -q "bob: warmup matters" d && grep -q "ada: rerun with warmup" d
'
test_expect 'a log of one author is unchanged by the default' '
    LABLOG_AUTHOR=cy lablog --db cy.db init --name solo >/dev/null 2>&1 &&
    LABLOG_AUTHOR=cy lablog --db cy.db note "cy alone" >/dev/null &&
    LABLOG_AUTHOR=dan lablog --db cy.db daily --format text --since 2026-11-01 >d1 &&
    LABLOG_AUTHOR=cy lablog --db cy.db daily --format text --since 2026-11-01 >d2 &&
    sed 1d d1 >b1 && sed 1d d2 >b2 && cmp b1 b2 && grep -q "cy alone" d1
'
test_expect 'report --author is one person'"'"'s part' '
    A report --author bob >r && grep -q "bob: warmup matters" r && ! grep -q "ada: loss is flat" r &&
    A report >r && grep -q "bob: warmup matters" r && grep -q "ada: loss is flat" r
'
test_expect 'log and exp list take --author' '
    A log --author bob >l && grep -q "bob: warmup matters" l && ! grep -q "ada: loss is flat" l &&
    A exp list --author bob >x && grep -q "^bob-run" x && ! grep -q "^ada-run" x
'
test_fails 2 "--author and --team exclude each other" lablog --db ada.db daily --author bob --team
test_done
