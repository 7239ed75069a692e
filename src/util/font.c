/* SPDX-License-Identifier: MIT */
/*
 * Font file lookup through fontconfig (see font.h). fontconfig matching
 * always returns *some* font; we accept its answer only when the family
 * and format are what was asked for, and otherwise use the DejaVu files
 * shipped by fonts-dejavu-core, so that plots and slides look the same on
 * every machine that has them.
 */
#include "util/font.h"

#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/err.h"
#include "util/xalloc.h"

#define FONT_FALLBACK_DIR "/usr/share/fonts/truetype/dejavu/"

/* Non-zero when the matched pattern lists family among its families. */
static int has_family(FcPattern *match, const char *family)
{
    FcChar8 *name;
    int i;

    for (i = 0; FcPatternGetString(match, FC_FAMILY, i, &name) ==
                FcResultMatch; i++) {
        if (strcasecmp((const char *)name, family) == 0)
            return 1;
    }
    return 0;
}

/* The TrueType file fontconfig matches for family, or NULL. */
static char *match_file(const char *family, int bold)
{
    FcPattern *pat = NULL;
    FcPattern *match = NULL;
    FcResult result;
    FcChar8 *file;
    FcChar8 *format;
    char *path = NULL;

    pat = FcPatternCreate();
    if (!pat)
        goto cleanup;
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    FcPatternAddInteger(pat, FC_WEIGHT,
                        bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
    FcPatternAddInteger(pat, FC_SLANT, FC_SLANT_ROMAN);
    if (!FcConfigSubstitute(NULL, pat, FcMatchPattern))
        goto cleanup;
    FcDefaultSubstitute(pat);
    match = FcFontMatch(NULL, pat, &result);
    if (!match || result != FcResultMatch)
        goto cleanup;
    if (!has_family(match, family))
        goto cleanup;
    if (FcPatternGetString(match, FC_FONTFORMAT, 0, &format) !=
            FcResultMatch ||
        strcmp((const char *)format, "TrueType") != 0)
        goto cleanup;
    if (FcPatternGetString(match, FC_FILE, 0, &file) != FcResultMatch)
        goto cleanup;
    if (access((const char *)file, R_OK) == 0)
        path = xstrdup((const char *)file);

cleanup:
    if (match)
        FcPatternDestroy(match);
    if (pat)
        FcPatternDestroy(pat);
    return path;
}

int font_find(char **path_out, const char *family, int bold)
{
    const char *fallback = bold ? FONT_FALLBACK_DIR "DejaVuSans-Bold.ttf"
                                : FONT_FALLBACK_DIR "DejaVuSans.ttf";

    *path_out = match_file(family, bold);
    if (*path_out)
        return 0;
    if (access(fallback, R_OK) == 0) {
        *path_out = xstrdup(fallback);
        return 0;
    }
    return ll_error(LL_ENOTFOUND,
                    "no TrueType font found for '%s'%s (and no %s; "
                    "install fonts-dejavu-core)",
                    family, bold ? " bold" : "", fallback);
}

/* ---- glyph fallback ----------------------------------------------------- */

/* A font file whose characters are known: the main fonts, and fallbacks
 * (numbered from 1 in fallbacks[]). */
struct charset {
    char *path;
    int index;
    FcCharSet *cs;
};

static struct {
    struct charset *mains;      /* charsets of main fonts asked about */
    size_t nmains, cap_mains;
    struct charset *fallbacks;  /* fallback k is fallbacks[k - 1] */
    size_t nfallbacks, cap_fallbacks;
} cache;

static FcCharSet *query_charset(const char *path, int index)
{
    FcPattern *pat;
    FcCharSet *cs = NULL, *found;
    int count;

    pat = FcFreeTypeQuery((const FcChar8 *)path, index, NULL, &count);
    if (pat && FcPatternGetCharSet(pat, FC_CHARSET, 0, &found)
               == FcResultMatch)
        cs = FcCharSetCopy(found);
    if (pat)
        FcPatternDestroy(pat);
    return cs;
}

static const struct charset *main_charset(const char *path)
{
    struct charset *c;
    size_t i;

    for (i = 0; i < cache.nmains; i++)
        if (strcmp(cache.mains[i].path, path) == 0)
            return &cache.mains[i];
    XGROW(cache.mains, cache.nmains + 1, cache.cap_mains);
    c = &cache.mains[cache.nmains++];
    c->path = xstrdup(path);
    c->index = 0;
    c->cs = query_charset(path, 0);
    return c;
}

static int covers(const struct charset *c, unsigned cp)
{
    return c->cs && FcCharSetHasChar(c->cs, cp);
}

/* The fallback that has cp, found through fontconfig when no known one
 * does; 0 when no TrueType font has it. */
static int fallback_for(unsigned cp)
{
    FcPattern *pat;
    FcCharSet *want;
    FcFontSet *set = NULL;
    FcResult result;
    size_t i;
    int k = 0, f;

    for (i = 0; i < cache.nfallbacks; i++)
        if (covers(&cache.fallbacks[i], cp))
            return (int)i + 1;
    pat = FcPatternCreate();
    want = FcCharSetCreate();
    if (!pat || !want)
        goto cleanup;
    FcCharSetAddChar(want, cp);
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)"sans-serif");
    FcPatternAddCharSet(pat, FC_CHARSET, want);
    if (!FcConfigSubstitute(NULL, pat, FcMatchPattern))
        goto cleanup;
    FcDefaultSubstitute(pat);
    set = FcFontSort(NULL, pat, FcFalse, NULL, &result);
    for (f = 0; set && f < set->nfont && !k; f++) {
        FcPattern *font = set->fonts[f];
        FcCharSet *cs;
        FcChar8 *file, *format;
        int index = 0;

        if (FcPatternGetCharSet(font, FC_CHARSET, 0, &cs) != FcResultMatch
            || !FcCharSetHasChar(cs, cp)
            || FcPatternGetString(font, FC_FONTFORMAT, 0, &format)
               != FcResultMatch
            || strcmp((const char *)format, "TrueType") != 0
            || FcPatternGetString(font, FC_FILE, 0, &file) != FcResultMatch
            || access((const char *)file, R_OK) != 0)
            continue;
        FcPatternGetInteger(font, FC_INDEX, 0, &index);
        XGROW(cache.fallbacks, cache.nfallbacks + 1, cache.cap_fallbacks);
        cache.fallbacks[cache.nfallbacks].path = xstrdup((const char *)file);
        cache.fallbacks[cache.nfallbacks].index = index;
        cache.fallbacks[cache.nfallbacks].cs = FcCharSetCopy(cs);
        k = (int)++cache.nfallbacks;
    }
cleanup:
    if (set)
        FcFontSetDestroy(set);
    if (want)
        FcCharSetDestroy(want);
    if (pat)
        FcPatternDestroy(pat);
    return k;
}

/* Decodes the character at s[*i] (advancing *i); an invalid byte is
 * returned as itself. */
static unsigned next_char(const unsigned char *s, size_t len, size_t *i)
{
    unsigned c = s[*i], cp;
    size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1, k;

    if (n == 1 || *i + n > len) {
        (*i)++;
        return c;
    }
    cp = c & (0xff >> (n + 1));
    for (k = 1; k < n; k++) {
        if ((s[*i + k] & 0xc0) != 0x80) {
            (*i)++;
            return c;
        }
        cp = cp << 6 | (s[*i + k] & 0x3f);
    }
    *i += n;
    return cp;
}

void font_runs(const char *main_path, const char *s, size_t len,
               font_run_fn *fn, void *ctx)
{
    const struct charset *main_cs = NULL;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, start = 0;
    int cur = 0;

    while (i < len) {
        size_t at = i;
        unsigned cp = next_char(u, len, &i);
        int font = cur;

        if (cp >= 0x80 && cp != 0xfffd) {
            if (!main_cs)
                main_cs = main_charset(main_path);
            if (covers(main_cs, cp))
                font = 0;
            else if (!(cur > 0 && covers(&cache.fallbacks[cur - 1], cp))) {
                int k = fallback_for(cp);

                font = k ? k : cur;
            }
        } else if (cp > ' ') {
            font = 0; /* ASCII letters: the main font; spaces: either */
        }
        if (font != cur && at > start) {
            fn(ctx, cur, s + start, at - start);
            start = at;
        }
        cur = font;
    }
    if (len > start)
        fn(ctx, cur, s + start, len - start);
}

const char *font_fallback_file(int k, int *index_out)
{
    if (k < 1 || (size_t)k > cache.nfallbacks)
        return NULL;
    *index_out = cache.fallbacks[k - 1].index;
    return cache.fallbacks[k - 1].path;
}

static void release_charsets(struct charset *c, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(c[i].path);
        if (c[i].cs)
            FcCharSetDestroy(c[i].cs);
    }
    free(c);
}

void font_cleanup(void)
{
    release_charsets(cache.mains, cache.nmains);
    release_charsets(cache.fallbacks, cache.nfallbacks);
    memset(&cache, 0, sizeof(cache));
    FcFini();
}
