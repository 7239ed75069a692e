/* SPDX-License-Identifier: MIT */
/*
 * `lablog metric` (a few values at one step, from a shell or a script) and
 * `lablog ingest` (a stream of JSONL or CSV lines).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ingest/ingest.h"
#include "util/err.h"
#include "util/kv.h"
#include "util/num.h"

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
        "diverged run is data.",
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
        if (rc == 0 && outcome == BATCH_CONFLICT)
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
    if (e.id)
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

int cmd_ingest(int argc, char **argv, struct app *app)
{
    const char *exp_name = NULL, *format = NULL, *metric_name = NULL;
    int skip_bad = 0, quiet = 0;
    const struct opt opts[] = {
        { OPT_STRING, 0, "exp", &exp_name, "NAME", "experiment for lines that name none" },
        { OPT_STRING, 'f', "format", &format, "jsonl|csv", "input format (default: from the file name, else jsonl)" },
        { OPT_STRING, 0, "name", &metric_name, "METRIC", "metric name for a TensorBoard CSV export" },
        { OPT_FLAG, 0, "skip-bad", &skip_bad, NULL, "report and skip malformed lines instead of stopping" },
        { OPT_FLAG, 'q', "quiet", &quiet, NULL, "no progress line" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "ingest [FILE|-] [--exp NAME] [--format jsonl|csv] [--name METRIC] "
        "[--skip-bad]",
        "Load metric points from JSONL (one object per line: numeric fields "
        "are metrics, \"step\", \"exp\", \"time\") or CSV (a header row; "
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
    if (rc)
        goto cleanup;
    fd = path ? open(path, O_RDONLY) : 0;
    if (fd < 0) {
        rc = ll_error(LL_EIO, "cannot open '%s': %s", path, strerror(errno));
        goto cleanup;
    }
    io.name = path ? path : "stdin";
    io.metric_name = metric_name;
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
