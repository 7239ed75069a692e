/* SPDX-License-Identifier: MIT */
/*
 * Charts: the output side (see chart.h). This file owns the process-wide
 * FreeType font faces, checks the options, and turns one drawing
 * (chart_line.c, chart_bar.c) into PNG, SVG, PDF or raw RGB bytes in a
 * struct buf.
 */
#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plot/chart_impl.h"
#include "util/err.h"
#include "util/font.h"
#include "util/xalloc.h"

/* --- fonts --------------------------------------------------------------- */

static struct {
    FT_Library lib;               /* NULL until the first render */
    cairo_font_face_t *face[2];   /* regular, bold */
    char *path[2];                /* their files, for glyph fallback */
    cairo_font_face_t **fallback; /* fallback k is fallback[k - 1] (NULL:
                                     not loaded yet, or failed) */
    size_t nfallback;
} fonts;

static const cairo_user_data_key_t ft_face_key;

static void done_face(void *face)
{
    FT_Done_Face((FT_Face)face);
}

/* A cairo face for the font file at path (face index in a collection). */
static int open_face(cairo_font_face_t **out, const char *path, int index)
{
    FT_Face ft = NULL;
    cairo_font_face_t *face = NULL;
    int rc = 0;

    if (FT_New_Face(fonts.lib, path, index, &ft) != 0)
        return ll_error(LL_EIO, "cannot load font '%s'", path);
    face = cairo_ft_font_face_create_for_ft_face(ft, 0);
    /* The FT_Face must live as long as cairo's face: cairo frees it. */
    if (cairo_font_face_set_user_data(face, &ft_face_key, ft, done_face) !=
        CAIRO_STATUS_SUCCESS) {
        rc = ll_error(LL_ERR, "cairo: cannot attach font '%s'", path);
        cairo_font_face_destroy(face);
        FT_Done_Face(ft);
        return rc;
    }
    *out = face;
    return 0;
}

cairo_font_face_t *chart_font_face(int font, int bold)
{
    const char *path;
    int index = 0;

    if (font <= 0)
        return fonts.face[bold ? 1 : 0];
    if ((size_t)font > fonts.nfallback) {
        size_t n = (size_t)font;

        fonts.fallback = xrealloc(fonts.fallback, n * sizeof(*fonts.fallback));
        memset(fonts.fallback + fonts.nfallback, 0,
               (n - fonts.nfallback) * sizeof(*fonts.fallback));
        fonts.nfallback = n;
    }
    if (!fonts.fallback[font - 1]) {
        path = font_fallback_file(font, &index);
        if (!path || open_face(&fonts.fallback[font - 1], path, index)) {
            ll_error_clear();
            return fonts.face[bold ? 1 : 0]; /* boxes rather than nothing */
        }
    }
    return fonts.fallback[font - 1];
}

const char *chart_font_path(int bold)
{
    return fonts.path[bold ? 1 : 0];
}

static int load_face(cairo_font_face_t **out, int bold)
{
    char *path = NULL;
    FT_Face ft = NULL;
    cairo_font_face_t *face = NULL;
    int rc;

    rc = font_find(&path, FONT_DEFAULT_FAMILY, bold);
    if (rc < 0)
        goto cleanup;
    free(fonts.path[bold ? 1 : 0]);
    fonts.path[bold ? 1 : 0] = xstrdup(path);
    if (FT_New_Face(fonts.lib, path, 0, &ft) != 0) {
        rc = ll_error(LL_EIO, "cannot load font '%s'", path);
        goto cleanup;
    }
    face = cairo_ft_font_face_create_for_ft_face(ft, 0);
    /* The FT_Face must live as long as cairo's face: cairo frees it. */
    if (cairo_font_face_set_user_data(face, &ft_face_key, ft, done_face) !=
        CAIRO_STATUS_SUCCESS) {
        rc = ll_error(LL_ERR, "cairo: cannot attach font '%s'", path);
        goto cleanup;
    }
    ft = NULL;
    *out = face;
    face = NULL;

cleanup:
    if (face)
        cairo_font_face_destroy(face);
    if (ft)
        FT_Done_Face(ft);
    free(path);
    return rc;
}

static int fonts_load(void)
{
    int rc;
    int i;

    if (!fonts.lib && FT_Init_FreeType(&fonts.lib) != 0) {
        fonts.lib = NULL;
        return ll_error(LL_ERR, "cannot initialise FreeType");
    }
    for (i = 0; i < 2; i++) {
        if (fonts.face[i])
            continue;
        rc = load_face(&fonts.face[i], i);
        if (rc < 0)
            return rc;
    }
    return 0;
}

void plot_cleanup(void)
{
    int i;

    for (i = 0; i < 2; i++) {
        if (fonts.face[i])
            cairo_font_face_destroy(fonts.face[i]);
        fonts.face[i] = NULL;
        free(fonts.path[i]);
        fonts.path[i] = NULL;
    }
    for (i = 0; (size_t)i < fonts.nfallback; i++)
        if (fonts.fallback[i])
            cairo_font_face_destroy(fonts.fallback[i]);
    free(fonts.fallback);
    fonts.fallback = NULL;
    fonts.nfallback = 0;
    /* Drops cairo's font caches, whose last references free the FT faces
     * (done_face), before the library they belong to goes. */
    cairo_debug_reset_static_data();
    if (fonts.lib)
        FT_Done_FreeType(fonts.lib);
    fonts.lib = NULL;
    font_cleanup();
}

/* --- rendering ----------------------------------------------------------- */

void chart_pixel_size(const struct chart *c, int *width_out,
                      int *height_out)
{
    *width_out = (int)ceil(c->o.width * c->o.scale - 1e-9);
    *height_out = (int)ceil(c->o.height * c->o.scale - 1e-9);
}

static int check_opts(const struct chart *c)
{
    const struct chart_opts *o = &c->o;
    double most = CHART_MAX_PIXELS;

    if (!(o->smooth >= 0 && o->smooth < 1))
        return ll_error(LL_EINPUT,
                        "smoothing weight must be in [0, 1), got %g",
                        o->smooth);
    if (!(o->width >= 16 && o->height >= 16 && o->scale > 0 &&
          o->width * o->scale <= most && o->height * o->scale <= most &&
          o->width <= most && o->height <= most))
        return ll_error(LL_EINPUT,
                        "chart size %gx%g pt at scale %g is out of range "
                        "(16 pt to %g pixels a side)",
                        o->width, o->height, o->scale, most);
    if (!(o->font_size >= 2 && o->font_size <= 72))
        return ll_error(LL_EINPUT, "font size %g pt is out of range",
                        o->font_size);
    return 0;
}

static cairo_status_t write_buf(void *closure, const unsigned char *data,
                                unsigned int len)
{
    buf_put(closure, data, len);
    return CAIRO_STATUS_SUCCESS;
}

static int draw(const struct chart *c, cairo_t *cr)
{
    struct frame f;
    cairo_font_options_t *fo;
    int rc;

    memset(&f, 0, sizeof(f));
    f.cr = cr;
    f.c = c;
    f.face[0] = fonts.face[0];
    f.face[1] = fonts.face[1];
    f.fs = c->o.font_size;
    /* Unhinted metrics: text measures the same in PNG, SVG and PDF. */
    fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
    f.hline_box = xcalloc(c->nhlines + 1, sizeof(*f.hline_box));
    rc = c->kind == CHART_LINE ? chart_line_draw(&f) : chart_bar_draw(&f);
    free(f.hline_box);
    free(f.y_title);
    return rc;
}

static int cairo_failed(cairo_status_t st)
{
    return ll_error(LL_ERR, "cairo: %s", cairo_status_to_string(st));
}

/* Copies the image surface into out as packed 8-bit RGB. */
static void put_rgb(cairo_surface_t *surface, struct buf *out)
{
    const unsigned char *data = cairo_image_surface_get_data(surface);
    int w = cairo_image_surface_get_width(surface);
    int h = cairo_image_surface_get_height(surface);
    int stride = cairo_image_surface_get_stride(surface);
    unsigned char *dst;
    int x;
    int y;

    buf_grow(out, (size_t)w * (size_t)h * 3);
    dst = (unsigned char *)out->ptr + out->len;
    for (y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(data + (size_t)y * stride);
        for (x = 0; x < w; x++) {
            *dst++ = (unsigned char)(row[x] >> 16);
            *dst++ = (unsigned char)(row[x] >> 8);
            *dst++ = (unsigned char)row[x];
        }
    }
    out->len += (size_t)w * (size_t)h * 3;
    out->ptr[out->len] = '\0';
}

/* cairo stamps PDFs with the current time; SOURCE_DATE_EPOCH (the
 * reproducible-builds convention) pins it, so golden files can compare. */
static void pin_pdf_date(cairo_surface_t *s)
{
    const char *env = getenv("SOURCE_DATE_EPOCH");
    char *end;
    time_t t;
    struct tm tm;
    char date[32];

    if (!env || !*env)
        return;
    t = (time_t)strtoll(env, &end, 10);
    if (*end || !gmtime_r(&t, &tm))
        return;
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
}

static cairo_surface_t *make_surface(const struct chart *c,
                                     enum chart_format fmt, struct buf *out)
{
    cairo_surface_t *s;
    int w;
    int h;

    switch (fmt) {
    case CHART_SVG:
        s = cairo_svg_surface_create_for_stream(write_buf, out, c->o.width,
                                                c->o.height);
        cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PT);
        return s;
    case CHART_PDF:
        s = cairo_pdf_surface_create_for_stream(write_buf, out, c->o.width,
                                                c->o.height);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR,
                                       "lablog");
        if (c->title)
            cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE,
                                           c->title);
        pin_pdf_date(s);
        return s;
    case CHART_PNG:
    case CHART_RGB:
    default:
        chart_pixel_size(c, &w, &h);
        s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
        cairo_surface_set_device_scale(s, c->o.scale, c->o.scale);
        return s;
    }
}

int chart_render(struct chart *c, enum chart_format fmt, struct buf *out)
{
    size_t old_len = out->len;
    cairo_surface_t *surface = NULL;
    cairo_t *cr = NULL;
    cairo_status_t st;
    int rc;

    rc = check_opts(c);
    if (rc < 0)
        goto cleanup;
    chart_finish_points(c);
    rc = c->kind == CHART_LINE ? chart_line_check(c) : chart_bar_check(c);
    if (rc < 0)
        goto cleanup;
    rc = fonts_load();
    if (rc < 0)
        goto cleanup;
    surface = make_surface(c, fmt, out);
    st = cairo_surface_status(surface);
    if (st != CAIRO_STATUS_SUCCESS) {
        rc = cairo_failed(st);
        goto cleanup;
    }
    cr = cairo_create(surface);
    rc = draw(c, cr);
    if (rc < 0)
        goto cleanup;
    st = cairo_status(cr);
    if (st != CAIRO_STATUS_SUCCESS) {
        rc = cairo_failed(st);
        goto cleanup;
    }
    cairo_destroy(cr);
    cr = NULL;
    cairo_surface_flush(surface);
    if (fmt == CHART_PNG)
        st = cairo_surface_write_to_png_stream(surface, write_buf, out);
    else if (fmt == CHART_RGB)
        put_rgb(surface, out);
    else
        cairo_surface_finish(surface); /* writes the document */
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(surface);
    if (st != CAIRO_STATUS_SUCCESS)
        rc = cairo_failed(st);

cleanup:
    if (cr)
        cairo_destroy(cr);
    if (surface)
        cairo_surface_destroy(surface);
    if (rc < 0)
        buf_truncate(out, old_len);
    return rc;
}
