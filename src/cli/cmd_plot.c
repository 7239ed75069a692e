/* SPDX-License-Identifier: MIT */
/* `lablog plot`: line or bar charts of metrics, as PNG, SVG or PDF. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "plugin/plugin.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/num.h"
#include "util/xalloc.h"
#include "view/view.h"

/* Splits "a,b,c" in place into items (at most max); returns the count. */
static size_t split_commas(char *s, const char **items, size_t max)
{
    size_t n = 0;
    char *save = NULL, *tok;

    for (tok = strtok_r(s, ",", &save); tok && n < max;
         tok = strtok_r(NULL, ",", &save))
        if (*tok)
            items[n++] = tok;
    return n;
}

static int output_format(const char *path, enum chart_format *out)
{
    const char *dot = path ? strrchr(path, '.') : NULL;

    if (!path || !dot || strcmp(dot, ".png") == 0)
        *out = CHART_PNG;
    else if (strcmp(dot, ".svg") == 0)
        *out = CHART_SVG;
    else if (strcmp(dot, ".pdf") == 0)
        *out = CHART_PDF;
    else
        return ll_error(LL_EUSAGE, "unknown image type '%s' (use .png, .svg "
                        "or .pdf)", dot);
    return 0;
}

static int parse_baseline(const char *arg, struct figure_opts *o)
{
    const char *colon = strchr(arg, ':');
    char num[64];
    size_t len = colon ? (size_t)(colon - arg) : strlen(arg);

    if (len >= sizeof(num))
        return ll_error(LL_EUSAGE, "--baseline expects V[:LABEL]");
    memcpy(num, arg, len);
    num[len] = '\0';
    if (num_parse(num, &o->baseline))
        return ll_error(LL_EUSAGE, "--baseline expects a number, not '%s'",
                        num);
    o->has_baseline = 1;
    o->baseline_label = colon ? colon + 1 : NULL;
    return 0;
}

/* --size WxH: the PNG's pixels; the chart is laid out in points at 2
 * pixels a point, so text keeps its size on a bigger image. */
static int parse_size(const char *arg, struct figure_opts *o)
{
    char *end = NULL;
    long w, h;

    w = strtol(arg, &end, 10);
    if (end == arg || (*end != 'x' && *end != 'X'))
        goto bad;
    arg = end + 1;
    h = strtol(arg, &end, 10);
    if (end == arg || *end)
        goto bad;
    if (w < 240 || h < 160 || w > 16000 || h > 16000)
        return ll_error(LL_EUSAGE, "--size %ldx%ld is out of range (from "
                        "240x160 to 16000x16000 pixels)", w, h);
    o->width = (double)w / 2;
    o->height = (double)h / 2;
    return 0;
bad:
    return ll_error(LL_EUSAGE, "--size expects WxH in pixels, e.g. "
                    "1920x1080");
}

/* --all-attempts: each experiment becomes one series per attempt, named
 * "name #N" (copies of its view_exp that read attempt N). */
static int expand_attempts(struct view *v, struct view_exp **exps,
                           size_t *nexps, struct view_exp *copies,
                           char labels[][160])
{
    struct view_exp *in[64];
    size_t n = 0, i, k;
    int rc = 0;

    memcpy(in, exps, *nexps * sizeof(*in));
    for (i = 0; rc == 0 && i < *nexps; i++) {
        struct view_attempts at;

        rc = view_exp_attempts(v, in[i], &at);
        for (k = 0; rc == 0 && k < at.len && n < 64; k++) {
            copies[n] = *in[i];
            copies[n].attempt = at.items[k].number;
            snprintf(labels[n], 160, "%s #%d", in[i]->label,
                     at.items[k].number);
            copies[n].name = copies[n].label = labels[n];
            exps[n] = &copies[n];
            n++;
        }
        view_attempts_release(&at);
    }
    *nexps = n;
    return rc;
}

/* The experiments of names (names and globs) and tag, in log order, each
 * once, at most 64: every name and glob must match one, and the tag too. */
static int pick_exps(struct view *v, const char *const *names, size_t n,
                     const char *tag, struct view_exp **out, size_t *nout)
{
    size_t i, k, count = 0, matched;

    for (k = 0; k <= n; k++) {
        if (k == n && !tag)
            break;
        matched = 0;
        for (i = 0; i < v->nexps; i++) {
            struct view_exp *x = &v->exps[i];
            size_t j;
            int hit = k < n ? fnmatch(names[k], x->name, 0) == 0
                            : view_exp_has_tag(x, tag);

            if (!hit)
                continue;
            matched++;
            for (j = 0; j < count && out[j] != x; j++)
                ;
            if (j < count)
                continue;
            if (count == 64)
                return ll_error(LL_EUSAGE, "more than 64 experiments to "
                                "plot; narrow --exp or --tag");
            out[count++] = x;
        }
        if (!matched)
            return k < n ? ll_error(LL_ENOTFOUND, "no experiment matches "
                                    "'%s'", names[k])
                         : ll_error(LL_ENOTFOUND, "no experiment has the tag "
                                    "'%s'", tag);
    }
    *nout = count;
    return 0;
}

int cmd_plot(int argc, char **argv, struct app *app)
{
    const char *exps_arg = NULL, *metrics_arg = NULL, *path = NULL;
    const char *x_arg = "step", *baseline = NULL, *bar = NULL, *group = NULL;
    const char *smooth = NULL, *title = NULL, *size = NULL, *band = NULL;
    const char *tag = NULL, *x_param = NULL;
    int log_y = 0, log_x = 0, all_attempts = 0;
    int64_t attempt = 0;
    const struct opt opts[] = {
        { OPT_STRING, 0, "exp", &exps_arg, "A[,B...]", "experiments: names or globs (\"ft-*\")" },
        { OPT_STRING, 0, "tag", &tag, "TAG", "the experiments with this tag (with or instead of --exp)" },
        { OPT_STRING, 0, "metric", &metrics_arg, "M[,M...]", "metrics" },
        { OPT_STRING, 'o', "output", &path, "FILE", ".png (2x), .svg or .pdf (default plot.png)" },
        { OPT_STRING, 0, "x", &x_arg, "step|time|PARAM", "x axis: step, time since the start, or a param's value (each run's last value, mean over seeds)" },
        { OPT_FLAG, 0, "log-y", &log_y, NULL, "logarithmic y axis" },
        { OPT_FLAG, 0, "log-x", &log_x, NULL, "logarithmic x axis (automatic for a param spanning 2 decades)" },
        { OPT_STRING, 0, "smooth", &smooth, "K", "EMA smoothing weight in [0, 1), over the faint raw series" },
        { OPT_STRING, 0, "baseline", &baseline, "V[:LABEL]", "a reference line, e.g. 1.386:chance" },
        { OPT_STRING, 0, "bar", &bar, "last|best", "a bar chart of each experiment's last or best value" },
        { OPT_STRING, 0, "group-by", &group, "PARAM", "one line per value of a param: the mean over its runs (seeds) with a shaded band; with --bar, bars with mean +- std" },
        { OPT_STRING, 0, "band", &band, "sd|ci", "--group-by lines: the band is +- sd (default) or the 95% interval" },
        { OPT_STRING, 0, "title", &title, "TEXT", "chart title" },
        { OPT_STRING, 0, "size", &size, "WxH", "PNG size in pixels (default 1440x810); SVG and PDF get the same layout, W/2 x H/2 pt" },
        { OPT_INT, 0, "attempt", &attempt, "N", "attempt N of each experiment (default: each metric's latest)" },
        { OPT_FLAG, 0, "all-attempts", &all_attempts, NULL, "one series per attempt (re-runs side by side)" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "plot --exp A[,B...]|--tag T --metric M[,M...] [-o FILE.png|.svg|.pdf] "
        "[--x step|time|PARAM] [--log-x] [--log-y] [--smooth K] [--baseline V[:LABEL]] "
        "[--bar last|best] [--group-by PARAM [--band sd|ci]] "
        "[--attempt N|--all-attempts] [--size WxH]",
        "Plot metric series (a line chart) or compare experiments (--bar). "
        "NaN and inf points show as gaps with a marker.",
        opts, NULL, 0,
    };
    /* A line chart reads the points it draws and no summary of them
     * (figure_line() asks the point key for each series' span); bars
     * need each run's last or best value. */
    struct view_opts vo = { .metrics = VIEW_METRICS_NONE };
    const struct render_plugin *rp = NULL;
    struct figure_opts fo = { 0 };
    struct view *v = NULL;
    struct view_exp *exps[64], copies[64];
    const char *names[64], *metrics[16];
    char labels[64][160];
    struct buf img = BUF_INIT;
    char *exps_copy = NULL, *metrics_copy = NULL;
    size_t nexps = 0, nmetrics = 0, nnamed = 0, i;
    int globs = 0;
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, 0);

    if (rc)
        goto cleanup;
    if ((!exps_arg && !tag) || !metrics_arg) {
        rc = ll_error(LL_EUSAGE, "plot needs --exp and --metric");
        goto cleanup;
    }
    exps_copy = xstrdup(exps_arg ? exps_arg : "");
    metrics_copy = xstrdup(metrics_arg);
    nexps = exps_arg ? split_commas(exps_copy, names, 64) : 0;
    for (i = 0; i < nexps; i++)
        globs |= strpbrk(names[i], "*?[") != NULL;
    nmetrics = split_commas(metrics_copy, metrics, 16);
    rc = output_format(path, &fo.format);
    if (rc == 0 && baseline)
        rc = parse_baseline(baseline, &fo);
    if (rc == 0 && smooth && (num_parse(smooth, &fo.smooth) || fo.smooth < 0
                              || fo.smooth >= 1))
        rc = ll_error(LL_EUSAGE, "--smooth expects a weight in [0, 1), not "
                      "'%s'", smooth);
    if (rc == 0 && size)
        rc = parse_size(size, &fo);
    x_param = strcmp(x_arg, "step") && strcmp(x_arg, "time") ? x_arg : NULL;
    if (rc == 0 && log_x && strcmp(x_arg, "time") == 0)
        rc = ll_error(LL_EUSAGE, "--log-x goes with --x step or a param, "
                      "not time");
    if (rc == 0 && x_param && (bar || group || smooth || all_attempts))
        rc = ll_error(LL_EUSAGE, "--x %s puts a param on the x axis: not "
                      "with --bar, --group-by, --smooth or --all-attempts",
                      x_param);
    if (rc == 0 && bar && strcmp(bar, "last") && strcmp(bar, "best"))
        rc = ll_error(LL_EUSAGE, "--bar is last or best, not '%s'", bar);
    if (rc == 0 && bar && nmetrics != 1)
        rc = ll_error(LL_EUSAGE, "--bar compares one metric");
    if (rc == 0 && group && !bar && nmetrics != 1)
        rc = ll_error(LL_EUSAGE, "--group-by lines average one metric");
    if (rc == 0 && band && (!group || bar))
        rc = ll_error(LL_EUSAGE, "--band goes with --group-by lines (not "
                      "--bar)");
    if (rc == 0 && band && strcmp(band, "sd") && strcmp(band, "ci"))
        rc = ll_error(LL_EUSAGE, "--band is sd or ci, not '%s'", band);
    if (rc == 0 && group && !bar && all_attempts)
        rc = ll_error(LL_EUSAGE, "--group-by lines average runs, not "
                      "attempts (--all-attempts)");
    if (rc == 0 && (attempt < 0 || (attempt && all_attempts)))
        rc = ll_error(LL_EUSAGE, "--attempt takes a number from 1, and "
                      "excludes --all-attempts");
    vo.attempt = (int)attempt;
    if (rc == 0)
        rc = cli_render(&rp, "plot");
    vo.names = names;
    vo.nnames = nexps;
    if (rc == 0)
        rc = view_build(&v, app->store, &vo);
    if (rc == 0 && (globs || tag)) {
        rc = pick_exps(v, names, nexps, tag, exps, &nexps);
        nnamed = 0;
    } else {
        nnamed = nexps;
    }
    for (i = 0; rc == 0 && i < nnamed; i++) {
        int64_t id = 0;

        rc = store_exp_find(app->store, names[i], &id);
        exps[i] = rc ? NULL : view_exp_get(v, id);
        if (rc == 0 && !exps[i])
            rc = ll_error(LL_ENOTFOUND, "unknown experiment '%s' (see "
                          "'lablog exp list')", names[i]);
    }
    if (rc == 0 && all_attempts)
        rc = expand_attempts(v, exps, &nexps, copies, labels);
    /* Bars and a param on x read each run's summary; --group-by lines
     * only for a time axis (each run's last time). */
    for (i = 0; rc == 0 && (bar || x_param || (group && !strcmp(x_arg, "time")))
                && i < nexps; i++)
        rc = view_exp_metrics(v, exps[i]);
    if (rc)
        goto cleanup;
    fo.log_y = log_y;
    fo.x_time = strcmp(x_arg, "time") == 0;
    fo.x_param = x_param;
    fo.log_x = log_x;
    if (group && !bar) {
        fo.mean_by = group;
        fo.band_ci = band && strcmp(band, "ci") == 0;
    }
    fo.title = title;
    if (bar)
        rc = rp->figure_bar(&img, v, (const struct view_exp *const *)exps, nexps,
                        metrics[0], group,
                        strcmp(bar, "best") == 0 ? FIGURE_BAR_BEST
                                                 : FIGURE_BAR_LAST, &fo);
    else
        rc = rp->figure_line(&img, v, (const struct view_exp *const *)exps, nexps,
                         metrics, nmetrics, &fo);
    if (rc == 0)
        rc = cli_write_output(path ? path : "plot.png", img.ptr, img.len);
cleanup:
    view_free(v);
    buf_release(&img);
    free(exps_copy);
    free(metrics_copy);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}
