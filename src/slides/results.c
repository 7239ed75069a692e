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
#include "util/xalloc.h"
#include "view/insight.h"

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

    /* The footgun checks first: a loss at chance or a rising test loss
     * changes how everything below reads. */
    for (k = 0; k < r->n; k++) {
        char *text = view_sanity_text(v, r->exps[k]);
        struct buf s = BUF_INIT;
        struct item *it;

        if (*text) {
            it = items_add(l, "!", &DANGER);
            buf_puts(&s, "**Check:** ");
            if (r->group)
                buf_printf(&s, "%s: ", r->exps[k]->name);
            buf_puts(&s, text);
            md_parse(&it->doc, s.ptr, s.len);
        }
        buf_release(&s);
        free(text);
    }
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

/* The order of a group's rows: runs with results best first by the
 * chart metric (model/metric.h), then broken ones (failed, diverged). */
static int row_before(const struct view_exp *a, const struct view_exp *b,
                      const char *metric)
{
    const struct view_metric *ma = view_exp_metric(a, metric);
    const struct view_metric *mb = view_exp_metric(b, metric);
    int ba = view_exp_broken(a), bb = view_exp_broken(b);

    if (ba != bb)
        return bb;
    if (ba || !ma || !mb)
        return ma && !mb;
    return metric_better(&ma->info, ma->last, mb->last);
}

static void sort_rows(const struct view_exp **rows, size_t n,
                      const char *metric)
{
    size_t i, j;

    for (i = 1; metric && i < n; i++) {
        const struct view_exp *x = rows[i];

        for (j = i; j > 0 && row_before(x, rows[j - 1], metric); j--)
            rows[j] = rows[j - 1];
        rows[j] = x;
    }
}

/* One row per experiment: name, the varying params, the last values of
 * up to two metrics, status; best first by metrics[0]. At most max_rows
 * rows: when there are more, the worst runs with results give way to a
 * "… N more" row, and failed and diverged runs are always listed. */
static void group_table(struct table *t, const struct result *r,
                        const char *const *metrics, size_t nm,
                        const char **head, size_t max_rows)
{
    int right[5] = { 0, 0, 0, 0, 0 };
    const char *keys[32];
    const struct view_exp **rows = xcalloc(r->n + 1, sizeof(*rows));
    size_t nk = plan_varying_params(r, keys, 32), i, j, nbroken = 0;
    size_t keep_ok, nok;
    struct buf params = BUF_INIT;

    for (i = 0; i < r->n; i++) {
        rows[i] = r->exps[i];
        nbroken += view_exp_broken(r->exps[i]) != 0;
    }
    sort_rows(rows, r->n, nm ? metrics[0] : NULL);
    nok = r->n - nbroken;
    keep_ok = nok;
    if (r->n > max_rows && max_rows > nbroken + 1)
        keep_ok = max_rows - nbroken - 1;
    else if (r->n > max_rows)
        keep_ok = 0;
    head[0] = "Experiment";
    head[1] = "Params";
    for (j = 0; j < nm; j++)
        head[2 + j] = metrics[j];
    head[2 + nm] = "Status";
    for (j = 0; j < nm; j++)
        right[2 + j] = 1;
    table_init(t, head, 3 + nm, right, 1);
    for (i = 0; i < r->n; i++) {
        const struct view_exp *x = rows[i];
        char vals[2][64];
        const char *cells[5];
        int styles[5] = { MD_BOLD, 0, 0, 0, 0 };

        if (i == keep_ok && keep_ok < nok) {
            char more[64];

            snprintf(more, sizeof(more), LAYOUT_ELLIPSIS " %zu more",
                     nok - keep_ok);
            cells[0] = more;
            for (j = 1; j < 3 + nm; j++)
                cells[j] = "";
            styles[0] = ST_MUTED;
            table_row(t, cells, styles);
        }
        if (i >= keep_ok && i < nok)
            continue;
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
        styles[2 + nm] = view_exp_broken(x) ? ST_DANGER : 0;
        table_row(t, cells, styles);
    }
    buf_release(&params);
    free(rows);
}

/* The result metrics of a group, most telling first across all members
 * (model/metric.h's ranks: primary, scores, results, losses): up to max
 * names, borrowed from the view. */
static size_t group_metrics(const struct result *r, const char **out,
                            size_t max)
{
    const struct view_metric *seen[64];
    size_t n = 0, i, k, j;

    for (i = 0; i < r->n; i++)
        for (k = 0; k < r->exps[i]->nmetrics && n < 64; k++) {
            const struct view_metric *m = &r->exps[i]->metrics[k];
            int dup = 0;

            if (!metric_is_result(&m->info))
                continue;
            for (j = 0; j < n && !dup; j++)
                dup = strcmp(seen[j]->name, m->name) == 0;
            if (!dup)
                seen[n++] = m;
        }
    for (i = 1; i < n; i++) /* by rank, then name */
        for (j = i; j > 0 && (seen[j]->info.rank < seen[j - 1]->info.rank
                              || (seen[j]->info.rank == seen[j - 1]->info.rank
                                  && strcmp(seen[j]->name, seen[j - 1]->name)
                                     < 0)); j--) {
            const struct view_metric *t = seen[j];

            seen[j] = seen[j - 1];
            seen[j - 1] = t;
        }
    for (i = 0; i < n && i < max; i++)
        out[i] = seen[i]->name;
    return n < max ? n : max;
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
    const char *metrics[2], *head[5];
    size_t nm = group_metrics(r, metrics, 2), max_rows;
    struct items notes = { 0 };
    struct table t;
    double h = top - BODY_BOTTOM, rh = TABLE_SIZE * 1.75, room;
    int rc = 0;

    result_notes(&notes, d->v, r);
    /* The rows the column has room for (result_column()'s share). */
    room = floor((h * (notes.n ? 0.62 : 1) - 2) / rh) - 1;
    max_rows = room > 2 ? (size_t)room : 2;
    group_table(&t, r, metrics, nm, head, max_rows);
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

/* ---- attached images ---------------------------------------------------- */

/* Whether a stored file is an image libharu draws (PNG or JPEG), by its
 * bytes: 1 PNG, 2 JPEG, 0 neither. */
static int image_kind(const struct buf *b)
{
    const unsigned char *p = (const unsigned char *)b->ptr;

    if (b->len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return 1;
    if (b->len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
        return 2;
    return 0;
}

/* The period's image attachments of the result's experiments, up to max,
 * with their bytes read into bytes[] (the caller releases them). */
static size_t result_images(const struct deck *d, const struct result *r,
                            const struct view_item **out, struct buf *bytes,
                            size_t max)
{
    const struct view_list *l = &d->v->attachments;
    size_t n = 0, i, k;

    for (i = 0; i < l->len && n < max; i++) {
        const struct view_item *it = l->items[i];
        int mine = 0;

        for (k = 0; k < r->n && it->exp; k++)
            mine |= it->exp == r->exps[k];
        if (!mine || !it->sha256)
            continue;
        buf_reset(&bytes[n]);
        if (view_blob(d->v, it->sha256, &bytes[n]) != 0) {
            ll_error_clear(); /* a missing blob is verify's business */
            continue;
        }
        if (image_kind(&bytes[n]))
            out[n++] = it;
    }
    return n;
}

/* An image scaled to fit w x h at (x, top), its caption under it. */
static void draw_picture(struct deck *d, const struct buf *bytes,
                         const struct view_item *it, double x, double top,
                         double w, double h)
{
    HPDF_Image img;
    double iw, ih, scale, cap = NOTE_SIZE * LEAD * 2 + 6;
    struct buf caption = BUF_INIT;
    struct box b = { x, top - (h - cap) - 6, w, cap, NOTE_SIZE, &MUTED };

    if (deck_pdf_failed(d))
        return;
    img = image_kind(bytes) == 1
              ? HPDF_LoadPngImageFromMem(d->pdf, (const HPDF_BYTE *)bytes->ptr,
                                         (HPDF_UINT)bytes->len)
              : HPDF_LoadJpegImageFromMem(d->pdf,
                                          (const HPDF_BYTE *)bytes->ptr,
                                          (HPDF_UINT)bytes->len);
    if (!img || deck_pdf_failed(d))
        return;
    iw = HPDF_Image_GetWidth(img);
    ih = HPDF_Image_GetHeight(img);
    if (iw <= 0 || ih <= 0)
        return;
    scale = fmin(w / iw, (h - cap) / ih);
    HPDF_Page_DrawImage(d->page, img, (HPDF_REAL)(x + (w - iw * scale) / 2),
                        (HPDF_REAL)(top - ih * scale),
                        (HPDF_REAL)(iw * scale), (HPDF_REAL)(ih * scale));
    b.top = top - ih * scale - 6;
    buf_printf(&caption, "%s%s%s \xe2\x80\x94 %s", it->text,
               *it->text ? " " : "", it->file_name ? it->file_name : "",
               it->exp ? it->exp->name : "");
    draw_plain(d, caption.ptr, 0, &b);
    buf_release(&caption);
}

#define MAX_IMAGES 4

/* The images attached to the result's experiments in the period, two a
 * slide after its results slide. */
static void slides_images(struct deck *d, const struct result *r,
                          const char *title)
{
    const struct view_item *items[MAX_IMAGES];
    struct buf bytes[MAX_IMAGES];
    struct buf t = BUF_INIT;
    size_t n, i;
    double w = (BODY_W - GUTTER) / 2;

    for (i = 0; i < MAX_IMAGES; i++)
        buf_init(&bytes[i]);
    n = result_images(d, r, items, bytes, MAX_IMAGES);
    for (i = 0; i < n; i++) {
        if (i % 2 == 0) {
            buf_reset(&t);
            buf_printf(&t, "%s: attached", title);
            draw_new_slide(d, t.ptr, 0);
        }
        draw_picture(d, &bytes[i], items[i],
                     MARGIN + (double)(i % 2) * (w + GUTTER), BODY_TOP,
                     n == 1 ? BODY_W : w, BODY_H);
    }
    for (i = 0; i < MAX_IMAGES; i++)
        buf_release(&bytes[i]);
    buf_release(&t);
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
        if (rc == 0)
            slides_images(d, r, title.ptr);
    }
    buf_release(&title);
    return rc;
}
