#!/bin/sh
# Enforces the layer rule of DESIGN.md: each library header is included only
# by the layer that wraps it, and renderers never reach into the store.
# Prints "check-layers: ok" or one line per violation and exits 1.
cd "$(dirname "$0")/.." || exit 1
bad=0
only_in() {
    header=$1
    shift
    allowed=$*
    grep -rln "#include <$header" src | while read -r f; do
        ok=0
        for a in $allowed; do
            case $f in $a) ok=1 ;; esac
        done
        [ $ok = 1 ] || echo "$f: includes <$header> (allowed only in $allowed)"
    done
}
out=$(
    only_in sqlite3.h 'src/store/*'
    only_in cairo 'src/plot/*'
    only_in hpdf.h 'src/slides/*'
    only_in cmark.h 'src/render/* src/slides/*'
    only_in curl/ 'src/render/post.c'
    only_in libpq-fe.h 'src/sync/pq.c'
    only_in nettle/ 'src/util/sha256.c'
    only_in openssl/ ''
    grep -rln '#include "store/' src/render src/slides src/plot src/plugin 2>/dev/null |
        sed 's/$/: renderers must not include store\//'
    grep -rln '#include "cli/' src --include='*.c' --include='*.h' |
        grep -v '^src/cli/' | grep -v '^src/main.c$' |
        sed 's/$/: only main.c may include cli\//'
    grep -rln '#include "\(view\|render\|slides\|plot\|cli\|ingest\|proc\)/' src/util src/store src/sync 2>/dev/null |
        sed 's/$/: lower layer includes an upper one/'
    # Renderers are pure functions of the view: none includes another's
    # folder (plot/ draws charts for both); plugin/ is their one table.
    grep -rln '#include "slides/' src/render src/plot 2>/dev/null |
        sed 's/$/: a renderer includes slides\//'
    grep -rln '#include "render/' src/slides src/plot 2>/dev/null |
        sed 's/$/: a renderer includes render\//'
    grep -rln '#include "plugin/' src --include='*.c' --include='*.h' |
        grep -v '^src/plugin/\|^src/cli/' |
        sed 's/$/: only cli\/ loads the plugin (plugin\/)/'
    grep -rln '\(store_[a-z_]*(\|->store\b\)' src/render src/slides src/plot 2>/dev/null |
        sed 's/$/: renderers must not reach the store/'
    # model/ is what the data means: no SQL, no I/O, no layer above it.
    grep -rln '#include "\(store\|view\|render\|slides\|plot\|cli\|ingest\|proc\)/' src/model 2>/dev/null |
        sed 's/$/: model\/ includes only util\/ and model\//'
    grep -rln '#include <\(sqlite3\|stdio\|unistd\|fcntl\|dirent\)\.h>' src/model 2>/dev/null |
        sed 's/$/: model\/ does no I\/O/'
    grep -rln '#include "\(store\|view\|render\|slides\|plot\|cli\|ingest\|sync\)/' src/proc 2>/dev/null |
        sed 's/$/: proc\/ runs processes and knows nothing of the log/'
)
if [ -n "$out" ]; then
    echo "$out"
    exit 1
fi
echo "check-layers: ok"
