/* SPDX-License-Identifier: MIT */
/*
 * Terminal output of `lablog samples show` and `samples diff`
 * (cli/samples_print.c). Text is appended to a buffer the command writes.
 */
#ifndef LABLOG_CLI_SAMPLES_PRINT_H
#define LABLOG_CLI_SAMPLES_PRINT_H

#include <math.h>
#include <stddef.h>

#include "view/samples.h"

struct buf;

/* Columns to wrap to: the terminal's width on a tty, else $COLUMNS, else
 * 80. */
size_t samples_term_width(void);

/* One example: a headline (row, id, score, label; prefix first when not
 * NULL) and its fields wrapped to width, long ones folded unless full. */
void samples_print_row(struct buf *out, const struct view_sample_row *r,
                       const char *prefix, size_t width, int full);

/* One diff pair: its id and score change, the input (and target) once,
 * then the two outputs side by side (stacked below 70 columns). */
void samples_print_pair(struct buf *out, const struct view_samples_pair *p,
                        const struct view_sample_row *a,
                        const struct view_sample_row *b, const char *name_a,
                        const char *name_b, size_t width, int full);

#endif
