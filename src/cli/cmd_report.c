/* SPDX-License-Identifier: MIT */
/*
 * `lablog report`: the research log as a Markdown or HTML document. With
 * -o FILE, images go beside it in FILE's name without extension plus
 * "_files/" (report.md -> report_files/); every file is written to a
 * temporary name and renamed, the document last, so a failed report never
 * leaves half a document.
 */
#include <errno.h>
#include <fnmatch.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "model/period.h"
#include "plugin/plugin.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"
#include "view/compare.h"
#include "view/view.h"

/* Splits -o PATH into its folder ("." when none) and the images folder's
 * name ("report_files" for "out/report.md"). */
static void split_output(const char *path, struct buf *dir,
                         struct buf *files_dir)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t stem = dot && dot != base ? (size_t)(dot - base) : strlen(base);

    if (slash)
        buf_put(dir, path, slash == path ? 1 : (size_t)(slash - path));
    else
        buf_puts(dir, ".");
    buf_put(files_dir, base, stem);
    buf_puts(files_dir, "_files");
}

static int check_dir(const char *dir, const char *output)
{
    struct stat st;

    if (stat(dir, &st) != 0)
        return ll_error(LL_EIO, "cannot write '%s': %s", output,
                        strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return ll_error(LL_EIO, "cannot write '%s': '%s' is not a directory",
                        output, dir);
    return 0;
}

/* Writes the images, then the document. */
static int write_report(const struct report *r, const char *output,
                        const char *dir, const char *files_dir)
{
    struct buf path = BUF_INIT;
    size_t i;
    int rc = 0;

    if (r->nfiles) {
        buf_printf(&path, "%s/%s", dir, files_dir);
        if (mkdir(path.ptr, 0777) != 0 && errno != EEXIST)
            rc = ll_error(LL_EIO, "cannot create '%s': %s", path.ptr,
                          strerror(errno));
    }
    for (i = 0; rc == 0 && i < r->nfiles; i++) {
        buf_reset(&path);
        buf_printf(&path, "%s/%s", dir, r->files[i].path);
        rc = cli_write_output(path.ptr, r->files[i].data.ptr,
                              r->files[i].data.len);
    }
    if (rc == 0)
        rc = cli_write_output(output, r->text.ptr, r->text.len);
    buf_release(&path);
    return rc;
}

static int print_context(const struct render_plugin *rp, struct report *r,
                         const struct view *v, const struct report_opts *o)
{
    json_t *ctx = NULL;
    char *text;
    int rc = rp->report_context(&ctx, r, v, o);

    if (rc)
        return rc;
    text = json_dumps(ctx, JSON_INDENT(2) | JSON_SORT_KEYS);
    puts(text);
    free(text);
    json_decref(ctx);
    return 0;
}

/* The --baseline tables: each baseline's group (model/group.h: its
 * seeds and, among runs sharing its tag, its sweep mates) against it. */
static int comparisons(struct view *v, const struct opt_list *baselines,
                       json_t **out)
{
    unsigned char *lead = xcalloc(v->nexps + 1, 1);
    unsigned char *member = xcalloc(v->nexps + 1, 1);
    struct view_exp **pick = xcalloc(v->nexps + 1, sizeof(*pick));
    size_t k, i, j;
    int rc = 0;

    *out = json_array();
    memset(member, 1, v->nexps);
    for (k = 0; rc == 0 && k < baselines->len; k++) {
        struct view_exp *base = view_exp_find(v, baselines->items[k]);
        struct compare_table t;
        struct view_groups g;
        size_t n = 0;
        json_t *grid;
        char title[256];

        if (!base) {
            rc = ll_error(LL_ENOTFOUND, "no experiment '%s' (--baseline)",
                          baselines->items[k]);
            break;
        }
        memset(lead, 0, v->nexps);
        lead[base - v->exps] = 1;
        view_groups_build(&g, v, lead, member);
        for (i = 0; i < g.len; i++)
            for (j = 0; j < g.items[i].n; j++)
                pick[n++] = g.items[i].exps[j];
        view_groups_release(&g);
        /* The baseline's seeds are the baseline. */
        for (i = 0; i < v->nexps; i++)
            if (view_exp_repeats(base, &v->exps[i])) {
                for (j = 0; j < n && pick[j] != &v->exps[i]; j++)
                    ;
                if (j == n)
                    pick[n++] = &v->exps[i];
            }
        rc = compare_build(&t, v, pick, n, base, NULL, 0);
        if (rc == 0) {
            grid = compare_grid_json(&t);
            snprintf(title, sizeof(title), "Against %s", t.base
                     ? t.base->label : base->name);
            json_object_set_new(grid, "title", json_string(title));
            json_array_append_new(*out, grid);
        }
        compare_release(&t);
    }
    free(lead);
    free(member);
    free(pick);
    return rc;
}

/* Keeps the experiments --tag, --exp and --confirm-only choose; each
 * --tag and --exp must match one. */
static int narrow(struct view *v, const struct opt_list *tags,
                  const struct opt_list *exps, int confirm_only,
                  int takeaways_only)
{
    unsigned char *keep = NULL;
    size_t i, k;
    int rc = 0;

    if (!tags->len && !exps->len && !confirm_only) {
        if (takeaways_only)
            view_keep(v, NULL, 1);
        return 0;
    }
    keep = xcalloc(v->nexps + 1, 1);
    for (k = 0; rc == 0 && k < tags->len + exps->len; k++) {
        int tag = k < tags->len, any = 0;
        const char *want = tag ? tags->items[k] : exps->items[k - tags->len];

        for (i = 0; i < v->nexps; i++) {
            const struct view_exp *x = &v->exps[i];
            int hit = tag ? view_exp_has_tag(x, want)
                          : fnmatch(want, x->name, 0) == 0;

            if (hit) {
                keep[i] = 1;
                any = 1;
            }
        }
        if (!any)
            rc = ll_error(LL_ENOTFOUND, tag ? "no experiment has the tag "
                          "'%s'" : "no experiment matches '%s'", want);
    }
    for (i = 0; rc == 0 && i < v->nexps; i++) {
        if (!tags->len && !exps->len)
            keep[i] = 1;
        if (confirm_only && !v->exps[i].confirm)
            keep[i] = 0;
    }
    if (rc == 0)
        view_keep(v, keep, takeaways_only);
    free(keep);
    return rc;
}

/* The format: --format, else html when -o names an .html file, else md. */
static int pick_format(enum report_format *out, const char *arg,
                       const char *output)
{
    const char *dot = output ? strrchr(output, '.') : NULL;

    if (arg)
        return report_format_parse(out, arg);
    *out = dot && (strcmp(dot, ".html") == 0 || strcmp(dot, ".htm") == 0)
           ? REPORT_HTML : REPORT_MD;
    return 0;
}

int cmd_report(int argc, char **argv, struct app *app)
{
    const char *since_arg = NULL, *until_arg = NULL, *output = NULL;
    const char *format_arg = NULL, *template = NULL, *title = NULL;
    const char *author = NULL;
    int self_contained = 0, json = 0, pull = 0, offline = 0;
    int confirm_only = 0, takeaways_only = 0;
    struct opt_list tags = { 0 }, exps = { 0 }, baselines = { 0 };
    const struct opt opts[] = {
        { OPT_LIST, 0, "baseline", &baselines, "EXP", "a Comparisons section: EXP's group (its seeds, sweep mates) against EXP, as 'lablog compare' shows it (repeatable)" },
        { OPT_LIST, 0, "tag", &tags, "TAG", "only experiments with this tag (repeatable)" },
        { OPT_LIST, 0, "exp", &exps, "NAME", "only this experiment; a glob (\"ft-*\") names several (repeatable)" },
        { OPT_FLAG, 0, "confirm-only", &confirm_only, NULL, "only confirmatory experiments" },
        { OPT_FLAG, 0, "takeaways-only", &takeaways_only, NULL, "of the notes, only the takeaways; no retractions" },
        { OPT_STRING, 0, "since", &since_arg, "DATE", "start of the period (default: the beginning)" },
        { OPT_STRING, 0, "until", &until_arg, "DATE", "end of the period, exclusive (default: now)" },
        { OPT_STRING, 'o', "output", &output, "FILE", "write here (images go to FILE's name + _files/)" },
        { OPT_STRING, 0, "format", &format_arg, "FMT", "md (default) or html (default for -o x.html)" },
        { OPT_STRING, 0, "template", &template, "FILE", "render with this Mustache template" },
        { OPT_STRING, 0, "title", &title, "TEXT", "the document title (default: the project name)" },
        { OPT_FLAG, 0, "self-contained", &self_contained, NULL, "embed images as data: URIs" },
        { OPT_FLAG, 0, "json", &json, NULL, "print the template context as JSON" },
        { OPT_STRING, 0, "author", &author, "NAME", "only NAME's entries (and the experiments their notes name)" },
        { OPT_FLAG, 0, "pull", &pull, NULL, "pull every remote first (default: the hub remotes; 2 s at most)" },
        { OPT_FLAG, 0, "offline", &offline, NULL, "pull nothing first: local data only" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "report [--since DATE] [--until DATE] [-o FILE] [--format md|html] "
        "[--template FILE] [--title TEXT] [--self-contained] [--tag T]... "
        "[--exp NAME]... [--confirm-only] [--takeaways-only] "
        "[--baseline EXP]... [--json] [--author NAME] [--pull|--offline]",
        "Render the research log (or a period of it) as Markdown or HTML.",
        opts,
        "Without -o the document goes to stdout, and images are only named\n"
        "unless --self-contained. Templates: --template FILE, else\n"
        "report.FORMAT.mustache from $XDG_CONFIG_HOME/lablog/templates\n"
        "(~/.config/lablog/templates), then the installed defaults (see\n"
        "templates/README.md).\n"
        "--tag, --exp, --confirm-only and --takeaways-only make the cleaned-up\n"
        "version for others: only those experiments, their notes (or only\n"
        "the takeaways), no project notes; next steps, blockers and\n"
        "questions stay.",
        0,
    };
    struct view_opts vo = { .metrics = VIEW_METRICS_TOUCHED };
    const struct render_plugin *rp = NULL;
    struct report_opts o = { 0 };
    struct report r = REPORT_INIT;
    struct buf dir = BUF_INIT, files_dir = BUF_INIT;
    struct view *v = NULL;
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, 0);

    if (rc)
        goto cleanup;
    memset(&o, 0, sizeof(o));
    if (output && strcmp(output, "-") == 0)
        output = NULL;
    rc = pick_format(&o.format, format_arg, output);
    if (rc == 0 && since_arg)
        rc = cli_date(&vo.since, since_arg, "--since", app);
    if (rc == 0 && until_arg)
        rc = cli_date(&vo.until, until_arg, "--until", app);
    if (rc == 0)
        rc = period_check(vo.since, vo.until);
    if (rc == 0 && title)
        rc = cli_check_text(title, "--title");
    if (rc == 0 && author)
        rc = cli_check_text(author, "--author");
    vo.author = author;
    if (rc == 0 && output) {
        split_output(output, &dir, &files_dir);
        rc = check_dir(dir.ptr, output);
    }
    if (rc == 0)
        rc = cli_render(&rp, "report");
    if (rc == 0)
        rc = cli_pull_for_render(app, pull, offline);
    if (rc == 0)
        rc = view_build(&v, app->store, &vo);
    if (rc == 0)
        rc = narrow(v, &tags, &exps, confirm_only, takeaways_only);
    if (rc == 0 && baselines.len)
        rc = comparisons(v, &baselines, &o.comparisons);
    if (rc)
        goto cleanup;
    o.template_file = template;
    o.now = app->now;
    o.author = app->author;
    o.title = title;
    o.self_contained = self_contained;
    o.files_dir = output ? files_dir.ptr : NULL;
    /* Plots only where they land: beside the file, or embedded. */
    if (output || self_contained)
        o.plots = rp->report_plots;
    if (json)
        rc = print_context(rp, &r, v, &o);
    else
        rc = rp->report_render(&r, v, &o);
    if (rc == 0 && !json)
        rc = output ? write_report(&r, output, dir.ptr, files_dir.ptr)
                    : cli_write_output(NULL, r.text.ptr, r.text.len);
cleanup:
    if (rp)
        rp->report_release(&r);
    view_free(v);
    buf_release(&dir);
    buf_release(&files_dir);
    opt_list_release(&tags);
    opt_list_release(&exps);
    opt_list_release(&baselines);
    json_decref(o.comparisons);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}
