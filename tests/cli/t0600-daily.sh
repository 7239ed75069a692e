#!/bin/sh
# lablog daily: the Last / Next / Blockers update in its three formats, its
# period, escaping, length limits, --record, --post against a local fake
# Slack (tests/slack_stub.py), template lookup, and error paths.
. "$LABLOG_TOP/tests/cli/lib.sh"
. "$LABLOG_TOP/tests/golden/small-project.sh"
gold="$LABLOG_TOP/tests/golden"

# ---- the small project: goldens ------------------------------------------

mkdir small && cd small || exit 1
build_small_project 2>/dev/null

test_expect 'slack format matches its golden' '
    lablog daily --format slack >actual &&
    test_cmp "$gold/daily/small.slack.txt" actual
'
test_expect 'slack is the default format' '
    lablog daily >actual &&
    test_cmp "$gold/daily/small.slack.txt" actual
'
test_expect 'text format matches its golden' '
    lablog daily --format text >actual &&
    test_cmp "$gold/daily/small.text.txt" actual
'
test_expect 'markdown format matches its golden (md is an alias)' '
    lablog daily --format markdown >actual &&
    test_cmp "$gold/daily/small.md" actual &&
    lablog daily --format md >actual &&
    test_cmp "$gold/daily/small.md" actual
'
test_expect 'no uid, hash or directory appears in any format' '
    for f in slack text markdown; do
        lablog daily --format $f >out.$f || return 1
    done &&
    ! grep -E "[0-9a-f]{40}|[0-9A-Z]{26}|$TMP" out.slack out.text out.markdown
'
test_expect 'Friday looks back to Thursday; results read cold' '
    lablog daily --format text >out &&
    grep -q "^LAST (since Thu 2026-11-19 00:00)" out &&
    grep -q "^- bon-n100 (n=100) finished in 2h 5m: win_rate 0.71, +0.09 vs bon-n8" out &&
    grep -q "^- rm-baseline (lr=1e-4) running, step 3, .*: loss 1.05 (-0.55 since last)" out &&
    grep -q "lr-sweep-3e-4 (lr=3e-4) failed after .*diverged at step 2" out &&
    ! grep -q "bon-n8 (" out
'
test_expect 'Next is by priority; Blockers lists blockers then questions' '
    lablog daily --format text >out &&
    sed -n "/^NEXT/,/^BLOCKERS/p" out >next &&
    grep -n "P[123]" next | cut -c1-8 >order &&
    printf "2:- [P1]\n3:- [P2]\n4:- [P3]\n" >expect &&
    test_cmp expect order &&
    sed -n "/^BLOCKERS/,\$p" out >blockers &&
    grep -q "^- GPU quota" blockers &&
    grep -q "^- Question: Are 300 prompts" blockers &&
    ! grep -q "flaky" blockers
'
test_expect 'retracted notes leave the body; amended ones are marked' '
    lablog daily --format text >out &&
    ! grep -q "^- The win rate of bon-n100 is 0.91" out &&
    grep -q "^- Retracted: \"The win rate of bon-n100 is 0.91.\" (misread the table)" out &&
    grep -q "length bias.$" out &&
    grep -q "(amended)$" out
'
test_expect '--since widens the period' '
    lablog daily --format text --since 2026-11-16 >out &&
    grep -q "^LAST (since Mon 2026-11-16 00:00)" out &&
    grep -q "^- bon-n8 (n=8) finished in 2h 55m: win_rate 0.62, -0.09 vs bon-n100, loss 1.18" out
'
test_expect 'Monday looks back to Friday; an empty period says so' '
    LABLOG_NOW=2026-11-23T09:00:00Z lablog daily --format text >out &&
    grep -q "^No logged activity since Fri 2026-11-20 00:00.$" out &&
    grep -q "^- \[P1\] Run bon-n32 with 3 seeds" out &&
    grep -q "^- GPU quota used up" out
'
test_expect 'an empty period in slack and markdown still lists Next and Blockers' '
    LABLOG_NOW=2026-11-23T09:00:00Z lablog daily >out &&
    grep -q "^No logged activity since Fri 2026-11-20 00:00.$" out &&
    grep -q "^• P1: Run bon-n32" out &&
    LABLOG_NOW=2026-11-23T09:00:00Z lablog daily --format md >out &&
    grep -q "^No logged activity since" out &&
    grep -q "^- \*\*P1\*\* Run bon-n32" out
'
test_expect '--json prints the template context' '
    lablog daily --json >ctx.json &&
    python3 -c "
import json, sys
c = json.load(open(\"ctx.json\"))
assert c[\"format\"] == \"slack\", c[\"format\"]
assert [x[\"name\"] for x in c[\"experiments\"]] == [\"rm-baseline\", \"bon-n100\", \"lr-sweep-3e-4\"]
assert c[\"next_open\"][0][\"priority\"] == 1
assert \"hypothesis\" in c[\"experiments\"][0]
"
'

# ---- the sample project: goldens ---------------------------------------------

if [ -f "$LABLOG_TOP/samples/build.sh" ]; then
    sh "$LABLOG_TOP/samples/build.sh" "$TMP/sample" >/dev/null 2>&1
    test_expect 'the sample daily matches its goldens in every format' '
        export LABLOG_NOW=2026-11-20T17:00:00Z &&
        db="$TMP/sample/lablog.db" &&
        lablog --db "$db" daily --format slack >actual &&
        test_cmp "$gold/daily/sample.slack.txt" actual &&
        lablog --db "$db" daily --format text >actual &&
        test_cmp "$gold/daily/sample.text.txt" actual &&
        lablog --db "$db" daily --format markdown >actual &&
        test_cmp "$gold/daily/sample.md" actual
    '
fi

# ---- --record moves the next period ----------------------------------------

log_state >before
test_expect '--record prints the update and logs it' '
    lablog daily --record >out 2>err &&
    test_cmp "$gold/daily/small.slack.txt" out &&
    grep -q "^recorded as entry [0-9]* (not posted)$" err &&
    test "$(sqlite3 lablog.db "select count(*) from entry where kind = '\''update'\''")" = 1 &&
    sqlite3 lablog.db "select data from entry where kind = '\''update'\''" >data &&
    grep -q "\"posted\":false" data && grep -q "\"format\":\"slack\"" data &&
    test "$(sqlite3 lablog.db "select body from entry where kind = '\''update'\''")" = "$(cat out)" &&
    lablog verify >/dev/null
'
test_expect 'the next daily starts after the recorded one' '
    LABLOG_NOW=2026-11-20T17:00:00Z lablog daily --format text >out &&
    grep -q "^No logged activity since Fri 2026-11-20 09:00.$" out &&
    LABLOG_NOW=2026-11-20T17:00:00Z lablog note "after the update" >/dev/null &&
    LABLOG_NOW=2026-11-20T17:05:00Z lablog daily --format text >out &&
    grep -q "^LAST (since Fri 2026-11-20 09:00)" out &&
    grep -q "^- after the update$" out &&
    ! grep -q "bon-n100 (n=100)" out
'
cd "$TMP" || exit 1

# ---- escaping ----------------------------------------------------------------

mkdir esc && cd esc || exit 1
export LABLOG_NOW=2026-11-19T10:00:00Z
lablog init --name 'esc <b>&</b> | proj' >/dev/null 2>&1
lablog exp new esc-1 --param 'prompt=a|b <script>alert(1)</script>' \
    --param 'q=`x`' --hypothesis '<!channel> H & <b>x</b>' --tag t >/dev/null
lablog exp start esc-1 >/dev/null
lablog note --exp esc-1 'Ping <!channel> & <@U123> <script>alert(1)</script> see [x](javascript:alert(1)) a|b `code` end' >/dev/null
lablog note --takeaway "$(printf '<div onclick="x()">html block</div>\n\n| a | b |\n|---|---|\n| 1 | 2 |')" >/dev/null
lablog next '<!here> fix & <b>bold</b>' >/dev/null
lablog block '[click](javascript:alert(1)) `x|y`' >/dev/null
export LABLOG_NOW=2026-11-20T09:00:00Z

test_expect 'slack: & < > escaped, no mention or link can act' '
    lablog daily >out &&
    grep -q "Ping &lt;!channel&gt; &amp; &lt;@U123&gt; &lt;script&gt;alert(1)&lt;/script&gt;" out &&
    grep -q "&lt;!here&gt; fix &amp; &lt;b&gt;bold&lt;/b&gt;" out &&
    grep -q "esc &lt;b&gt;&amp;&lt;/b&gt; | proj" out &&
    ! grep -q "<[!@]" out &&
    ! grep -q "<script" out &&
    ! grep -q "javascript:" out &&
    ! grep -q "<div" out &&
    grep -q "see x a|b \`code\` end" out
'
test_expect 'text: the words arrive as typed, links reduced to text' '
    lablog daily --format text >out &&
    grep -q "Ping <!channel> & <@U123> <script>alert(1)</script> see x a|b code end" out &&
    ! grep -q "javascript:" out
'
# A "<" that Markdown would read as a tag: not preceded by a backslash,
# outside fenced code blocks (whose text is shown as it is).
unescaped='\(^\|[^\\]\)<'
outside_code() {
    awk '/^ *```/ { f = !f; next } !f' "$1"
}
test_expect 'markdown: raw HTML is escaped text, unsafe links dropped' '
    lablog daily --format markdown >out &&
    outside_code out >prose &&
    ! grep -q "$unescaped[a-z!/@]" prose &&
    grep -q "^  <div onclick" out &&
    ! grep -q "javascript:" out &&
    grep -q "\\\\<script\\\\>" out &&
    grep -q "^## Daily update: esc \\\\<b\\\\>&\\\\</b\\\\> \\\\| proj" out &&
    grep -q "prompt=a\\\\|b" out
'
test_expect 'markdown: a body starting with a block starts on its own line' '
    lablog daily --format markdown >out &&
    grep -q "^- \*\*Takeaway\*\*: $" out &&
    grep -q "^  \`\`\`" out &&
    grep -q "^  | a | b |$" out
'
cd "$TMP" || exit 1

# ---- Slack length limits ---------------------------------------------------------

mkdir long && cd long || exit 1
export LABLOG_NOW=2026-11-19T10:00:00Z
lablog init --name long >/dev/null 2>&1
long=$(python3 -c 'print("é" * 700 + " & <x>")')
i=0
while [ $i -lt 40 ]; do
    lablog note "note $i $long" >/dev/null
    lablog next --priority 2 "step $i $long" >/dev/null
    lablog block "blocker $i $long" >/dev/null
    i=$((i + 1))
done
export LABLOG_NOW=2026-11-20T09:00:00Z
test_expect 'a long slack update is trimmed per item and per section, never mid-character' '
    lablog daily >out &&
    test "$(wc -c <out)" -le 12000 &&
    python3 -c "open(\"out\", encoding=\"utf-8\", errors=\"strict\").read()" &&
    grep -q "…and [0-9]* more notes" out &&
    grep -q "…and [0-9]* more next steps" out &&
    grep -q "…and [0-9]* more blockers" out &&
    ! grep -q "&[a-z]*…" out &&
    awk "length(\$0) > 700 { exit 1 }" out
'
test_expect 'a slack message over 12000 bytes is cut at a line end, with a note' '
    printf "{{#notes}}\n- {{{body}}}\n{{/notes}}" >all.mustache &&
    lablog daily --template all.mustache >out &&
    test "$(wc -c <out)" -le 12000 &&
    tail -n 1 out | grep -q "^_(trimmed: the update was too long for Slack; run \`lablog report\` for the full log)_$" &&
    python3 -c "open(\"out\", encoding=\"utf-8\", errors=\"strict\").read()"
'
test_expect 'text and markdown are not trimmed' '
    lablog daily --format text >out &&
    test "$(grep -c "^- note" out)" = 40
'
cd "$TMP" || exit 1

# ---- --post against the fake Slack ----------------------------------------------

cd small || exit 1
SECRET=T0SECRET1/B0SECRET2/xoxSecretTokenDoNotLeak42
# start_stub MODE [MAX]: starts tests/slack_stub.py, sets $PORT and $STUB.
start_stub() {
    rm -f requests port.out
    python3 "$LABLOG_TOP/tests/slack_stub.py" "$1" requests "${2:-1}" >port.out &
    STUB=$!
    n=0
    while [ ! -s port.out ] && [ $n -lt 50 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    PORT=$(head -n 1 port.out)
    export LABLOG_SLACK_WEBHOOK="http://127.0.0.1:$PORT/services/$SECRET"
}
stop_stub() {
    kill "$STUB" 2>/dev/null
    wait "$STUB" 2>/dev/null
    unset LABLOG_SLACK_WEBHOOK
}
no_secret() {
    ! grep -q "xoxSecretTokenDoNotLeak42\|T0SECRET1\|B0SECRET2" "$@" &&
    sqlite3 lablog.db .dump >dump &&
    ! grep -q "xoxSecretTokenDoNotLeak42\|T0SECRET1\|B0SECRET2" dump
}
updates() {
    sqlite3 lablog.db "select count(*) from entry where kind = 'update'"
}

export LABLOG_NOW=2026-11-23T09:00:00Z
start_stub ok
before=$(updates)
test_expect '--post sends JSON to the webhook, prints the text and records it' '
    lablog daily --post >out 2>err &&
    grep -q "^posted to Slack; recorded as entry [0-9]*$" err &&
    grep -q "^\*Daily update: bon-sampling\*" out &&
    python3 -c "
import json
req = json.loads(open(\"requests\").readline())
assert req[\"text\"] + \"\\n\" == open(\"out\").read() or req[\"text\"] == open(\"out\").read(), req
" &&
    test "$(updates)" = $((before + 1)) &&
    sqlite3 lablog.db "select data from entry where kind = '\''update'\'' order by id desc limit 1" | grep -q "\"posted\":true" &&
    no_secret out err
'
stop_stub

test_expect 'the webhook can come from the config file' '
    mkdir -p "$HOME/.config/lablog" &&
    start_stub ok &&
    url=$LABLOG_SLACK_WEBHOOK &&
    unset LABLOG_SLACK_WEBHOOK &&
    printf "# lablog\nslack_webhook = %s\n" "$url" >"$HOME/.config/lablog/config" &&
    LABLOG_NOW=2026-11-23T10:00:00Z lablog daily --post >out 2>err &&
    grep -q "^posted to Slack" err &&
    test -s requests &&
    no_secret out err
'
stop_stub
rm -f "$HOME/.config/lablog/config"

log_state >before
start_stub bad
test_fails 1 'answered HTTP 400: invalid_payload' lablog daily --post
test_expect '... a 400 prints the text, records nothing, leaks nothing' '
    grep -q "^\*Daily update" "$TMP/.fout" &&
    log_state >after && test_cmp before after &&
    no_secret "$TMP/.fout" "$TMP/.ferr"
'
stop_stub

start_stub ratelimit 2
before=$(updates)
test_expect '--post waits after a 429 and retries once' '
    LABLOG_POST_MAX_WAIT=1 lablog daily --post >out 2>err &&
    test "$(wc -l <requests)" = 2 &&
    test "$(updates)" = $((before + 1)) &&
    no_secret out err
'
stop_stub

log_state >before
start_stub slow
test_fails 1 'failed:' env LABLOG_POST_TIMEOUT_MS=1000 "$LABLOG_BIN" daily --post
test_expect '... a timeout records nothing and leaks nothing' '
    grep -q -i "timed\? \?out\|timeout" "$TMP/.ferr" &&
    log_state >after && test_cmp before after &&
    no_secret "$TMP/.fout" "$TMP/.ferr"
'
stop_stub

# ---- errors -------------------------------------------------------------------------

log_state >before
test_fails 2 "invalid date 'someday'" lablog daily --since someday
test_fails 2 "unknown --format 'html' (slack, text or markdown)" lablog daily --format html
test_fails 1 "cannot read template 'nope.mustache': No such file or directory" lablog daily --template nope.mustache
printf 'Hello {{project}}\n{{#next_open}}\n- {{text}}\n' >broken.mustache
test_fails 1 'broken.mustache:2: unclosed section' lablog daily --template broken.mustache
test_fails 2 '--post sends Slack text' lablog daily --post --format text
test_fails 2 'no Slack webhook configured' lablog daily --post
test_fails 2 'cannot be combined' lablog daily --json --record
test_fails 2 'too many arguments' lablog daily extra
test_expect 'failed commands leave the log as it was' '
    log_state >after && test_cmp before after
'

# ---- templates ----------------------------------------------------------------------

test_expect '--template FILE renders with that file' '
    printf "{{project}}: {{#next_open}}[{{priority}}]{{/next_open}}\n" >mine.mustache &&
    lablog daily --template mine.mustache >out &&
    echo "bon-sampling: [1][2][3]" >expect &&
    test_cmp expect out
'
test_expect 'the user template folder overrides the default, per format' '
    mkdir -p xdg/lablog/templates &&
    printf "mine {{format}}\n" >xdg/lablog/templates/daily.text.mustache &&
    XDG_CONFIG_HOME=$PWD/xdg lablog daily --format text >out &&
    echo "mine text" >expect && test_cmp expect out &&
    XDG_CONFIG_HOME=$PWD/xdg lablog daily --format slack >out &&
    grep -q "^\*Daily update" out
'
test_expect 'partials are found beside the template' '
    printf "{{> part}}!\n" >withpart.mustache &&
    printf "part of {{project}}" >part.mustache &&
    lablog daily --template withpart.mustache >out &&
    echo "part of bon-sampling!" >expect && test_cmp expect out
'
# A copy of the binary away from the source tree finds no default template
# (unless one is installed system-wide).
mkdir -p "$TMP/bin" && cp "$LABLOG_BIN" "$TMP/bin/lablog"
# Without its rendering module the copy says what is missing, in one line.
test_fails 1 "cannot load lablog-render.so, needed by 'daily'" \
    env LABLOG_TEMPLATES=/nonexistent "$TMP/bin/lablog" daily
test_expect 'commands that do not render work without the module' '
    "$TMP/bin/lablog" log >/dev/null && "$TMP/bin/lablog" verify >/dev/null
'
cp "$(dirname "$LABLOG_BIN")/lablog-render.so" "$TMP/bin/"
if [ ! -d /usr/local/share/lablog/templates ]; then
    test_fails 1 "template 'daily.slack.mustache' not found (looked in" \
        env LABLOG_TEMPLATES=/nonexistent "$TMP/bin/lablog" daily
fi
test_expect 'help lists the options' '
    lablog daily --help >out &&
    grep -q -- "--post" out && grep -q -- "--record" out &&
    grep -q -- "--template FILE" out
'
test_done
