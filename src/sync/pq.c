/* SPDX-License-Identifier: MIT */
/*
 * The PostgreSQL connection (see pq.h for the policy on loading and on
 * secrets). The only file that includes libpq.
 */
#include "sync/pq.h"

#include <dlfcn.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

#define QUOTE_MAX 240

struct pq {
    PGconn *conn;
    char *secret;   /* the URL's password, raw; NULL when none */
    char *decoded;  /* ... and percent-decoded; NULL when the same */
    char where[128];
};

struct pq_result {
    PGresult *res;
};

/*
 * libpq's entry points, resolved once. Loaded on first use so that no
 * command but the hub's pays for libpq and its Kerberos, LDAP and TLS
 * dependencies at start-up.
 */
static struct {
    void *handle;
    PGconn *(*connectdb_params)(const char *const *keywords,
                                const char *const *values, int expand);
    ConnStatusType (*status)(const PGconn *conn);
    char *(*error_message)(const PGconn *conn);
    void (*finish)(PGconn *conn);
    PGresult *(*exec)(PGconn *conn, const char *query);
    PGresult *(*exec_params)(PGconn *conn, const char *command, int nparams,
                             const Oid *types, const char *const *values,
                             const int *lengths, const int *formats,
                             int result_format);
    ExecStatusType (*result_status)(const PGresult *res);
    char *(*result_error_field)(const PGresult *res, int field);
    char *(*result_error_message)(const PGresult *res);
    int (*ntuples)(const PGresult *res);
    char *(*getvalue)(const PGresult *res, int row, int col);
    int (*getisnull)(const PGresult *res, int row, int col);
    void (*clear)(PGresult *res);
    int (*put_copy_data)(PGconn *conn, const char *buffer, int nbytes);
    int (*put_copy_end)(PGconn *conn, const char *errormsg);
    PGresult *(*get_result)(PGconn *conn);
    char *(*host)(const PGconn *conn);
    char *(*db)(const PGconn *conn);
    PQnoticeProcessor (*set_notice_processor)(PGconn *conn,
                                              PQnoticeProcessor proc,
                                              void *arg);
} api;

static int load_symbol(void *slot, const char *symbol)
{
    void *p = dlsym(api.handle, symbol);

    memcpy(slot, &p, sizeof(p));
    return p ? 0 : -1;
}

static int load_libpq(void)
{
    static const char *const names[] = { "libpq.so.5", "libpq.so" };
    size_t i;
    int bad = 0;

    if (api.handle)
        return 0;
    for (i = 0; i < 2 && !api.handle; i++)
        api.handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!api.handle)
        return ll_error(LL_EIO, "cannot load libpq (install libpq5): %s",
                        dlerror());
    bad |= load_symbol(&api.connectdb_params, "PQconnectdbParams");
    bad |= load_symbol(&api.status, "PQstatus");
    bad |= load_symbol(&api.error_message, "PQerrorMessage");
    bad |= load_symbol(&api.finish, "PQfinish");
    bad |= load_symbol(&api.exec, "PQexec");
    bad |= load_symbol(&api.exec_params, "PQexecParams");
    bad |= load_symbol(&api.result_status, "PQresultStatus");
    bad |= load_symbol(&api.result_error_field, "PQresultErrorField");
    bad |= load_symbol(&api.result_error_message, "PQresultErrorMessage");
    bad |= load_symbol(&api.ntuples, "PQntuples");
    bad |= load_symbol(&api.getvalue, "PQgetvalue");
    bad |= load_symbol(&api.getisnull, "PQgetisnull");
    bad |= load_symbol(&api.clear, "PQclear");
    bad |= load_symbol(&api.put_copy_data, "PQputCopyData");
    bad |= load_symbol(&api.put_copy_end, "PQputCopyEnd");
    bad |= load_symbol(&api.get_result, "PQgetResult");
    bad |= load_symbol(&api.host, "PQhost");
    bad |= load_symbol(&api.db, "PQdb");
    bad |= load_symbol(&api.set_notice_processor, "PQsetNoticeProcessor");
    if (bad) {
        dlclose(api.handle);
        api.handle = NULL;
        return ll_error(LL_EIO, "libpq is too old (10 or later needed)");
    }
    return 0;
}

int pq_is_url(const char *url)
{
    return url && (strncmp(url, "postgresql://", 13) == 0 ||
                   strncmp(url, "postgres://", 11) == 0);
}

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * The password of "scheme://user:password@host...", raw and decoded, so
 * that messages can be scrubbed of both spellings. A URL whose password
 * cannot be found that way (it may be in ?password=) keeps everything
 * after "password=" up to '&' as the secret instead.
 */
static void find_secret(struct pq *c, const char *url)
{
    const char *p = strstr(url, "://");
    const char *at, *colon, *q;
    struct buf dec = BUF_INIT;
    size_t i, len = 0;

    if (p) {
        p += 3;
        at = strpbrk(p, "@/?");
        colon = memchr(p, ':', at ? (size_t)(at - p) : strlen(p));
        if (at && *at == '@' && colon)
            c->secret = xstrndup(colon + 1, (size_t)(at - colon - 1));
    }
    q = strstr(url, "password=");
    if (!c->secret && q) {
        q += strlen("password=");
        c->secret = xstrndup(q, strcspn(q, "&"));
    }
    if (c->secret)
        len = strlen(c->secret);
    for (i = 0; i < len; i++) {
        int hi, lo;

        if (c->secret[i] == '%' && i + 2 < len &&
            (hi = hex_digit(c->secret[i + 1])) >= 0 &&
            (lo = hex_digit(c->secret[i + 2])) >= 0) {
            buf_putc(&dec, hi * 16 + lo);
            i += 2;
        } else {
            buf_putc(&dec, c->secret[i]);
        }
    }
    if (c->secret && dec.len && strcmp(dec.ptr, c->secret) != 0)
        c->decoded = buf_detach(&dec, NULL);
    buf_release(&dec);
}

int pq_url_has_password(const char *url)
{
    struct pq probe = { 0 };
    int yes;

    find_secret(&probe, url);
    yes = probe.secret != NULL;
    free(probe.secret);
    free(probe.decoded);
    return yes;
}

/* Replaces every occurrence of secret in b with "***". */
static void scrub(struct buf *b, const char *secret)
{
    struct buf out = BUF_INIT;
    size_t n = secret ? strlen(secret) : 0;
    const char *p, *hit;

    if (n == 0)
        return;
    p = b->ptr;
    while ((hit = strstr(p, secret)) != NULL) {
        buf_put(&out, p, (size_t)(hit - p));
        buf_puts(&out, "***");
        p = hit + n;
    }
    buf_puts(&out, p);
    buf_reset(b);
    buf_put(b, out.ptr, out.len);
    buf_release(&out);
}

/*
 * Records "what: TEXT" where TEXT is libpq's or the server's message: its
 * first line, printable ASCII, at most QUOTE_MAX bytes, password removed.
 */
static int fail(const struct pq *c, int code, const char *what,
                const char *text)
{
    struct buf b = BUF_INIT;
    const char *p;
    int rc;

    for (p = text ? text : ""; *p && *p != '\n' && b.len < QUOTE_MAX; p++)
        buf_putc(&b, (*p >= 0x20 && *p < 0x7f) ? *p : '?');
    while (b.len && b.ptr[b.len - 1] == ' ')
        buf_truncate(&b, b.len - 1);
    if (c) {
        scrub(&b, c->secret);
        scrub(&b, c->decoded);
    }
    rc = ll_error(code, "%s: %s", what, b.len ? b.ptr : "unknown error");
    buf_release(&b);
    return rc;
}

/* Server notices (NOTICE: relation exists, skipping) are not for users. */
static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static void describe(struct pq *c)
{
    const char *host = api.host(c->conn);
    const char *db = api.db(c->conn);

    snprintf(c->where, sizeof(c->where), "%s/%s",
             host && *host ? host : "localhost", db ? db : "");
}

int pq_connect(struct pq **out, const char *url, int timeout_s)
{
    const char *keys[] = { "connect_timeout", "dbname",
                           "fallback_application_name", NULL };
    const char *values[4];
    char timeout[16];
    struct pq *c;
    int rc;

    *out = NULL;
    rc = load_libpq();
    if (rc)
        return rc;
    c = xcalloc(1, sizeof(*c));
    find_secret(c, url);
    snprintf(timeout, sizeof(timeout), "%d", timeout_s > 0 ? timeout_s : 0);
    values[0] = timeout_s > 0 ? timeout : NULL;
    values[1] = url;
    values[2] = "lablog";
    values[3] = NULL;
    c->conn = api.connectdb_params(keys, values, 1);
    if (!c->conn || api.status(c->conn) != CONNECTION_OK) {
        rc = fail(c, LL_EIO, "cannot connect to the hub",
                  c->conn ? api.error_message(c->conn) : "out of memory");
        pq_close(c);
        return rc;
    }
    api.set_notice_processor(c->conn, ignore_notice, NULL);
    describe(c);
    /* pg_temp last: a member's temporary table cannot shadow a hub table. */
    rc = pq_exec(c, "SET search_path = lablog, pg_catalog, pg_temp",
                 "cannot set up the hub session");
    if (rc) {
        pq_close(c);
        return rc;
    }
    *out = c;
    return 0;
}

void pq_close(struct pq *c)
{
    if (!c)
        return;
    if (c->conn)
        api.finish(c->conn);
    if (c->secret)
        memset(c->secret, 0, strlen(c->secret));
    if (c->decoded)
        memset(c->decoded, 0, strlen(c->decoded));
    free(c->secret);
    free(c->decoded);
    free(c);
}

const char *pq_where(const struct pq *c)
{
    return c->where;
}

/* Checks a result; on failure records the server's message. */
static int check(struct pq *c, PGresult *res, const char *what)
{
    ExecStatusType st = res ? api.result_status(res) : PGRES_FATAL_ERROR;
    const char *msg;

    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ||
        st == PGRES_COPY_IN)
        return 0;
    msg = res ? api.result_error_field(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!msg)
        msg = res ? api.result_error_message(res) : NULL;
    if (!msg || !*msg)
        msg = api.error_message(c->conn);
    return fail(c, LL_EDB, what, msg);
}

int pq_exec(struct pq *c, const char *sql, const char *what)
{
    PGresult *res = api.exec(c->conn, sql);
    int rc = check(c, res, what);

    api.clear(res);
    return rc;
}

int pq_query(struct pq *c, struct pq_result **out, const char *sql,
             int nparams, const char *const *params, const char *what)
{
    PGresult *res = api.exec_params(c->conn, sql, nparams, NULL, params,
                                    NULL, NULL, 0);
    int rc = check(c, res, what);

    *out = NULL;
    if (rc) {
        api.clear(res);
        return rc;
    }
    *out = xmalloc(sizeof(**out));
    (*out)->res = res;
    return 0;
}

int pq_query_exec(struct pq *c, const char *sql, int nparams,
                  const char *const *params, const char *what)
{
    struct pq_result *r = NULL;
    int rc = pq_query(c, &r, sql, nparams, params, what);

    pq_result_free(r);
    return rc;
}

size_t pq_rows(const struct pq_result *r)
{
    return (size_t)api.ntuples(r->res);
}

const char *pq_value(const struct pq_result *r, size_t row, int col)
{
    return api.getvalue(r->res, (int)row, col);
}

int pq_is_null(const struct pq_result *r, size_t row, int col)
{
    return api.getisnull(r->res, (int)row, col);
}

int64_t pq_int(const struct pq_result *r, size_t row, int col)
{
    return strtoll(pq_value(r, row, col), NULL, 10);
}

void pq_result_free(struct pq_result *r)
{
    if (!r)
        return;
    api.clear(r->res);
    free(r);
}

int pq_copy_begin(struct pq *c, const char *copy_sql, const char *what)
{
    return pq_exec(c, copy_sql, what);
}

int pq_copy_put(struct pq *c, const char *data, size_t len)
{
    if (api.put_copy_data(c->conn, data, (int)len) != 1)
        return fail(c, LL_EIO, "cannot send to the hub",
                    api.error_message(c->conn));
    return 0;
}

int pq_copy_end(struct pq *c)
{
    PGresult *res;
    int rc = 0;

    if (api.put_copy_end(c->conn, NULL) != 1)
        return fail(c, LL_EIO, "cannot send to the hub",
                    api.error_message(c->conn));
    while ((res = api.get_result(c->conn)) != NULL) {
        if (rc == 0)
            rc = check(c, res, "the hub refused the copy");
        api.clear(res);
    }
    return rc;
}
