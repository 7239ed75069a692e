/* SPDX-License-Identifier: MIT */
/*
 * Markdown (notes, next steps, hypotheses) as styled text for the slides:
 * cmark parses it, and its nodes become blocks of runs that
 * slides/layout.h wraps. **strong** becomes MD_BOLD, *emphasis* MD_EM,
 * `code` MD_CODE; lists become blocks with a marker ("•", "–", "3.") and a
 * nesting level; headings are bold paragraphs; code blocks keep their line
 * breaks. Links show their text, images their alt text, and raw HTML its
 * source as plain text. Typographic quotes and dashes are applied
 * (CMARK_OPT_SMART), and invalid UTF-8 becomes U+FFFD.
 */
#ifndef LABLOG_SLIDES_MD_H
#define LABLOG_SLIDES_MD_H

#include <stddef.h>

#include "slides/layout.h"
#include "util/buf.h"

/* Style bits of a run (layout_run.style). */
#define MD_BOLD 1
#define MD_EM 2
#define MD_CODE 4

/* One paragraph-like block. */
struct md_block {
    int level;           /* list nesting: 0 outside lists, 1 in a list... */
    char marker[16];     /* "" or the list marker of an item's first block */
    struct layout_run *runs; /* text borrowed from text below */
    size_t nruns;
    struct buf text;     /* the block's bytes */
};

/* A parsed document. Zero-initialise; free with md_doc_release(). */
struct md_doc {
    struct md_block *blocks;
    size_t nblocks, cap;
};

/*
 * Parses len bytes of Markdown and appends its blocks to doc. Blank text
 * gives no blocks. Never fails (cmark aborts on out-of-memory, like
 * xalloc).
 */
void md_parse(struct md_doc *doc, const char *text, size_t len);

/* Appends one block holding text as a single run of style (plain text,
 * not parsed). */
void md_plain(struct md_doc *doc, const char *text, int style);

/* Appends text as a run of style to the end of the last block (a new
 * block when there is none), e.g. a muted " — exp-name" after a note. */
void md_append(struct md_doc *doc, const char *text, int style);

/* The text of all blocks without styles, blocks joined by " " (for
 * one-line uses such as table cells and the outline); appended to out. */
void md_flatten(const struct md_doc *doc, struct buf *out);

void md_doc_release(struct md_doc *doc);

#endif
