#!/bin/sh
# `make demo`: builds the sample project into out/sample/ and renders
# everything lablog can render from it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/out/sample"
PATH="$top/build:$PATH"
export PATH LABLOG_TEMPLATES="$top/templates" TZ=UTC
rm -rf "$out"
mkdir -p "$out"
echo "building the sample project (three weeks of an LLM alignment project)..."
sh "$top/samples/build.sh" "$out"
db="$out/lablog.db"
# Render as of Friday 2026-11-20, 17:00, the end of the sample's third week.
export LABLOG_NOW=2026-11-20T17:00:00Z LABLOG_AUTHOR="Ada Researcher"
has() { lablog help | grep -q "^  $1 "; }
lablog --db "$db" verify
lablog --db "$db" exp list >"$out/experiments.txt"
lablog --db "$db" log >"$out/log.txt"
if has daily; then
    lablog --db "$db" daily --format text >"$out/daily.txt"
    lablog --db "$db" daily --format slack >"$out/daily.slack.txt"
    lablog --db "$db" daily --format markdown >"$out/daily.md"
fi
if has report; then
    lablog --db "$db" report -o "$out/report.md"
    lablog --db "$db" report --format html --self-contained -o "$out/report.html"
fi
if has plot; then
    lablog --db "$db" plot --exp ft-lr1e-5-s0,ft-lr3e-5-s0,ft-lr1e-4-s0,ft-lr1e-4-s2 \
        --metric loss --smooth 0.9 --baseline 1.386:chance -o "$out/plot-ft-loss.png"
    lablog --db "$db" plot --exp ft-lr1e-5-s0,ft-lr3e-5-s0,ft-lr1e-4-s0 \
        --metric accuracy -o "$out/plot-ft-accuracy.svg"
    lablog --db "$db" plot --exp bon-n1,bon-n8,bon-n32,bon-n100 --metric win_rate \
        --bar last --group-by N -o "$out/plot-bon.png"
fi
if has samples; then
    COLUMNS=100 lablog --db "$db" samples show bon-n32 --worst 3 >"$out/samples-bon-n32.txt"
    COLUMNS=100 lablog --db "$db" samples diff bon-n1 bon-n32 >"$out/samples-diff.txt"
fi
if has slides; then
    lablog --db "$db" slides --since 2026-11-13 -o "$out/deck.pdf"
fi
echo
echo "made in out/sample/:"
(cd "$out" && ls -1 | grep -v '^lablog.db' | sed 's/^/  /')
echo "  lablog.db (try: lablog --db out/sample/lablog.db log)"
