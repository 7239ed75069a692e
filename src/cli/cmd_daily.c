/* SPDX-License-Identifier: MIT */
/*
 * `lablog daily`: the "Last / Next / Blockers" update, printed, and with
 * --post sent to a Slack incoming webhook. A posted (or --record'ed) update
 * is logged as an update entry, which starts the next update's period.
 *
 * The webhook URL is a secret (API-NOTES.md B2): it is read from
 * $LABLOG_SLACK_WEBHOOK or the user's config file, never from the command
 * line (other users can read argv), and never stored, printed or quoted
 * in a message.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "model/period.h"
#include "plugin/plugin.h"
#include "util/buf.h"
#include "util/config.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "view/view.h"

static int find_webhook(struct buf *url)
{
    const char *env = getenv("LABLOG_SLACK_WEBHOOK");
    struct buf path = BUF_INIT;
    int rc;

    if (env && *env) {
        buf_puts(url, env);
        return 0;
    }
    config_path(&path);
    rc = config_get("slack_webhook", url);
    if (rc == 0 && !url->len)
        rc = LL_ENOTFOUND;
    if (rc == LL_ENOTFOUND)
        rc = ll_error(LL_EUSAGE, "no Slack webhook configured (set "
                      "$LABLOG_SLACK_WEBHOOK, or 'slack_webhook = URL' in "
                      "'%s')", path.ptr);
    buf_release(&path);
    return rc;
}

/* The default period (model/period.h): just after the last recorded
 * update, else the start of the previous working day. */
static int default_since(struct app *app, int64_t *since_out)
{
    int64_t last = 0;
    int rc = store_last_ts(app->store, ENTRY_UPDATE, 0, &last);

    *since_out = period_daily_since(app->now, last);
    return rc;
}

/* Logs the update that was posted or recorded. */
static int record_update(struct app *app, const struct buf *text,
                         enum daily_format format, int posted, int64_t since)
{
    char when[TIME_ISO_SIZE];
    json_t *data = json_pack("{s:s,s:b,s:s}", "format",
                             daily_format_name(format), "posted", posted,
                             "since", time_format_iso(when, since));
    char *data_text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
    struct entry e;
    int rc = store_begin_write(app->store);

    if (rc == 0) {
        cli_entry_init(&e, app, ENTRY_UPDATE);
        e.title = "daily update";
        e.body = text->ptr;
        e.data = data_text;
        rc = store_append(app->store, &e);
    }
    if (rc == 0)
        rc = store_commit(app->store);
    if (rc)
        store_rollback(app->store);
    else
        fprintf(stderr, posted ? "posted to Slack; recorded as entry %lld\n"
                               : "recorded as entry %lld (not posted)\n",
                (long long)e.id);
    free(data_text);
    json_decref(data);
    return rc;
}

static int post_update(const struct render_plugin *rp, const char *url,
                       const struct buf *text)
{
    struct post_result res = POST_RESULT_INIT;
    int rc = rp->post_slack(url, text->ptr, &res);

    rp->post_result_release(&res);
    return rc;
}

static int print_context(const struct render_plugin *rp,
                         const struct view *v, const struct daily_opts *o)
{
    json_t *ctx = NULL;
    char *text;
    int rc = rp->daily_context(&ctx, v, o);

    if (rc)
        return rc;
    text = json_dumps(ctx, JSON_INDENT(2) | JSON_SORT_KEYS);
    puts(text);
    free(text);
    json_decref(ctx);
    return 0;
}

/*
 * Whose update: --author NAME, --team (everyone), else the user's own when
 * others write to this log too -- unless the user wrote nothing here (a
 * teammate's log, a log built by a script), when it is everyone's.
 */
static int whose_update(struct app *app, const char *author, int team,
                        const char **out)
{
    int mine = 0, others = 0;
    int rc;

    *out = NULL;
    if (author && team)
        return ll_error(LL_EUSAGE, "--author and --team exclude each other");
    if (author) {
        rc = cli_check_text(author, "--author");
        if (rc == 0)
            *out = author;
        return rc;
    }
    if (team)
        return 0;
    rc = store_authors(app->store, app->author, &mine, &others);
    if (rc == 0 && mine && others)
        *out = app->author;
    return rc;
}

int cmd_daily(int argc, char **argv, struct app *app)
{
    const char *since_arg = NULL, *format_arg = "slack", *template = NULL;
    const char *author = NULL;
    int post = 0, record = 0, json = 0, pull = 0, offline = 0, team = 0;
    const struct opt opts[] = {
        { OPT_STRING, 0, "since", &since_arg, "DATE", "start of the period (default: the last recorded update, else the previous working day)" },
        { OPT_STRING, 0, "format", &format_arg, "FMT", "slack (default), text or markdown" },
        { OPT_STRING, 0, "template", &template, "FILE", "render with this Mustache template" },
        { OPT_FLAG, 0, "post", &post, NULL, "post to Slack ($LABLOG_SLACK_WEBHOOK or slack_webhook in ~/.config/lablog/config) and record it" },
        { OPT_FLAG, 0, "record", &record, NULL, "record it as posted, without posting" },
        { OPT_FLAG, 0, "json", &json, NULL, "print the template context as JSON" },
        { OPT_STRING, 0, "author", &author, "NAME", "the update of NAME (default: yours, when others write to this log too)" },
        { OPT_FLAG, 0, "team", &team, NULL, "the update of everyone who writes to this log" },
        { OPT_FLAG, 0, "pull", &pull, NULL, "pull every remote first (default: the hub remotes; 2 s at most)" },
        { OPT_FLAG, 0, "offline", &offline, NULL, "pull nothing first: local data only" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "daily [--since DATE] [--format slack|text|markdown] "
        "[--template FILE] [--post] [--record] [--json] [--author NAME|--team] "
        "[--pull|--offline]",
        "Print the Last / Next / Blockers update for Slack.",
        opts,
        "The update is always printed on stdout. --post and --record log it,\n"
        "and the next update starts where this one ended. --post posts, then\n"
        "records: a failed post records nothing; a post whose record fails\n"
        "(a full disk) says \"posted to Slack, but could not record it\": do\n"
        "not post it again. A log that cannot be written is refused first.\n"
        "Templates: --template FILE, else daily.FORMAT.mustache from\n"
        "$XDG_CONFIG_HOME/lablog/templates (~/.config/lablog/templates), then\n"
        "the installed defaults (see templates/README.md).",
        0,
    };
    struct view_opts vo = { .metrics = VIEW_METRICS_TOUCHED };
    const struct render_plugin *rp = NULL;
    struct daily_opts o;
    struct buf text = BUF_INIT, url = BUF_INIT;
    struct view *v = NULL;
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, 0);

    if (rc)
        goto cleanup;
    memset(&o, 0, sizeof(o));
    rc = daily_format_parse(&o.format, format_arg);
    if (rc == 0 && post && o.format != DAILY_SLACK)
        rc = ll_error(LL_EUSAGE, "--post sends Slack text; use it without "
                      "--format or with --format slack");
    if (rc == 0 && json && (post || record))
        rc = ll_error(LL_EUSAGE, "--json cannot be combined with --post or "
                      "--record");
    if (rc == 0 && since_arg)
        rc = cli_date(&vo.since, since_arg, "--since", app);
    else if (rc == 0)
        rc = default_since(app, &vo.since);
    if (rc == 0 && post)
        rc = find_webhook(&url);
    if (rc == 0 && (post || record))
        rc = store_check_writable(app->store);
    if (rc == 0)
        rc = cli_render(&rp, "daily");
    if (rc == 0)
        rc = cli_pull_for_render(app, pull, offline);
    if (rc == 0)
        rc = whose_update(app, author, team, &vo.author);
    if (rc == 0)
        rc = view_build(&v, app->store, &vo);
    if (rc)
        goto cleanup;
    o.template_file = template;
    o.now = app->now;
    /* Whose update it is, for its first line. */
    o.author = vo.author ? vo.author : team ? "team" : app->author;
    if (json) {
        rc = print_context(rp, v, &o);
        goto cleanup;
    }
    rc = rp->daily_render(&text, v, &o);
    if (rc)
        goto cleanup;
    cli_write_output(NULL, text.ptr, text.len);
    fflush(stdout);
    /* Post, then record. A post fails far more often than a write does
     * (network, Slack), and recording first would log an update that
     * never reached Slack and start the next update after it. When the
     * record fails after a post (a full disk), say so: running it again
     * would post twice. */
    if (post)
        rc = post_update(rp, url.ptr, &text);
    if (rc == 0 && (post || record)) {
        rc = record_update(app, &text, o.format, post, vo.since);
        if (rc && post) {
            char msg[1024];

            snprintf(msg, sizeof(msg), "%s", ll_error_message());
            rc = ll_error(rc, "posted to Slack, but could not record it: %s; "
                          "do not post again", msg);
        }
    }
cleanup:
    view_free(v);
    buf_release(&text);
    buf_release(&url);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}
