/* SPDX-License-Identifier: MIT */
/*
 * The weekly meeting deck (see deck.h): the document around the slides.
 * deck_build() plans the deck (plan.c), starts a libharu document with
 * its fonts, adds the slides in order (slides.c, results.c), then the
 * footers and the document's info, and saves it; the outline's bookmarks
 * are made here for every file.
 *
 * libharu reports errors through a handler that only records the first
 * one here; after an error every later call fails harmlessly, and the
 * build checks the record before saving. Handles libharu returns are never
 * dereferenced by the deck's files, so a failed call cannot crash them.
 */
#include "slides/deck.h"

#include <hpdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "slides/deck_impl.h"
#include "util/err.h"
#include "util/font.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* ---- libharu plumbing --------------------------------------------------- */

static void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no,
                     void *user_data)
{
    struct deck *d = user_data;

    if (!d->error_no) {
        d->error_no = error_no;
        d->detail_no = detail_no;
    }
}

int deck_pdf_failed(const struct deck *d)
{
    return d->error_no != 0;
}

static int pdf_error(const struct deck *d)
{
    return ll_error(LL_ERR, "cannot write the deck: libharu error 0x%04X "
                    "(detail %u)", (unsigned)d->error_no,
                    (unsigned)d->detail_no);
}

static HPDF_Font load_font(struct deck *d, const char *path)
{
    const char *name = HPDF_LoadTTFontFromFile(d->pdf, path, HPDF_TRUE);

    return name ? HPDF_GetFont(d->pdf, name, "UTF-8") : NULL;
}

/* DejaVu Sans regular and bold (required) and DejaVu Sans Mono for code
 * (the regular face when there is none). */
static int load_fonts(struct deck *d)
{
    char *regular = NULL, *bold = NULL, *mono = NULL;
    int rc = font_find(&regular, FONT_DEFAULT_FAMILY, 0);

    if (rc == 0)
        rc = font_find(&bold, FONT_DEFAULT_FAMILY, 1);
    if (rc)
        goto cleanup;
    d->font = load_font(d, regular);
    d->bold = strcmp(bold, regular) ? load_font(d, bold) : d->font;
    d->mono = d->font;
    d->font_path[0] = xstrdup(regular);
    d->font_path[1] = xstrdup(bold);
    d->font_path[2] = xstrdup(regular);
    if (font_find(&mono, "DejaVu Sans Mono", 0) == 0
        && strcmp(mono, regular) != 0 && strcmp(mono, bold) != 0) {
        d->mono = load_font(d, mono);
        free(d->font_path[2]);
        d->font_path[2] = xstrdup(mono);
    }
    ll_error_clear();
cleanup:
    free(regular);
    free(bold);
    free(mono);
    return rc;
}

HPDF_Font deck_fallback_font(struct deck *d, int k)
{
    const char *path, *name;
    int index = 0;

    if (k < 1)
        return NULL;
    if ((size_t)k > d->nfallback) {
        d->fallback = xrealloc(d->fallback, (size_t)k * sizeof(*d->fallback));
        memset(d->fallback + d->nfallback, 0,
               ((size_t)k - d->nfallback) * sizeof(*d->fallback));
        d->nfallback = (size_t)k;
    }
    if (!d->fallback[k - 1] && !deck_pdf_failed(d)) {
        path = font_fallback_file(k, &index);
        if (!path)
            return NULL;
        /* Embedded, as the main fonts are: the deck reads the same
         * everywhere. A .ttc needs the face index. */
        name = strstr(path, ".ttc") || strstr(path, ".TTC")
                   ? HPDF_LoadTTFontFromFile2(d->pdf, path, (HPDF_UINT)index,
                                              HPDF_TRUE)
                   : HPDF_LoadTTFontFromFile(d->pdf, path, HPDF_TRUE);
        d->fallback[k - 1] = name ? HPDF_GetFont(d->pdf, name, "UTF-8")
                                  : NULL;
    }
    return d->fallback[k - 1];
}

HPDF_Outline deck_bookmark(struct deck *d, HPDF_Outline parent,
                           const char *title)
{
    HPDF_Outline o;
    HPDF_Destination dst;

    if (deck_pdf_failed(d))
        return NULL;
    o = HPDF_CreateOutline(d->pdf, parent, title,
                           HPDF_GetCurrentEncoder(d->pdf));
    dst = o ? HPDF_Page_CreateDestination(d->page) : NULL;
    if (dst)
        HPDF_Outline_SetDestination(o, dst);
    return o;
}

/* ---- words for the period ----------------------------------------------- */

/* A period bound: the date when it is a local midnight, else date and
 * time. An exclusive end at midnight shows the day before. */
static void format_bound(char out[TIME_SHORT_SIZE], int64_t ms, int end)
{
    if (time_day_start(ms, 0) == ms)
        time_format_date(out, end ? ms - 1 : ms);
    else
        time_format_short(out, ms);
}

/* The period's bounds, and the period as one text: "2026-11-20" for one
 * day, else "2026-11-13 – 2026-11-20". */
static void format_period(struct deck *d)
{
    int64_t since = d->v->since ? d->v->since : d->v->first_ts;
    int64_t until = d->v->until ? d->v->until : d->o->now;

    format_bound(d->since, since, 0);
    format_bound(d->until, until, 1);
    if (strcmp(d->since, d->until) == 0)
        snprintf(d->period, sizeof(d->period), "%s", d->since);
    else
        snprintf(d->period, sizeof(d->period), "%s \xe2\x80\x93 %s",
                 d->since, d->until);
}

/* ---- the document ------------------------------------------------------- */

static void set_info(struct deck *d)
{
    struct buf subject = BUF_INIT;
    time_t secs = (time_t)(d->o->now / 1000);
    struct tm tm;
    HPDF_Date date;

    if (deck_pdf_failed(d))
        return;
    gmtime_r(&secs, &tm);
    memset(&date, 0, sizeof(date));
    date.year = tm.tm_year + 1900;
    date.month = tm.tm_mon + 1;
    date.day = tm.tm_mday;
    date.hour = tm.tm_hour;
    date.minutes = tm.tm_min;
    date.seconds = tm.tm_sec;
    date.ind = 'Z';
    buf_printf(&subject, "Weekly meeting, %s", d->period);
    HPDF_SetInfoAttr(d->pdf, HPDF_INFO_TITLE, d->title);
    if (d->o->author)
        HPDF_SetInfoAttr(d->pdf, HPDF_INFO_AUTHOR, d->o->author);
    HPDF_SetInfoAttr(d->pdf, HPDF_INFO_SUBJECT, subject.ptr);
    HPDF_SetInfoAttr(d->pdf, HPDF_INFO_CREATOR, "lablog slides");
    HPDF_SetInfoDateAttr(d->pdf, HPDF_INFO_CREATION_DATE, date);
    HPDF_SetInfoDateAttr(d->pdf, HPDF_INFO_MOD_DATE, date);
    buf_release(&subject);
}

static int save(struct deck *d, struct buf *out)
{
    HPDF_UINT32 size, got;
    size_t old = out->len;

    if (deck_pdf_failed(d) || HPDF_SaveToStream(d->pdf) != HPDF_OK)
        return pdf_error(d);
    size = HPDF_GetStreamSize(d->pdf);
    HPDF_ResetStream(d->pdf);
    buf_grow(out, size);
    got = size;
    if (HPDF_ReadFromStream(d->pdf, (HPDF_BYTE *)out->ptr + old, &got)
        != HPDF_OK || got != size || deck_pdf_failed(d)) {
        out->ptr[old] = '\0';
        return pdf_error(d);
    }
    out->len = old + size;
    out->ptr[out->len] = '\0';
    return 0;
}

static int build_slides(struct deck *d)
{
    struct agenda a = { 0 };
    int rc = 0;

    slide_title(d);
    if (d->v->nentries == 0) {
        slide_empty(d);
        return 0;
    }
    rc = samples_prepare(d, d->o->samples);
    if (rc)
        return rc;
    agenda_build(&a, d);
    slide_agenda(d, &a);
    agenda_release(&a);
    slide_tldr(d);
    rc = slides_results(d);
    if (rc == 0)
        slides_samples(d);
    if (rc == 0) {
        slide_next(d);
        if (d->v->questions_open.len)
            slide_questions(d);
        if (plan_has_blockers(d->v))
            slide_blockers(d);
        if (d->plan.nappendix)
            slide_appendix(d);
        if (slides_have_runs(d->v))
            slide_runs(d);
    }
    return rc;
}

static int setup(struct deck *d)
{
    d->pdf = HPDF_New(on_error, d);
    if (!d->pdf)
        return ll_error(LL_ERR, "cannot write the deck: libharu could not "
                        "start");
    HPDF_SetCompressionMode(d->pdf, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(d->pdf);
    HPDF_SetCurrentEncoder(d->pdf, "UTF-8");
    HPDF_SetPageMode(d->pdf, HPDF_PAGE_MODE_USE_OUTLINE);
    return load_fonts(d);
}

int deck_build(struct buf *out, int *pages_out, const struct view *v,
               const struct deck_opts *o)
{
    struct deck d;
    int rc;

    memset(&d, 0, sizeof(d));
    d.v = v;
    d.o = o;
    d.title = o->title ? o->title : v->project ? v->project : "lablog";
    buf_init(&d.scratch);
    buf_init(&d.run);
    buf_init(&d.footer);
    format_period(&d);
    buf_printf(&d.footer, "%s \xc2\xb7 %s", d.title, d.period);
    plan_build(&d.plan, v, (size_t)(o->minutes / 5 > 3 ? o->minutes / 5 : 3));
    rc = setup(&d);
    if (rc == 0 && deck_pdf_failed(&d))
        rc = pdf_error(&d);
    if (rc == 0)
        rc = build_slides(&d);
    if (rc == 0) {
        draw_footers(&d);
        set_info(&d);
        rc = save(&d, out);
    }
    if (rc == 0)
        *pages_out = (int)d.npages;
    if (d.pdf)
        HPDF_Free(d.pdf);
    free(d.pages);
    free(d.fallback);
    free(d.font_path[0]);
    free(d.font_path[1]);
    free(d.font_path[2]);
    buf_release(&d.scratch);
    buf_release(&d.run);
    buf_release(&d.footer);
    samples_release(&d);
    plan_release(&d.plan);
    return rc;
}
