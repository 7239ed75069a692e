/* SPDX-License-Identifier: MIT */
/*
 * `lablog metric` (a few values at one step, from a shell or a script),
 * `lablog ingest` (a stream of JSONL or CSV lines) and `lablog
 * metric-info` (what a metric means: model/metric.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ingest/ingest.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/kv.h"
#include "util/num.h"
#include "util/xalloc.h"
#include "view/view.h"

/* Splits "name=value" into a checked metric name and a number. */
static int parse_kv(const char *kv, char *name, size_t name_size,
                    double *value)
{
    const char *text;

    if (kv_split(kv, name, name_size, &text))
        return ll_error(LL_EUSAGE, "expected METRIC=VALUE, not '%s'", kv);
    if (cli_check_text(name, "metric name"))
        return LL_EINPUT;
    if (num_parse(text, value))
        return ll_error(LL_EINPUT, "'%s' is not a number (metric '%s')",
                        text, name);
    return 0;
}

int cmd_metric(int argc, char **argv, struct app *app)
{
    const char *exp_name = NULL;
    int64_t step = INT64_MIN; /* not given */
    const struct opt opts[] = {
        { OPT_STRING, 0, "exp", &exp_name, "NAME", "the experiment (default $LABLOG_EXP)" },
        { OPT_INT, 0, "step", &step, "N", "the step (default: the next step of each metric)" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "metric [--exp NAME] [--step N] METRIC=VALUE...",
        "Log metric values at one step. VALUE may be nan, inf or -inf: a "
        "diverged run is data. Prints the new entry's id, except inside "
        "'lablog run' ($LABLOG_RUN set), where stdout is the run's output.",
        opts, NULL, 0,
    };
    struct store_batch *batch = NULL;
    struct entry e;
    char name[256];
    char **ops = NULL;
    int64_t exp, at;
    double value;
    int nops, i;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 1, -1);

    if (rc)
        goto cleanup;
    if (step != INT64_MIN && step < 0) {
        rc = ll_error(LL_EUSAGE, "--step must be a non-negative integer");
        goto cleanup;
    }
    rc = cli_exp(app, exp_name, 1, &exp);
    if (rc == 0)
        rc = cli_join_attempt(app, exp);
    for (i = 0; rc == 0 && i < nops; i++)
        rc = parse_kv(ops[i], name, sizeof(name), &value);
    if (rc)
        goto cleanup;
    rc = store_begin_write(app->store);
    if (rc == 0)
        rc = store_batch_begin(app->store, &batch);
    for (i = 0; rc == 0 && i < nops; i++) {
        enum batch_outcome outcome;

        parse_kv(ops[i], name, sizeof(name), &value);
        at = step;
        if (step == INT64_MIN)
            rc = store_metric_next_step(app->store, exp, name, &at);
        if (rc == 0)
            rc = store_batch_add(batch, exp, name, at, value, app->now,
                                 &outcome);
        if (rc == 0 && (outcome == BATCH_CONFLICT || outcome == BATCH_AGAIN))
            rc = ll_error(LL_ECONFLICT, "'%s' at step %lld already has "
                          "another value", name, (long long)at);
    }
    if (rc == 0) {
        cli_entry_init(&e, app, ENTRY_METRICS);
        e.exp = exp;
        rc = store_batch_finish(batch, &e);
        batch = NULL;
    }
    if (rc == 0)
        rc = store_commit(app->store);
    if (rc) {
        store_batch_free(batch);
        store_rollback(app->store);
        goto cleanup;
    }
    /* Inside `lablog run` stdout is the training output: keep it clean. */
    if (e.id && !(getenv("LABLOG_RUN") && *getenv("LABLOG_RUN")))
        printf("%lld\n", (long long)e.id);
    else
        fputs("lablog: nothing new (the same values are already logged)\n",
              stderr);
cleanup:
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

static int guess_format(const char *path, const char *format,
                        enum ingest_format *out)
{
    const char *dot = path ? strrchr(path, '.') : NULL;

    if (format) {
        if (strcmp(format, "jsonl") == 0 || strcmp(format, "json") == 0)
            *out = INGEST_JSONL;
        else if (strcmp(format, "csv") == 0)
            *out = INGEST_CSV;
        else
            return ll_error(LL_EUSAGE, "unknown format '%s' (jsonl or csv)",
                            format);
        return 0;
    }
    *out = dot && strcmp(dot, ".csv") == 0 ? INGEST_CSV : INGEST_JSONL;
    return 0;
}

/* Files that are another tool's own format get one line naming the import
 * to use instead of a parse error. */
static int other_tool(const char *path, int fd)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    char head[16];
    ssize_t n = pread(fd, head, sizeof(head), 0);

    if (strncmp(base, "events.out.tfevents.", 20) == 0)
        return ll_error(LL_EUSAGE, "%s: this is a TensorBoard event file; "
                        "import its folder with 'lablog import tensorboard "
                        "DIR'", path);
    if (n == 16 && memcmp(head, "SQLite format 3", 16) == 0)
        return ll_error(LL_EUSAGE, "%s: this is an SQLite database; for "
                        "MLflow's mlflow.db use 'lablog import mlflow %s'",
                        path, path);
    return 0;
}

int cmd_ingest(int argc, char **argv, struct app *app)
{
    const char *exp_name = NULL, *format = NULL, *metric_name = NULL;
    const char *step_key = NULL;
    int skip_bad = 0, quiet = 0;
    const struct opt opts[] = {
        { OPT_STRING, 0, "exp", &exp_name, "NAME", "experiment for lines that name none" },
        { OPT_STRING, 'f', "format", &format, "jsonl|csv", "input format (default: from the file name, else jsonl)" },
        { OPT_STRING, 0, "name", &metric_name, "METRIC", "metric name for a TensorBoard CSV export" },
        { OPT_STRING, 0, "step-key", &step_key, "KEY", "the field or column that is the step (default: step)" },
        { OPT_FLAG, 0, "skip-bad", &skip_bad, NULL, "report and skip malformed lines instead of stopping" },
        { OPT_FLAG, 'q', "quiet", &quiet, NULL, "no progress line" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "ingest [FILE|-] [--exp NAME] [--format jsonl|csv] [--name METRIC] "
        "[--step-key KEY] [--skip-bad]",
        "Load metric points from JSONL (one object per line: numeric fields "
        "are metrics, nested objects become a/b metrics, \"step\", \"exp\", "
        "\"time\") or CSV (a header row; "
        "\"step\", optional \"exp\" and \"time\" columns, one column per "
        "metric; or TensorBoard's Wall time,Step,Value with --name). Reads "
        "stdin without FILE. Points already logged are skipped, so a re-run "
        "is safe.",
        opts, NULL, 0,
    };
    struct ingest_opts io = { 0 };
    struct ingest *in = NULL;
    const struct ingest_stats *st;
    const char *path;
    char **ops = NULL;
    int nops, fd = -1;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, 1);

    if (rc)
        goto cleanup;
    path = nops && strcmp(ops[0], "-") != 0 ? ops[0] : NULL;
    rc = guess_format(path, format, &io.format);
    if (rc == 0)
        rc = cli_exp(app, exp_name, 0, &io.exp);
    if (rc == 0)
        rc = cli_join_attempt(app, io.exp);
    if (rc)
        goto cleanup;
    fd = path ? open(path, O_RDONLY) : 0;
    if (fd < 0) {
        rc = ll_error(LL_EIO, "cannot open '%s': %s", path, strerror(errno));
        goto cleanup;
    }
    if (path) {
        rc = other_tool(path, fd);
        if (rc)
            goto cleanup;
    }
    io.name = path ? path : "stdin";
    io.metric_name = metric_name;
    io.step_key = step_key;
    io.hints = 1;
    io.skip_bad = skip_bad;
    io.progress = !quiet && isatty(2);
    io.author = app->author;
    in = ingest_new(app->store, &io);
    rc = ingest_fd(in, fd);
    st = ingest_stats(in);
    /* Success prints the summary; a failure is one error line. */
    if (rc == 0 && st->conflicts)
        rc = ll_error(LL_ECONFLICT, "%zu conflicting points were not "
                      "written; first: %s (%zu points written, %zu "
                      "duplicates)", st->conflicts, ingest_first_conflict(in),
                      st->points, st->duplicates);
    else if (rc == 0)
        fprintf(stderr, "ingest: %zu points written, %zu duplicates, %zu "
                "conflicts, %zu lines skipped\n", st->points,
                st->duplicates, st->conflicts, st->skipped);
cleanup:
    if (fd > 0)
        close(fd);
    ingest_free(in);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

/* ---- metric-info ------------------------------------------------------ */

struct names {
    char **items;
    size_t len, cap;
};

static int names_has(const struct names *n, const char *name)
{
    size_t i;

    for (i = 0; i < n->len; i++)
        if (strcmp(n->items[i], name) == 0)
            return 1;
    return 0;
}

static int names_add(void *ctx, const char *name)
{
    struct names *n = ctx;

    if (!names_has(n, name)) {
        XGROW(n->items, n->len + 1, n->cap);
        n->items[n->len++] = xstrdup(name);
    }
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One line of the metric-info table, or one JSON object. */
static void info_row(const struct view *v, const char *name, json_t *list)
{
    const struct metric_decl *d = metric_decls_find(view_metric_decls(v),
                                                    name);
    struct metric_info mi;
    char chance[NUM_TEXT_SIZE] = "", from[32];

    view_metric_info(v, name, &mi);
    if (mi.has_chance)
        num_format(chance, mi.chance);
    if (list) {
        json_t *o = json_pack("{s:s,s:s,s:s,s:b,s:b}", "name", name,
                              "role", metric_role_name(mi.role), "better",
                              mi.role == METRIC_BOOKKEEPING ? "none"
                              : mi.lower ? "lower" : "higher", "primary",
                              mi.primary, "declared", mi.declared);

        if (mi.has_chance)
            json_object_set_new(o, "chance", json_real(mi.chance));
        if (mi.n_from)
            json_object_set_new(o, "n_from", json_string(mi.n_from));
        if (d)
            json_object_set_new(o, "entry", json_integer(d->id));
        json_array_append_new(list, o);
        return;
    }
    snprintf(from, sizeof(from), d ? "entry #%lld" : "its name",
             d ? (long long)d->id : 0LL);
    printf("%-20s %-11s %-6s %-7s %-8s %-14s %s\n", name,
           metric_role_name(mi.role),
           mi.role == METRIC_BOOKKEEPING ? "-" : mi.lower ? "lower"
                                                          : "higher",
           mi.primary ? "yes" : "", chance, mi.n_from ? mi.n_from : "",
           from);
}

static int show_infos(struct app *app, const char *only, int json)
{
    struct view_opts vo = { .metrics = VIEW_METRICS_NONE };
    struct view *v = NULL;
    struct names n = { NULL, 0, 0 };
    const struct metric_decls *d;
    json_t *list = json ? json_array() : NULL;
    size_t i;
    int rc = view_build(&v, app->store, &vo);

    if (rc == 0 && !only)
        rc = store_metric_names(app->store, names_add, &n);
    if (rc)
        goto cleanup;
    d = view_metric_decls(v);
    for (i = 0; !only && i < d->len; i++)
        names_add(&n, d->items[i].name);
    if (only)
        names_add(&n, only);
    if (n.len > 1)
        qsort(n.items, n.len, sizeof(*n.items), name_cmp);
    if (!json && n.len)
        printf("%-20s %-11s %-6s %-7s %-8s %-14s %s\n", "METRIC", "ROLE",
               "BETTER", "PRIMARY", "CHANCE", "N FROM", "FROM");
    for (i = 0; i < n.len; i++)
        info_row(v, n.items[i], list);
    if (json) {
        char *text = json_dumps(list, JSON_INDENT(2));

        puts(text);
        free(text);
    }
cleanup:
    for (i = 0; i < n.len; i++)
        free(n.items[i]);
    free(n.items);
    json_decref(list);
    view_free(v);
    return rc;
}

/* The declaration in words, the entry's body: "lower is better; chance
 * 1.386". */
static void describe(struct buf *out, json_t *data)
{
    json_t *v;
    char num[NUM_TEXT_SIZE];

    if (json_is_true(json_object_get(data, "reset")))
        buf_puts(out, "earlier declarations reset");
    v = json_object_get(data, "direction");
    if (v)
        buf_printf(out, "%s%s is better", out->len ? "; " : "",
                   json_string_value(v));
    v = json_object_get(data, "bookkeeping");
    if (v)
        buf_printf(out, "%s%s", out->len ? "; " : "",
                   json_is_true(v) ? "bookkeeping" : "a result");
    v = json_object_get(data, "primary");
    if (v)
        buf_printf(out, "%s%s", out->len ? "; " : "",
                   json_is_true(v) ? "primary" : "not primary");
    v = json_object_get(data, "chance");
    if (v)
        buf_printf(out, "%schance %s", out->len ? "; " : "",
                   num_format(num, json_number_value(v)));
    v = json_object_get(data, "n_from");
    if (v)
        buf_printf(out, "%sexamples counted by %s", out->len ? "; " : "",
                   json_string_value(v));
}

int cmd_metric_info(int argc, char **argv, struct app *app)
{
    int higher = 0, lower = 0, book = 0, result = 0, primary = 0;
    int not_primary = 0, reset = 0, json = 0;
    const char *chance = NULL, *n_from = NULL, *chance_k = NULL;
    const struct opt opts[] = {
        { OPT_FLAG, 0, "higher-better", &higher, NULL, "higher values are better" },
        { OPT_FLAG, 0, "lower-better", &lower, NULL, "lower values are better" },
        { OPT_STRING, 0, "chance", &chance, "V", "the chance level (drawn on plots; e.g. 1.386 for 4-way loss)" },
        { OPT_STRING, 0, "chance-k", &chance_k, "K", "the chance loss of K-way classification: -log(1/K)" },
        { OPT_FLAG, 0, "bookkeeping", &book, NULL, "a count or setting, not a result: never shown or compared" },
        { OPT_FLAG, 0, "result", &result, NULL, "a result after all (undoes --bookkeeping or the name's guess)" },
        { OPT_FLAG, 0, "primary", &primary, NULL, "the headline metric: ranked first, charted, sorted by" },
        { OPT_FLAG, 0, "not-primary", &not_primary, NULL, "no longer the headline metric" },
        { OPT_STRING, 0, "n-from", &n_from, "METRIC", "the metric that counts its examples (shown as n=...)" },
        { OPT_FLAG, 0, "reset", &reset, NULL, "forget earlier declarations of NAME first" },
        { OPT_FLAG, 0, "json", &json, NULL, "print JSON (without options)" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "metric-info [NAME [--higher-better|--lower-better] [--chance V|--chance-k K] "
        "[--bookkeeping|--result] [--primary|--not-primary] [--n-from "
        "METRIC] [--reset]] [--json]",
        "Say what a metric means, or show what lablog takes every metric "
        "to mean.",
        opts,
        "Roles: score (a headline result), result, loss (lower is better)\n"
        "and bookkeeping (counts and settings such as n_examples, lr, epoch:\n"
        "never shown as results). lablog guesses from the name; a\n"
        "declaration is an entry in the log, and for each field the latest\n"
        "one wins. Without options, NAME's meaning is shown; without NAME,\n"
        "every metric's.",
        0,
    };
    json_t *data = NULL;
    char *data_text = NULL;
    struct buf body = BUF_INIT;
    struct entry e;
    char **ops = NULL;
    double chance_v = 0;
    int nops, any;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, 1);

    if (rc)
        goto cleanup;
    any = higher || lower || book || result || primary || not_primary
          || reset || chance || n_from || chance_k;
    if (!any) {
        rc = show_infos(app, nops ? ops[0] : NULL, json);
        goto cleanup;
    }
    if (!nops)
        rc = ll_error(LL_EUSAGE, "which metric? (usage: lablog %s)",
                      cmd.usage);
    else if (json)
        rc = ll_error(LL_EUSAGE, "--json shows declarations; use it without "
                      "options");
    else if (higher && lower)
        rc = ll_error(LL_EUSAGE, "--higher-better and --lower-better "
                      "contradict each other");
    else if (book && result)
        rc = ll_error(LL_EUSAGE, "--bookkeeping and --result contradict "
                      "each other");
    else if (primary && not_primary)
        rc = ll_error(LL_EUSAGE, "--primary and --not-primary contradict "
                      "each other");
    else if (primary && book)
        rc = ll_error(LL_EUSAGE, "a bookkeeping metric cannot be primary");
    else if (chance && chance_k)
        rc = ll_error(LL_EUSAGE, "--chance and --chance-k say the same "
                      "thing; give one");
    else if (chance_k && (num_parse(chance_k, &chance_v)
                          || !(chance_v >= 2) || chance_v > 1e9
                          || chance_v != floor(chance_v)))
        rc = ll_error(LL_EUSAGE, "--chance-k expects a whole number of "
                      "classes, 2 or more, not '%s'", chance_k);
    else if (chance && (num_parse(chance, &chance_v) || !isfinite(chance_v)))
        rc = ll_error(LL_EUSAGE, "--chance expects a finite number, not "
                      "'%s'", chance);
    else if (n_from && strcmp(n_from, ops[0]) == 0)
        rc = ll_error(LL_EUSAGE, "--n-from names another metric (the one "
                      "counting the examples of '%s')", ops[0]);
    if (rc == 0)
        rc = cli_check_text(ops[0], "metric name");
    if (rc == 0 && n_from)
        rc = cli_check_text(n_from, "--n-from");
    if (rc)
        goto cleanup;
    data = json_object();
    if (higher || lower)
        json_object_set_new(data, "direction",
                            json_string(lower ? "lower" : "higher"));
    if (chance_k)
        chance_v = log(chance_v); /* -log(1/k): the uniform guess's loss */
    if (chance || chance_k)
        json_object_set_new(data, "chance", json_real(chance_v));
    if (book || result)
        json_object_set_new(data, "bookkeeping", json_boolean(book));
    if (primary || not_primary)
        json_object_set_new(data, "primary", json_boolean(primary));
    if (n_from)
        json_object_set_new(data, "n_from", json_string(n_from));
    if (reset)
        json_object_set_new(data, "reset", json_true());
    data_text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
    describe(&body, data);
    cli_entry_init(&e, app, ENTRY_METRIC_INFO);
    e.title = ops[0];
    e.body = body.ptr;
    e.data = data_text;
    rc = cli_append_print(app, &e);
cleanup:
    buf_release(&body);
    free(data_text);
    json_decref(data);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}
