/* SPDX-License-Identifier: MIT */
/*
 * Private to src/slides/: what the files of the meeting deck (deck.h)
 * share. deck.c owns the document (libharu setup, fonts, errors, the
 * outline, saving) and puts the slides in order; plan.c decides what goes
 * in (which experiments get a slide, grouped how, in what order, with which
 * metrics; the agenda's minutes); draw.c draws on the current page (styled
 * text, text boxes, tables, badges, images, page furniture); list.c lays
 * out lists of items over as many slides as they need; slides.c makes the
 * title, agenda, list and appendix slides; results.c the results slides.
 *
 * Drawing functions do nothing once libharu has reported an error
 * (deck_pdf_failed()); deck_build() checks for it before saving.
 */
#ifndef LABLOG_SLIDES_DECK_IMPL_H
#define LABLOG_SLIDES_DECK_IMPL_H

#include <hpdf.h>
#include <stddef.h>
#include <stdint.h>

#include "slides/deck.h"
#include "slides/layout.h"
#include "slides/md.h"
#include "util/buf.h"
#include "util/timeutil.h"
#include "view/view.h"

/* ---- geometry (points) and type --------------------------------------- */

#define PAGE_W 960.0
#define PAGE_H 540.0
#define MARGIN 48.0
#define BODY_W (PAGE_W - 2 * MARGIN)
#define TITLE_SIZE 26.0
#define TITLE_TOP (PAGE_H - 34.0)   /* top of the title line */
#define BODY_TOP (PAGE_H - 96.0)    /* top of the body under the title */
#define BODY_BOTTOM 40.0            /* lowest body text */
#define BODY_H (BODY_TOP - BODY_BOTTOM)
#define FOOTER_Y 16.0
#define TEXT_SIZE 18.0              /* list slides */
#define NOTE_SIZE 13.0              /* notes beside a plot */
#define TABLE_SIZE 11.0
#define META_SIZE 11.0
#define LEAD 1.25                   /* line height / font size */
#define ASCENT 0.93                 /* DejaVu Sans ascent / font size */
#define PLOT_SCALE 2.0              /* pixels per point of the plots */
#define LEFT_W 540.0                /* plot column of a result slide */
#define GROUP_LEFT_W 440.0          /* bar chart column of a group slide */
#define GUTTER 24.0
#define RIGHT_W (BODY_W - LEFT_W - GUTTER)
#define MAX_GROUP 24                /* experiments in one group */

/* Style bits beyond md.h's: colours. */
#define ST_MUTED 8
#define ST_DANGER 16
#define ST_ACCENT 32

struct rgb {
    double r, g, b;
};

/* The palette; static, so each file keeps the few it uses. */
static const struct rgb INK = { 0.12, 0.13, 0.15 };
static const struct rgb MUTED = { 0.42, 0.43, 0.46 };
static const struct rgb ACCENT = { 0.0, 0.447, 0.698 };   /* #0072B2 */
static const struct rgb EXPLORE = { 0.80, 0.50, 0.0 };    /* amber */
static const struct rgb CONFIRM = { 0.0, 0.55, 0.40 };    /* #009E73-ish */
static const struct rgb DANGER = { 0.78, 0.25, 0.0 };     /* #D55E00-ish */
static const struct rgb RULE = { 0.82, 0.83, 0.86 };
static const struct rgb CODE_BG = { 0.93, 0.94, 0.95 };
static const struct rgb HEAD_BG = { 0.91, 0.94, 0.97 };
static const struct rgb ZEBRA = { 0.965, 0.97, 0.975 };
static const struct rgb WHITE = { 1, 1, 1 };

/* ---- the plan and the deck -------------------------------------------- */

/* One results slide: an experiment or a group of them. */
struct result {
    const struct view_exp **exps; /* members, in the order shown */
    size_t n;
    int group;                    /* shown as a group */
    const char *tag;              /* the tag they share, or NULL */
    const char *by;               /* the param the bars are grouped by */
    const char *seed;             /* the seed param that varies, or NULL */
    size_t nsettings;             /* settings among the members */
    double score;                 /* decision relevance */
    int64_t first_id;             /* for a stable order */
};

struct plan {
    struct result *results;
    size_t nresults, cap, shown;  /* the first `shown` get slides */
    const struct view_exp **appendix;
    size_t nappendix;
    char *placed;                 /* per v->exps: in a shown result */
};

struct deck {
    HPDF_Doc pdf;
    HPDF_Font font, bold, mono;
    char *font_path[3];          /* their files: regular, bold, mono */
    HPDF_Font *fallback;         /* glyph-fallback font k (util/font.h) is
                                    fallback[k - 1]; NULL until needed */
    size_t nfallback;
    HPDF_Page page;
    HPDF_Page *pages;
    size_t npages, cap_pages;
    HPDF_STATUS error_no, detail_no; /* the first libharu error */
    const struct view *v;
    const struct deck_opts *o;
    const char *title;
    char since[TIME_SHORT_SIZE];  /* the period's first day (or time) */
    char until[TIME_SHORT_SIZE];  /* and its last, as shown */
    char period[2 * TIME_SHORT_SIZE + 8]; /* "2026-11-13 – 2026-11-20" */
    struct buf scratch;
    struct buf run;              /* one run of text being drawn */
    struct buf footer;           /* "project · period" under each slide */
    struct plan plan;
    void *samples;               /* samples.c: what its slides show */
    size_t nsample_slides;       /* how many they are */
};

/* The agenda: one item per section, with its minutes. */
struct agenda {
    struct layout_agenda_item *items;
    char **labels;
    size_t n, cap;
};

/* ---- deck.c: the document --------------------------------------------- */

/* Whether libharu has reported an error (every later call is skipped). */
int deck_pdf_failed(const struct deck *d);

/* Glyph-fallback font k (util/font.h), loaded into the document when
 * first needed; NULL when it cannot be. */
HPDF_Font deck_fallback_font(struct deck *d, int k);

/* A bookmark to the current page under parent (NULL: top level). */
HPDF_Outline deck_bookmark(struct deck *d, HPDF_Outline parent,
                           const char *title);

/* ---- plan.c: what goes in --------------------------------------------- */

/*
 * Results that matter, most relevant first; at most max get slides; the
 * other experiments touched go to the appendix. plan_release() frees it.
 */
void plan_build(struct plan *p, const struct view *v, size_t max);
void plan_release(struct plan *p);


/* Result metrics worth comparing, scores before losses, single points
 * included (an eval). Up to max names, borrowed from the view. */
size_t plan_pick_results(const struct view_exp *x, const char **out,
                         size_t max);

/* The params whose values differ among the members (a missing param
 * differs too), seeds included; written to keys, returns how many. */
size_t plan_varying_params(const struct result *r, const char **keys,
                           size_t max);

/* The distinct values of param key among the members, in their order,
 * written to vals (room for MAX_GROUP); returns how many. */
size_t plan_distinct_values(const struct result *r, const char *key,
                            const char **vals);

/* "ft-sweep: lr sweep, 3 seeds", "zero-shot vs few-shot", or the name. */
void result_title(struct buf *out, const struct result *r);

/* Whether the period has blockers to show, open or resolved. */
int plan_has_blockers(const struct view *v);

/* The agenda of d's plan, its minutes adding up to the meeting's length;
 * agenda_release() frees it. */
void agenda_build(struct agenda *a, const struct deck *d);
void agenda_release(struct agenda *a);

/* ---- draw.c: drawing on the current page ------------------------------ */

/* A text measurer for slides/layout.h: ctx is a struct measure. */
struct measure {
    const struct deck *d;
    double size;
};

double draw_measure(void *ctx, int style, const char *s, size_t len);

/* The width of s in the style at size. */
double draw_text_width(const struct deck *d, int style, double size,
                       const char *s);

void draw_rect(struct deck *d, const struct rgb *c, double x,
               double y, double w, double h);
void draw_hline(struct deck *d, const struct rgb *c, double width,
                double x0, double x1, double y);

/* Draws s[0..len) with its baseline at (x, y). Emphasis is slanted (DejaVu
 * Sans Oblique is not in fonts-dejavu-core); code gets a light
 * background. Tabs and other control characters draw as spaces. */
void draw_text(struct deck *d, int style, double size,
               const struct rgb *base, double x, double y,
               const char *s, size_t len);

/* One line of plain text cut to width with an ellipsis. Returns the width
 * drawn. */
double draw_text_line(struct deck *d, int style, double size,
                      const struct rgb *c, double x, double y,
                      double width, const char *s);

/* A text box: text wraps to w and never takes more than h. */
struct box {
    double x, top, w, h; /* h: the most height the text may take */
    double size;
    const struct rgb *color;
};

/* A Markdown document in a box: its blocks one under the other, list
 * blocks indented with their markers. Returns the height taken (draw 0:
 * measures only). Blocks that no longer fit are left out. */
double draw_doc(struct deck *d, const struct md_doc *doc,
                const struct box *b, int draw);

/* Plain text (one style) in a box; returns the height taken. */
double draw_plain(struct deck *d, const char *text, int style,
                  const struct box *b);

/* A filled pill with white bold text, right edge at x_right, vertically
 * centred on y_mid. Returns its width. */
double draw_pill(struct deck *d, const char *text,
                 const struct rgb *c, double x_right, double y_mid,
                 double size);

/* Draws a figure's raw RGB pixels (PLOT_SCALE pixels per point) as an
 * image w x h points at (x, top). LL_ERR when rgb has the wrong size. */
int draw_image(struct deck *d, const struct buf *rgb, double x,
               double top, double w, double h);

/* A new page, made the current one. */
void draw_add_page(struct deck *d);

/* A content slide: its title (cut to width - reserve) and the accent
 * rule under it. */
void draw_new_slide(struct deck *d, const char *title, double reserve);

/* Page numbers and the period on every page but the title slide. */
void draw_footers(struct deck *d);

/* A table: a header row, then rows of cells with style bits. */
struct table {
    size_t ncols, nrows;
    const char **head;   /* ncols */
    char **cells;        /* nrows * ncols, owned */
    int *styles;         /* nrows * ncols style bits */
    int right[16];       /* per column: right-aligned (numbers) */
    size_t grow;         /* the column that takes spare width */
};

/* An empty table with head (borrowed, ncols <= 16 names), right (ncols
 * flags) and the column that grows; table_release() frees it. */
void table_init(struct table *t, const char **head, size_t ncols,
                const int *right, size_t grow);

/* Adds a row; cells are copied. */
void table_row(struct table *t, const char *const *cells,
               const int *styles);
void table_release(struct table *t);

/* Draws the table at (x, top), w wide, in at most max_h; rows that do not
 * fit are summarised in a last "… N more" row. Returns the height taken. */
double draw_table(struct deck *d, const struct table *t, double x,
                  double top, double w, double max_h, double size);

/* ---- list.c: lists of items over slides ------------------------------- */

struct item {
    struct md_doc doc;
    char marker[16];
    const struct rgb *marker_color;
    char pill[24];               /* e.g. "P1"; "" for none */
    const struct rgb *pill_color;
    struct buf meta;             /* muted lines beside the text */
};

struct items {
    struct item *items;
    size_t n, cap;
};

struct list_style {
    double size;
    double meta_w;       /* width of the meta column; 0 for none */
    double mark_w;       /* width of the marker column (set by
                            slide_items from the widest marker) */
    const char *note;    /* a muted line at the foot of the first slide,
                            or NULL */
};

/* A new item at the end of l with its marker (copied); the pointer is
 * valid until the next items_add(). items_release() frees the list. */
struct item *items_add(struct items *l, const char *marker,
                       const struct rgb *marker_color);
void items_release(struct items *l);

/* " — exp-name" in muted text after an item about an experiment. */
void item_exp_suffix(struct item *it, const struct view_item *vi);

/* A section of items over as many slides as they need ("(cont.)" after
 * the first), or one slide with the empty text; bookmarked. */
void slide_items(struct deck *d, const char *title,
                 const struct items *l, const struct list_style *style,
                 const char *empty);

/* ---- slides.c, results.c: the slides ---------------------------------- */

void slide_title(struct deck *d);
void slide_empty(struct deck *d);   /* a period without any entry */
void slide_agenda(struct deck *d, const struct agenda *a);
void slide_tldr(struct deck *d);
void slide_next(struct deck *d);
void slide_questions(struct deck *d);
void slide_blockers(struct deck *d);
void slide_appendix(struct deck *d);
/* Running, lost and failed runs of the period: progress, why lost, and the
 * end of a failed run's output. */
void slide_runs(struct deck *d);
int slides_have_runs(const struct view *v);

/* The results slides of d's plan; 0, or a database error from a plot
 * (other plot failures leave a note on the slide). */
int slides_results(struct deck *d);

/* samples.c: the samples slides. samples_prepare() loads what they show
 * (ncols examples side by side; 0: none) and sets d->nsample_slides, for
 * the agenda; slides_samples() draws them; samples_release() frees. */
int samples_prepare(struct deck *d, int ncols);
void slides_samples(struct deck *d);
void samples_release(struct deck *d);

#endif
