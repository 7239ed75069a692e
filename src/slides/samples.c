/* SPDX-License-Identifier: MIT */
/*
 * The samples slides of the deck: for each tag group whose runs have
 * samples, its best run against its baseline with the largest changes
 * side by side (input, the two outputs, their scores); and for each
 * experiment with examples a note is tied to (note --sample), those
 * examples with their notes.
 *
 * Every text is made safe first (util/wrap.h: control characters and bad
 * bytes become visible escapes), then wrapped by measured width into its
 * box and cut with "…" where it does not fit.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "slides/deck_impl.h"
#include "util/err.h"
#include "util/num.h"
#include "util/wrap.h"
#include "view/samples.h"

#define SAMPLE_SIZE 11.0
#define LABEL_SIZE 10.0
#define HEAD_SIZE 12.0
#define COL_GUTTER 18.0
#define MAX_COLS 4
/* Longest text handed to the layout: it is cut to its box anyway. */
#define SAFE_CHARS 4000

/* A note (Markdown, made safe) in a box, with its label in bold. */
static void draw_note(struct deck *d, const char *label, const char *note,
                      const struct box *b)
{
    struct md_doc doc;
    struct buf t = BUF_INIT;

    buf_printf(&t, "**%s** ", label);
    wrap_safe(&t, note, strlen(note), SAFE_CHARS, NULL, NULL);
    memset(&doc, 0, sizeof(doc));
    md_parse(&doc, t.ptr, t.len);
    draw_doc(d, &doc, b, 1);
    md_doc_release(&doc);
    buf_release(&t);
}

/* Draws a note in b and returns the height it took. */
static double draw_doc_height(struct deck *d, const struct view_item *it,
                              const struct box *b, const char *label)
{
    struct md_doc doc;
    struct buf t = BUF_INIT;
    double h;

    buf_printf(&t, "**%s** ", label);
    wrap_safe(&t, it->text, strlen(it->text), SAFE_CHARS, NULL, NULL);
    memset(&doc, 0, sizeof(doc));
    md_parse(&doc, t.ptr, t.len);
    h = draw_doc(d, &doc, b, 1);
    md_doc_release(&doc);
    buf_release(&t);
    return h;
}

/* Safe text of s in b (reset first). */
static const char *safe_text(struct buf *b, const char *s, size_t len)
{
    buf_reset(b);
    wrap_safe(b, s, len, SAFE_CHARS, NULL, NULL);
    return b->ptr;
}

/* A muted label line, then a text box of at most h under it, tinted.
 * Returns the height taken. */
static double labelled_box(struct deck *d, double x, double top, double w,
                           double h, const char *label, const char *text,
                           int style, const struct rgb *tint)
{
    struct box b;
    double lh = LABEL_SIZE * LEAD;

    draw_text_line(d, MD_BOLD, LABEL_SIZE, &MUTED, x,
                   top - ASCENT * LABEL_SIZE, w, label);
    b.x = x + 6;
    b.top = top - lh - 4;
    b.w = w - 12;
    b.h = h - lh - 8;
    b.size = SAMPLE_SIZE;
    b.color = &INK;
    if (b.h < SAMPLE_SIZE * LEAD)
        b.h = SAMPLE_SIZE * LEAD;
    if (tint)
        draw_rect(d, tint, x, b.top - b.h - 2, w, b.h + 4);
    draw_plain(d, text, style, &b);
    return lh + 8 + b.h;
}

static void score_pair(struct buf *out, const struct view_samples_pair *p)
{
    char a[NUM_TEXT_SIZE], b[NUM_TEXT_SIZE], dl[NUM_TEXT_SIZE];

    buf_printf(out, "%s → %s", isnan(p->score_a) ? "–" : num_format(a,
               p->score_a), isnan(p->score_b) ? "–" : num_format(b,
               p->score_b));
    if (!isnan(p->score_a) && !isnan(p->score_b))
        buf_printf(out, " (%s)", num_format_delta(dl,
                   p->score_b - p->score_a));
}

static void role_text(const struct view_example *e, int role,
                      const char **t, size_t *len)
{
    size_t i;

    *t = "";
    *len = 0;
    for (i = 0; e && i < e->nfields; i++)
        if (e->fields[i].role == role) {
            *t = e->fields[i].text;
            *len = e->fields[i].len;
        }
}

/* The note tied to example id sid in either snapshot, or NULL. */
static const char *note_for(const struct view_exp_samples *const *snaps,
                            size_t nsnaps, const char *sid)
{
    size_t i, j;

    for (i = 0; i < nsnaps; i++)
        for (j = 0; snaps[i] && j < snaps[i]->nexamples; j++)
            if (snaps[i]->examples[j].nnotes
                && strcmp(snaps[i]->examples[j].sid, sid) == 0)
                return snaps[i]->examples[j].notes[0]->text;
    return NULL;
}

static void cmp_slide(struct deck *d, const struct view_samples_cmp *c,
                      size_t ncols, const struct view_exp_samples *const *snaps)
{
    const struct view_samples_diff *df = &c->diff;
    struct buf title = BUF_INIT, line = BUF_INIT, tmp = BUF_INIT;
    struct buf label = BUF_INIT;
    char m1[NUM_TEXT_SIZE], m2[NUM_TEXT_SIZE], dm[NUM_TEXT_SIZE];
    char lo[NUM_TEXT_SIZE], hi[NUM_TEXT_SIZE], p[NUM_TEXT_SIZE];
    double col_w, top, h_in, h_out;
    size_t i;

    if (ncols > df->npairs)
        ncols = df->npairs;
    buf_printf(&title, "Samples: %s vs %s", c->best->name, c->baseline->name);
    draw_new_slide(d, title.ptr, 0);
    deck_bookmark(d, NULL, title.ptr);
    buf_printf(&line, "%s: %lld examples in both; %s better on %lld, %s on "
               "%lld, %lld ties", c->tag, (long long)df->both, c->best->name,
               (long long)df->b_better, c->baseline->name,
               (long long)df->a_better, (long long)df->tie);
    if (df->scored)
        buf_printf(&line, ". Mean score %s → %s (%s", num_format(m1,
                   df->mean_a), num_format(m2, df->mean_b),
                   num_format_delta(dm, df->paired.mean));
    if (df->scored && df->paired.n >= 2)
        buf_printf(&line, ", 95%% CI %s to %s, paired t test p = %s",
                   num_format_delta(lo, df->paired.lo),
                   num_format_delta(hi, df->paired.hi),
                   isnan(df->paired.p) ? "n/a" : num_format(p, df->paired.p));
    if (df->scored)
        buf_putc(&line, ')');
    {
        struct box b = { MARGIN, BODY_TOP, BODY_W,
                         2 * (META_SIZE + 1) * LEAD + 1, META_SIZE + 1,
                         &MUTED };

        draw_plain(d, line.ptr, 0, &b);
    }
    if (ncols == 0)
        goto cleanup;
    col_w = (BODY_W - COL_GUTTER * (double)(ncols - 1)) / (double)ncols;
    top = BODY_TOP - 2 * (META_SIZE + 1) * LEAD - 14;
    /* The height left: a headline, the input, two outputs, a note. */
    h_in = 78;
    h_out = (top - BODY_BOTTOM - HEAD_SIZE * LEAD - 8 - h_in - 56) / 2;
    for (i = 0; i < ncols; i++) {
        const struct view_example *a = &c->a[i], *b = &c->b[i];
        double x = MARGIN + (double)i * (col_w + COL_GUTTER), y = top;
        const char *text, *note;
        size_t len;

        buf_reset(&label);
        buf_puts(&label, "id ");
        buf_puts(&label, safe_text(&tmp, a->sid, a->sid_len));
        buf_puts(&label, " · ");
        score_pair(&label, &df->pairs[i]);
        draw_text_line(d, MD_BOLD, HEAD_SIZE, &INK, x,
                       y - ASCENT * HEAD_SIZE, col_w, label.ptr);
        y -= HEAD_SIZE * LEAD + 8;
        role_text(a, ROLE_INPUT, &text, &len);
        y -= labelled_box(d, x, y, col_w, h_in, "input",
                          safe_text(&tmp, text, len), 0, &ZEBRA);
        buf_reset(&label);
        buf_printf(&label, "%s", c->baseline->name);
        role_text(a, ROLE_OUTPUT, &text, &len);
        y -= labelled_box(d, x, y, col_w, h_out, label.ptr,
                          safe_text(&tmp, text, len), 0, &CODE_BG);
        buf_reset(&label);
        buf_printf(&label, "%s", c->best->name);
        role_text(b, ROLE_OUTPUT, &text, &len);
        y -= labelled_box(d, x, y, col_w, h_out, label.ptr,
                          safe_text(&tmp, text, len), 0, &HEAD_BG);
        note = note_for(snaps, 2, a->sid);
        if (note) {
            struct box nb = { x, y - 4, col_w, y - 4 - BODY_BOTTOM,
                              SAMPLE_SIZE, &ACCENT };

            draw_note(d, "Note:", note, &nb);
        }
    }
cleanup:
    buf_release(&title);
    buf_release(&line);
    buf_release(&tmp);
    buf_release(&label);
}

/* Whether example sid of x is on a group slide already (with its note). */
static int on_cmp_slide(const struct view_samples_cmps *cmps,
                        const struct view_exp *x, const char *sid,
                        size_t ncols)
{
    size_t i, j;

    for (i = 0; i < cmps->len; i++) {
        const struct view_samples_cmp *c = &cmps->items[i];

        if (c->baseline != x && c->best != x)
            continue;
        for (j = 0; j < c->diff.npairs && j < ncols; j++)
            if (c->a[j].sid && strcmp(c->a[j].sid, sid) == 0)
                return 1;
    }
    return 0;
}

/* One experiment's noted examples: input, output, score and the note. */
static void noted_slide(struct deck *d, const struct view_exp *x,
                        const struct view_exp_samples *s, size_t ncols,
                        const struct view_samples_cmps *cmps)
{
    struct buf title = BUF_INIT, tmp = BUF_INIT, label = BUF_INIT;
    const struct view_example *picked[MAX_COLS];
    size_t n = 0, i;
    double col_w, top, h_box;

    for (i = 0; i < s->nexamples && n < ncols; i++)
        if (s->examples[i].nnotes
            && !on_cmp_slide(cmps, x, s->examples[i].sid, ncols))
            picked[n++] = &s->examples[i];
    if (!n)
        return;
    buf_printf(&title, "Samples: %s", x->name);
    draw_new_slide(d, title.ptr, 0);
    deck_bookmark(d, NULL, title.ptr);
    col_w = (BODY_W - COL_GUTTER * (double)(n - 1)) / (double)n;
    if (col_w > 0.6 * BODY_W)
        col_w = 0.6 * BODY_W; /* one example: a readable measure */
    top = BODY_TOP;
    h_box = (top - BODY_BOTTOM - HEAD_SIZE * LEAD - 8 - 90) / 2;
    for (i = 0; i < n; i++) {
        const struct view_example *e = picked[i];
        double cx = MARGIN + (double)i * (col_w + COL_GUTTER), y = top;
        char num[NUM_TEXT_SIZE];
        const char *text;
        size_t len, k;

        buf_reset(&label);
        buf_puts(&label, "id ");
        buf_puts(&label, safe_text(&tmp, e->sid, e->sid_len));
        if (e->has_score)
            buf_printf(&label, " · score %s", num_format(num, e->score));
        draw_text_line(d, MD_BOLD, HEAD_SIZE, &INK, cx,
                       y - ASCENT * HEAD_SIZE, col_w, label.ptr);
        y -= HEAD_SIZE * LEAD + 8;
        role_text(e, ROLE_INPUT, &text, &len);
        y -= labelled_box(d, cx, y, col_w, h_box, "input",
                          safe_text(&tmp, text, len), 0, &ZEBRA);
        role_text(e, ROLE_OUTPUT, &text, &len);
        y -= labelled_box(d, cx, y, col_w, h_box, "output",
                          safe_text(&tmp, text, len), 0, &CODE_BG);
        for (k = 0; k < e->nnotes; k++) {
            struct box nb = { cx, y - 4, col_w, y - 4 - BODY_BOTTOM,
                              SAMPLE_SIZE, &ACCENT };

            if (nb.h < SAMPLE_SIZE * LEAD)
                break;
            y -= 6 + draw_doc_height(d, e->notes[k], &nb,
                                     e->notes[k]->takeaway ? "Takeaway:"
                                                           : "Note:");
        }
    }
    buf_release(&title);
    buf_release(&tmp);
    buf_release(&label);
}

static const struct view_exp_samples *snap_of(
    const struct view_exp_samples *const *snaps, const struct view *v,
    const struct view_exp *x)
{
    return snaps[x - v->exps];
}

struct deck_samples {
    struct view_exp_samples **snaps; /* per v->exps; NULL: no samples */
    struct view_samples_cmps cmps;
    size_t cols;
    size_t nslides;                  /* how many slides they make */
};

/* Whether noted_slide() would draw a slide for x. */
static int has_noted_slide(const struct view_exp *x,
                           const struct view_exp_samples *s,
                           const struct view_samples_cmps *cmps, size_t cols)
{
    size_t i;

    for (i = 0; s && i < s->nexamples; i++)
        if (s->examples[i].nnotes
            && !on_cmp_slide(cmps, x, s->examples[i].sid, cols))
            return 1;
    return 0;
}

int samples_prepare(struct deck *d, int ncols)
{
    const struct view *v = d->v;
    struct deck_samples *ds;
    size_t i;
    int rc = 0;

    d->samples = NULL;
    d->nsample_slides = 0;
    if (ncols <= 0)
        return 0;
    ds = calloc(1, sizeof(*ds));
    if (ds)
        ds->snaps = calloc(v->nexps + 1, sizeof(*ds->snaps));
    if (!ds || !ds->snaps) {
        free(ds);
        return ll_error(LL_ERR, "out of memory");
    }
    d->samples = ds;
    ds->cols = (size_t)(ncols > MAX_COLS ? MAX_COLS : ncols);
    for (i = 0; rc == 0 && i < v->nexps; i++)
        if (v->exps[i].touched)
            rc = view_exp_samples(v, &v->exps[i], NULL, &ds->snaps[i]);
    if (rc == 0)
        rc = view_samples_compare(v, ds->cols, &ds->cmps);
    if (rc)
        return rc;
    ds->nslides = ds->cmps.len;
    for (i = 0; i < v->nexps; i++)
        ds->nslides += has_noted_slide(&v->exps[i], ds->snaps[i], &ds->cmps,
                                       ds->cols);
    d->nsample_slides = ds->nslides;
    return 0;
}

void slides_samples(struct deck *d)
{
    const struct view *v = d->v;
    struct deck_samples *ds = d->samples;
    size_t i;

    if (!ds)
        return;
    for (i = 0; i < ds->cmps.len; i++) {
        const struct view_samples_cmp *c = &ds->cmps.items[i];
        const struct view_exp_samples *pair[2];

        pair[0] = snap_of((const struct view_exp_samples *const *)ds->snaps,
                          v, c->baseline);
        pair[1] = snap_of((const struct view_exp_samples *const *)ds->snaps,
                          v, c->best);
        cmp_slide(d, c, ds->cols, pair);
    }
    for (i = 0; i < v->nexps; i++)
        if (ds->snaps[i])
            noted_slide(d, &v->exps[i], ds->snaps[i], ds->cols, &ds->cmps);
}

void samples_release(struct deck *d)
{
    struct deck_samples *ds = d->samples;
    size_t i;

    if (!ds)
        return;
    for (i = 0; ds->snaps && i < d->v->nexps; i++)
        view_exp_samples_free(ds->snaps[i]);
    free(ds->snaps);
    view_samples_cmps_release(&ds->cmps);
    free(ds);
    d->samples = NULL;
}
