/* SPDX-License-Identifier: MIT */
/*
 * Text for a terminal: any bytes made safe to print, measured in display
 * columns, folded when long and wrapped to a width.
 *
 * Safe: the text is data (a model's output), so nothing in it may act on
 * the terminal. Newlines break lines and a tab is four spaces; every other
 * control character (C0, DEL, C1), the bidirectional and zero-width
 * formatting characters (U+200B..U+200F, U+202A..U+202E, U+2060..U+2069,
 * U+FEFF) are shown as escapes ("\x1b", "\u202e"), and each byte that is
 * not part of well-formed UTF-8 as "\xff". What is printed is always valid
 * UTF-8 without a control character.
 *
 * Width: East Asian wide and fullwidth characters and emoji take two
 * columns, combining marks none, everything else one (a fixed table: the
 * result does not depend on the locale).
 */
#ifndef LABLOG_UTIL_WRAP_H
#define LABLOG_UTIL_WRAP_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/* Display columns of a code point (0, 1 or 2). */
int wrap_char_width(uint32_t cp);

struct wrap_line {
    char *text;   /* safe UTF-8, NUL-terminated, owned */
    size_t width; /* display columns */
};

struct wrap {
    struct wrap_line *lines;
    size_t len, cap;
    size_t chars;   /* characters of the input (a bad byte counts one) */
    size_t shown;   /* characters shown before the fold */
};

#define WRAP_INIT { NULL, 0, 0, 0, 0 }

/*
 * Appends the len bytes at s to w as lines of at most width columns
 * (width >= 8), breaking at spaces where it can. When the text has more
 * than max_chars characters or would take more than max_lines lines (0:
 * no limit), it is cut there and the last line ends with
 * "… (3,400 more characters)". An empty text gives one empty line.
 */
void wrap_text(struct wrap *w, const char *s, size_t len, size_t width,
               size_t max_chars, size_t max_lines);

/*
 * Appends s made safe as wrap_text() does (escapes for control, format and
 * bad bytes) but unwrapped: newlines and tabs stay. At most max_chars
 * characters (0: all); *chars_out (if not NULL) receives the number of
 * characters of the whole input, *shown_out those appended.
 */
void wrap_safe(struct buf *out, const char *s, size_t len, size_t max_chars,
               size_t *chars_out, size_t *shown_out);

/* Frees the lines; w is WRAP_INIT afterwards. */
void wrap_release(struct wrap *w);

/* Formats n with thousands separators ("3,400") into out (32 bytes). */
char *wrap_thousands(char out[32], size_t n);

#endif
