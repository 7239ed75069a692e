/* SPDX-License-Identifier: MIT */
/*
 * Slide layout without a PDF library (see layout.h): word wrap over styled
 * runs, ellipsis cuts, table column fitting, list pagination and the
 * agenda's minutes. Everything measures through the caller's callback.
 *
 * Wrapping works in two passes: the runs are first cut into tokens (words,
 * spaces, hard breaks), each a list of pieces that stay within one run, so
 * a word may change style in the middle ("**+6** points") without offering
 * a break there; then a greedy pass places the tokens on lines.
 */
#include "slides/layout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"

/* Slack for "fits exactly" despite rounding in the measurements. */
#define FIT_EPS 1e-6

enum tok_kind { TOK_WORD, TOK_SPACE, TOK_BREAK };

struct piece {
    size_t run, off, len;
    double w;
};

struct token {
    enum tok_kind kind;
    size_t first, npieces; /* into wrap.pieces */
    double w;
};

struct wrap {
    struct layout_text *t;
    const struct layout_run *runs;
    double width;
    layout_measure_fn *measure;
    void *ctx;
    struct piece *pieces;
    size_t npieces, cap_pieces;
    struct token *toks;
    size_t ntoks, cap_toks;
    double x;      /* width of the open line so far */
    int line_open; /* the open line has content */
};

/* The byte length of the UTF-8 character starting at s[0], at most max. */
static size_t char_len(const char *s, size_t max)
{
    unsigned char c = (unsigned char)s[0];
    size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;

    return n > max ? max : n;
}

static enum tok_kind byte_kind(char c)
{
    if (c == '\n')
        return TOK_BREAK;
    return c == ' ' || c == '\t' ? TOK_SPACE : TOK_WORD;
}

/* ---- pass 1: tokens ----------------------------------------------------- */

static void add_piece(struct wrap *w, size_t run, size_t off, size_t len)
{
    struct token *tok = &w->toks[w->ntoks - 1];
    struct piece *p;

    XGROW(w->pieces, w->npieces + 1, w->cap_pieces);
    p = &w->pieces[w->npieces++];
    p->run = run;
    p->off = off;
    p->len = len;
    p->w = w->measure(w->ctx, w->runs[run].style, w->runs[run].text + off,
                      len);
    tok->npieces++;
    tok->w += p->w;
}

static void open_token(struct wrap *w, enum tok_kind kind)
{
    struct token *tok;

    XGROW(w->toks, w->ntoks + 1, w->cap_toks);
    tok = &w->toks[w->ntoks++];
    tok->kind = kind;
    tok->first = w->npieces;
    tok->npieces = 0;
    tok->w = 0;
}

/* Cuts the runs into tokens. A word or a space continues across a run
 * boundary; each hard break is its own token. */
static void tokenize(struct wrap *w, size_t nruns)
{
    size_t i, j, k;
    int have = 0;
    enum tok_kind cur = TOK_BREAK;

    for (i = 0; i < nruns; i++) {
        const char *s = w->runs[i].text;

        for (j = 0; j < w->runs[i].len; j = k) {
            enum tok_kind kind = byte_kind(s[j]);

            k = j + 1;
            if (kind != TOK_BREAK)
                while (k < w->runs[i].len && byte_kind(s[k]) == kind)
                    k++;
            if (!have || kind != cur || kind == TOK_BREAK)
                open_token(w, kind);
            have = 1;
            cur = kind;
            if (kind != TOK_BREAK)
                add_piece(w, i, j, k - j);
        }
    }
}

/* ---- pass 2: lines ------------------------------------------------------ */

static void open_line(struct wrap *w)
{
    struct layout_line *l;

    XGROW(w->t->lines, w->t->nlines + 1, w->t->cap_lines);
    l = &w->t->lines[w->t->nlines++];
    l->frag = w->t->nfrags;
    l->nfrags = 0;
    l->w = 0;
    w->x = 0;
    w->line_open = 1;
}

/* Ends the open line; with force, an empty line is kept too. */
static void end_line(struct wrap *w, int force)
{
    if (!w->line_open && force)
        open_line(w);
    w->line_open = 0;
}

/* Puts text at the end of the open line, merging with the last fragment
 * when it continues it. */
static void place(struct wrap *w, size_t run, size_t off, size_t len,
                  double width)
{
    struct layout_text *t = w->t;
    struct layout_line *l;
    struct layout_frag *f;

    if (!w->line_open)
        open_line(w);
    l = &t->lines[t->nlines - 1];
    f = l->nfrags ? &t->frags[t->nfrags - 1] : NULL;
    if (f && f->run == run && f->off + f->len == off) {
        f->len += len;
        f->w += width;
    } else {
        XGROW(t->frags, t->nfrags + 1, t->cap_frags);
        f = &t->frags[t->nfrags++];
        f->run = run;
        f->off = off;
        f->len = len;
        f->x = w->x;
        f->w = width;
        l->nfrags++;
    }
    w->x += width;
    l->w = w->x;
}

static void place_token(struct wrap *w, const struct token *tok)
{
    size_t i;

    for (i = 0; i < tok->npieces; i++) {
        const struct piece *p = &w->pieces[tok->first + i];

        place(w, p->run, p->off, p->len, p->w);
    }
}

/* A word wider than a line: character by character, breaking where the
 * next character would not fit (but never leaving a line empty). */
static void place_split(struct wrap *w, const struct token *tok)
{
    size_t i, j, n;

    for (i = 0; i < tok->npieces; i++) {
        const struct piece *p = &w->pieces[tok->first + i];
        const struct layout_run *r = &w->runs[p->run];

        for (j = 0; j < p->len; j += n) {
            const char *c = r->text + p->off + j;
            double cw;

            n = char_len(c, p->len - j);
            cw = w->measure(w->ctx, r->style, c, n);
            if (w->line_open && w->x > 0 && w->x + cw > w->width + FIT_EPS)
                end_line(w, 0);
            place(w, p->run, p->off + j, n, cw);
        }
    }
}

static void place_word(struct wrap *w, const struct token *tok,
                       const struct token *space)
{
    double sw = space ? space->w : 0;

    if (w->line_open && w->x + sw + tok->w <= w->width + FIT_EPS) {
        if (space)
            place_token(w, space);
        place_token(w, tok);
        return;
    }
    if (w->line_open)
        end_line(w, 0);
    if (tok->w <= w->width + FIT_EPS)
        place_token(w, tok);
    else
        place_split(w, tok);
}

void layout_wrap(struct layout_text *out, const struct layout_run *runs,
                 size_t nruns, double width, layout_measure_fn *measure,
                 void *ctx)
{
    struct wrap w;
    const struct token *space = NULL;
    size_t i;

    memset(&w, 0, sizeof(w));
    w.t = out;
    w.runs = runs;
    w.width = width;
    w.measure = measure;
    w.ctx = ctx;
    out->nfrags = out->nlines = 0;
    out->cut = 0;
    tokenize(&w, nruns);
    for (i = 0; i < w.ntoks; i++) {
        const struct token *tok = &w.toks[i];

        if (tok->kind == TOK_BREAK) {
            end_line(&w, 1);
            space = NULL;
        } else if (tok->kind == TOK_SPACE) {
            space = w.line_open ? tok : NULL;
        } else {
            place_word(&w, tok, space);
            space = NULL;
        }
    }
    free(w.pieces);
    free(w.toks);
}

/* ---- truncation --------------------------------------------------------- */

/* Drops the last character (and then trailing spaces) of the last fragment
 * of line l, removing the fragment when it becomes empty. */
static void drop_last_char(struct layout_text *t, struct layout_line *l,
                           const struct layout_run *runs,
                           layout_measure_fn *measure, void *ctx)
{
    struct layout_frag *f = &t->frags[l->frag + l->nfrags - 1];
    const char *s = runs[f->run].text + f->off;
    size_t n = f->len;

    do
        n--;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    f->len = n;
    f->w = measure(ctx, runs[f->run].style, s, n);
    if (n == 0) {
        l->nfrags--;
        t->nfrags--;
    }
    l->w = l->nfrags ? t->frags[l->frag + l->nfrags - 1].x
                       + t->frags[l->frag + l->nfrags - 1].w
                     : 0;
}

/* Sets t->cut and shortens its last line until the ellipsis fits. */
static void cut_last_line(struct layout_text *t, double width,
                          const struct layout_run *runs,
                          layout_measure_fn *measure, void *ctx)
{
    struct layout_line *l = &t->lines[t->nlines - 1];

    t->nfrags = l->frag + l->nfrags;
    t->cut = 1;
    while (l->nfrags) {
        const struct layout_frag *f = &t->frags[l->frag + l->nfrags - 1];
        double ew = measure(ctx, runs[f->run].style, LAYOUT_ELLIPSIS,
                            strlen(LAYOUT_ELLIPSIS));

        if (l->w + ew <= width + FIT_EPS)
            break;
        drop_last_char(t, l, runs, measure, ctx);
    }
}

void layout_truncate(struct layout_text *t, size_t max_lines, double width,
                     const struct layout_run *runs, layout_measure_fn *measure,
                     void *ctx)
{
    if (max_lines < 1)
        max_lines = 1;
    if (t->nlines <= max_lines)
        return;
    t->nlines = max_lines;
    cut_last_line(t, width, runs, measure, ctx);
}

void layout_more(struct layout_text *t, double width,
                 const struct layout_run *runs, layout_measure_fn *measure,
                 void *ctx)
{
    if (t->nlines && !t->cut)
        cut_last_line(t, width, runs, measure, ctx);
}

void layout_text_release(struct layout_text *t)
{
    free(t->frags);
    free(t->lines);
    memset(t, 0, sizeof(*t));
}

size_t layout_ellipsize(const char *s, size_t len, int style, double width,
                        layout_measure_fn *measure, void *ctx, int *cut)
{
    double ew, x = 0;
    size_t i = 0, n, fit = 0;

    *cut = 0;
    if (measure(ctx, style, s, len) <= width + FIT_EPS)
        return len;
    *cut = 1;
    ew = measure(ctx, style, LAYOUT_ELLIPSIS, strlen(LAYOUT_ELLIPSIS));
    while (i < len) {
        n = char_len(s + i, len - i);
        x += measure(ctx, style, s + i, n);
        if (x + ew > width + FIT_EPS)
            break;
        i += n;
        fit = i;
    }
    while (fit > 0 && (s[fit - 1] == ' ' || s[fit - 1] == '\t'))
        fit--;
    return fit;
}

/* ---- tables and pages --------------------------------------------------- */

static double capped_sum(const double *natural, const double *minimum,
                         size_t n, double cap)
{
    double sum = 0;
    size_t i;

    for (i = 0; i < n; i++)
        sum += fmax(minimum[i], fmin(natural[i], cap));
    return sum;
}

void layout_fit_columns(double *out, const double *natural,
                        const double *minimum, size_t ncols, size_t grow,
                        double total)
{
    double sum_nat = 0, sum_min = 0, lo = 0, hi = 0, cap;
    size_t i;
    int iter;

    for (i = 0; i < ncols; i++) {
        sum_nat += natural[i];
        sum_min += minimum[i];
        hi = fmax(hi, natural[i]);
    }
    if (sum_nat <= total) {
        for (i = 0; i < ncols; i++)
            out[i] = natural[i];
        if (grow < ncols)
            out[grow] += total - sum_nat;
        return;
    }
    if (sum_min >= total) {
        for (i = 0; i < ncols; i++)
            out[i] = sum_min > 0 ? minimum[i] * total / sum_min
                                 : total / (double)ncols;
        return;
    }
    for (iter = 0; iter < 100; iter++) { /* capped_sum grows with the cap */
        cap = (lo + hi) / 2;
        if (capped_sum(natural, minimum, ncols, cap) > total)
            hi = cap;
        else
            lo = cap;
    }
    for (i = 0; i < ncols; i++)
        out[i] = fmax(minimum[i], fmin(natural[i], lo));
}

size_t layout_paginate(size_t *starts, const double *heights, size_t n,
                       double gap, double first_avail, double avail)
{
    size_t pages = 0, i, count = 0;
    double used = 0, room = first_avail;

    starts[0] = 0;
    for (i = 0; i < n; i++) {
        double need = (count ? gap : 0) + heights[i];

        if (count && used + need > room + FIT_EPS) {
            starts[++pages] = i;
            used = heights[i];
            count = 1;
            room = avail;
        } else {
            used += need;
            count++;
        }
    }
    return pages + 1;
}

void layout_page_title(struct buf *out, const char *title, size_t page)
{
    buf_puts(out, title);
    if (page > 0)
        buf_puts(out, " (cont.)");
}

/* ---- agenda ------------------------------------------------------------- */

struct share {
    size_t index;
    double frac;
};

static int share_cmp(const void *a, const void *b)
{
    const struct share *x = a, *y = b;

    if (x->frac != y->frac)
        return x->frac > y->frac ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* The real-valued minutes of each item, adding up to total. */
static void agenda_shares(double *real, const struct layout_agenda_item *it,
                          size_t n, int total)
{
    double fixed = 0, est = 0, half = (double)((total + 1) / 2), scale, rest;
    size_t i;

    for (i = 0; i < n; i++) {
        fixed += it[i].fixed > 0 ? it[i].fixed : 0;
        est += it[i].estimate > 0 ? it[i].estimate : 0;
    }
    scale = fixed > half ? half / fixed : 1;
    if (est <= 0 && fixed > 0)
        scale = total / fixed; /* nothing else wants time */
    rest = total - fixed * scale;
    for (i = 0; i < n; i++) {
        real[i] = (it[i].fixed > 0 ? it[i].fixed : 0) * scale;
        if (est > 0)
            real[i] += rest * (it[i].estimate > 0 ? it[i].estimate : 0) / est;
        else if (fixed <= 0)
            real[i] += rest / (double)n;
    }
}

/* Gives every item at least one minute while there are enough, taking
 * each from the item with the most (the later one on ties). */
static void agenda_floor_one(struct layout_agenda_item *it, size_t n,
                             int total)
{
    size_t i, j, most;

    if ((size_t)total < n)
        return;
    for (i = 0; i < n; i++) {
        if (it[i].minutes > 0)
            continue;
        most = 0;
        for (j = 1; j < n; j++)
            if (it[j].minutes >= it[most].minutes)
                most = j;
        it[most].minutes--;
        it[i].minutes++;
    }
}

void layout_agenda(struct layout_agenda_item *items, size_t n, int total)
{
    double *real;
    struct share *order;
    size_t i;
    int left;

    if (n == 0)
        return;
    if (total < 0)
        total = 0;
    real = xcalloc(n, sizeof(*real));
    order = xcalloc(n, sizeof(*order));
    agenda_shares(real, items, n, total);
    left = total;
    for (i = 0; i < n; i++) {
        items[i].minutes = (int)floor(real[i]);
        left -= items[i].minutes;
        order[i].index = i;
        order[i].frac = real[i] - floor(real[i]);
    }
    qsort(order, n, sizeof(*order), share_cmp);
    for (i = 0; left > 0; i = (i + 1) % n, left--)
        items[order[i].index].minutes++;
    agenda_floor_one(items, n, total);
    free(order);
    free(real);
}
