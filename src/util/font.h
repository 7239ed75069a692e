/* SPDX-License-Identifier: MIT */
/*
 * Finding TrueType font files by family name, through fontconfig.
 *
 * The plot code (FreeType + cairo) and the PDF slide code (libharu, which
 * embeds .ttf files) both need a path to a real TrueType file rather than a
 * font name, so that output does not depend on a toy-API fallback. This
 * module asks fontconfig for the family and falls back to the DejaVu Sans
 * files that fonts-dejavu-core installs.
 *
 * Call font_cleanup() once at process exit (after every user of fontconfig,
 * including cairo, is done) so LeakSanitizer sees fontconfig's caches freed.
 */
#ifndef LABLOG_UTIL_FONT_H
#define LABLOG_UTIL_FONT_H

#include <stddef.h>

/* The family the plots and slides use unless told otherwise. */
#define FONT_DEFAULT_FAMILY "DejaVu Sans"

/*
 * Finds a TrueType file for family ("DejaVu Sans"), bold when bold is
 * non-zero, regular otherwise. Only a match whose family is the one asked
 * for counts: fontconfig's silent substitution of another family is
 * ignored. When fontconfig has no such TrueType font, the result is
 * /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf (or DejaVuSans-Bold.ttf)
 * if that file is readable.
 *
 * On success *path_out is a path the caller frees with free(). Returns 0,
 * or LL_ENOTFOUND (with a message) when neither fontconfig nor the fallback
 * gives a readable file; *path_out is then NULL.
 */
int font_find(char **path_out, const char *family, int bold);

/*
 * Glyph fallback: text is drawn in runs, each in one font. Font 0 is the
 * main font (the file main_path); characters it lacks go to the first
 * font fontconfig knows that has them (a CJK font for Chinese, say),
 * numbered from 1 in the order this process first needed them. A
 * character no font has stays in the run around it (drawn as the main
 * font's box). Control characters and ASCII never leave font 0.
 */
typedef void font_run_fn(void *ctx, int font, const char *s, size_t len);

/* Calls fn for each run of s[0..len) (UTF-8; invalid bytes stay in the
 * run they are in), in order. */
void font_runs(const char *main_path, const char *s, size_t len,
               font_run_fn *fn, void *ctx);

/* The file of fallback font k (>= 1) and its face index in a collection
 * (.ttc); NULL for an unknown k. Borrowed until font_cleanup(). */
const char *font_fallback_file(int k, int *index_out);

/* Releases fontconfig's process-wide state (FcFini). Safe to call when
 * font_find() was never called; font_find() may be called again after. */
void font_cleanup(void);

#endif
