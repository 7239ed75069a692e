/* SPDX-License-Identifier: MIT */
/*
 * `lablog exp new|start|done|fail|abandon|list|show`: experiments.
 *
 * An experiment is an entry (name, hypothesis, params, tags, explore or
 * confirm); its status is never stored on it but derived from the status
 * entries that follow.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "model/status.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/kv.h"
#include "util/suggest.h"
#include "view/view.h"

/* Parses K=V operands into a JSON object of strings. */
static int cli_params(json_t *params, const struct opt_list *list)
{
    size_t i;

    for (i = 0; i < list->len; i++) {
        const char *kv = list->items[i];
        const char *value;
        char key[128];

        if (kv_split(kv, key, sizeof(key), &value))
            return ll_error(LL_EUSAGE, "--param expects KEY=VALUE, not '%s'",
                            kv);
        if (cli_check_text(kv, "--param"))
            return LL_EINPUT;
        json_object_set_new(params, key, json_string(value));
    }
    return 0;
}

int cli_exp_data(char **out, const struct opt_list *params,
                 const struct opt_list *tags, const struct opt_list *seeds,
                 const char *mode)
{
    json_t *data = json_object(), *p = json_object(), *t = json_array();
    json_t *sp = json_array();
    size_t i;
    int rc = cli_params(p, params);

    for (i = 0; rc == 0 && seeds && i < seeds->len; i++) {
        if (!json_object_get(p, seeds->items[i]))
            rc = ll_error(LL_EUSAGE, "--seed-param '%s' is not one of the "
                          "--param keys", seeds->items[i]);
        else
            json_array_append_new(sp, json_string(seeds->items[i]));
    }

    for (i = 0; rc == 0 && i < tags->len; i++) {
        rc = cli_check_name(tags->items[i]);
        if (rc)
            rc = ll_error(LL_EUSAGE, "invalid tag '%s' (use letters, digits, "
                          "'-', '_' and '.')", tags->items[i]);
        else
            json_array_append_new(t, json_string(tags->items[i]));
    }
    json_object_set_new(data, "params", p);
    json_object_set_new(data, "tags", t);
    if (json_array_size(sp))
        json_object_set_new(data, "seed_params", sp);
    else
        json_decref(sp);
    if (mode)
        json_object_set_new(data, "mode", json_string(mode));
    *out = rc ? NULL : json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(data);
    return rc;
}

static int exp_new(int argc, char **argv, struct app *app)
{
    const char *hypothesis = NULL;
    struct opt_list params = { 0 }, tags = { 0 }, seeds = { 0 };
    int explore = 0, confirm = 0;
    const struct opt opts[] = {
        { OPT_STRING, 0, "hypothesis", &hypothesis, "TEXT", "what you expect and why" },
        { OPT_LIST, 0, "param", &params, "K=V", "a parameter of the run" },
        { OPT_LIST, 0, "seed-param", &seeds, "K", "param K is a random seed: runs differing only in it are repeats (\"seed\" always is)" },
        { OPT_LIST, 0, "tag", &tags, "T", "a tag (groups experiments on slides)" },
        { OPT_FLAG, 0, "explore", &explore, NULL, "exploratory (the default)" },
        { OPT_FLAG, 0, "confirm", &confirm, NULL, "confirmatory: planned to test a claim" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "exp new NAME [--hypothesis TEXT] [--param K=V]... [--seed-param K]... "
        "[--tag T]... [--explore|--confirm]",
        "Create a planned experiment.", opts, NULL, 0,
    };
    struct entry e;
    char *data = NULL;
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 1, 1);

    if (rc)
        goto cleanup;
    if (explore && confirm) {
        rc = ll_error(LL_EUSAGE, "--explore and --confirm exclude each other");
        goto cleanup;
    }
    rc = cli_check_name(ops[0]);
    if (rc == 0 && hypothesis)
        rc = cli_check_text(hypothesis, "hypothesis");
    if (rc == 0)
        rc = cli_exp_data(&data, &params, &tags, &seeds,
                          confirm ? "confirm" : "explore");
    if (rc)
        goto cleanup;
    cli_entry_init(&e, app, ENTRY_EXP);
    e.title = ops[0];
    e.body = hypothesis;
    e.data = data;
    rc = cli_append_print(app, &e);
cleanup:
    free(data);
    free(ops);
    opt_list_release(&params);
    opt_list_release(&tags);
    opt_list_release(&seeds);
    return rc;
}

/*
 * Closing an attempt whose lablog run was killed: the output tail it kept
 * in a file while it ran (cmd_run.c) is stored with the end, as a failed
 * run's is. Sets *data_out ({"tail": ...}, the caller's) and the file's
 * path; nothing when there is no such file.
 */
static int store_tail_file(struct app *app, int64_t exp, struct buf *path,
                           char **data_out)
{
    struct buf text = BUF_INIT;
    char uid[27], hex[65], chunk[8192];
    size_t n, lines = 0, i;
    int rc = store_attempt_latest(app->store, exp, uid);
    FILE *f = NULL;

    *data_out = NULL;
    if (rc || !uid[0])
        return rc;
    store_run_tail_path(app->store, uid, path);
    f = fopen(path->ptr, "r");
    while (f && text.len < 256 * 1024
           && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_put(&text, chunk, n);
    if (f)
        fclose(f);
    for (i = 0; i < text.len; i++)
        lines += text.ptr[i] == '\n';
    if (text.len) {
        rc = store_blob_put(app->store, text.ptr, text.len, hex);
        if (rc == 0) {
            json_t *d = json_pack("{s:{s:s,s:I,s:I}}", "tail", "sha256", hex,
                                  "lines", (json_int_t)lines, "bytes",
                                  (json_int_t)text.len);

            *data_out = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
            json_decref(d);
        }
    }
    buf_release(&text);
    return rc;
}

static int exp_status(int argc, char **argv, struct app *app,
                      const char *status)
{
    const char *message = NULL;
    const struct opt opts[] = {
        { OPT_STRING, 'm', "message", &message, "TEXT", "why, or what happened" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    char usage[64];
    char summary[80];
    const struct opt_command cmd = { usage, summary, opts, NULL, 0 };
    struct entry e;
    struct buf path = BUF_INIT;
    int64_t exp;
    char **ops = NULL, *data = NULL;
    int nops, rc, began = 0;

    snprintf(usage, sizeof(usage), "exp %s NAME [-m TEXT]", argv[0]);
    snprintf(summary, sizeof(summary), "Mark experiment NAME as %s.", status);
    rc = cli_parse(&cmd, argc, argv, &ops, &nops, 1, 1);
    if (rc == 0)
        rc = store_exp_find(app->store, ops[0], &exp);
    if (rc == 0 && message)
        rc = cli_check_text(message, "message");
    if (rc == 0 && model_status_ends(status))
        rc = store_begin_write(app->store);
    if (rc == 0 && model_status_ends(status)) {
        rc = store_tail_file(app, exp, &path, &data);
        if (rc)
            store_rollback(app->store);
        began = rc == 0;
    }
    if (rc == 0) {
        cli_entry_init(&e, app, ENTRY_STATUS);
        e.exp = exp;
        e.title = status;
        e.body = message;
        e.data = data;
        rc = cli_append_print(app, &e);
    }
    if (rc == 0 && began) {
        rc = store_commit(app->store);
        if (rc)
            store_rollback(app->store);
    }
    /* Stored with the end: the run's file has done its job. */
    if (rc == 0 && data) {
        char *slash = strrchr(path.ptr, '/');

        unlink(path.ptr);
        *slash = '\0';
        rmdir(path.ptr);
    }
    free(data);
    buf_release(&path);
    free(ops);
    return rc;
}

static int exp_list(int argc, char **argv, struct app *app)
{
    const char *status = NULL, *tag = NULL, *author = NULL;
    int json = 0;
    const struct opt opts[] = {
        { OPT_STRING, 0, "status", &status, "S", "only planned, running, done, failed, abandoned or lost" },
        { OPT_STRING, 0, "tag", &tag, "T", "only experiments with this tag" },
        { OPT_STRING, 0, "author", &author, "NAME", "only experiments NAME created" },
        { OPT_FLAG, 0, "json", &json, NULL, "print JSON" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "exp list [--status S] [--tag T] [--author NAME] [--json]",
        "List experiments with their status. A running experiment whose "
        "'lablog run' is gone (its process died, its machine restarted, or "
        "no sign of life for $LABLOG_LOST_AFTER, else lost_after in "
        "~/.config/lablog/config, default 10m) is lost until "
        "'lablog exp fail NAME -m WHY' closes it.", opts, NULL, 0,
    };
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, 0);

    if (rc == 0)
        rc = exp_print_list(app, status, tag, author, json);
    free(ops);
    return rc;
}

static int exp_show(int argc, char **argv, struct app *app)
{
    int json = 0, all = 0;
    int64_t attempt = 0;
    const struct opt opts[] = {
        { OPT_FLAG, 0, "json", &json, NULL, "print JSON" },
        { OPT_INT, 0, "attempt", &attempt, "N", "the metrics of attempt N (default: each metric's latest)" },
        { OPT_FLAG, 0, "all-attempts", &all, NULL, "the metrics of every attempt" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "exp show NAME [--json] [--attempt N|--all-attempts]",
        "Show an experiment: params, tags, how it was run (command, commit, "
        "host, scheduler), status history, its attempts (each run: command, "
        "commit, host, duration, exit), a summary of each metric (count, "
        "last, min, max and their steps) in its latest attempt, the progress "
        "and ETA of a running run, why a lost one is lost, and the last "
        "lines of a failed run's output.",
        opts, NULL, 0,
    };
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 1, 1);

    if (rc == 0 && (attempt < 0 || (attempt && all)))
        rc = ll_error(LL_EUSAGE, "--attempt takes a number from 1, and "
                      "excludes --all-attempts");
    if (rc == 0)
        rc = exp_print_show(app, ops[0], json,
                            all ? STORE_ATTEMPT_ALL : (int)attempt);
    free(ops);
    return rc;
}

/* exp tag NAME +T -T ...: a tag entry with the changes that change
 * something. */
static int exp_tag(int argc, char **argv, struct app *app)
{
    const struct opt opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
    const struct opt_command cmd = {
        "exp tag NAME +T|-T [+T|-T]...",
        "Add (+T, or plain T) or remove (-T) tags of experiment NAME. The "
        "change is a new entry; the experiment's own entry stays as it was.",
        opts, NULL, 1,
    };
    struct view_opts vo = { .metrics = VIEW_METRICS_NONE };
    json_t *add = json_array(), *remove = json_array(), *data;
    struct view *v = NULL;
    const struct view_exp *x;
    struct buf title = BUF_INIT;
    struct entry e;
    char *text = NULL;
    char **ops = NULL;
    int nops, i;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 2, -1);

    if (rc == 0)
        rc = view_build(&v, app->store, &vo);
    if (rc)
        goto cleanup;
    x = view_exp_find(v, ops[0]);
    if (!x) {
        rc = store_exp_find(app->store, ops[0], &e.exp);
        if (rc == 0)
            rc = ll_error(LL_ENOTFOUND, "unknown experiment '%s'", ops[0]);
        goto cleanup;
    }
    for (i = 1; rc == 0 && i < nops; i++) {
        const char *t = ops[i];
        int minus = t[0] == '-';

        t += t[0] == '+' || t[0] == '-';
        rc = cli_check_name(t);
        if (rc) {
            rc = ll_error(LL_EUSAGE, "invalid tag '%s' (use +TAG or -TAG; "
                          "letters, digits, '-', '_' and '.')", ops[i]);
            break;
        }
        if (minus && !view_exp_has_tag(x, t)) {
            rc = ll_error(LL_EUSAGE, "experiment '%s' has no tag '%s'",
                          x->name, t);
        } else if (!minus && !view_exp_has_tag(x, t)) {
            json_array_append_new(add, json_string(t));
            buf_printf(&title, "%s+%s", title.len ? " " : "", t);
        } else if (minus) {
            json_array_append_new(remove, json_string(t));
            buf_printf(&title, "%s-%s", title.len ? " " : "", t);
        }
    }
    if (rc)
        goto cleanup;
    if (!title.len) {
        fprintf(stderr, "lablog: nothing to change ('%s' has those tags "
                "already)\n", x->name);
        goto cleanup;
    }
    data = json_pack("{s:O,s:O}", "add", add, "remove", remove);
    text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(data);
    cli_entry_init(&e, app, ENTRY_TAG);
    e.exp = x->id;
    e.title = title.ptr;
    e.data = text;
    rc = cli_append_print(app, &e);
cleanup:
    free(text);
    json_decref(add);
    json_decref(remove);
    buf_release(&title);
    view_free(v);
    free(ops);
    return rc;
}

static const struct {
    const char *verb;
    const char *status; /* for status verbs */
    int (*fn)(int, char **, struct app *);
} verbs[] = {
    { "new", NULL, exp_new },
    { "start", EXP_RUNNING, NULL },
    { "done", EXP_DONE, NULL },
    { "fail", EXP_FAILED, NULL },
    { "abandon", EXP_ABANDONED, NULL },
    { "list", NULL, exp_list },
    { "show", NULL, exp_show },
    { "tag", NULL, exp_tag },
};

int cmd_exp(int argc, char **argv, struct app *app)
{
    static const struct opt verb_opts[] = {
        { OPT_VERB, 0, "new", NULL, "NAME", "create a planned experiment" },
        { OPT_VERB, 0, "start", NULL, "NAME", "mark it running" },
        { OPT_VERB, 0, "done", NULL, "NAME", "mark it done" },
        { OPT_VERB, 0, "fail", NULL, "NAME", "mark it failed" },
        { OPT_VERB, 0, "abandon", NULL, "NAME", "mark it abandoned" },
        { OPT_VERB, 0, "list", NULL, NULL, "list experiments" },
        { OPT_VERB, 0, "show", NULL, "NAME", "params, status history, metric summary" },
        { OPT_VERB, 0, "tag", NULL, "NAME +T|-T...", "add or remove tags" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command group = {
        "exp VERB [ARGS...]",
        "Create, run and list experiments.", verb_opts,
        "'lablog exp VERB --help' describes each verb.\n", 0,
    };
    const struct opt *o;
    struct suggest s;
    size_t i;
    int rc;

    if (argc < 2) {
        opt_print_help(&group, stdout);
        return ll_error(LL_EUSAGE, "exp needs a verb");
    }
    if (argv[1][0] == '-') {
        char **ops = NULL;
        int nops;

        rc = cli_parse(&group, argc, argv, &ops, &nops, 0, 0);
        free(ops);
        return rc == OPT_HELP ? 0 : rc;
    }
    for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
        if (strcmp(verbs[i].verb, argv[1]) != 0)
            continue;
        if (verbs[i].fn)
            rc = verbs[i].fn(argc - 1, argv + 1, app);
        else
            rc = exp_status(argc - 1, argv + 1, app, verbs[i].status);
        return rc == OPT_HELP ? 0 : rc;
    }
    suggest_init(&s, argv[1]);
    for (o = verb_opts; o->type != OPT_END; o++)
        suggest_add(&s, o->long_name);
    if (s.best)
        return ll_error(LL_EUSAGE, "unknown verb 'exp %s' (did you mean "
                        "'exp %s'?)", argv[1], s.best);
    return ll_error(LL_EUSAGE, "unknown verb 'exp %s' (new, start, done, "
                    "fail, abandon, list, show, tag)", argv[1]);
}
