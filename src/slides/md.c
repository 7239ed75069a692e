/* SPDX-License-Identifier: MIT */
/*
 * Markdown to styled runs for the slides (see md.h): one walk over cmark's
 * node tree, opening a block at each paragraph, heading, code block or
 * HTML block, and appending the inline text with the style of the
 * emphasis around it.
 */
#include "slides/md.h"

#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* Deepest list nesting with its own bullet; deeper levels reuse the last. */
#define MAX_BULLETS 3
#define MAX_LISTS 16

struct list_state {
    int ordered;
    int next;      /* the next item's number */
    char delim;    /* '.' or ')' */
};

struct md_state {
    struct md_doc *doc;
    struct md_block *cur; /* the open block, or NULL */
    size_t *offs;         /* run start offsets into cur->text */
    size_t cap_offs, cap_runs;
    int base;             /* the open block's own style (heading: bold) */
    int strong, emph;     /* nesting counts */
    struct list_state lists[MAX_LISTS];
    int nlists;           /* open lists (may exceed MAX_LISTS) */
    int quotes;           /* open block quotes */
    char marker[16];      /* waiting for the item's first block */
};

static const char *const bullets[MAX_BULLETS] = {
    "\xe2\x80\xa2", /* U+2022 bullet */
    "\xe2\x80\x93", /* U+2013 en dash */
    "\xe2\x97\xa6", /* U+25E6 white bullet */
};

static void open_block(struct md_state *st, int base)
{
    struct md_doc *doc = st->doc;

    XGROW(doc->blocks, doc->nblocks + 1, doc->cap);
    st->cur = &doc->blocks[doc->nblocks++];
    memset(st->cur, 0, sizeof(*st->cur));
    buf_init(&st->cur->text);
    st->cur->level = st->nlists + st->quotes;
    snprintf(st->cur->marker, sizeof(st->cur->marker), "%s", st->marker);
    st->marker[0] = '\0';
    st->cap_runs = 0;
    st->base = base | (st->quotes ? MD_EM : 0);
}

/* Ends the open block: drops trailing newlines and points the runs at the
 * block's final text. */
static void close_block(struct md_state *st)
{
    struct md_block *b = st->cur;
    size_t i;

    if (!b)
        return;
    while (b->text.len && b->text.ptr[b->text.len - 1] == '\n') {
        buf_truncate(&b->text, b->text.len - 1);
        if (b->nruns && b->runs[b->nruns - 1].len)
            b->runs[b->nruns - 1].len--;
        if (b->nruns && b->runs[b->nruns - 1].len == 0)
            b->nruns--;
    }
    for (i = 0; i < b->nruns; i++)
        b->runs[i].text = b->text.ptr + st->offs[i];
    st->cur = NULL;
}

static void add_text(struct md_state *st, const char *s, size_t len,
                     int style)
{
    struct md_block *b = st->cur;
    struct layout_run *r;

    if (!b || len == 0)
        return;
    style |= st->base;
    r = b->nruns ? &b->runs[b->nruns - 1] : NULL;
    if (!r || r->style != style) {
        XGROW(b->runs, b->nruns + 1, st->cap_runs);
        XGROW(st->offs, b->nruns + 1, st->cap_offs);
        r = &b->runs[b->nruns];
        st->offs[b->nruns++] = b->text.len;
        r->text = NULL;
        r->len = 0;
        r->style = style;
    }
    buf_put(&b->text, s, len);
    r->len += len;
}

static int inline_style(const struct md_state *st)
{
    return (st->strong ? MD_BOLD : 0) | (st->emph ? MD_EM : 0);
}

static void enter_list(struct md_state *st, cmark_node *node)
{
    if (st->nlists < MAX_LISTS) {
        struct list_state *l = &st->lists[st->nlists];

        l->ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
        l->next = cmark_node_get_list_start(node);
        l->delim = cmark_node_get_list_delim(node) == CMARK_PAREN_DELIM
                   ? ')' : '.';
    }
    st->nlists++;
}

static void enter_item(struct md_state *st)
{
    int depth = st->nlists < MAX_LISTS ? st->nlists : MAX_LISTS;
    struct list_state *l = &st->lists[depth - 1];

    if (l->ordered)
        snprintf(st->marker, sizeof(st->marker), "%d%c", l->next++,
                 l->delim);
    else
        snprintf(st->marker, sizeof(st->marker), "%s",
                 bullets[(depth - 1) < MAX_BULLETS ? depth - 1
                                                   : MAX_BULLETS - 1]);
}

/* A block whose whole text is the node's literal (code, raw HTML). */
static void literal_block(struct md_state *st, cmark_node *node, int style)
{
    const char *lit = cmark_node_get_literal(node);

    close_block(st);
    open_block(st, 0);
    add_text(st, lit ? lit : "", lit ? strlen(lit) : 0, style);
    close_block(st);
}

static void leaf(struct md_state *st, cmark_node *node)
{
    const char *lit = cmark_node_get_literal(node);
    size_t len = lit ? strlen(lit) : 0;

    switch (cmark_node_get_type(node)) {
    case CMARK_NODE_TEXT:
        add_text(st, lit, len, inline_style(st));
        break;
    case CMARK_NODE_CODE:
        add_text(st, lit, len, inline_style(st) | MD_CODE);
        break;
    case CMARK_NODE_HTML_INLINE:
        add_text(st, lit, len, inline_style(st));
        break;
    case CMARK_NODE_SOFTBREAK:
        add_text(st, " ", 1, inline_style(st));
        break;
    case CMARK_NODE_LINEBREAK:
        add_text(st, "\n", 1, inline_style(st));
        break;
    case CMARK_NODE_CODE_BLOCK:
        literal_block(st, node, MD_CODE);
        break;
    case CMARK_NODE_HTML_BLOCK:
        literal_block(st, node, 0);
        break;
    default:
        break;
    }
}

static void visit(struct md_state *st, cmark_node *node, int enter)
{
    int d = enter ? 1 : -1;

    switch (cmark_node_get_type(node)) {
    case CMARK_NODE_PARAGRAPH:
    case CMARK_NODE_HEADING:
        if (enter)
            open_block(st, cmark_node_get_type(node) == CMARK_NODE_HEADING
                           ? MD_BOLD : 0);
        else
            close_block(st);
        break;
    case CMARK_NODE_STRONG:
        st->strong += d;
        break;
    case CMARK_NODE_EMPH:
        st->emph += d;
        break;
    case CMARK_NODE_LIST:
        if (enter)
            enter_list(st, node);
        else
            st->nlists--;
        break;
    case CMARK_NODE_ITEM:
        if (enter)
            enter_item(st);
        else
            st->marker[0] = '\0';
        break;
    case CMARK_NODE_BLOCK_QUOTE:
        st->quotes += d;
        break;
    default:
        if (enter)
            leaf(st, node);
        break;
    }
}

void md_parse(struct md_doc *doc, const char *text, size_t len)
{
    struct md_state st;
    cmark_node *root = cmark_parse_document(
        text, len, CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_SMART);
    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;

    memset(&st, 0, sizeof(st));
    st.doc = doc;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
        visit(&st, cmark_iter_get_node(it), ev == CMARK_EVENT_ENTER);
    close_block(&st);
    cmark_iter_free(it);
    cmark_node_free(root);
    free(st.offs);
}

void md_plain(struct md_doc *doc, const char *text, int style)
{
    struct md_state st;

    memset(&st, 0, sizeof(st));
    st.doc = doc;
    open_block(&st, 0);
    add_text(&st, text, strlen(text), style);
    close_block(&st);
    free(st.offs);
}

void md_append(struct md_doc *doc, const char *text, int style)
{
    struct md_block *b;
    size_t len = strlen(text), i, off;

    if (doc->nblocks == 0) {
        md_plain(doc, text, style);
        return;
    }
    b = &doc->blocks[doc->nblocks - 1];
    buf_put(&b->text, text, len);
    b->runs = xrealloc(b->runs, (b->nruns + 1) * sizeof(*b->runs));
    b->runs[b->nruns].len = len;
    b->runs[b->nruns].style = style;
    b->runs[b->nruns++].text = NULL;
    /* The text may have moved: point every run at it again. */
    for (i = 0, off = 0; i < b->nruns; off += b->runs[i++].len)
        b->runs[i].text = b->text.ptr + off;
}

void md_flatten(const struct md_doc *doc, struct buf *out)
{
    size_t i;

    for (i = 0; i < doc->nblocks; i++) {
        if (i > 0)
            buf_putc(out, ' ');
        buf_put(out, doc->blocks[i].text.ptr, doc->blocks[i].text.len);
    }
}

void md_doc_release(struct md_doc *doc)
{
    size_t i;

    for (i = 0; i < doc->nblocks; i++) {
        free(doc->blocks[i].runs);
        buf_release(&doc->blocks[i].text);
    }
    free(doc->blocks);
    memset(doc, 0, sizeof(*doc));
}
