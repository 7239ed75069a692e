#!/bin/sh
# Regenerates the golden files of tests/golden/ from the freshly built
# ./build/lablog ('make golden' builds it first):
#
#   daily/small.slack.txt daily/small.text.txt daily/small.md
#   report/small.md report/small.html report/small-thursday.md
#   daily/sample.slack.txt daily/sample.text.txt daily/sample.md
#   report/sample.md report/sample.html daily/sample-all.text.txt
#   samples/report.md samples/report.html
#   daily/busy.slack.txt daily/busy.text.txt (tests/golden/busy-day.sh)
#   daily/messy.slack.txt report/messy.md (tests/golden/messy-week.sh)
#   compare/sample-ft.txt compare/sample-prompts.md
#
# The small project is built by tests/golden/small-project.sh in a
# temporary directory with a fixed clock, author, time zone and an empty
# HOME (so no user template can leak in); the sample project by
# samples/build.sh, with the machine's host and path replaced (see
# normalize_machine in small-project.sh). Review the diff before
# committing: a golden file is a promise about the output.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/${BUILD:-build}/lablog"
[ -x "$bin" ] || { echo "golden.sh: no $bin; run 'make' first" >&2; exit 1; }
gold="$top/tests/golden"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lablog-golden.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TZ=UTC LC_ALL=C LABLOG_AUTHOR=ada LABLOG_TEMPLATES="$top/templates"
export HOME="$tmp/home"
unset LABLOG_DB LABLOG_EXP LABLOG_SLACK_WEBHOOK XDG_CONFIG_HOME
mkdir -p "$HOME" "$gold/daily" "$gold/report"
lablog() { "$bin" "$@"; }
PATH="$(dirname "$bin"):$PATH" # samples/build.sh runs plain `lablog`
export PATH
. "$gold/small-project.sh"
build_small_project 2>/dev/null

export LABLOG_NOW=2026-11-20T09:00:00Z
lablog daily --format slack >"$gold/daily/small.slack.txt"
lablog daily --format text >"$gold/daily/small.text.txt"
lablog daily --format markdown >"$gold/daily/small.md"
lablog report -o report.md
lablog report -o report.html
cp report.md "$gold/report/small.md"
cp report.html "$gold/report/small.html"
lablog report --since 2026-11-19 --until 2026-11-20 \
    >"$gold/report/small-thursday.md"
# The sample project, rendered as of Friday 17:00 of its third week.
sh "$top/samples/build.sh" "$tmp/sample" >/dev/null 2>&1
export LABLOG_NOW=2026-11-20T17:00:00Z LABLOG_DB="$tmp/sample/lablog.db"
lablog daily --format slack >"$gold/daily/sample.slack.txt"
lablog daily --format text >"$gold/daily/sample.text.txt"
lablog daily --format markdown >"$gold/daily/sample.md"
lablog report -o "$tmp/sample/report.md"
lablog report -o "$tmp/sample/report.html"
normalize_machine "$top" <"$tmp/sample/report.md" >"$gold/report/sample.md"
normalize_machine "$top" <"$tmp/sample/report.html" >"$gold/report/sample.html"
lablog daily --format text --since 2026-11-01 | normalize_machine "$top" \
    >"$gold/daily/sample-all.text.txt"
mkdir -p "$gold/compare"
lablog compare --tag ft-sweep --baseline ft-lr1e-5-s0 >"$gold/compare/sample-ft.txt"
lablog compare "bon-*" zero-shot few-shot --baseline zero-shot --format md \
    >"$gold/compare/sample-prompts.md"
# The samples project: examples in the report.
mkdir -p "$gold/samples" "$tmp/samples"
(
    cd "$tmp/samples" &&
    unset LABLOG_DB &&
    . "$gold/samples-project.sh" &&
    build_samples_project &&
    LABLOG_NOW=2026-11-20T09:00:00Z lablog report -o report.md &&
    LABLOG_NOW=2026-11-20T09:00:00Z lablog report -o report.html &&
    cp report.md report.html "$gold/samples/"
)
# A busy day (Slack must collapse it) and a messy week.
unset LABLOG_DB
mkdir "$tmp/busy" && cd "$tmp/busy"
. "$gold/busy-day.sh"
build_busy_day 2>/dev/null
export LABLOG_NOW=2026-11-20T09:00:00Z
lablog daily --format slack >"$gold/daily/busy.slack.txt"
lablog daily --format text >"$gold/daily/busy.text.txt"
mkdir "$tmp/messy" && cd "$tmp/messy"
. "$gold/messy-week.sh"
build_messy_week 2>/dev/null
export LABLOG_NOW=2026-11-20T10:00:00Z
lablog daily --format slack --since 2026-11-16 >"$gold/daily/messy.slack.txt"
lablog report -o report.md
cp report.md "$gold/report/messy.md"
echo "golden.sh: wrote $(cd "$gold" && ls daily/* report/* | tr '\n' ' ')"
