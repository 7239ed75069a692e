/* SPDX-License-Identifier: MIT */
/*
 * Samples in a terminal: one example as a headed block of wrapped fields,
 * and a diff pair with the two outputs side by side. Every value goes
 * through util/wrap, so model output can never move the cursor, change
 * colours or reorder text on the screen.
 */
#include "cli/samples_print.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/num.h"
#include "util/wrap.h"

/* Columns of the field-name column; longer names get their own line. */
#define LABEL_MAX 14
/* Fold limits for one field when not --full. */
#define FOLD_CHARS 400
#define FOLD_LINES 8

size_t samples_term_width(void)
{
    const char *cols = getenv("COLUMNS");
    struct winsize ws;
    long n;

    if (isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    n = cols ? strtol(cols, NULL, 10) : 0;
    return n >= 20 && n <= 1000 ? (size_t)n : 80;
}

/* One line of at most max columns of safe text. */
static void safe_inline(struct buf *out, const char *s, size_t len,
                        size_t max)
{
    struct wrap w = WRAP_INIT;
    size_t i;

    /* One line: a newline in an id shows as a space, a long one folds. */
    wrap_text(&w, s, len, 100000, max, 2);
    for (i = 0; i < w.len; i++)
        buf_printf(out, "%s%s", i ? " " : "", w.lines[i].text);
    wrap_release(&w);
}

static void rule(struct buf *out, size_t used, size_t width)
{
    while (used++ < width)
        buf_puts(out, "─");
    buf_putc(out, '\n');
}

/* Display columns of safe text. */
static size_t columns(const char *s)
{
    struct wrap w = WRAP_INIT;
    size_t n;

    wrap_text(&w, s, strlen(s), 100000, 0, 0);
    n = w.lines[0].width;
    wrap_release(&w);
    return n;
}

static void score_text(struct buf *out, int has, double v)
{
    char num[NUM_TEXT_SIZE];

    buf_puts(out, has ? num_format(num, v) : "–");
}

/* The headline: "── row 17 · id q-17 · score 0.25 · correct true ───". */
static void headline(struct buf *out, const struct view_sample_row *r,
                     const char *prefix, size_t width)
{
    const struct sample_fields *f = r->fields;
    size_t start = out->len;

    buf_printf(out, "── %s%srow %lld", prefix ? prefix : "",
               prefix ? " · " : "", (long long)r->row);
    if (f->role[ROLE_ID] >= 0) {
        buf_puts(out, " · id ");
        safe_inline(out, r->sid, r->sid_len, 40);
    }
    if (f->role[ROLE_SCORE] >= 0 || r->has_score) {
        buf_puts(out, " · score ");
        if (f->role[ROLE_SCORE] >= 0 && !r->has_score) {
            const struct sample_field *s = &f->items[f->role[ROLE_SCORE]];

            safe_inline(out, s->text, s->len, 20);
        } else {
            score_text(out, r->has_score, r->score);
        }
    }
    if (f->role[ROLE_LABEL] >= 0) {
        const struct sample_field *l = &f->items[f->role[ROLE_LABEL]];

        buf_puts(out, " · ");
        safe_inline(out, l->key, l->key_len, 20);
        buf_putc(out, ' ');
        safe_inline(out, l->text, l->len, 40);
    }
    buf_putc(out, ' ');
    rule(out, columns(out->ptr + start), width);
}

/* Prints "  KEY  value" with the value wrapped under itself. */
static void field_block(struct buf *out, const char *key, size_t key_len,
                        const char *val, size_t len, size_t label_w,
                        size_t width, int full)
{
    struct buf k = BUF_INIT;
    struct wrap w = WRAP_INIT;
    size_t kw, indent = 2 + label_w + 2, i;

    safe_inline(&k, key, key_len, LABEL_MAX * 3);
    kw = columns(k.ptr);
    wrap_text(&w, val, len, width > indent + 20 ? width - indent : 20,
              full ? 0 : FOLD_CHARS, full ? 0 : FOLD_LINES);
    buf_printf(out, "  %s", k.ptr);
    if (kw > label_w) {
        buf_putc(out, '\n');
        buf_printf(out, "%*s", (int)indent, "");
    } else {
        buf_printf(out, "%*s", (int)(label_w - kw + 2), "");
    }
    for (i = 0; i < w.len; i++) {
        if (i)
            buf_printf(out, "%*s", (int)indent, "");
        buf_puts(out, w.lines[i].text);
        buf_putc(out, '\n');
    }
    wrap_release(&w);
    buf_release(&k);
}

/* The fields in display order: input, output, target, then the others in
 * file order; id, score and label are in the headline. Returns how many
 * indexes were written to order. */
static size_t display_order(const struct sample_fields *f, size_t *order)
{
    static const int first[] = { ROLE_INPUT, ROLE_OUTPUT, ROLE_TARGET };
    size_t n = 0, i, j;

    for (j = 0; j < 3; j++)
        if (f->role[first[j]] >= 0)
            order[n++] = (size_t)f->role[first[j]];
    for (i = 0; i < f->len; i++) {
        int skip = 0;

        for (j = 0; j < ROLE_COUNT; j++)
            if (f->role[j] == (int)i)
                skip = 1;
        if (!skip)
            order[n++] = i;
    }
    return n;
}

void samples_print_row(struct buf *out, const struct view_sample_row *r,
                       const char *prefix, size_t width, int full)
{
    const struct sample_fields *f = r->fields;
    size_t *order = calloc(f->len + 1, sizeof(*order));
    size_t n = display_order(f, order), label_w = 0, i;

    headline(out, r, prefix, width);
    for (i = 0; i < n; i++) {
        const struct sample_field *it = &f->items[order[i]];
        size_t kw = it->key_len;

        if (kw <= LABEL_MAX && kw > label_w)
            label_w = kw;
    }
    for (i = 0; i < n; i++) {
        const struct sample_field *it = &f->items[order[i]];

        field_block(out, it->key, it->key_len, it->text, it->len, label_w,
                    width, full);
    }
    free(order);
}

/* The text of a role, or "" when the row has none. */
static void role_text(const struct view_sample_row *r, int role,
                      const char **text, size_t *len)
{
    const struct sample_fields *f = r->fields;

    *text = "";
    *len = 0;
    if (f && f->role[role] >= 0) {
        *text = f->items[f->role[role]].text;
        *len = f->items[f->role[role]].len;
    }
}

static void pad_to(struct buf *out, size_t used, size_t want)
{
    while (used++ < want)
        buf_putc(out, ' ');
}

void samples_print_pair(struct buf *out, const struct view_samples_pair *p,
                        const struct view_sample_row *a,
                        const struct view_sample_row *b, const char *name_a,
                        const char *name_b, size_t width, int full)
{
    char na[NUM_TEXT_SIZE], nb[NUM_TEXT_SIZE], nd[NUM_TEXT_SIZE];
    const char *in, *oa, *ob, *ta;
    size_t in_len, oa_len, ob_len, ta_len, start = out->len;
    int scored = !isnan(p->score_a) && !isnan(p->score_b);

    buf_puts(out, "── ");
    safe_inline(out, a->sid, a->sid_len, 40);
    buf_printf(out, " · %s %s → %s %s", name_a,
               isnan(p->score_a) ? "–" : num_format(na, p->score_a), name_b,
               isnan(p->score_b) ? "–" : num_format(nb, p->score_b));
    if (scored)
        buf_printf(out, " (%s)",
                   num_format_delta(nd, p->score_b - p->score_a));
    if (p->n_a > 1 || p->n_b > 1)
        buf_printf(out, " · means of %lld and %lld samples",
                   (long long)p->n_a, (long long)p->n_b);
    buf_putc(out, ' ');
    rule(out, columns(out->ptr + start), width);
    role_text(a, ROLE_INPUT, &in, &in_len);
    if (in_len)
        field_block(out, "input", 5, in, in_len, 6, width, full);
    role_text(a, ROLE_TARGET, &ta, &ta_len);
    if (ta_len)
        field_block(out, "target", 6, ta, ta_len, 6, width, full);
    role_text(a, ROLE_OUTPUT, &oa, &oa_len);
    role_text(b, ROLE_OUTPUT, &ob, &ob_len);
    if (width >= 70) {
        size_t col = (width - 5) / 2, i;
        struct wrap wa = WRAP_INIT, wb = WRAP_INIT;
        struct buf ha = BUF_INIT, hb = BUF_INIT;

        wrap_text(&wa, oa, oa_len, col, full ? 0 : FOLD_CHARS,
                  full ? 0 : FOLD_LINES * 2);
        wrap_text(&wb, ob, ob_len, col, full ? 0 : FOLD_CHARS,
                  full ? 0 : FOLD_LINES * 2);
        buf_printf(&ha, "%s output", name_a);
        buf_printf(&hb, "%s output", name_b);
        buf_printf(out, "  %s", ha.ptr);
        pad_to(out, columns(ha.ptr), col);
        buf_printf(out, " │ %s\n", hb.ptr);
        for (i = 0; i < wa.len || i < wb.len; i++) {
            buf_puts(out, "  ");
            if (i < wa.len) {
                buf_puts(out, wa.lines[i].text);
                pad_to(out, wa.lines[i].width, col);
            } else {
                pad_to(out, 0, col);
            }
            buf_puts(out, " │");
            if (i < wb.len && wb.lines[i].width) {
                buf_putc(out, ' ');
                buf_puts(out, wb.lines[i].text);
            }
            buf_putc(out, '\n');
        }
        wrap_release(&wa);
        wrap_release(&wb);
        buf_release(&ha);
        buf_release(&hb);
    } else {
        struct buf ka = BUF_INIT, kb = BUF_INIT;

        buf_printf(&ka, "%s", name_a);
        buf_printf(&kb, "%s", name_b);
        field_block(out, ka.ptr, ka.len, oa, oa_len,
                    ka.len > kb.len ? ka.len : kb.len, width, full);
        field_block(out, kb.ptr, kb.len, ob, ob_len,
                    ka.len > kb.len ? ka.len : kb.len, width, full);
        buf_release(&ka);
        buf_release(&kb);
    }
}
