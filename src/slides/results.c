/* SPDX-License-Identifier: MIT */
/*
 * The results slides: one per experiment or group in the plan. A slide
 * has the title with explore/confirm and status badges, the hypothesis,
 * the params that tell it apart, then its curves (one experiment) or a bar
 * chart by the varying param (a group) beside the notes of the period and
 * a metric table.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/chart.h"
#include "plot/figure.h"
#include "view/context.h"
#include "slides/deck_impl.h"
#include "util/err.h"
#include "util/num.h"

#define MAX_TABLE_METRICS 6

/* ---- plots -------------------------------------------------------------- */

/* A plot that could not be drawn: a database failure stops the deck;
 * anything else (no points, a log scale with zeros) leaves a note in its
 * place. */
static int plot_failed(struct deck *d, int rc, double x, double top,
                       double w)
{
    struct box b = { x, top, w, 40, NOTE_SIZE, &MUTED };
    struct buf s = BUF_INIT;

    if (rc == LL_EDB || rc == LL_EBUSY || rc == LL_EIO)
        return rc;
    buf_printf(&s, "No plot: %s", ll_error_message());
    draw_plain(d, s.ptr, MD_EM, &b);
    ll_error_clear();
    buf_release(&s);
    return 0;
}

static void plot_opts(struct figure_opts *fo, double w, double h)
{
    memset(fo, 0, sizeof(*fo));
    fo->format = CHART_RGB;
    fo->width = w;
    fo->height = h;
    fo->scale = PLOT_SCALE;
}

static int plot_curves(struct deck *d, const struct view_exp *x,
                       const char *const *metrics, size_t n, double top,
                       double h)
{
    struct figure_opts fo;
    struct buf rgb = BUF_INIT;
    double each = floor((h - (double)(n - 1) * 8) / (double)n);
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && i < n; i++) {
        double y = top - (double)i * (each + 8);

        plot_opts(&fo, LEFT_W, each);
        buf_reset(&rgb);
        rc = figure_line(&rgb, d->v, &x, 1, &metrics[i], 1, &fo);
        if (rc == 0)
            rc = draw_image(d, &rgb, MARGIN, y, LEFT_W, each);
        else
            rc = plot_failed(d, rc, MARGIN, y, LEFT_W);
    }
    buf_release(&rgb);
    return rc;
}

static int plot_bars(struct deck *d, const struct result *r,
                     const char *metric, double top, double h)
{
    struct figure_opts fo;
    struct buf rgb = BUF_INIT;
    int rc;

    plot_opts(&fo, GROUP_LEFT_W, floor(h));
    rc = figure_bar(&rgb, d->v, r->exps, r->n, metric, r->by,
                    FIGURE_BAR_LAST, &fo);
    if (rc == 0)
        rc = draw_image(d, &rgb, MARGIN, top, GROUP_LEFT_W, floor(h));
    else
        rc = plot_failed(d, rc, MARGIN, top, GROUP_LEFT_W);
    buf_release(&rgb);
    return rc;
}

/* ---- title, badges, hypothesis, params ---------------------------------- */

/* The badges at the right of the title: explore/confirm, and the status
 * (failed in red). Returns their total width. */
static double result_badges(struct deck *d, const struct result *r)
{
    size_t i, confirm = 0, failed = 0;
    double x = PAGE_W - MARGIN, y = TITLE_TOP - 0.62 * TITLE_SIZE;
    const char *mode;

    for (i = 0; i < r->n; i++) {
        confirm += r->exps[i]->confirm != 0;
        failed += strcmp(r->exps[i]->status, EXP_FAILED) == 0;
    }
    if (failed) {
        char s[32];

        if (r->group)
            snprintf(s, sizeof(s), "%zu FAILED", failed);
        else
            snprintf(s, sizeof(s), "FAILED");
        x -= draw_pill(d, s, &DANGER, x, y, 11) + 8;
    }
    mode = confirm == r->n ? "CONFIRM" : confirm == 0 ? "EXPLORE" : "MIXED";
    x -= draw_pill(d, mode, confirm == r->n ? &CONFIRM : confirm ? &ACCENT
                                                                 : &EXPLORE,
                   x, y, 11) + 8;
    return PAGE_W - MARGIN - x;
}

/* For one experiment: the params that tell it apart, then what happened
 * to it, how long it ran and its last status message. */
static void single_params(struct buf *out, const struct deck *d,
                          const struct view_exp *x)
{
    char *params = context_distinct_params(d->v, x);
    const char *event = context_exp_event(d->v, x);
    char dur[32];

    buf_printf(out, "%s%s%s", params, *params ? " \xc2\xb7 " : "", event);
    if (x->started && x->finished > x->started) {
        context_duration(dur, x->finished - x->started);
        buf_printf(out, " in %s", dur);
    }
    if (x->history && x->nhistory && *x->history[x->nhistory - 1].message)
        buf_printf(out, ": %s", x->history[x->nhistory - 1].message);
    free(params);
}

/* For a group: "lr = 1e-5, 3e-5, 1e-4 · seed = 0, 1, 2 · fixed:
 * model=chat-7b". */
static void group_params(struct buf *out, const struct result *r)
{
    const char *keys[32];
    size_t n = plan_varying_params(r, keys, 32), i, j, k;

    for (i = 0; i < n; i++) {
        const char *vals[MAX_GROUP];
        size_t nv = plan_distinct_values(r, keys[i], vals);

        buf_printf(out, "%s%s = ", i ? " \xc2\xb7 " : "", keys[i]);
        for (j = 0; j < nv; j++)
            buf_printf(out, "%s%s", j ? ", " : "", vals[j]);
    }
    for (i = 0, k = 0; i < r->exps[0]->nparams; i++) {
        const struct model_kv *p = &r->exps[0]->params[i];
        int varies = 0;

        for (j = 0; j < n; j++)
            varies |= strcmp(keys[j], p->key) == 0;
        if (!varies)
            buf_printf(out, "%s%s=%s", k++ ? ", " : out->len
                       ? " \xc2\xb7 fixed: " : "fixed: ", p->key, p->value);
    }
}

/* Title, badges, hypothesis and params; returns the body's top. */
static double result_header(struct deck *d, const struct result *r,
                            const char *title)
{
    struct buf s = BUF_INIT;
    const char *hyp = r->exps[0]->hypothesis;
    struct box b = { MARGIN, BODY_TOP + 6, BODY_W, 15 * LEAD * 2, 15, &INK };
    double y;
    size_t i;

    draw_add_page(d);
    draw_rect(d, &ACCENT, MARGIN, TITLE_TOP - TITLE_SIZE * LEAD - 8, 56, 3);
    y = result_badges(d, r);
    draw_text_line(d, MD_BOLD, TITLE_SIZE, &INK, MARGIN,
                   TITLE_TOP - ASCENT * TITLE_SIZE, BODY_W - y - 12, title);
    for (i = 1; i < r->n; i++)
        if (strcmp(r->exps[i]->hypothesis, hyp) != 0)
            hyp = ""; /* members disagree: leave it to the table */
    y = b.top;
    if (*hyp) {
        struct md_doc doc = { 0 };

        buf_printf(&s, "**Hypothesis:** %s", hyp);
        md_parse(&doc, s.ptr, s.len);
        y -= draw_doc(d, &doc, &b, 1) + 4;
        md_doc_release(&doc);
    }
    buf_reset(&s);
    if (r->group)
        group_params(&s, r);
    else
        single_params(&s, d, r->exps[0]);
    draw_text_line(d, 0, 12, &MUTED, MARGIN, y - ASCENT * 12, BODY_W, s.ptr);
    y -= 12 * LEAD + 14;
    buf_release(&s);
    return y;
}

/* ---- notes and tables --------------------------------------------------- */

/* Notes about the result's experiments in the period, takeaways first. */
static void result_notes(struct items *l, const struct view *v,
                         const struct result *r)
{
    size_t pass, i, k;

    for (pass = 0; pass < 2; pass++)
        for (i = 0; i < v->notes.len; i++) {
            const struct view_item *vi = v->notes.items[i];
            int mine = 0;
            struct item *it;

            for (k = 0; k < r->n && vi->exp; k++)
                mine |= vi->exp == r->exps[k];
            if (!mine || (vi->takeaway != 0) != (pass == 0))
                continue;
            it = items_add(l, vi->takeaway ? "\xe2\x98\x85" : "\xe2\x80\xa2",
                           vi->takeaway ? &EXPLORE : &MUTED);
            md_parse(&it->doc, vi->text, strlen(vi->text));
            if (r->group)
                item_exp_suffix(it, vi);
        }
}

/* The notes as a list in a column; returns the height taken. */
static double draw_notes(struct deck *d, const struct items *l, double x,
                         double top, double w, double h, double size)
{
    double y = top, mark = 1.3 * size;
    size_t i;

    for (i = 0; i < l->n; i++) {
        struct box b = { x + mark, y, w - mark, y - (top - h), size, &INK };

        if (b.h < size * LEAD)
            break;
        draw_text(d, 0, size, l->items[i].marker_color, x,
                  y - ASCENT * size, l->items[i].marker,
                  strlen(l->items[i].marker));
        y -= draw_doc(d, &l->items[i].doc, &b, 1) + 0.6 * size;
    }
    if (i < l->n && y - (top - h) >= size * LEAD) {
        char more[48];

        snprintf(more, sizeof(more), LAYOUT_ELLIPSIS " %zu more note%s",
                 l->n - i, l->n - i == 1 ? "" : "s");
        draw_text(d, ST_MUTED, size, &INK, x + mark, y - ASCENT * size,
                  more, strlen(more));
        y -= size * LEAD;
    }
    return top - y;
}

/* "0.6712", or "NaN" / "NaN @ step 1900" (in red) for a diverged
 * series. */
static void format_last(char *out, size_t size, const struct view_metric *m,
                        int *style)
{
    char v[NUM_TEXT_SIZE];

    *style = 0;
    num_format(v, m->last);
    if (isfinite(m->last)) {
        snprintf(out, size, "%s", v);
        return;
    }
    *style = ST_DANGER;
    if (m->nonfinite && m->count > 1)
        snprintf(out, size, "%s @ step %lld", v,
                 (long long)m->nonfinite_step);
    else
        snprintf(out, size, "%s", v);
}

/* Metric table of one experiment: last, best, points, and the change
 * over the period when some metric had points before it. */
static void single_table(struct table *t, const struct view_exp *x)
{
    static const char *head[] = { "Metric", "Last", "Best", "Points",
                                  "Change" };
    static const int right[] = { 0, 1, 1, 1, 1 };
    size_t i, shown = 0;
    int pass, change = 0;

    for (i = 0; i < x->nmetrics; i++)
        change |= x->metrics[i].has_prev;
    table_init(t, head, change ? 5 : 4, right, 0);
    for (pass = 0; pass < 2; pass++)
        for (i = 0; i < x->nmetrics && shown < MAX_TABLE_METRICS; i++) {
            const struct view_metric *m = &x->metrics[i];
            char last[64], best[NUM_TEXT_SIZE], count[32];
            char delta[NUM_TEXT_SIZE] = "";
            const char *cells[5];
            int styles[5] = { 0, 0, 0, 0, 0 };

            if (m->info.lower != pass || !metric_is_result(&m->info))
                continue;
            format_last(last, sizeof(last), m, &styles[1]);
            num_format(best, metric_best(&m->info, m->min, m->max));
            snprintf(count, sizeof(count), "%lld", (long long)m->count);
            if (m->has_prev)
                num_format_delta(delta, m->last - m->prev_last);
            cells[0] = m->name;
            cells[1] = last;
            cells[2] = m->count > 1 ? best : "";
            cells[3] = count;
            cells[4] = delta;
            table_row(t, cells, styles);
            shown++;
        }
}

/* One row per experiment: name, the varying params, the last values of
 * up to two metrics, status. */
static void group_table(struct table *t, const struct result *r,
                        const char *const *metrics, size_t nm,
                        const char **head)
{
    int right[5] = { 0, 0, 0, 0, 0 };
    const char *keys[32];
    size_t nk = plan_varying_params(r, keys, 32), i, j;
    struct buf params = BUF_INIT;

    head[0] = "Experiment";
    head[1] = "Params";
    for (j = 0; j < nm; j++)
        head[2 + j] = metrics[j];
    head[2 + nm] = "Status";
    for (j = 0; j < nm; j++)
        right[2 + j] = 1;
    table_init(t, head, 3 + nm, right, 1);
    for (i = 0; i < r->n; i++) {
        const struct view_exp *x = r->exps[i];
        char vals[2][64];
        const char *cells[5];
        int styles[5] = { MD_BOLD, 0, 0, 0, 0 };

        buf_reset(&params);
        for (j = 0; j < nk; j++) {
            const char *val = view_exp_param(x, keys[j]);

            buf_printf(&params, "%s%s=%s", j ? " " : "", keys[j],
                       val ? val : "-");
        }
        cells[0] = x->name;
        cells[1] = params.ptr;
        for (j = 0; j < nm; j++) {
            const struct view_metric *m = view_exp_metric(x, metrics[j]);

            if (m)
                format_last(vals[j], sizeof(vals[j]), m, &styles[2 + j]);
            else
                snprintf(vals[j], sizeof(vals[j]), "-");
            cells[2 + j] = vals[j];
        }
        cells[2 + nm] = x->status;
        styles[2 + nm] = strcmp(x->status, EXP_FAILED) == 0 ? ST_DANGER : 0;
        table_row(t, cells, styles);
    }
    buf_release(&params);
}

/* Right column: the notes, and the table under them (the table keeps
 * room for its rows, up to 62 % of the column, when notes are long). */
static void result_column(struct deck *d, const struct items *notes,
                          const struct table *t, double x, double top,
                          double w, double size)
{
    double rh = TABLE_SIZE * 1.75, gap = 18;
    double th = fmin((double)(t->nrows + 1) * rh + 2, (top - BODY_BOTTOM)
                     * (notes->n ? 0.62 : 1));
    double nh = top - BODY_BOTTOM - th - gap, table_top = top;

    if (notes->n && nh > size * LEAD)
        table_top = fmax(top - draw_notes(d, notes, x, top, w, nh, size)
                         - gap, BODY_BOTTOM + th);
    if (t->nrows)
        draw_table(d, t, x, table_top, w, table_top - BODY_BOTTOM,
                   TABLE_SIZE);
}

/* How a run recorded by 'lablog run' ran: the command as code, then host,
 * commit, duration and exit status, muted. */
static void run_item(struct items *l, const struct view_exp *x)
{
    struct item *it;
    struct buf s = BUF_INIT;
    char dur[32];

    if (!x->command)
        return;
    it = items_add(l, "$", &MUTED);
    md_plain(&it->doc, x->command, MD_CODE);
    if (x->host && *x->host)
        buf_printf(&s, " on %s", x->host);
    if (x->git_commit && *x->git_commit)
        buf_printf(&s, " at %.8s%s", x->git_commit,
                   x->git_dirty ? " (dirty)" : "");
    if (x->started && x->finished > x->started) {
        context_duration(dur, x->finished - x->started);
        buf_printf(&s, ", %s", dur);
    }
    if (x->has_exit && (x->exit_code || x->signal))
        buf_printf(&s, x->signal ? ", signal %d" : ", exit %d",
                   x->signal ? x->signal : x->exit_code);
    if (s.len)
        md_append(&it->doc, s.ptr, ST_MUTED);
    buf_release(&s);
}

/* ---- the slides --------------------------------------------------------- */

static int slide_single(struct deck *d, const struct result *r, double top)
{
    const struct view_exp *x = r->exps[0];
    const char *curves[16];
    size_t nc = figure_pick_metrics(x, curves, 16);
    struct items notes = { 0 };
    struct table t;
    int rc = 0;

    plan_by_mentions(d->v, r, curves, nc);
    nc = nc > 2 ? 2 : nc;
    result_notes(&notes, d->v, r);
    run_item(&notes, x);
    single_table(&t, x);
    if (nc) {
        rc = plot_curves(d, x, curves, nc, top, top - BODY_BOTTOM);
        result_column(d, &notes, &t, MARGIN + LEFT_W + GUTTER, top, RIGHT_W,
                      NOTE_SIZE);
    } else {
        draw_notes(d, &notes, MARGIN, top, LEFT_W, top - BODY_BOTTOM, 16);
        if (t.nrows)
            draw_table(d, &t, MARGIN + LEFT_W + GUTTER, top, RIGHT_W,
                       top - BODY_BOTTOM, TABLE_SIZE);
        else if (!notes.n) {
            struct box b = { MARGIN, top, BODY_W, 40, 16, &MUTED };

            draw_plain(d, "No metrics or notes recorded yet.", MD_EM, &b);
        }
    }
    table_release(&t);
    items_release(&notes);
    return rc;
}

static int slide_group(struct deck *d, const struct result *r, double top)
{
    const char *metrics[16], *head[5];
    size_t nm = 0, i;
    struct items notes = { 0 };
    struct table t;
    double h = top - BODY_BOTTOM;
    int rc = 0;

    for (i = 0; i < r->n && nm == 0; i++)
        nm = plan_pick_results(r->exps[i], metrics, 16);
    plan_by_mentions(d->v, r, metrics, nm);
    nm = nm > 2 ? 2 : nm;
    result_notes(&notes, d->v, r);
    group_table(&t, r, metrics, nm, head);
    if (nm) {
        rc = plot_bars(d, r, metrics[0], top, h);
        result_column(d, &notes, &t, MARGIN + GROUP_LEFT_W + GUTTER, top,
                      BODY_W - GROUP_LEFT_W - GUTTER, NOTE_SIZE);
    } else {
        draw_notes(d, &notes, MARGIN, top, LEFT_W, h, 16);
        draw_table(d, &t, MARGIN + LEFT_W + GUTTER, top, RIGHT_W, h,
                   TABLE_SIZE);
    }
    table_release(&t);
    items_release(&notes);
    return rc;
}

int slides_results(struct deck *d)
{
    struct buf title = BUF_INIT;
    HPDF_Outline parent = NULL;
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && i < d->plan.shown; i++) {
        const struct result *r = &d->plan.results[i];
        double top;

        buf_reset(&title);
        result_title(&title, r);
        top = result_header(d, r, title.ptr);
        if (i == 0) {
            parent = deck_bookmark(d, NULL, "Results");
            if (parent)
                HPDF_Outline_SetOpened(parent, HPDF_TRUE);
        }
        deck_bookmark(d, parent, title.ptr);
        rc = r->group ? slide_group(d, r, top) : slide_single(d, r, top);
    }
    buf_release(&title);
    return rc;
}
