/* SPDX-License-Identifier: MIT */
/*
 * Samples in the report: per experiment a few chosen examples (noted ones,
 * the lowest scores, a seeded random draw) and, per tag group, the diff of
 * its best run against its baseline.
 *
 * Model output is data. Every value is first made safe (util/wrap.h:
 * control characters, bidi overrides and bad bytes become visible
 * escapes), then escaped for the format: in HTML by the template's
 * escaper ({{text}}), in Markdown by putting it in a fenced code block
 * inside a quote, with a fence longer than any run of backticks in the
 * text, so nothing in it is Markdown or HTML.
 */
#include "render/report_samples.h"

#include <math.h>
#include <string.h>

#include "render/escape.h"
#include "render/html.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/wrap.h"

/* HTML: longer fields are collapsed behind their first SHORT_CHARS. */
#define SHORT_CHARS 240
#define SHORT_LINES 4
/* Neither format embeds more than this much of one field. */
#define HTML_MAX_CHARS 20000
#define MD_MAX_CHARS 600
/* Markdown: a one-line value this short is shown inline. */
#define MD_INLINE_CHARS 160

static void set_text(json_t *o, const char *key, const struct buf *b)
{
    json_object_set_new(o, key, json_stringn(b->ptr, b->len));
}

/* The safe form of s, at most max characters. */
static void safe(struct buf *out, const char *s, size_t len, size_t max,
                 size_t *chars, size_t *shown)
{
    wrap_safe(out, s, len, max, chars, shown);
}

/* A one-line summary of a long text: its start (at most SHORT_CHARS
 * characters on SHORT_LINES lines), newlines as spaces. Returns how many
 * characters of the text it shows. */
static size_t short_of(struct buf *out, const char *s, size_t len)
{
    size_t i, lines = 0, n = 0, shown = 0, start = out->len;

    for (i = 0; i < len && n < SHORT_CHARS; i++) {
        if (s[i] == '\n' && ++lines >= SHORT_LINES)
            break;
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    }
    if (n)
        safe(out, s, len, n, NULL, &shown);
    for (i = start; i < out->len; i++)
        if (out->ptr[i] == '\n' || out->ptr[i] == '\t')
            out->ptr[i] = ' ';
    return shown;
}

static size_t count_lines(const char *s, size_t len)
{
    size_t n = 1, i;

    for (i = 0; i < len; i++)
        n += s[i] == '\n';
    return n;
}

/* The longest run of backticks in s. */
static size_t backtick_run(const char *s, size_t len)
{
    size_t best = 0, run = 0, i;

    for (i = 0; i < len; i++) {
        run = s[i] == '`' ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}

/* Markdown: "> *key*" then the text as a fenced block, every line quoted,
 * and the fold note after the fence. */
static void md_field(struct buf *md, const char *key, size_t key_len,
                     const char *text, size_t len)
{
    struct buf t = BUF_INIT, k = BUF_INIT;
    size_t chars, shown, fence, i;
    char more[32];

    safe(&k, key, key_len, 80, NULL, NULL);
    safe(&t, text, len, MD_MAX_CHARS, &chars, &shown);
    if (shown == chars && chars <= MD_INLINE_CHARS && !memchr(t.ptr, '\n', t.len)
        && t.len && t.ptr[0] != ' ' && t.ptr[t.len - 1] != ' ') {
        /* A short one-line value reads best inline, escaped. */
        buf_puts(md, ">\n> *");
        escape_md_inline(md, k.ptr, k.len);
        buf_puts(md, ":* ");
        escape_md_inline(md, t.ptr, t.len);
        buf_putc(md, '\n');
        buf_release(&t);
        buf_release(&k);
        return;
    }
    fence = backtick_run(t.ptr, t.len) + 1;
    if (fence < 3)
        fence = 3;
    buf_puts(md, ">\n> *");
    escape_md_inline(md, k.ptr, k.len);
    buf_puts(md, "*\n>\n> ");
    for (i = 0; i < fence; i++)
        buf_putc(md, '`');
    buf_puts(md, "text\n> ");
    for (i = 0; i < t.len; i++) {
        buf_putc(md, t.ptr[i]);
        if (t.ptr[i] == '\n')
            buf_puts(md, "> ");
    }
    buf_puts(md, "\n> ");
    for (i = 0; i < fence; i++)
        buf_putc(md, '`');
    buf_putc(md, '\n');
    if (shown < chars)
        buf_printf(md, ">\n> … (%s more characters)\n",
                   wrap_thousands(more, chars - shown));
    buf_release(&t);
    buf_release(&k);
}

/* {key, text, long, short, more} of one field, for the HTML template. */
static json_t *field_json(const char *key, size_t key_len, const char *text,
                          size_t len)
{
    json_t *o = json_object();
    struct buf b = BUF_INIT;
    size_t chars, shown;
    char more[32];

    safe(&b, key, key_len, 80, NULL, NULL);
    set_text(o, "field", &b);
    buf_reset(&b);
    safe(&b, text, len, HTML_MAX_CHARS, &chars, &shown);
    set_text(o, "value", &b);
    if (shown < chars)
        json_object_set_new(o, "value_cut", json_string(wrap_thousands(more,
                                                  chars - shown)));
    if (chars > SHORT_CHARS || count_lines(text, len) > SHORT_LINES) {
        size_t head;

        buf_reset(&b);
        head = short_of(&b, text, len);
        json_object_set_new(o, "value_folded", json_true());
        set_text(o, "value_head", &b);
        json_object_set_new(o, "value_more", json_string(wrap_thousands(more,
                            chars > head ? chars - head : 0)));
    }
    buf_release(&b);
    return o;
}

/* "**lowest score** · row 17 · id q-17 · score 0.2" in Markdown. */
static void md_head(struct buf *md, const struct view_example *e)
{
    struct buf t = BUF_INIT;
    char num[NUM_TEXT_SIZE];

    buf_printf(md, "> **%s** · row %lld", e->why, (long long)e->row);
    if (e->has_id) {
        buf_puts(md, " · id ");
        safe(&t, e->sid, e->sid_len, 80, NULL, NULL);
        escape_md_inline(md, t.ptr, t.len);
    }
    if (e->has_score)
        buf_printf(md, " · score %s", num_format(num, e->score));
    if (e->label_key) {
        buf_reset(&t);
        safe(&t, e->label_key, strlen(e->label_key), 40, NULL, NULL);
        buf_puts(md, " · ");
        escape_md_inline(md, t.ptr, t.len);
        buf_reset(&t);
        safe(&t, e->label, strlen(e->label), 40, NULL, NULL);
        buf_putc(md, ' ');
        escape_md_inline(md, t.ptr, t.len);
    }
    buf_putc(md, '\n');
    buf_release(&t);
}

static json_t *example_json(const struct view_example *e,
                            context_text_fn *markup)
{
    json_t *o = json_object(), *fields = json_array(), *notes = json_array();
    struct buf md = BUF_INIT, t = BUF_INIT;
    char num[NUM_TEXT_SIZE];
    size_t i;

    json_object_set_new(o, "sample_why", json_string(e->why));
    json_object_set_new(o, "sample_row", json_integer(e->row));
    if (e->has_id) {
        safe(&t, e->sid, e->sid_len, 80, NULL, NULL);
        set_text(o, "sample_id", &t);
    }
    if (e->has_score)
        json_object_set_new(o, "sample_score", json_string(num_format(num,
                                                               e->score)));
    if (e->label_key) {
        buf_reset(&t);
        safe(&t, e->label_key, strlen(e->label_key), 40, NULL, NULL);
        set_text(o, "sample_label_key", &t);
        buf_reset(&t);
        safe(&t, e->label, strlen(e->label), 40, NULL, NULL);
        set_text(o, "sample_label", &t);
    }
    md_head(&md, e);
    for (i = 0; i < e->nnotes; i++) {
        const char *text = e->notes[i]->text;
        json_t *n = json_object();

        buf_reset(&t);
        markup(&t, text, strlen(text));
        set_text(n, "note_body", &t);
        if (e->notes[i]->takeaway)
            json_object_set_new(n, "note_takeaway", json_true());
        json_array_append_new(notes, n);
        buf_puts(&md, ">\n> **");
        buf_puts(&md, e->notes[i]->takeaway ? "Takeaway" : "Note");
        buf_puts(&md, ":** ");
        {
            /* The note is Markdown: made safe, its lines kept in the
             * quote. */
            struct buf nb = BUF_INIT;
            size_t k;

            html_safe_markdown_item(&nb, text, strlen(text));
            for (k = 0; k < nb.len; k++) {
                buf_putc(&md, nb.ptr[k]);
                if (nb.ptr[k] == '\n')
                    buf_puts(&md, "> ");
            }
            buf_release(&nb);
        }
        buf_putc(&md, '\n');
    }
    for (i = 0; i < e->nfields; i++) {
        const struct view_example_field *f = &e->fields[i];

        json_array_append_new(fields, field_json(f->key, f->key_len, f->text,
                                                 f->len));
        md_field(&md, f->key, f->key_len, f->text, f->len);
    }
    json_object_set_new(o, "fields", fields);
    if (json_array_size(notes))
        json_object_set_new(o, "sample_notes", notes);
    else
        json_decref(notes);
    while (md.len && md.ptr[md.len - 1] == '\n')
        buf_truncate(&md, md.len - 1);
    set_text(o, "md", &md);
    buf_release(&md);
    buf_release(&t);
    return o;
}

int report_samples_exp(json_t *exp, const struct view *v,
                       const struct view_exp *x, context_text_fn *markup)
{
    struct view_exp_samples *vs = NULL;
    json_t *s, *list;
    struct buf t = BUF_INIT;
    char num[NUM_TEXT_SIZE];
    size_t i;
    int rc = view_exp_samples(v, x, NULL, &vs);

    if (rc || !vs)
        return rc;
    s = json_object();
    safe(&t, vs->set.name, strlen(vs->set.name), 80, NULL, NULL);
    set_text(s, "set_file", &t);
    json_object_set_new(s, "set_rows", json_integer(vs->set.rows));
    json_object_set_new(s, "set_scored", json_integer(vs->set.scored));
    if (vs->set.scored)
        json_object_set_new(s, "set_mean", json_string(num_format(num,
                                                              vs->set.mean)));
    list = json_array();
    for (i = 0; i < vs->nexamples; i++)
        json_array_append_new(list, example_json(&vs->examples[i], markup));
    json_object_set_new(s, "set_examples", list);
    json_object_set_new(exp, "samples", s);
    json_object_set_new(exp, "has_samples", json_true());
    buf_release(&t);
    view_exp_samples_free(vs);
    return 0;
}

/* The text of a role of an example, or "". */
static void role_of(const struct view_example *e, int role, const char **t,
                    size_t *len)
{
    size_t i;

    *t = "";
    *len = 0;
    for (i = 0; i < e->nfields; i++)
        if (e->fields[i].role == role) {
            *t = e->fields[i].text;
            *len = e->fields[i].len;
        }
}

static json_t *pair_json(const struct view_samples_cmp *c, size_t i)
{
    const struct view_samples_pair *p = &c->diff.pairs[i];
    const struct view_example *a = &c->a[i], *b = &c->b[i];
    char n1[NUM_TEXT_SIZE], n2[NUM_TEXT_SIZE], nd[NUM_TEXT_SIZE];
    json_t *o = json_object();
    struct buf md = BUF_INIT, t = BUF_INIT;
    const char *text;
    size_t len;

    safe(&t, a->sid, a->sid_len, 80, NULL, NULL);
    set_text(o, "pair_id", &t);
    json_object_set_new(o, "score_a", json_string(isnan(p->score_a) ? "–"
                        : num_format(n1, p->score_a)));
    json_object_set_new(o, "score_b", json_string(isnan(p->score_b) ? "–"
                        : num_format(n2, p->score_b)));
    if (!isnan(p->score_a) && !isnan(p->score_b))
        json_object_set_new(o, "pair_delta", json_string(num_format_delta(nd,
                            p->score_b - p->score_a)));
    buf_puts(&md, "> **id ");
    escape_md_inline(&md, t.ptr, t.len);
    buf_printf(&md, "**: %s → %s", isnan(p->score_a) ? "–" : n1,
               isnan(p->score_b) ? "–" : n2);
    if (json_object_get(o, "pair_delta"))
        buf_printf(&md, " (%s)", nd);
    buf_putc(&md, '\n');
    role_of(a, ROLE_INPUT, &text, &len);
    json_object_set_new(o, "pair_input", field_json("input", 5, text, len));
    md_field(&md, "input", 5, text, len);
    role_of(a, ROLE_OUTPUT, &text, &len);
    json_object_set_new(o, "output_a", field_json(c->baseline->name,
                        strlen(c->baseline->name), text, len));
    md_field(&md, c->baseline->name, strlen(c->baseline->name), text, len);
    role_of(b, ROLE_OUTPUT, &text, &len);
    json_object_set_new(o, "output_b", field_json(c->best->name,
                        strlen(c->best->name), text, len));
    md_field(&md, c->best->name, strlen(c->best->name), text, len);
    while (md.len && md.ptr[md.len - 1] == '\n')
        buf_truncate(&md, md.len - 1);
    set_text(o, "md", &md);
    buf_release(&md);
    buf_release(&t);
    return o;
}

/* "+0.05 (95% CI +0.013 to +0.087; paired t test, n = 8, p = 0.015)". */
static void stats_line(struct buf *out, const struct view_samples_diff *d)
{
    char m[NUM_TEXT_SIZE], lo[NUM_TEXT_SIZE], hi[NUM_TEXT_SIZE];
    char p[NUM_TEXT_SIZE];

    buf_puts(out, num_format_delta(m, d->paired.mean));
    if (d->paired.n >= 2)
        buf_printf(out, " (95%% CI %s to %s; paired t test, n = %zu, p = %s)",
                   num_format_delta(lo, d->paired.lo),
                   num_format_delta(hi, d->paired.hi), d->paired.n,
                   isnan(d->paired.p) ? "n/a" : num_format(p, d->paired.p));
}

int report_samples_compare(json_t *ctx, const struct view *v)
{
    struct view_samples_cmps cmps;
    json_t *list = json_array();
    size_t i, j;
    int rc = view_samples_compare(v, 3, &cmps);

    if (rc) {
        json_decref(list);
        return rc;
    }
    for (i = 0; i < cmps.len; i++) {
        const struct view_samples_cmp *c = &cmps.items[i];
        const struct view_samples_diff *d = &c->diff;
        char n1[NUM_TEXT_SIZE], n2[NUM_TEXT_SIZE];
        json_t *o = json_object(), *pairs = json_array();
        struct buf t = BUF_INIT;

        json_object_set_new(o, "cmp_tag", json_string(c->tag));
        json_object_set_new(o, "cmp_baseline", json_string(c->baseline->name));
        json_object_set_new(o, "cmp_best", json_string(c->best->name));
        json_object_set_new(o, "both", json_integer(d->both));
        json_object_set_new(o, "scored", json_integer(d->scored));
        json_object_set_new(o, "only_a", json_integer(d->only_a));
        json_object_set_new(o, "only_b", json_integer(d->only_b));
        json_object_set_new(o, "a_better", json_integer(d->a_better));
        json_object_set_new(o, "b_better", json_integer(d->b_better));
        json_object_set_new(o, "tie", json_integer(d->tie));
        if (d->scored) {
            json_object_set_new(o, "mean_a", json_string(num_format(n1,
                                                         d->mean_a)));
            json_object_set_new(o, "mean_b", json_string(num_format(n2,
                                                         d->mean_b)));
            stats_line(&t, d);
            set_text(o, "paired_change", &t);
        }
        for (j = 0; j < d->npairs; j++)
            json_array_append_new(pairs, pair_json(c, j));
        json_object_set_new(o, "cmp_pairs", pairs);
        json_array_append_new(list, o);
        buf_release(&t);
    }
    json_object_set_new(ctx, "has_samples_compare",
                        json_boolean(json_array_size(list) > 0));
    json_object_set_new(ctx, "samples_compare", list);
    view_samples_cmps_release(&cmps);
    return 0;
}
