# Sourced by the hub tests after lib.sh: a throwaway PostgreSQL cluster.
#
#   pg_start      initdb + pg_ctl start in a fresh temp dir: Unix socket
#                 only (listen_addresses=''), fsync off, password auth.
#                 Sets PG_HOST (the socket directory), PG_SUPER_URL (the
#                 superuser's URL, password included) and PG_PASS.
#                 Stopped and removed when the test script exits, also when
#                 a test fails or the script is interrupted.
#   pg_psql SQL   runs SQL as the superuser; prints tuples only.
#   pg_url USER PASSWORD [DB]   a URL for another role.
#
# initdb refuses to run as root, so as root the cluster runs as 'nobody'.
# The server comes from /usr/lib/postgresql/*/bin (Debian's postgresql,
# installed by 'make deps'); it is an error, not a skip, when it is missing.

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    echo "FAIL $test_name: PostgreSQL server not installed (make deps)"
    echo "$test_name: 0 passed, 1 failed"
    exit 1
fi

pg_stop() {
    if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ]; then
        $PG_AS "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop \
            >/dev/null 2>&1
        rm -rf "$PG_DIR"
    fi
}

pg_start() {
    PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/lablog-pg.XXXXXX")
    PG_AS=
    if [ "$(id -u)" = 0 ]; then
        PG_AS="runuser -u nobody --"
        chown nobody "$PG_DIR"
    fi
    trap 'pg_stop; rm -rf "$TMP"' EXIT
    trap 'exit 130' INT TERM HUP
    PG_PASS="su-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
    printf '%s\n' "$PG_PASS" >"$PG_DIR/pw"
    [ -z "$PG_AS" ] || chown nobody "$PG_DIR/pw"
    if ! $PG_AS "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres \
            --pwfile="$PG_DIR/pw" -A scram-sha-256 --no-sync -E UTF8 \
            --locale=C >"$PG_DIR/initdb.log" 2>&1; then
        cat "$PG_DIR/initdb.log"
        echo "FAIL $test_name: initdb failed"
        echo "$test_name: 0 passed, 1 failed"
        exit 1
    fi
    rm -f "$PG_DIR/pw"
    if ! $PG_AS "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" \
            -o "-c listen_addresses='' -c unix_socket_directories='$PG_DIR' -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
            -w start >/dev/null 2>&1; then
        cat "$PG_DIR/server.log"
        echo "FAIL $test_name: the PostgreSQL server did not start"
        echo "$test_name: 0 passed, 1 failed"
        exit 1
    fi
    PG_HOST=$PG_DIR
    PG_SUPER_URL=$(pg_url postgres "$PG_PASS")
}

pg_url() {
    printf 'postgresql://%s:%s@/%s?host=%s' "$1" "$2" "${3:-postgres}" \
        "$PG_HOST"
}

pg_psql() {
    PGPASSWORD=$PG_PASS psql -X -q -At -v ON_ERROR_STOP=1 -h "$PG_HOST" \
        -U postgres -d postgres -c "$1"
}
