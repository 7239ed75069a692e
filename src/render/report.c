/* SPDX-License-Identifier: MIT */
/*
 * The research-log report (see report.h): the context with bodies in the
 * format's form, images placed (files beside the document, data: URIs, or
 * names only), and the render.
 */
#include "render/report.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "view/context.h"
#include "plot/figure.h"
#include "render/escape.h"
#include "render/html.h"
#include "render/report_samples.h"
#include "render/templates.h"
#include "util/err.h"
#include "util/xalloc.h"
#include "view/insight.h"

/* Longest file name written into the images folder. */
#define NAME_MAX_LEN 80

static const char *const template_names[] = {
    "report.md.mustache", "report.html.mustache"
};

void report_images_add(struct report_images *imgs, const char *name,
                       const char *caption, const char *mime,
                       const void *data, size_t len)
{
    struct report_image *im;

    XGROW(imgs->items, imgs->len + 1, imgs->cap);
    im = &imgs->items[imgs->len++];
    im->name = xstrdup(name);
    im->caption = xstrdup(caption ? caption : "");
    im->mime = xstrdup(mime);
    buf_init(&im->data);
    buf_put(&im->data, data, len);
}

void report_images_release(struct report_images *imgs)
{
    size_t i;

    for (i = 0; i < imgs->len; i++) {
        free(imgs->items[i].name);
        free(imgs->items[i].caption);
        free(imgs->items[i].mime);
        buf_release(&imgs->items[i].data);
    }
    free(imgs->items);
    imgs->items = NULL;
    imgs->len = imgs->cap = 0;
}

void report_release(struct report *r)
{
    size_t i;

    buf_release(&r->text);
    for (i = 0; i < r->nfiles; i++) {
        free(r->files[i].path);
        buf_release(&r->files[i].data);
    }
    free(r->files);
    r->files = NULL;
    r->nfiles = r->cap = 0;
}

/* ---- conversions ------------------------------------------------------- */

static void code_html(struct buf *out, const char *s, size_t len)
{
    buf_puts(out, "<code>");
    escape_html(out, s, len);
    buf_puts(out, "</code>");
}

/* ---- images ------------------------------------------------------------ */

/* The MIME type of an image format browsers show, judged by the bytes, or
 * NULL. */
static const char *image_mime(const unsigned char *p, size_t len)
{
    if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "image/png";
    if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
        return "image/jpeg";
    if (len >= 6 && (memcmp(p, "GIF87a", 6) == 0
                     || memcmp(p, "GIF89a", 6) == 0))
        return "image/gif";
    if (len >= 12 && memcmp(p, "RIFF", 4) == 0
        && memcmp(p + 8, "WEBP", 4) == 0)
        return "image/webp";
    return NULL;
}

/* Whether a file name looks like an image worth fetching. */
static int image_name(const char *name)
{
    static const char *const exts[] = { ".png", ".jpg", ".jpeg", ".gif",
                                        ".webp" };
    const char *dot = strrchr(name, '.');
    size_t i;

    for (i = 0; dot && i < sizeof(exts) / sizeof(exts[0]); i++)
        if (strcasecmp(dot, exts[i]) == 0)
            return 1;
    return 0;
}

/* A file name that stays in its folder and needs no quoting in a URL:
 * letters, digits, '.', '-', '_' only, not starting with '.'. */
static void safe_name(struct buf *out, const char *name)
{
    size_t start = out->len;
    const char *p;

    for (p = name; *p && out->len - start < NAME_MAX_LEN; p++) {
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                 || (c >= '0' && c <= '9') || c == '-' || c == '_'
                 || (c == '.' && out->len > start);

        buf_putc(out, ok ? c : '_');
    }
    if (out->len == start)
        buf_puts(out, "image");
}

/* A relative path as a URL path: bytes other than letters, digits and
 * "-._~/" percent-encoded, so "my report_files/x.png" is a link that
 * CommonMark and browsers read as written. */
static void url_path(struct buf *out, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p;

    for (p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
            || (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
            buf_putc(out, (char)*p);
        } else {
            buf_putc(out, '%');
            buf_putc(out, hex[*p >> 4]);
            buf_putc(out, hex[*p & 15]);
        }
    }
}

static struct report_file *file_find(struct report *r, const char *path)
{
    size_t i;

    for (i = 0; i < r->nfiles; i++)
        if (strcmp(r->files[i].path, path) == 0)
            return &r->files[i];
    return NULL;
}

/*
 * Adds an image file to r under dir/NAME, NAME made safe from want and
 * unique ("loss-2.png" when "loss.png" holds other bytes). The same bytes
 * under the same name are written once. Appends the path to src.
 */
static void add_file(struct report *r, struct buf *src, const char *dir,
                     const char *want, const void *data, size_t len)
{
    struct buf name = BUF_INIT, path = BUF_INIT;
    const char *dot;
    size_t stem, n;
    struct report_file *f;

    safe_name(&name, want);
    dot = strrchr(name.ptr, '.');
    stem = dot && dot != name.ptr ? (size_t)(dot - name.ptr) : name.len;
    for (n = 1;; n++) {
        buf_reset(&path);
        buf_printf(&path, "%s/%.*s", dir, (int)stem, name.ptr);
        if (n > 1)
            buf_printf(&path, "-%zu", n);
        buf_puts(&path, name.ptr + stem);
        f = file_find(r, path.ptr);
        if (!f || (f->data.len == len && memcmp(f->data.ptr, data, len) == 0))
            break;
    }
    if (!f) {
        XGROW(r->files, r->nfiles + 1, r->cap);
        f = &r->files[r->nfiles++];
        f->path = xstrdup(path.ptr);
        buf_init(&f->data);
        buf_put(&f->data, data, len);
    }
    url_path(src, path.ptr);
    buf_release(&name);
    buf_release(&path);
}

/* Sets "src" on obj for an image: a data: URI, a file beside the document,
 * or nothing when the output has nowhere to put it. */
static void place_image(json_t *obj, struct report *r,
                        const struct report_opts *o, const char *name,
                        const char *mime, const void *data, size_t len)
{
    struct buf src = BUF_INIT;

    if (o->self_contained)
        html_data_uri(&src, mime, data, len);
    else if (o->files_dir)
        add_file(r, &src, o->files_dir, name, data, len);
    if (src.len)
        json_object_set_new(obj, "src", json_stringn(src.ptr, src.len));
    buf_release(&src);
}

/* Marks the image attachments of a list and places them. */
static int place_attachments(json_t *list, struct report *r,
                             const struct view *v,
                             const struct report_opts *o)
{
    struct buf bytes = BUF_INIT;
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && i < json_array_size(list); i++) {
        json_t *it = json_array_get(list, i);
        const char *file = json_string_value(json_object_get(it, "file"));
        const char *sha = json_string_value(json_object_get(it, "sha256"));
        const char *caption = json_string_value(json_object_get(it,
                                                                "caption"));
        const char *mime = NULL;

        json_object_set_new(it, "alt", json_string(caption && *caption
                                                   ? caption : file));
        if (!file || !sha || !image_name(file))
            continue;
        buf_reset(&bytes);
        rc = view_blob(v, sha, &bytes);
        if (rc)
            break;
        mime = image_mime((const unsigned char *)bytes.ptr, bytes.len);
        if (!mime)
            continue;
        json_object_set_new(it, "image", json_true());
        place_image(it, r, o, file, mime, bytes.ptr, bytes.len);
    }
    buf_release(&bytes);
    return rc;
}

/* Asks o->plots for x's plots and lists them under "plots". */
/* The experiments of a results group (context_results()), from the
 * members of its rows; *n_out of them, the caller frees the array. */
static const struct view_exp **group_members(const struct view *v,
                                             json_t *group, size_t *n_out)
{
    json_t *rows = json_object_get(group, "rows");
    const struct view_exp **out;
    size_t i, k, n = 0, cap = 0;

    for (i = 0; i < json_array_size(rows); i++)
        cap += json_array_size(json_object_get(json_array_get(rows, i),
                                               "members"));
    out = xcalloc(cap + 1, sizeof(*out));
    for (i = 0; i < json_array_size(rows); i++) {
        json_t *m = json_object_get(json_array_get(rows, i), "members");

        for (k = 0; k < json_array_size(m); k++) {
            const struct view_exp *x = view_exp_find(
                v, json_string_value(json_array_get(m, k)));

            if (x)
                out[n++] = x;
        }
    }
    *n_out = n;
    return out;
}

/* Asks o->plots for a results group's plot and lists it under "plots". */
static int add_plots(json_t *group, struct report *r, const struct view *v,
                     const struct report_opts *o)
{
    struct report_images imgs = { NULL, 0, 0 };
    json_t *plots = json_array();
    size_t i, n = 0;
    const struct view_exp **exps = group_members(v, group, &n);
    int rc = o->plots && n ? o->plots(o->plots_ctx, v, exps, n, &imgs) : 0;

    for (i = 0; rc == 0 && i < imgs.len; i++) {
        const struct report_image *im = &imgs.items[i];
        struct buf want = BUF_INIT;
        json_t *p = json_object();

        buf_printf(&want, "%s-%s",
                   json_string_value(json_object_get(group, "name")),
                   im->name);
        json_object_set_new(p, "file", json_string(im->name));
        if (*im->caption) /* keys are absent rather than "" (context.h) */
            json_object_set_new(p, "caption", json_string(im->caption));
        json_object_set_new(p, "alt", json_string(*im->caption ? im->caption
                                                  : im->name));
        place_image(p, r, o, want.ptr, im->mime, im->data.ptr,
                    im->data.len);
        json_array_append_new(plots, p);
        buf_release(&want);
    }
    json_object_set_new(group, "has_plots",
                        json_boolean(json_array_size(plots) > 0));
    json_object_set_new(group, "plots", plots);
    report_images_release(&imgs);
    free(exps);
    return rc;
}

/* The velocity chart (8 weeks back from the period's end), where plots
 * go: "velocity_plot" with src and caption. */
static void add_velocity_chart(json_t *ctx, struct report *r,
                               const struct view *v,
                               const struct report_opts *o)
{
    struct model_week w[8];
    struct figure_opts fo;
    struct buf png = BUF_INIT;
    int64_t end = v->until ? v->until : o->now;
    size_t i, any = 0, n = 1;

    if (!o->plots)
        return;
    /* From the project's first week, at most 8 weeks. */
    while (n < 8 && end - (int64_t)n * MODEL_WEEK_MS > v->first_ts)
        n++;
    /* One week is a number, not a trend: the velocity line says it. */
    if (n < 2)
        return;
    view_weeks(v, end, w, n);
    for (i = 0; i < n; i++)
        any += w[i].finished;
    if (!any)
        return;
    memset(&fo, 0, sizeof(fo));
    fo.format = CHART_PNG;
    fo.width = 640;
    fo.height = 240;
    fo.scale = 1.5;
    if (figure_weeks(&png, w, n, &fo) == 0) {
        json_t *p = json_object();

        json_object_set_new(p, "caption", json_string(
            "Experiments finished and takeaways written per week"));
        place_image(p, r, o, "velocity.png", "image/png", png.ptr, png.len);
        json_object_set_new(ctx, "velocity_plot", p);
    } else {
        ll_error_clear();
    }
    buf_release(&png);
}

/* Attachments of the period that belong to no experiment. */
static void add_project_attachments(json_t *ctx)
{
    json_t *all = json_object_get(ctx, "attachments");
    json_t *mine = json_array();
    size_t i;

    for (i = 0; i < json_array_size(all); i++) {
        json_t *it = json_array_get(all, i);

        if (!json_object_get(it, "exp"))
            json_array_append(mine, it);
    }
    json_object_set_new(ctx, "has_project_attachments",
                        json_boolean(json_array_size(mine) > 0));
    json_object_set_new(ctx, "project_attachments", mine);
}

int report_context(json_t **out, struct report *r, const struct view *v,
                   const struct report_opts *o)
{
    static context_text_fn *const markups[] = {
        html_safe_markdown_item, html_from_markdown
    };
    static context_text_fn *const codes[] = { html_markdown_code, code_html };
    struct context_opts co;
    json_t *ctx = NULL, *exps;
    size_t i;
    int rc = 0;

    *out = NULL;
    memset(&co, 0, sizeof(co));
    co.now = o->now;
    co.author = o->author;
    co.title = o->title;
    co.markup = markups[o->format];
    co.code = codes[o->format];
    ctx = context_view(v, &co);
    json_object_set_new(ctx, "format", json_string(o->format == REPORT_HTML
                                                   ? "html" : "md"));
    exps = json_object_get(ctx, "experiments");
    for (i = 0; rc == 0 && i < json_array_size(exps); i++) {
        json_t *exp = json_array_get(exps, i);
        const struct view_exp *x = view_exp_find(
            v, json_string_value(json_object_get(exp, "name")));

        rc = place_attachments(json_object_get(exp, "attachments"), r, v, o);
        if (rc == 0 && x)
            rc = report_samples_exp(exp, v, x, markups[o->format]);
    }
    exps = json_object_get(ctx, "results");
    for (i = 0; rc == 0 && i < json_array_size(exps); i++)
        rc = add_plots(json_array_get(exps, i), r, v, o);
    if (rc == 0)
        add_velocity_chart(ctx, r, v, o);
    if (o->comparisons && json_array_size(o->comparisons)) {
        json_object_set(ctx, "comparisons", o->comparisons);
        json_object_set_new(ctx, "has_comparisons", json_true());
    }
    if (rc == 0)
        rc = report_samples_compare(ctx, v);
    if (rc == 0)
        rc = place_attachments(json_object_get(ctx, "attachments"), r, v, o);
    if (rc) {
        json_decref(ctx);
        return rc;
    }
    add_project_attachments(ctx);
    *out = ctx;
    return 0;
}

int report_render(struct report *r, const struct view *v,
                  const struct report_opts *o)
{
    static tmpl_escape_fn *const escapes[] = { escape_md_inline, escape_html };
    struct template_file t = TEMPLATE_FILE_INIT;
    json_t *ctx = NULL;
    int rc = templates_load(&t, template_names[o->format], o->template_file);

    if (rc == 0)
        rc = report_context(&ctx, r, v, o);
    if (rc == 0)
        rc = templates_render(&r->text, &t, ctx, escapes[o->format]);
    if (rc == 0) {
        while (r->text.len && (r->text.ptr[r->text.len - 1] == '\n'
                               || r->text.ptr[r->text.len - 1] == ' '))
            buf_truncate(&r->text, r->text.len - 1);
        buf_putc(&r->text, '\n');
    }
    json_decref(ctx);
    templates_release(&t);
    return rc;
}
