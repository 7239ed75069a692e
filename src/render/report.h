/* SPDX-License-Identifier: MIT */
/*
 * The research-log report: a document someone else can read, rendered
 * from a period view with report.md.mustache (Markdown: CommonMark with GFM
 * tables) or report.html.mustache (a standalone HTML page). See
 * render/templates.h for where templates are found and templates/README.md
 * for what they can use.
 *
 * Escaping: in Markdown, {{x}} is escaped as inline Markdown (a | in a table
 * cell, a * in a name, cannot change the layout) and note bodies are
 * Markdown made safe by html_safe_markdown(), continued on lines indented
 * by two spaces so they stay inside a "- " list item. In HTML, {{x}} is
 * HTML-escaped and note bodies are HTML from html_from_markdown(). Neither
 * ever passes raw HTML or a javascript: link from the log.
 *
 * Images -- attachments that are PNG, JPEG, GIF or WebP (checked by their
 * bytes, not only their name) and plots supplied by the caller -- are
 * either returned as files to write beside the document (files_dir), or
 * embedded as data: URIs (self_contained), or, when neither is possible
 * (output on stdout), listed by name.
 */
#ifndef LABLOG_RENDER_REPORT_H
#define LABLOG_RENDER_REPORT_H

#include <jansson.h>
#include <stdint.h>

#include "util/buf.h"
#include "view/view.h"

enum report_format {
    REPORT_MD,
    REPORT_HTML
};

/* An image to show with an experiment (a plot). */
struct report_image {
    char *name;      /* file name wanted ("loss.png"); made safe and unique */
    char *caption;   /* shown with the image; "" when none */
    char *mime;      /* "image/png", "image/svg+xml", ... */
    struct buf data; /* the bytes */
};

struct report_images {
    struct report_image *items;
    size_t len, cap;
};

/* Appends a copy of an image to imgs. caption may be NULL. */
void report_images_add(struct report_images *imgs, const char *name,
                       const char *caption, const char *mime,
                       const void *data, size_t len);

/* Frees the images' contents; imgs is empty afterwards. */
void report_images_release(struct report_images *imgs);

/*
 * Supplies the plot of one group of the report's results table (the
 * experiments exps[0..n), every run of the group), by appending it to out
 * with report_images_add(). Called once per group, in report order.
 * Returns 0, or an LL_E* code (message set) that aborts the report.
 */
typedef int report_plots_fn(void *ctx, const struct view *v,
                            const struct view_exp *const *exps, size_t n,
                            struct report_images *out);

/* The default plot (render/report_plots.c): every run of the group on one
 * chart of its headline metric -- curves, or bars by the param that
 * varies when the runs are single evaluations. */
int report_plots(void *ctx, const struct view *v,
                 const struct view_exp *const *exps, size_t n,
                 struct report_images *out);

struct report_opts {
    enum report_format format;
    const char *template_file; /* --template FILE, or NULL for the default */
    int64_t now;               /* when the report is produced */
    const char *author;        /* who produces it */
    const char *title;         /* the title, or NULL for the project name */
    const char *files_dir;     /* folder for images, relative to the
                                  document ("report_files"); NULL: none */
    int self_contained;        /* embed images as data: URIs */
    report_plots_fn *plots;    /* a plot per results group, or NULL */
    void *plots_ctx;           /* passed to plots unchanged */
    json_t *comparisons;       /* `report --baseline`: the comparison
                                  tables (compare_grid_json(), each with
                                  "title"), an array set as the context's
                                  "comparisons" (borrowed); NULL: none */
};

/* A file to write beside the document. */
struct report_file {
    char *path;      /* relative to the document: "report_files/loss.png" */
    struct buf data; /* its bytes */
};

struct report {
    struct buf text;           /* the document */
    struct report_file *files; /* images to write beside it */
    size_t nfiles, cap;
};

#define REPORT_INIT { BUF_INIT, NULL, 0, 0 }

/* Parses "md" (or "markdown") and "html". Returns 0, or LL_EUSAGE with the
 * message "unknown --format 'X' (md or html)". */
int report_format_parse(enum report_format *out, const char *name);

/*
 * The template context of the report: context_view() with bodies in the
 * format's form, "format", per results group "plots" and, on attachments,
 * "image" and "src". v's metric summaries must be loaded
 * (VIEW_METRICS_TOUCHED). *out is
 * the caller's (json_decref()); image files, if any, are added to r.
 * Returns 0, or the error of reading a blob or of o->plots.
 */
int report_context(json_t **out, struct report *r, const struct view *v,
                   const struct report_opts *o);

/*
 * Renders the report of v's period into r (which must be REPORT_INIT):
 * r->text is the document, r->files the images to write beside it. Returns
 * 0, or the error of loading the template, of the template itself
 * (LL_EINPUT "PATH:LINE: ..."), of the store or of o->plots. Release r
 * with report_release() in every case.
 */
int report_render(struct report *r, const struct view *v,
                  const struct report_opts *o);

void report_release(struct report *r);

#endif
