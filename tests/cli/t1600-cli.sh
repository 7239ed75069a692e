#!/bin/sh
# The command line itself: the overview, --help anywhere without a log,
# "did you mean", --db after the command, the man page generated from the
# option tables, and bash/zsh completion.
. "$LABLOG_TOP/tests/cli/lib.sh"
top=$LABLOG_TOP

# The listed commands, from the overview.
lablog >overview.txt 2>overview.err
commands=$(sed -n '/^commands:/,/^$/p' overview.txt | sed -n 's/^  \([a-z]*\) .*/\1/p')

test_expect 'lablog alone lists every command and exits 0' '
    test ! -s overview.err &&
    test "$(echo "$commands" | wc -l)" -ge 25 &&
    for c in init exp note metric ingest run log search verify daily slides help; do
        echo "$commands" | grep -qx "$c" || { echo "missing $c"; exit 1; }
    done
'

mkdir empty
test_expect 'COMMAND --help works for every command outside a log, and writes nothing' '
    cd empty &&
    for c in $commands; do
        lablog $c --help >../out 2>../err || { echo "$c --help failed"; cat ../err; exit 1; }
        grep -q "^usage: lablog $c" ../out || { echo "$c: no usage line"; exit 1; }
        test ! -s ../err || { echo "$c wrote to stderr"; cat ../err; exit 1; }
        lablog help $c >../out2 && test_cmp ../out ../out2 || exit 1
    done &&
    test -z "$(ls)" || { ls; exit 1; }
'
test_expect 'every exp verb has its own --help outside a log' '
    cd empty &&
    for v in new start done fail abandon list show; do
        lablog exp $v --help >../out && grep -q "^usage: lablog exp $v" ../out || exit 1
        lablog exp $v -h >../out && grep -q "^usage: lablog exp $v" ../out || exit 1
    done &&
    lablog exp --help | grep -q "^  show NAME"
'
test_expect '--help after operands and options still needs no log' '
    cd empty && lablog note "some text" --exp a --help | grep -q "usage: lablog note" &&
    lablog exp show foo --json --help | grep -q "usage: lablog exp show"
'
test_expect '"lablog run CMD --help" passes --help to CMD, not to run' '
    lablog init --name cli >/dev/null 2>&1 &&
    lablog run --exp h -- sh -c "echo got \$1" sh --help >out 2>/dev/null &&
    grep -qx "got --help" out
'

cd "$TMP/empty" || exit 1
test_fails 2 "unknown command 'expp' (did you mean 'exp'?" lablog expp
test_fails 2 "unknown command 'raport' (did you mean 'report'?" lablog raport
test_fails 2 "unknown command 'zzzzzz' (see 'lablog help')" lablog zzzzzz
test_fails 2 "unknown verb 'exp shw' (did you mean 'exp show'?)" lablog exp shw
test_fails 2 "unknown option '--snce' (did you mean '--since'? see 'lablog log --help')" lablog log --snce 7d
test_fails 2 "unknown option '--tga' (did you mean '--tag'? see 'lablog exp new --help')" lablog exp new x --tga t
test_fails 2 "unknown option '--bogus' (see 'lablog note --help')" lablog note hi --bogus
test_fails 2 "unknown option '--verbose' (see 'lablog --help')" lablog --verbose log
test_expect 'usage errors outside a log name the usage problem, not the missing log' '
    test -z "$(ls)"
'
cd "$TMP" || exit 1

test_expect '--db is accepted before and after the command' '
    lablog --db other.db init --name other >/dev/null 2>&1 &&
    lablog note "after the command" --db other.db >/dev/null &&
    lablog note --db=other.db "with =" >/dev/null &&
    lablog --db other.db log | grep -q "after the command" &&
    lablog log --db other.db | grep -q "with =" &&
    ! lablog log | grep -q "after the command"
'
test_expect '--db after "--" belongs to the command run' '
    lablog run --exp d -- sh -c "echo \$1 \$2" sh --db x >out 2>/dev/null &&
    grep -qx -- "--db x" out && test ! -e x
'

# The man page.
lablog help --man >lablog.1
test_expect 'the man page is valid roff (groff -ww reports nothing)' '
    groff -man -Tutf8 -ww -z lablog.1 2>err && test ! -s err
'
test_expect 'man ./lablog.1 renders the page' '
    MANWIDTH=80 man -l ./lablog.1 >man.txt 2>err && grep -q "^NAME" man.txt &&
    sed "s/  */ /g" man.txt | grep -q "lablog exp new NAME" &&
    grep -q "^EXIT STATUS" man.txt
'
test_expect 'the build installs the man page it generates from the tables' '
    built=$(dirname "$LABLOG_BIN")/lablog.1 &&
    test -f "$built" && test_cmp "$built" lablog.1
'
# Every option and verb of every --help appears in the man page with its
# text: the page is generated from the same tables.
test_expect 'every --help option is in the man page, with its help text' '
    MANWIDTH=1000 man -l ./lablog.1 2>/dev/null | sed "s/  */ /g" >flat.txt &&
    for c in $commands; do
        lablog $c --help >h.txt
        grep -q "^verbs:" h.txt && for v in $(sed -n "/^verbs:/,/^$/s/^  \([a-z]*\).*/\1/p" h.txt); do
            lablog $c $v --help >>h.txt
        done
        awk "/^  -/ { s = substr(\$0, 3); i = index(s, \"  \");
                      left = substr(s, 1, i - 1); text = substr(s, i);
                      sub(/^ +/, \"\", text); sub(/^-., /, \"\", left);
                      split(left, w, \" \"); print w[1], text }" h.txt |
        grep -v "^--help " | while read -r opt text; do
            grep -qF -- "$opt" flat.txt || { echo "$c: $opt missing"; exit 1; }
            grep -qF -- "$text" flat.txt || { echo "$c: help of $opt missing: $text"; exit 1; }
        done || exit 1
        grep -q "^usage: lablog " h.txt || exit 1
        sed -n "s/^usage: lablog //p" h.txt | while read -r u; do
            grep -qF -- "lablog $u" flat.txt || { echo "usage missing: $u"; exit 1; }
        done || exit 1
    done
'

# Completion. The log has two experiments and three tags.
lablog exp new lr-3e-4 --tag sweep >/dev/null
lablog exp new lr-1e-3 --tag sweep --tag base >/dev/null
lablog exp new other-run >/dev/null
comp() {
    bash -c '. "$1/completion/lablog.bash"; shift
             COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _lablog
             printf "%s\n" "${COMPREPLY[@]}"' x "$top" "$@" | sort | tr '\n' ' '
}
test_expect 'bash: commands, verbs, options' '
    test "$(comp lablog ex)" = "exp export " &&
    test "$(comp lablog exp s)" = "show start " &&
    comp lablog exp new x --h | grep -qx -- "--help --hypothesis " &&
    comp lablog "" | grep -q "ingest init"
'
test_expect 'bash: experiment names and tags from the current log' '
    test "$(comp lablog exp show lr)" = "lr-1e-3 lr-3e-4 " &&
    test "$(comp lablog note hi --exp o)" = "other-run " &&
    test "$(comp lablog exp list --tag "")" = "base sweep " &&
    test "$(comp lablog log --exp = lr-1)" = "lr-1e-3 "
'
test_expect 'bash: option values from the table, files otherwise' '
    test "$(comp lablog ingest --format "")" = "csv jsonl " &&
    test "$(comp lablog log --kind no)" = "note " &&
    test "$(comp lablog attach "")" = " " &&
    bash -c ". \"$top/completion/lablog.bash\"; complete -p lablog" | grep -q -- "-o default"
'
test_expect 'bash: --db elsewhere chooses the log for names' '
    mkdir sub && cd sub &&
    test "$(comp lablog --db ../other.db exp show "")" = " " &&
    test "$(comp lablog exp show l --db ../lablog.db)" = " " &&
    test "$(comp lablog --db ../lablog.db exp show l)" = "lr-1e-3 lr-3e-4 "
'
zcomp() {
    zsh -fc 'compadd() { while [ "$1" != "--" ]; do shift; done; shift; print -l -- "$@"; }
             _files() { print FILES; }
             top=$1; shift; words=("$@"); CURRENT=$#
             . "$top/completion/_lablog"' x "$top" "$@" | sort | tr '\n' ' '
}
test_expect 'zsh: the same candidates, files as the fallback' '
    test "$(zcomp lablog exp sh)" = "show " &&
    test "$(zcomp lablog exp show lr)" = "lr-1e-3 lr-3e-4 " &&
    test "$(zcomp lablog attach "")" = "FILES "
'
test_done
