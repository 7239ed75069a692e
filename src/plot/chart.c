/* SPDX-License-Identifier: MIT */
/*
 * Charts: the data side and the output side (see chart.h). This file keeps
 * series, bars and reference lines, smooths and decimates points as they
 * arrive, owns the process-wide FreeType font faces, and turns one drawing
 * (chart_line.c, chart_bar.c) into PNG, SVG, PDF or raw RGB bytes.
 */
#include "plot/chart.h"

#include <assert.h>
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

#include "plot/chart_impl.h"
#include "util/err.h"
#include "util/font.h"
#include "util/xalloc.h"

#define MAX_PIXELS 16384.0 /* per side; cairo's own limit is 32767 */

/* --- construction ----------------------------------------------------- */

static char *dup_or_null(const char *s)
{
    return s && *s ? xstrdup(s) : NULL;
}

static struct chart *chart_new(enum chart_kind kind,
                               const struct chart_opts *o)
{
    struct chart *c = xcalloc(1, sizeof(*c));

    c->kind = kind;
    c->o = *o;
    c->title = dup_or_null(o->title);
    c->x_title = dup_or_null(o->x_title);
    c->y_title = dup_or_null(o->y_title);
    c->o.title = c->title;
    c->o.x_title = c->x_title;
    c->o.y_title = c->y_title;
    if (c->o.width == 0)
        c->o.width = 720;
    if (c->o.height == 0)
        c->o.height = 405;
    if (c->o.scale == 0)
        c->o.scale = 2;
    if (c->o.font_size == 0)
        c->o.font_size = 10;
    if (kind == CHART_BAR) {
        c->o.log_y = 0;
        c->o.smooth = 0;
        c->o.x_axis = CHART_X_NUMBER;
    }
    /* One decimator bin per output pixel column of the whole figure: the
     * plot area is narrower, so every pixel column gets at least one bin.
     * Bad sizes are reported by chart_render(); keep the count sane. */
    c->columns = 1;
    if (c->o.width > 0 && c->o.scale > 0 &&
        c->o.width * c->o.scale < MAX_PIXELS)
        c->columns = (size_t)ceil(c->o.width * c->o.scale);
    return c;
}

struct chart *chart_new_line(const struct chart_opts *o)
{
    return chart_new(CHART_LINE, o);
}

struct chart *chart_new_bar(const struct chart_opts *o)
{
    return chart_new(CHART_BAR, o);
}

static void series_free(struct chart_series *s)
{
    decimate_release(&s->raw);
    decimate_release(&s->smooth);
    free(s->pending);
    free(s->label);
    free(s);
}

static void free_strings(char **items, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        free(items[i]);
    free(items);
}

void chart_free(struct chart *c)
{
    size_t i;

    if (!c)
        return;
    for (i = 0; i < c->nseries; i++)
        series_free(c->series[i]);
    free(c->series);
    for (i = 0; i < c->nhlines; i++)
        free(c->hlines[i].label);
    free(c->hlines);
    free(c->bars);
    free_strings(c->groups, c->ngroups);
    free_strings(c->bar_series, c->nbar_series);
    free(c->title);
    free(c->x_title);
    free(c->y_title);
    free(c);
}

/* --- line series -------------------------------------------------------- */

static void series_start(struct chart *c, struct chart_series *s)
{
    decimate_init(&s->raw, c->xmin, c->xmax, c->columns);
    decimate_init(&s->smooth, c->xmin, c->xmax, c->columns);
}

/* Smooths (when asked) and decimates one point, in push order. */
static void series_feed(struct chart_series *s, double smooth, double x,
                        double y)
{
    decimate_push(&s->raw, x, y);
    if (smooth <= 0)
        return;
    if (isfinite(y)) {
        s->ema = s->ema * smooth + (1 - smooth) * y;
        s->ema_decay *= smooth;
        if (s->ema_decay < 1e-30)
            s->ema_decay = 0; /* stay clear of slow subnormals */
        y = s->ema / (1 - s->ema_decay);
    }
    decimate_push(&s->smooth, x, y);
}

void chart_set_xrange(struct chart *c, double xmin, double xmax)
{
    size_t i;
    size_t j;

    assert(c->kind == CHART_LINE && !c->have_xrange);
    assert(xmin <= xmax);
    c->have_xrange = 1;
    c->xmin = xmin;
    c->xmax = xmax;
    for (i = 0; i < c->nseries; i++) {
        struct chart_series *s = c->series[i];
        series_start(c, s);
        for (j = 0; j < s->pending_len; j++)
            series_feed(s, c->o.smooth, s->pending[j].x, s->pending[j].y);
        free(s->pending);
        s->pending = NULL;
        s->pending_len = 0;
        s->pending_cap = 0;
    }
}

struct chart_series *chart_add_series(struct chart *c, const char *label)
{
    struct chart_series *s = xcalloc(1, sizeof(*s));

    assert(c->kind == CHART_LINE);
    s->chart = c;
    s->label = dup_or_null(label);
    s->index = c->nseries;
    s->xmin = s->ymin = INFINITY;
    s->xmax = s->ymax = -INFINITY;
    s->ema_decay = 1;
    if (c->have_xrange)
        series_start(c, s);
    XGROW(c->series, c->nseries + 1, c->series_cap);
    c->series[c->nseries++] = s;
    return s;
}

void chart_series_push(struct chart_series *s, double x, double y)
{
    struct chart *c = s->chart;

    if (!isfinite(x))
        return;
    s->xmin = fmin(s->xmin, x);
    s->xmax = fmax(s->xmax, x);
    if (isfinite(y)) {
        s->n_finite++;
        if (y <= 0)
            s->n_nonpos++;
        s->ymin = fmin(s->ymin, y);
        s->ymax = fmax(s->ymax, y);
    } else if (s->n_bad++ == 0) {
        s->bad_x = x;
        s->bad_y = y;
    }
    if (c->have_xrange) {
        series_feed(s, c->o.smooth, x, y);
        return;
    }
    XGROW(s->pending, s->pending_len + 1, s->pending_cap);
    s->pending[s->pending_len++] = (struct decimate_point){ x, y };
}

/* Sets the x range from the data when the caller did not, and flushes
 * the decimators so the drawing code can read items and len directly. */
static void finish_points(struct chart *c)
{
    double lo = INFINITY;
    double hi = -INFINITY;
    size_t len;
    size_t i;

    if (c->kind != CHART_LINE)
        return;
    if (!c->have_xrange) {
        for (i = 0; i < c->nseries; i++) {
            lo = fmin(lo, c->series[i]->xmin);
            hi = fmax(hi, c->series[i]->xmax);
        }
        if (lo > hi)
            lo = hi = 0;
        chart_set_xrange(c, lo, hi);
    }
    for (i = 0; i < c->nseries; i++) {
        decimate_points(&c->series[i]->raw, &len);
        decimate_points(&c->series[i]->smooth, &len);
    }
}

void chart_add_hline(struct chart *c, double y, const char *label)
{
    XGROW(c->hlines, c->nhlines + 1, c->hlines_cap);
    c->hlines[c->nhlines].y = y;
    c->hlines[c->nhlines].label = dup_or_null(label);
    c->nhlines++;
}

/* --- bars ----------------------------------------------------------------- */

/* Index of name in the list, appended when new. */
static size_t intern(char ***items, size_t *len, size_t *cap,
                     const char *name)
{
    size_t i;

    for (i = 0; i < *len; i++) {
        if (strcmp((*items)[i], name) == 0)
            return i;
    }
    XGROW(*items, *len + 1, *cap);
    (*items)[*len] = xstrdup(name);
    return (*len)++;
}

/* The bar for (group, series), created zeroed when new. */
static struct chart_bar *find_bar(struct chart *c, const char *group,
                                  const char *series)
{
    size_t g;
    size_t s;
    size_t i;

    assert(c->kind == CHART_BAR);
    g = intern(&c->groups, &c->ngroups, &c->groups_cap, group ? group : "");
    s = intern(&c->bar_series, &c->nbar_series, &c->bar_series_cap,
               series ? series : "");
    for (i = 0; i < c->nbars; i++) {
        if (c->bars[i].group == g && c->bars[i].series == s)
            return &c->bars[i];
    }
    XGROW(c->bars, c->nbars + 1, c->bars_cap);
    memset(&c->bars[c->nbars], 0, sizeof(c->bars[0]));
    c->bars[c->nbars].group = g;
    c->bars[c->nbars].series = s;
    return &c->bars[c->nbars++];
}

void chart_add_bar(struct chart *c, const char *group, const char *series,
                   double mean, double std, size_t n)
{
    struct chart_bar *b = find_bar(c, group, series);

    assert(!b->sampled);
    b->mean = mean;
    b->std = isfinite(std) && std > 0 ? std : 0;
    b->n = n;
}

void chart_add_bar_sample(struct chart *c, const char *group,
                          const char *series, double value)
{
    struct chart_bar *b = find_bar(c, group, series);
    double delta;

    assert(b->sampled || (b->n == 0 && b->mean == 0));
    b->sampled = 1;
    if (!isfinite(value)) {
        b->n_bad++;
        return;
    }
    /* Welford's running mean and sum of squared deviations. */
    b->n++;
    delta = value - b->mean;
    b->mean += delta / (double)b->n;
    b->m2 += delta * (value - b->mean);
    b->std = b->n > 1 ? sqrt(b->m2 / (double)(b->n - 1)) : 0;
}

/* --- fonts -------------------------------------------------------------- */

static struct {
    FT_Library lib;               /* NULL until the first render */
    cairo_font_face_t *face[2];   /* regular, bold */
} fonts;

static const cairo_user_data_key_t ft_face_key;

static void done_face(void *face)
{
    FT_Done_Face((FT_Face)face);
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
    }
    /* Drops cairo's font caches, whose last references free the FT faces
     * (done_face), before the library they belong to goes. */
    cairo_debug_reset_static_data();
    if (fonts.lib)
        FT_Done_FreeType(fonts.lib);
    fonts.lib = NULL;
    font_cleanup();
}

/* --- rendering ---------------------------------------------------------- */

void chart_pixel_size(const struct chart *c, int *width_out,
                      int *height_out)
{
    *width_out = (int)ceil(c->o.width * c->o.scale - 1e-9);
    *height_out = (int)ceil(c->o.height * c->o.scale - 1e-9);
}

static int check_opts(const struct chart *c)
{
    const struct chart_opts *o = &c->o;

    if (!(o->smooth >= 0 && o->smooth < 1))
        return ll_error(LL_EINPUT,
                        "smoothing weight must be in [0, 1), got %g",
                        o->smooth);
    if (!(o->width >= 16 && o->height >= 16 && o->scale > 0 &&
          o->width * o->scale <= MAX_PIXELS &&
          o->height * o->scale <= MAX_PIXELS && o->width <= MAX_PIXELS &&
          o->height <= MAX_PIXELS))
        return ll_error(LL_EINPUT,
                        "chart size %gx%g pt at scale %g is out of range "
                        "(16 pt to %g pixels a side)",
                        o->width, o->height, o->scale, MAX_PIXELS);
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
    finish_points(c);
    if (c->kind == CHART_LINE) {
        rc = chart_line_check(c);
        if (rc < 0)
            goto cleanup;
    }
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
