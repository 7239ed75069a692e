/* SPDX-License-Identifier: MIT */
/*
 * Helpers every command uses: operand checks, entry setup and appending,
 * resolving experiments and entry ids, reading text, writing output files.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/utf8.h"

/* Notes and other text are for people: 1 MiB is far beyond any real one
 * and keeps a runaway pipe from filling the log. */
#define MAX_TEXT (1 << 20)

/*
 * A job on a cluster node (LABLOG_SPOOL set, see `lablog env`) writes a
 * replica of its own, usually in the node's $TMPDIR: a writing command
 * that names a log that does not exist yet (--db or $LABLOG_DB) starts it.
 * LL_ENOTFOUND (no message) when this is not such a job.
 */
static int open_job_replica(struct app *app)
{
    const char *spool = getenv("LABLOG_SPOOL");
    const char *named = app->db_path ? app->db_path : getenv("LABLOG_DB");
    struct stat st;

    if (!spool || !*spool || !named || !*named || stat(named, &st) == 0)
        return LL_ENOTFOUND;
    ll_error_clear();
    return store_open(&app->store, named, STORE_CREATE);
}

int cli_open_log(struct app *app, int writes)
{
    char *path = NULL;
    int rc;

    if (app->store || app->help)
        return 0;
    rc = store_find(&path, app->db_path);
    if (rc == LL_ENOTFOUND && writes) {
        int job = open_job_replica(app);

        if (job != LL_ENOTFOUND)
            rc = job;
    } else if (rc == 0) {
        rc = store_open(&app->store, path, writes ? STORE_WRITE : STORE_READ);
    }
    free(path);
    return rc;
}

int cli_parse(const struct opt_command *cmd, int argc, char **argv,
              char ***operands, int *noperands, int min, int max)
{
    int rc = opt_parse(cmd, argc, argv, operands, noperands);

    if (rc)
        return rc;
    if (*noperands < min || (max >= 0 && *noperands > max)) {
        free(*operands);
        *operands = NULL;
        if (*noperands < min)
            return ll_error(LL_EUSAGE, "missing argument (usage: lablog %s)",
                            cmd->usage);
        return ll_error(LL_EUSAGE, "too many arguments (usage: lablog %s)",
                        cmd->usage);
    }
    return 0;
}

void cli_entry_init(struct entry *e, const struct app *app,
                    enum entry_kind kind)
{
    memset(e, 0, sizeof(*e));
    e->kind = kind;
    e->ts = app->now;
    e->author = app->author;
}

int cli_append_print(struct app *app, struct entry *e)
{
    int rc = store_begin_write(app->store);

    if (rc)
        return rc;
    rc = store_append(app->store, e);
    if (rc == 0)
        rc = store_commit(app->store);
    if (rc) {
        store_rollback(app->store);
        return rc;
    }
    printf("%" PRId64 "\n", e->id);
    return 0;
}

int cli_exp(struct app *app, const char *name, int required, int64_t *exp_out)
{
    const char *env = getenv("LABLOG_EXP");
    const char *uid = getenv("LABLOG_EXP_UID"); /* a job's (lablog env) */
    const char *spool = getenv("LABLOG_SPOOL");
    int rc;

    *exp_out = 0;
    if (!name && env && *env)
        name = env;
    if (!name && uid && *uid)
        name = uid;
    if (!name) {
        if (required)
            return ll_error(LL_EUSAGE, "no experiment given (use --exp NAME "
                            "or set $LABLOG_EXP)");
        return 0;
    }
    rc = store_exp_find(app->store, name, exp_out);
    /* A job's replica starts empty: its experiment is in the spool. */
    if (rc == LL_ENOTFOUND && spool && *spool) {
        ll_error_clear();
        rc = cli_spool_pull(app);
        if (rc == 0)
            rc = store_exp_find(app->store, name, exp_out);
    }
    return rc;
}

int cli_join_attempt(struct app *app, int64_t exp)
{
    const char *uid = getenv("LABLOG_ATTEMPT");
    int rc;

    if (!exp || !uid || !*uid)
        return 0;
    rc = store_attempt_use(app->store, exp, uid);
    if (rc == LL_ENOTFOUND) {
        /* Another experiment's attempt: this one's points go to its own. */
        ll_error_clear();
        return 0;
    }
    return rc;
}

/* "a next step": what people call a kind, for messages. */
static void kind_noun(struct buf *out, int kind)
{
    const struct kind_info *k = kind_info((enum entry_kind)kind);

    buf_printf(out, "%s %s", k->article, k->noun);
}

struct kind_probe {
    int kind;
};

static int probe_kind(void *ctx, const struct entry *e)
{
    ((struct kind_probe *)ctx)->kind = (int)e->kind;
    return 0;
}

int cli_entry_ref(struct app *app, const char *arg, int reply,
                  int64_t *id_out, int *kind_out)
{
    struct kind_probe probe = { -1 };
    int64_t id;
    int rc = store_entry_resolve(app->store, arg, &id);

    if (rc == 0)
        rc = store_entry_get(app->store, id, probe_kind, &probe);
    if (rc)
        return rc;
    if (reply >= 0 && !kind_may_refer((enum entry_kind)reply,
                                      (enum entry_kind)probe.kind)) {
        struct buf want = BUF_INIT, is = BUF_INIT;
        unsigned refs = kind_info((enum entry_kind)reply)->refs;
        int k, n = 0;

        for (k = 0; k < ENTRY_KIND_COUNT; k++) {
            if (!(refs & KIND_BIT(k)))
                continue;
            buf_puts(&want, n++ ? " or " : "");
            kind_noun(&want, k);
        }
        kind_noun(&is, probe.kind);
        rc = ll_error(LL_EUSAGE, "entry %lld is %s, not %s", (long long)id, is.ptr,
                      want.ptr);
        buf_release(&want);
        buf_release(&is);
        return rc;
    }
    *id_out = id;
    if (kind_out)
        *kind_out = probe.kind;
    return 0;
}

int cli_print_json(const json_t *j)
{
    char *text = json_dumps(j, JSON_INDENT(2));

    if (!text)
        return ll_error(LL_ERR, "out of memory");
    puts(text);
    free(text);
    return 0;
}

int cli_check_text(const char *s, const char *what)
{
    size_t len = strlen(s);
    size_t bad = utf8_invalid_at(s, len);
    const char *p;

    if (bad < len)
        return ll_error(LL_EINPUT, "%s is not valid UTF-8 (at byte %zu)",
                        what, bad);
    for (p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;

        if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f)
            return ll_error(LL_EINPUT, "%s contains a control character "
                            "(byte %zu)", what, (size_t)(p - s));
    }
    return 0;
}

int cli_text(struct buf *out, const char *arg, const char *what)
{
    char chunk[8192];
    size_t n;

    if (strcmp(arg, "-") != 0) {
        buf_puts(out, arg);
    } else {
        while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
            buf_put(out, chunk, n);
            if (out->len > MAX_TEXT)
                return ll_error(LL_EINPUT, "%s from stdin is longer than "
                                "%d bytes", what, MAX_TEXT);
        }
        if (ferror(stdin))
            return ll_error(LL_EIO, "cannot read stdin: %s", strerror(errno));
        while (out->len && (out->ptr[out->len - 1] == '\n'
                            || out->ptr[out->len - 1] == '\r'))
            buf_truncate(out, out->len - 1);
    }
    if (memchr(out->ptr, '\0', out->len))
        return ll_error(LL_EINPUT, "%s contains a NUL byte", what);
    if (out->len == 0 || strspn(out->ptr, " \t\r\n") == out->len)
        return ll_error(LL_EUSAGE, "%s is empty", what);
    if (out->len > MAX_TEXT)
        return ll_error(LL_EINPUT, "%s is longer than %d bytes", what,
                        MAX_TEXT);
    return cli_check_text(out->ptr, what);
}

int cli_check_name(const char *name)
{
    const char *p;

    if (!*name)
        return ll_error(LL_EUSAGE, "experiment name is empty");
    if (strlen(name) > 100)
        return ll_error(LL_EUSAGE, "experiment name '%.20s...' is longer "
                        "than 100 characters", name);
    for (p = name; *p; p++) {
        char c = *p;

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return ll_error(LL_EUSAGE, "invalid experiment name '%s' (use "
                            "letters, digits, '-', '_' and '.')", name);
    }
    return 0;
}

int cli_date(int64_t *out_ms, const char *arg, const char *opt,
             const struct app *app)
{
    char why[512];
    int rc = time_parse_date(out_ms, arg, app->now);

    if (rc == 0)
        return 0;
    snprintf(why, sizeof(why), "%s", ll_error_message());
    return ll_error(LL_EUSAGE, "%s: %s", opt, why);
}

int cli_write_output(const char *path, const char *data, size_t len)
{
    struct buf tmp = BUF_INIT;
    FILE *f = NULL;
    int rc = 0;

    if (!path || strcmp(path, "-") == 0) {
        fwrite(data, 1, len, stdout);
        return 0;
    }
    buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
    f = fopen(tmp.ptr, "wb");
    if (!f) {
        rc = ll_error(LL_EIO, "cannot write '%s': %s", path, strerror(errno));
        goto cleanup;
    }
    if (fwrite(data, 1, len, f) != len || fflush(f) != 0) {
        rc = ll_error(LL_EIO, "cannot write '%s': %s", path, strerror(errno));
        goto cleanup;
    }
    if (fclose(f) != 0) {
        f = NULL;
        rc = ll_error(LL_EIO, "cannot write '%s': %s", path, strerror(errno));
        goto cleanup;
    }
    f = NULL;
    if (rename(tmp.ptr, path) != 0)
        rc = ll_error(LL_EIO, "cannot write '%s': %s", path, strerror(errno));
cleanup:
    if (f)
        fclose(f);
    if (rc)
        unlink(tmp.ptr);
    buf_release(&tmp);
    return rc;
}
