#!/bin/sh
# At a terminal: `note` opens $VISUAL/$EDITOR, colour for status words and
# errors (off with NO_COLOR or when piped), long listings through $PAGER;
# and `exp tag`, `search` with plain text and filters. `script` gives the
# commands a terminal.
. "$LABLOG_TOP/tests/cli/lib.sh"
lablog init --name term >/dev/null 2>&1
lablog exp new a --tag sweep >/dev/null
lablog exp start a >/dev/null
lablog exp new b >/dev/null
lablog exp fail b -m "diverged" >/dev/null
# tty CMD...: runs the command line on a pseudo-terminal.
tty() { script -qec "$*" /dev/null </dev/null | tr -d '\r'; }
esc=$(printf '\033')

cat >editor.sh <<'SH'
#!/bin/sh
# Writes a note above what lablog put in the file.
{ printf 'Loss plateaus after 2k steps.\n\n# A heading of the note\n'; cat "$1"; } >"$1.new"
mv "$1.new" "$1"
echo "$0" >>editor.calls
SH
chmod +x editor.sh
cp editor.sh visual.sh
printf '#!/bin/sh\nexit 3\n' >fail.sh
printf '#!/bin/sh\nexit 0\n' >empty.sh
chmod +x fail.sh empty.sh
test_expect 'note on a terminal opens $EDITOR; the scissors part is dropped' '
    EDITOR=./editor.sh tty lablog note --exp a --takeaway >out &&
    id=$(tr -d " \n" <out) &&
    lablog show "$id" --json >note.json &&
    python3 -c "
import json; e = json.load(open(\"note.json\"))
assert e[\"body\"] == \"Loss plateaus after 2k steps.\n\n# A heading of the note\", repr(e[\"body\"])
assert e[\"exp\"] == \"a\" and e[\"data\"][\"takeaway\"] is True
"
'
test_expect '$VISUAL comes before $EDITOR' '
    rm -f editor.calls && VISUAL=./visual.sh EDITOR=./editor.sh tty lablog note >/dev/null &&
    grep -qx ./visual.sh editor.calls && ! grep -q editor.sh editor.calls
'
before=$(log_state)
test_expect 'a failing editor or an empty note saves nothing' '
    EDITOR=./fail.sh tty lablog note >out 2>&1; grep -q "the editor .*failed (exit 3); the note was not saved" out &&
    EDITOR=./empty.sh tty lablog note >out 2>&1; grep -q "the note is empty; nothing was saved" out &&
    test "$(log_state)" = "$before"
'
test_expect 'without a terminal, note still reads stdin' '
    echo "from a pipe" | EDITOR=./editor.sh lablog note >/dev/null &&
    lablog log | grep -q "from a pipe"
'

test_expect 'exp tag adds and removes tags as a new entry' '
    lablog exp tag a +base -sweep new >out && id=$(cat out) &&
    lablog show "$id" --json | grep -q "\"kind\": \"tag\"" &&
    lablog exp show a | grep -qx "tags: base, new" &&
    lablog exp list --tag base | grep -q "^a " && ! lablog exp list --tag sweep | grep -q "^a " &&
    lablog log | grep -q "tag      \[a\] +base -sweep +new" &&
    lablog verify >/dev/null
'
before=$(log_state)
test_fails 2 "experiment 'a' has no tag 'nope'" lablog exp tag a -nope
test_fails 2 "invalid tag '+a b'" lablog exp tag a "+a b"
test_fails 1 "unknown experiment 'zz'" lablog exp tag zz +x
test_expect 'exp tag: errors and no-ops leave the log unchanged' '
    lablog exp tag a +base 2>err && grep -q "nothing to change" err &&
    test "$(log_state)" = "$before"
'
test_expect 'completion offers the tags to add and to remove' '
    bash -c ". \"$LABLOG_TOP/completion/lablog.bash\"; COMP_WORDS=(lablog exp tag a -n); COMP_CWORD=4; _lablog; echo \${COMPREPLY[@]}" | grep -qx -- "-new"
'

lablog note "tried lr=3e-5: the loss diverged" --exp b >/dev/null
LABLOG_AUTHOR=bob lablog note "lr=1e-4 is stable" --exp a >/dev/null
test_expect 'search takes plain text such as lr=3e-5' '
    lablog search lr=3e-5 >out && test "$(wc -l <out)" = 1 && grep -q "tried lr=3e-5" out &&
    lablog search "lr=3e-5" diverged >out && test "$(wc -l <out)" = 1
'
test_expect 'search filters: exp:, kind:, author:, alone or with text' '
    lablog search lr author:bob >out && test "$(wc -l <out)" = 1 && grep -q "1e-4" out &&
    lablog search kind:status exp:b >out && test "$(wc -l <out)" = 1 && grep -q failed out &&
    lablog search exp:a kind:note author:bob >out && grep -q "1e-4" out && test "$(wc -l <out)" = 1 &&
    lablog search "\"loss diverged\"" >out && grep -q "3e-5" out
'
test_fails 2 "unknown kind 'nope' in the query" lablog search kind:nope x
test_fails 1 "unknown experiment 'zz'" lablog search exp:zz x

test_expect 'colour on a terminal: status words in exp list, log, exp show' '
    PAGER=cat tty lablog exp list >out && grep -q "${esc}\[33mrunning" out && grep -q "${esc}\[1;31mfailed" out &&
    PAGER=cat tty lablog log >out && grep -q "${esc}\[1;31mfailed" out &&
    PAGER=cat tty lablog exp show b >out && grep -q "${esc}\[1;31mfailed" out
'
test_expect 'no colour with NO_COLOR or when piped' '
    NO_COLOR=1 PAGER=cat tty lablog exp list >out && ! grep -q "$esc" out &&
    lablog exp list >out && ! grep -q "$esc" out
'
test_expect 'errors are red on a terminal, plain when piped' '
    tty lablog exp show nope >out 2>&1; grep -q "${esc}\[1;31mlablog: error:${esc}\[0m unknown experiment" out &&
    lablog exp show nope 2>err; grep -q "^lablog: error: unknown experiment" err
'
printf '#!/bin/sh\necho PAGER-RAN; cat\n' >pager.sh
chmod +x pager.sh
test_expect 'long listings go through $PAGER on a terminal' '
    PAGER=./pager.sh tty lablog log >out && head -1 out | grep -qx PAGER-RAN && grep -q "exp      a" out &&
    LABLOG_PAGER=./pager.sh PAGER=cat tty lablog exp list >out && grep -qx PAGER-RAN out
'
test_expect 'no pager when piped, or with PAGER=cat or empty' '
    PAGER=./pager.sh lablog log >out && ! grep -q PAGER-RAN out &&
    PAGER=cat tty lablog log >out && ! grep -q PAGER-RAN out &&
    PAGER= tty lablog log >out && ! grep -q PAGER-RAN out
'
test_expect 'a pager that quits early is not an error' '
    lablog metric --exp a --step 1 x=1 >/dev/null &&
    for i in $(seq 1 200); do echo "{\"step\": $i, \"y\": $i}"; done | lablog ingest --exp a 2>/dev/null &&
    PAGER="head -1" tty "lablog log; echo rc=\$?" >out && grep -qx "rc=0" out
'
test_done
