/* SPDX-License-Identifier: MIT */
/* Tests for plot/chart: output formats and sizes, a few pixels, the log
 * scale and option errors, and that the streaming paths draw the same
 * picture as the buffered ones. Pixels are read from CHART_RGB output,
 * which is the image the PNG encodes. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "harness.h"
#include "plot/chart.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/font.h"

static uint32_t be32(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;

    return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 |
           (uint32_t)u[2] << 8 | u[3];
}

/* Non-zero when some pixel is within tol of (r, g, b) in every channel. */
static int has_colour(const struct buf *rgb, int r, int g, int b, int tol)
{
    const unsigned char *p = (const unsigned char *)rgb->ptr;
    size_t i;

    for (i = 0; i + 2 < rgb->len; i += 3) {
        if (abs(p[i] - r) <= tol && abs(p[i + 1] - g) <= tol &&
            abs(p[i + 2] - b) <= tol)
            return 1;
    }
    return 0;
}

static int pixel_is(const struct buf *rgb, int width, int x, int y, int r,
                    int g, int b)
{
    const unsigned char *p =
        (const unsigned char *)rgb->ptr + ((size_t)y * width + x) * 3;

    return p[0] == r && p[1] == g && p[2] == b;
}

/* A line chart of n points per series, with the given opts. */
static struct chart *wave_chart(const struct chart_opts *o, int series,
                                int n)
{
    struct chart *c = chart_new_line(o);
    int k;
    int i;

    for (k = 0; k < series; k++) {
        char name[16];
        struct chart_series *s;
        snprintf(name, sizeof(name), "run %d", k);
        s = chart_add_series(c, name);
        for (i = 0; i < n; i++)
            chart_series_push(s, i, 1.5 + sin(i * 0.05 + k) + k);
    }
    return c;
}

static void test_png_size_and_magic(void)
{
    struct chart_opts o = { .title = "t", .width = 300, .height = 200 };
    struct chart *c = wave_chart(&o, 2, 100);
    struct buf out = BUF_INIT;
    int w;
    int h;

    INT_EQ(chart_render(c, CHART_PNG, &out), 0);
    OK(out.len > 24 && memcmp(out.ptr, "\x89PNG\r\n\x1a\n", 8) == 0);
    OK(memcmp(out.ptr + 12, "IHDR", 4) == 0);
    INT_EQ(be32(out.ptr + 16), 600); /* 300 pt at the default scale 2 */
    INT_EQ(be32(out.ptr + 20), 400);
    chart_pixel_size(c, &w, &h);
    INT_EQ(w, 600);
    INT_EQ(h, 400);
    buf_release(&out);
    chart_free(c);

    o.scale = 1;
    o.width = 0; /* default 720 x 405 */
    o.height = 0;
    c = wave_chart(&o, 1, 10);
    INT_EQ(chart_render(c, CHART_PNG, &out), 0);
    INT_EQ(be32(out.ptr + 16), 720);
    INT_EQ(be32(out.ptr + 20), 405);
    buf_release(&out);
    chart_free(c);
}

static void test_pixels(void)
{
    struct chart_opts o = { .title = "pixels", .x_title = "step",
                            .y_title = "loss", .width = 320,
                            .height = 200 };
    struct chart *c = wave_chart(&o, 2, 200);
    struct chart_series *s = chart_add_series(c, "diverged");
    struct buf rgb = BUF_INIT;
    int i;

    for (i = 0; i < 200; i++)
        chart_series_push(s, i, i < 120 ? 2.0 : NAN);
    INT_EQ(chart_render(c, CHART_RGB, &rgb), 0);
    INT_EQ(rgb.len, (size_t)640 * 400 * 3);
    OK(pixel_is(&rgb, 640, 0, 0, 255, 255, 255));     /* background */
    OK(pixel_is(&rgb, 640, 639, 399, 255, 255, 255)); /* other corner */
    OK(has_colour(&rgb, 0x01, 0x73, 0xB2, 6)); /* series 0: blue */
    OK(has_colour(&rgb, 0xDE, 0x8F, 0x05, 6)); /* series 1: orange */
    OK(has_colour(&rgb, 0x02, 0x9E, 0x73, 6)); /* series 2: green */
    OK(has_colour(&rgb, 191, 26, 26, 12));     /* the "(NaN at 120)" note */
    buf_release(&rgb);
    chart_free(c);
}

static void test_vector_magic(void)
{
    struct chart_opts o = { .title = "vector", .y_title = "y" };
    struct chart *c = wave_chart(&o, 3, 50);
    struct buf out = BUF_INIT;

    INT_EQ(chart_render(c, CHART_SVG, &out), 0);
    OK(out.len > 100 && memcmp(out.ptr, "<?xml", 5) == 0);
    OK(strstr(out.ptr, "<svg") != NULL);
    OK(strstr(out.ptr, "720pt") != NULL);
    buf_release(&out);
    INT_EQ(chart_render(c, CHART_PDF, &out), 0);
    OK(out.len > 100 && memcmp(out.ptr, "%PDF-", 5) == 0);
    OK(strstr(out.ptr + out.len - 8, "%%EOF") != NULL);
    buf_release(&out);
    chart_free(c);
}

static void test_log_needs_positive(void)
{
    struct chart_opts o = { .log_y = 1 };
    struct chart *c = chart_new_line(&o);
    struct chart_series *s = chart_add_series(c, "loss");
    struct buf out = BUF_INIT;
    int i;

    buf_puts(&out, "kept");
    for (i = 0; i < 100; i++)
        chart_series_push(s, i, i < 12 ? -(double)i : i); /* 12 <= 0 */
    chart_series_push(s, 100, NAN); /* not counted */
    INT_EQ(chart_render(c, CHART_PNG, &out), LL_EINPUT);
    STR_EQ(ll_error_message(),
           "log scale needs positive values; 'loss' has 12 values <= 0");
    STR_EQ(out.ptr, "kept"); /* output untouched on failure */
    chart_free(c);

    c = chart_new_line(&o);
    s = chart_add_series(c, "acc");
    chart_series_push(s, 0, 0.5);
    chart_add_hline(c, 0, "chance");
    INT_EQ(chart_render(c, CHART_PNG, &out), LL_EINPUT);
    OK(strstr(ll_error_message(), "'chance'") != NULL);
    chart_free(c);

    c = chart_new_line(&o); /* positive data: fine */
    s = chart_add_series(c, "loss");
    for (i = 1; i < 100; i++)
        chart_series_push(s, i, 1.0 / i);
    chart_add_hline(c, 0.05, "target");
    INT_EQ(chart_render(c, CHART_PNG, &out), 0);
    OK(out.len > 4);
    chart_free(c);
    buf_release(&out);
}

static void test_bad_options(void)
{
    struct chart_opts o = { .smooth = 1.0 };
    struct chart *c = wave_chart(&o, 1, 10);
    struct buf out = BUF_INIT;

    INT_EQ(chart_render(c, CHART_PNG, &out), LL_EINPUT);
    OK(strstr(ll_error_message(), "smoothing") != NULL);
    chart_free(c);
    o.smooth = 0;
    o.width = 1e6;
    c = wave_chart(&o, 1, 10);
    INT_EQ(chart_render(c, CHART_PNG, &out), LL_EINPUT);
    chart_free(c);
    o.width = 100;
    o.scale = NAN;
    c = wave_chart(&o, 1, 10);
    INT_EQ(chart_render(c, CHART_PNG, &out), LL_EINPUT);
    chart_free(c);
    INT_EQ(out.len, 0);
    buf_release(&out);
}

/* Renders c as RGB into out (which it resets first). */
static int rgb_of(struct chart *c, struct buf *out)
{
    buf_reset(out);
    return chart_render(c, CHART_RGB, out);
}

static void test_streamed_equals_buffered(void)
{
    struct chart_opts o = { .width = 300, .height = 180, .smooth = 0.5 };
    struct chart *a = chart_new_line(&o);
    struct chart *b = chart_new_line(&o);
    struct chart *c = chart_new_line(&o);
    struct chart_series *sa;
    struct chart_series *sb;
    struct chart_series *sc;
    struct buf ra = BUF_INIT;
    struct buf rb = BUF_INIT;
    struct buf rc = BUF_INIT;
    int i;

    chart_set_xrange(a, 0, 4999); /* before: decimated as pushed */
    sa = chart_add_series(a, "s");
    sb = chart_add_series(b, "s"); /* never: range from the data */
    sc = chart_add_series(c, "s");
    for (i = 0; i < 5000; i++) {
        double y = i == 2500 ? NAN : sin(i * 0.01) + 0.3 * sin(i * 1.7);
        chart_series_push(sa, i, y);
        chart_series_push(sb, i, y);
        chart_series_push(sc, i, y);
    }
    chart_set_xrange(c, 0, 4999); /* after: replayed */
    INT_EQ(rgb_of(a, &ra), 0);
    INT_EQ(rgb_of(b, &rb), 0);
    INT_EQ(rgb_of(c, &rc), 0);
    OK(ra.len == rb.len && memcmp(ra.ptr, rb.ptr, ra.len) == 0);
    OK(ra.len == rc.len && memcmp(ra.ptr, rc.ptr, ra.len) == 0);
    /* Rendering again gives the same picture. */
    INT_EQ(rgb_of(a, &rb), 0);
    OK(ra.len == rb.len && memcmp(ra.ptr, rb.ptr, ra.len) == 0);
    buf_release(&ra);
    buf_release(&rb);
    buf_release(&rc);
    chart_free(a);
    chart_free(b);
    chart_free(c);
}

static void test_bars(void)
{
    struct chart_opts o = { .title = "acc", .x_title = "N",
                            .y_title = "accuracy", .width = 360,
                            .height = 240 };
    struct chart *a = chart_new_bar(&o);
    struct chart *b = chart_new_bar(&o);
    struct buf ra = BUF_INIT;
    struct buf rb = BUF_INIT;
    int w;
    int h;

    /* Samples 1, 2, 3 are mean 2, sample sd 1, n 3. */
    chart_add_bar_sample(a, "N=1", "base", 1);
    chart_add_bar_sample(a, "N=1", "base", 2);
    chart_add_bar_sample(a, "N=1", "base", 3);
    chart_add_bar_sample(a, "N=4", "base", 2.5);
    chart_add_bar_sample(a, "N=4", "base", 2.5);
    chart_add_bar(b, "N=1", "base", 2, 1, 3);
    chart_add_bar(b, "N=4", "base", 2.5, 0, 2);
    INT_EQ(rgb_of(a, &ra), 0);
    INT_EQ(rgb_of(b, &rb), 0);
    OK(ra.len == rb.len && memcmp(ra.ptr, rb.ptr, ra.len) == 0);
    chart_pixel_size(a, &w, &h);
    OK(pixel_is(&ra, w, 0, 0, 255, 255, 255));
    OK(has_colour(&ra, 0x01, 0x73, 0xB2, 0)); /* bars: flat blue */

    /* Two series: a legend and the second colour; a NaN bar; a
     * reference line; a negative bar. */
    chart_add_bar(b, "N=1", "tuned", 2.2, 0.1, 3);
    chart_add_bar(b, "N=4", "tuned", NAN, 0, 3);
    chart_add_bar(b, "N=16", "tuned", -0.5, 0.2, 3);
    chart_add_hline(b, 1.0, "chance");
    INT_EQ(rgb_of(b, &rb), 0);
    OK(has_colour(&rb, 0xDE, 0x8F, 0x05, 0));
    buf_reset(&rb);
    INT_EQ(chart_render(b, CHART_PNG, &rb), 0);
    INT_EQ(be32(rb.ptr + 16), 720);
    INT_EQ(be32(rb.ptr + 20), 480);
    buf_release(&ra);
    buf_release(&rb);
    chart_free(a);
    chart_free(b);
}

static void test_odd_charts_render(void)
{
    struct chart_opts o = { .width = 240, .height = 160 };
    struct chart_opts dur = { .x_axis = CHART_X_DURATION, .log_y = 1,
                              .smooth = 0.9 };
    struct chart *c;
    struct chart_series *s;
    struct buf out = BUF_INIT;
    int i;

    c = chart_new_line(&o); /* no series at all */
    INT_EQ(rgb_of(c, &out), 0);
    chart_free(c);
    c = chart_new_bar(&o); /* no bars */
    INT_EQ(rgb_of(c, &out), 0);
    chart_free(c);

    c = chart_new_line(&o);
    s = chart_add_series(c, "all NaN");
    chart_series_push(s, 1, NAN);
    chart_series_push(s, 2, -INFINITY);
    s = chart_add_series(c, NULL); /* unlabelled */
    chart_series_push(s, 5, 3); /* a single point */
    s = chart_add_series(c, "constant");
    for (i = 0; i < 10; i++)
        chart_series_push(s, i, 7);
    INT_EQ(rgb_of(c, &out), 0);
    chart_free(c);

    c = chart_new_line(&dur); /* elapsed seconds, log y, smoothing */
    chart_set_xrange(c, 0, 7200);
    for (i = 0; i < 12; i++) { /* more series than colours */
        int k;
        s = chart_add_series(c, "run");
        for (k = 0; k <= 7200; k += 10)
            chart_series_push(s, k, exp(-k / 3000.0) + 0.01 * (i + 1));
    }
    INT_EQ(chart_render(c, CHART_PDF, &out), 0);
    chart_free(c);
    buf_release(&out);
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s);
    size_t m = strlen(tail);

    return n >= m && strcmp(s + n - m, tail) == 0;
}

static void test_font_find(void)
{
    char *path = NULL;

    INT_EQ(font_find(&path, "DejaVu Sans", 0), 0);
    OK(path && ends_with(path, "/DejaVuSans.ttf"));
    free(path);
    INT_EQ(font_find(&path, "DejaVu Sans", 1), 0);
    OK(path && ends_with(path, "/DejaVuSans-Bold.ttf"));
    free(path);
    /* fontconfig would substitute some font; we fall back to DejaVu. */
    INT_EQ(font_find(&path, "No Such Family 42", 1), 0);
    STR_EQ(path, "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf");
    free(path);
}

static void test_cleanup_then_again(void)
{
    struct chart_opts o = { .title = "again", .width = 200, .height = 120 };
    struct chart *c = wave_chart(&o, 1, 20);
    struct buf a = BUF_INIT;
    struct buf b = BUF_INIT;

    INT_EQ(chart_render(c, CHART_PNG, &a), 0);
    plot_cleanup(); /* fonts are loaded again on the next render */
    INT_EQ(chart_render(c, CHART_PNG, &b), 0);
    OK(a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0);
    buf_release(&a);
    buf_release(&b);
    chart_free(c);
}

int main(void)
{
    RUN(test_font_find);
    RUN(test_png_size_and_magic);
    RUN(test_pixels);
    RUN(test_vector_magic);
    RUN(test_log_needs_positive);
    RUN(test_bad_options);
    RUN(test_streamed_equals_buffered);
    RUN(test_bars);
    RUN(test_odd_charts_render);
    RUN(test_cleanup_then_again);
    plot_cleanup();
    return harness_finish("test_chart");
}
