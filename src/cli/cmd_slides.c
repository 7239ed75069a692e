/* SPDX-License-Identifier: MIT */
/*
 * `lablog slides`: the weekly meeting deck as a 16:9 PDF (slides/deck.h).
 * The period starts where the last deck recorded as presented on an
 * earlier day ended, else seven days back (model/period.h), so rendering
 * the deck again gives the same period. With --record the deck is logged,
 * in the same transaction that writes the file: a failed write logs
 * nothing.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "plugin/plugin.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "model/period.h"
#include "view/view.h"

/* The most minutes a meeting may have. */
#define MAX_MINUTES 600

/* The end of the newest deck recorded before a cutoff (model/period.h):
 * its data's "until", else its time. */
static int last_deck_fn(void *ctx, const struct entry *e)
{
    int64_t *until = ctx;
    json_t *data = json_loads(e->data, 0, NULL);
    const char *text = json_string_value(json_object_get(data, "until"));

    if (!text || time_parse_iso(until, text, NULL, 0) != 0) {
        ll_error_clear();
        *until = e->ts;
    }
    json_decref(data);
    return 0;
}

/* The default start (model/period.h): where the last deck recorded on an
 * earlier day ended, else a week back. */
static int default_since(struct app *app, int64_t until, int64_t *since_out)
{
    struct entry_filter f = ENTRY_FILTER_ALL;
    int64_t end = until ? until : app->now, last = 0;
    int rc;

    f.kind = ENTRY_DECK;
    f.until = period_deck_cutoff(end);
    rc = store_entries(app->store, &f, last_deck_fn, &last);
    *since_out = period_deck_since(end, last);
    return rc;
}

static int project_fn(void *ctx, const struct entry *e)
{
    struct buf *name = ctx;

    buf_reset(name);
    buf_puts(name, e->title);
    return 1; /* the first one is enough */
}

/* The project's name from its init entry, which a period ending before the
 * project began does not see; "deck" when there is none. */
static int project_name(struct app *app, struct buf *name)
{
    struct entry_filter f = ENTRY_FILTER_ALL;
    int rc;

    f.kind = ENTRY_PROJECT;
    rc = store_entries(app->store, &f, project_fn, name);
    if (name->len == 0)
        buf_puts(name, "deck");
    return rc == 1 ? 0 : rc;
}

/* The file name from a path ("out/deck.pdf" -> "deck.pdf"). */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

/* Writes the file and, with record, logs the deck as presented in the same
 * transaction: when the write fails the entry is rolled back. */
static int write_deck(struct app *app, int record, const char *title,
                      const char *path, const struct buf *pdf, int pages,
                      int64_t since, int64_t until)
{
    char a[TIME_ISO_SIZE], b[TIME_ISO_SIZE];
    json_t *data = json_pack("{s:s,s:s,s:i,s:s,s:b}", "since",
                             time_format_iso(a, since), "until",
                             time_format_iso(b, until), "pages", pages,
                             "file", base_name(path), "presented", 1);
    char *data_text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
    struct buf body = BUF_INIT;
    struct entry e;
    int rc = record ? store_begin_write(app->store) : 0;

    e.id = 0;
    if (rc == 0 && record) {
        buf_printf(&body, "%d page%s: %s", pages, pages == 1 ? "" : "s",
                   base_name(path));
        cli_entry_init(&e, app, ENTRY_DECK);
        e.title = title;
        e.body = body.ptr;
        e.data = data_text;
        rc = store_append(app->store, &e);
    }
    if (rc == 0)
        rc = cli_write_output(path, pdf->ptr, pdf->len);
    if (rc == 0 && record)
        rc = store_commit(app->store);
    if (rc && record)
        store_rollback(app->store);
    if (rc == 0) {
        fprintf(stderr, "wrote %s (%d page%s)",
                strcmp(path, "-") ? path : "the deck to stdout", pages,
                pages == 1 ? "" : "s");
        if (record)
            fprintf(stderr, "; recorded as entry %lld: the next deck "
                    "starts here\n", (long long)e.id);
        else
            fputs(" (not recorded: --record when it is presented)\n",
                  stderr);
    }
    buf_release(&body);
    free(data_text);
    json_decref(data);
    return rc;
}

/* Checks the options and fills the period. */
static int check_args(struct app *app, const char *since_arg,
                      const char *until_arg, const char *title,
                      int64_t minutes, struct view_opts *vo)
{
    int rc = 0;

    if (minutes < 1 || minutes > MAX_MINUTES)
        return ll_error(LL_EUSAGE, "--minutes must be between 1 and %d, "
                        "not %lld", MAX_MINUTES, (long long)minutes);
    if (title)
        rc = cli_check_text(title, "--title");
    if (rc == 0 && until_arg)
        rc = cli_date(&vo->until, until_arg, "--until", app);
    if (rc == 0 && since_arg)
        rc = cli_date(&vo->since, since_arg, "--since", app);
    else if (rc == 0)
        rc = default_since(app, vo->until, &vo->since);
    if (rc == 0)
        rc = period_check(vo->since, vo->until);
    return rc;
}

int cmd_slides(int argc, char **argv, struct app *app)
{
    const char *since_arg = NULL, *until_arg = NULL, *output = NULL;
    const char *title = NULL;
    int64_t minutes = DECK_DEFAULT_MINUTES, samples = 3;
    int record = 0, no_samples = 0, pull = 0, offline = 0;
    const struct opt opts[] = {
        { OPT_STRING, 0, "since", &since_arg, "DATE", "start of the period (default: where the last deck recorded on an earlier day ended, else 7 days ago)" },
        { OPT_STRING, 0, "until", &until_arg, "DATE", "end of the period, exclusive (default: now)" },
        { OPT_STRING, 'o', "output", &output, "FILE", "write the PDF here (default: deck-YYYY-MM-DD.pdf; - for stdout)" },
        { OPT_INT, 0, "minutes", &minutes, "N", "meeting length for the agenda (default 30)" },
        { OPT_STRING, 0, "title", &title, "TEXT", "deck title (default: the project name)" },
        { OPT_FLAG, 0, "record", &record, NULL, "log the deck as presented: the next deck starts where it ends" },
        { OPT_INT, 0, "samples", &samples, "N", "examples side by side on the samples slides (1-4, default 3)" },
        { OPT_FLAG, 0, "no-samples", &no_samples, NULL, "no samples slides" },
        { OPT_FLAG, 0, "pull", &pull, NULL, "pull every remote first (default: the hub remotes; 2 s at most)" },
        { OPT_FLAG, 0, "offline", &offline, NULL, "pull nothing first: local data only" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "slides [--since DATE] [--until DATE] [-o FILE] [--minutes N] "
        "[--title TEXT] [--record] [--samples N | --no-samples] "
        "[--pull|--offline]",
        "Build the weekly meeting deck: a 16:9 PDF with an agenda, TL;DR, "
        "results with plots, next steps, questions and blockers.",
        opts,
        "Without -o the deck goes to deck-YYYY-MM-DD.pdf in the working\n"
        "directory, dated by the end of the period. Render it as often as you\n"
        "like: the period stays the same. The deck you present is logged with\n"
        "--record (see 'lablog log --kind deck'), and the next one starts\n"
        "where it ended -- from the next day on, so re-recording the same\n"
        "meeting keeps its period. The agenda shares --minutes among its\n"
        "items; next steps logged with --minutes keep theirs while they fit\n"
        "in half the meeting.",
        0,
    };
    struct view_opts vo = { .metrics = VIEW_METRICS_TOUCHED };
    const struct render_plugin *rp = NULL;
    struct deck_opts o;
    struct buf pdf = BUF_INIT, path = BUF_INIT, name = BUF_INIT;
    struct view *v = NULL;
    char **ops = NULL, date[TIME_DATE_SIZE];
    int nops, pages = 0;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, 0);

    if (rc == 0)
        rc = check_args(app, since_arg, until_arg, title, minutes, &vo);
    if (rc == 0 && (samples < 1 || samples > 4))
        rc = ll_error(LL_EUSAGE, "--samples must be between 1 and 4, not "
                      "%lld", (long long)samples);
    if (rc == 0 && !title)
        rc = project_name(app, &name);
    if (rc == 0)
        rc = cli_render(&rp, "slides");
    if (rc == 0)
        rc = cli_pull_for_render(app, pull, offline);
    if (rc == 0)
        rc = view_build(&v, app->store, &vo);
    if (rc)
        goto cleanup;
    memset(&o, 0, sizeof(o));
    o.title = title ? title : name.ptr;
    o.author = app->author;
    o.now = app->now;
    o.minutes = (int)minutes;
    o.samples = no_samples ? 0 : (int)samples;
    rc = rp->deck_build(&pdf, &pages, v, &o);
    if (rc)
        goto cleanup;
    if (output)
        buf_puts(&path, output);
    else
        buf_printf(&path, "deck-%s.pdf", time_format_date(date, vo.until
                   ? vo.until - 1 : app->now));
    rc = write_deck(app, record, o.title, path.ptr, &pdf, pages, vo.since,
                    vo.until ? vo.until : app->now);
cleanup:
    view_free(v);
    buf_release(&pdf);
    buf_release(&path);
    buf_release(&name);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}
