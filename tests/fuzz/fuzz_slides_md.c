/* SPDX-License-Identifier: MIT */
/*
 * The slide Markdown layout: the input parsed as a note (md_parse), each
 * block wrapped to a width from the first byte with a measure that gives
 * every byte a width by style, truncated to a few lines, ellipsized, and
 * flattened. Every fragment must lie inside its run, and every wrapped
 * line that holds more than one fragment must fit the width.
 */
#include <string.h>

#include "fuzz.h"
#include "slides/layout.h"
#include "slides/md.h"
#include "util/buf.h"

static double measure(void *ctx, int style, const char *s, size_t len)
{
    size_t i;
    double w = 0;

    (void)ctx;
    for (i = 0; i < len; i++)
        w += ((unsigned char)s[i] & 0xc0) == 0x80 ? 0
             : s[i] == ' '                        ? 3
             : (style & MD_CODE)                  ? 6
             : (style & MD_BOLD)                  ? 5.5
                                                  : 5;
    return w;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct md_doc doc = { NULL, 0, 0 };
    struct buf flat = BUF_INIT;
    double width;
    size_t i, k;

    if (size < 1)
        return 0;
    width = 1 + data[0] * 2.0;
    md_parse(&doc, (const char *)data + 1, size - 1);
    md_append(&doc, " \xe2\x80\x94 exp", MD_EM);
    for (i = 0; i < doc.nblocks; i++) {
        const struct md_block *b = &doc.blocks[i];
        struct layout_text t = { NULL, 0, 0, NULL, 0, 0, 0 };
        int cut = 0;

        layout_wrap(&t, b->runs, b->nruns, width, measure, NULL);
        for (k = 0; k < t.nfrags; k++) {
            const struct layout_frag *f = &t.frags[k];

            FUZZ_CHECK(f->run < b->nruns);
            FUZZ_CHECK(f->off + f->len <= b->runs[f->run].len);
        }
        for (k = 0; k < t.nlines; k++)
            FUZZ_CHECK(t.lines[k].nfrags <= 1
                       || t.lines[k].w <= width + 1e-6);
        layout_truncate(&t, 1 + data[0] % 4, width, b->runs, measure, NULL);
        for (k = 0; k < t.nfrags; k++)
            FUZZ_CHECK(t.frags[k].off + t.frags[k].len
                       <= b->runs[t.frags[k].run].len);
        layout_text_release(&t);
        for (k = 0; k < b->nruns; k++)
            FUZZ_CHECK(layout_ellipsize(b->runs[k].text, b->runs[k].len,
                                        b->runs[k].style, width, measure,
                                        NULL, &cut)
                       <= b->runs[k].len);
    }
    md_flatten(&doc, &flat);
    buf_release(&flat);
    md_doc_release(&doc);
    return 0;
}
