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

void font_cleanup(void)
{
    FcFini();
}
