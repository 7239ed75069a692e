/* SPDX-License-Identifier: MIT */
/*
 * The log as a set of origins: `lablog migrate` (format 1 -> 2),
 * `lablog origins` (each origin's host, head and forks), and the hidden
 * `lablog debug` verbs tests use: `append-raw` (an entry of any kind, with
 * its correct hash: what a newer lablog would write) and `union FEED` (add
 * what a feed has and this log lacks: the test-only union until merge
 * exists).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/err.h"
#include "util/timeutil.h"

int cmd_migrate(int argc, char **argv, struct app *app)
{
    const struct opt opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
    const struct opt_command cmd = {
        "migrate",
        "Bring the log to the current format (any writing command does it "
        "too). A format-1 log becomes this replica's first origin: its "
        "entries keep their format-1 hashes, verified by format-1 rules, "
        "and the first format-2 entry chains to the format-1 head.",
        opts, NULL, 0,
    };
    struct store_counts c;
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, 0);

    free(ops);
    if (rc)
        return rc == OPT_HELP ? 0 : rc;
    if (!store_migrated_from(app->store)) {
        fputs("lablog: the log is already in format 2\n", stderr);
        return 0;
    }
    rc = store_counts(app->store, &c);
    if (rc == 0)
        fprintf(stderr, "lablog: migrated the log from format %d to format "
                "2 (%lld entries; run 'lablog verify')\n",
                store_migrated_from(app->store), (long long)c.entries);
    return rc;
}

static int print_origin(void *ctx, const struct store_origin *o)
{
    char when[TIME_SHORT_SIZE];

    (void)ctx;
    printf("%s  %-12s %6lld entries  head %lld:%.16s  %s, last %s", o->id,
           *o->host ? o->host : "?", (long long)o->entries,
           (long long)o->head_seq, o->head, *o->author ? o->author : "?",
           time_format_short(when, o->last_write));
    if (o->seen_seq > o->head_seq)
        printf("  BEHIND: entry %lld was seen (see 'lablog verify')",
               (long long)o->seen_seq);
    if (*o->parent)
        printf("  copy of %.8s at %lld", o->parent, (long long)o->parent_seq);
    if (o->forks)
        printf("  %lld fork%s", (long long)o->forks, o->forks == 1 ? "" : "s");
    if (o->self)
        fputs("  (this replica)", stdout);
    putchar('\n');
    return 0;
}

static json_t *time_json(int64_t ms)
{
    char iso[TIME_ISO_SIZE];

    return ms ? json_string(time_format_iso(iso, ms)) : json_null();
}

static int origin_json(void *ctx, const struct store_origin *o)
{
    json_t *list = ctx;
    json_t *j = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:o, s:o, s:I, "
                          "s:b}",
                          "origin", o->id, "host", o->host, "author",
                          o->author, "entries", (json_int_t)o->entries,
                          "head_seq", (json_int_t)o->head_seq, "head",
                          o->head, "last_write", time_json(o->last_write),
                          "last_arrival", time_json(o->last_arrival),
                          "forks", (json_int_t)o->forks, "self", o->self);

    if (!j)
        return ll_error(LL_ERR, "out of memory");
    json_object_set_new(j, "parent", *o->parent ? json_string(o->parent)
                                                : json_null());
    if (*o->parent)
        json_object_set_new(j, "parent_seq", json_integer(o->parent_seq));
    json_object_set_new(j, "seen_seq", json_integer(o->seen_seq));
    json_object_set_new(j, "behind", json_boolean(o->seen_seq > o->head_seq));
    json_array_append_new(list, j);
    return 0;
}

int cmd_origins(int argc, char **argv, struct app *app)
{
    int as_json = 0;
    const struct opt opts[] = {
        { OPT_FLAG, 0, "json", &as_json, NULL, "print JSON" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "origins [--json]",
        "List the origins (replicas that wrote) this log holds: host, "
        "entries, head, author, when it last wrote, the origin a copy came "
        "from, forks kept as evidence, and whether a merge or pull saw "
        "entries of it that this log no longer holds (BEHIND).",
        opts, NULL, 0,
    };
    json_t *list = NULL;
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, 0);

    if (rc == 0 && as_json) {
        list = json_array();
        rc = store_origins(app->store, origin_json, list);
        if (rc == 0)
            rc = cli_print_json(list);
    } else if (rc == 0) {
        rc = store_origins(app->store, print_origin, NULL);
    }
    json_decref(list);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

/* An entry of any kind, hashed as this build hashes every entry. */
static int debug_append_raw(int argc, char **argv, struct app *app)
{
    const char *kind = NULL, *title = NULL, *body = NULL, *data = NULL;
    const char *exp = NULL, *ref = NULL;
    const struct opt opts[] = {
        { OPT_STRING, 0, "kind", &kind, "K", "the kind, known or not" },
        { OPT_STRING, 0, "title", &title, "T", "title" },
        { OPT_STRING, 0, "body", &body, "B", "body" },
        { OPT_STRING, 0, "data", &data, "JSON", "data, stored as given" },
        { OPT_STRING, 0, "exp", &exp, "NAME", "experiment" },
        { OPT_STRING, 0, "ref", &ref, "ID", "referenced entry" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "debug append-raw --kind K [--title T] [--body B] [--data JSON] "
        "[--exp NAME] [--ref ID]",
        "Append an entry of any kind (for tests of kinds this build does "
        "not know).",
        opts, NULL, 0,
    };
    struct entry e;
    char **ops = NULL;
    int nops, k;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, 0);

    if (rc)
        goto cleanup;
    if (!kind || !*kind) {
        rc = ll_error(LL_EUSAGE, "debug append-raw needs --kind");
        goto cleanup;
    }
    k = entry_kind_parse(kind);
    cli_entry_init(&e, app, k < 0 ? ENTRY_UNKNOWN : (enum entry_kind)k);
    e.kind_name = kind;
    e.title = title;
    e.body = body;
    e.data = data;
    if (exp)
        rc = store_exp_find(app->store, exp, &e.exp);
    if (rc == 0 && ref)
        rc = store_entry_resolve(app->store, ref, &e.ref);
    if (rc == 0)
        rc = cli_append_print(app, &e);
cleanup:
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

static int debug_union(int argc, char **argv, struct app *app)
{
    const struct opt opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
    const struct opt_command cmd = {
        "debug union FEED",
        "Add every entry of FEED ('lablog export --feed' of another replica) "
        "that this log lacks, checking each line first.",
        opts, NULL, 0,
    };
    struct store_import_stats st;
    char **ops = NULL;
    FILE *f = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 1, 1);

    if (rc)
        goto cleanup;
    f = strcmp(ops[0], "-") == 0 ? stdin : fopen(ops[0], "r");
    if (!f) {
        rc = ll_error(LL_EIO, "cannot open '%s': %s", ops[0],
                      strerror(errno));
        goto cleanup;
    }
    rc = store_feed_import(app->store, f, ops[0], NULL, &st);
    if (rc == 0)
        fprintf(stderr, "union: %zu entries added (%zu points), %zu already "
                "held, %zu forks kept\n", st.entries, st.points, st.held,
                st.forks);
cleanup:
    if (f && f != stdin)
        fclose(f);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

int cmd_debug(int argc, char **argv, struct app *app)
{
    if (argc >= 2 && strcmp(argv[1], "append-raw") == 0)
        return debug_append_raw(argc - 1, argv + 1, app);
    if (argc >= 2 && strcmp(argv[1], "union") == 0)
        return debug_union(argc - 1, argv + 1, app);
    return ll_error(LL_EUSAGE, "usage: lablog debug append-raw|union ...");
}
