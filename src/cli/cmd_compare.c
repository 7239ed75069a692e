/* SPDX-License-Identifier: MIT */
/*
 * `lablog compare`: runs (or the seeds of a setting) side by side, with
 * the params that differ, the key metrics with their intervals and the
 * difference from a baseline (view/compare.h), as text, Markdown, CSV or
 * JSON; and `lablog export --csv [--points]`, the tables pandas reads.
 */
#include <fnmatch.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/num.h"
#include "util/suggest.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include "view/compare.h"
#include "view/view.h"

/* ---- choosing the experiments ----------------------------------------- */

struct pick {
    struct view_exp **items;
    unsigned char *in;  /* per v->exps: picked */
    size_t len;
};

static void pick_add(struct pick *p, const struct view *v,
                     struct view_exp *x)
{
    size_t i = (size_t)(x - v->exps);

    if (p->in[i])
        return;
    p->in[i] = 1;
    p->items[p->len++] = x;
}

static int not_found(const struct view *v, const char *name)
{
    struct suggest s;
    size_t i;

    suggest_init(&s, name);
    for (i = 0; i < v->nexps; i++)
        suggest_add(&s, v->exps[i].name);
    if (s.best)
        return ll_error(LL_ENOTFOUND, "no experiment '%s' (did you mean "
                        "'%s'?)", name, s.best);
    return ll_error(LL_ENOTFOUND, "no experiment '%s'", name);
}

/* Adds the experiments NAME or GLOB matches; none is an error. */
static int pick_pattern(struct pick *p, const struct view *v,
                        const char *pat)
{
    size_t i, matched = 0;

    if (!strpbrk(pat, "*?[")) {
        struct view_exp *x = view_exp_find(v, pat);

        if (!x)
            return not_found(v, pat);
        pick_add(p, v, x);
        return 0;
    }
    for (i = 0; i < v->nexps; i++)
        if (fnmatch(pat, v->exps[i].name, 0) == 0) {
            pick_add(p, v, &v->exps[i]);
            matched++;
        }
    if (!matched)
        return ll_error(LL_ENOTFOUND, "no experiment matches '%s'", pat);
    return 0;
}

static int pick_tag(struct pick *p, const struct view *v, const char *tag)
{
    size_t i, matched = 0;

    for (i = 0; i < v->nexps; i++)
        if (view_exp_has_tag(&v->exps[i], tag)) {
            pick_add(p, v, &v->exps[i]);
            matched++;
        }
    if (!matched)
        return ll_error(LL_ENOTFOUND, "no experiment has the tag '%s'", tag);
    return 0;
}

/* The group lablog forms around exp (model/group.h): its seeds and, among
 * runs sharing its tag, its sweep mates. */
static int pick_group(struct pick *p, const struct view *v, const char *name)
{
    struct view_exp *x = view_exp_find(v, name);
    unsigned char *lead, *member;
    struct view_groups g;
    size_t i, k;

    if (!x)
        return not_found(v, name);
    lead = xcalloc(v->nexps + 1, 1);
    member = xcalloc(v->nexps + 1, 1);
    lead[x - v->exps] = 1;
    memset(member, 1, v->nexps);
    view_groups_build(&g, v, lead, member);
    for (i = 0; i < g.len; i++)
        for (k = 0; k < g.items[i].n; k++)
            pick_add(p, v, g.items[i].exps[k]);
    view_groups_release(&g);
    free(lead);
    free(member);
    return 0;
}

/* ---- printing ---------------------------------------------------------- */

/* Display width: code points (the table's own marks, ± – Δ, are one
 * column each). */
static size_t width(const char *s)
{
    size_t w = 0;

    for (; *s; s++)
        w += ((unsigned char)*s & 0xc0) != 0x80;
    return w;
}

struct table {
    char **cells;  /* rows × cols, owned strings */
    size_t rows, cols;
};

static void table_release(struct table *t)
{
    size_t i;

    for (i = 0; i < t->rows * t->cols; i++)
        free(t->cells[i]);
    free(t->cells);
}

static int any_paired(const struct compare_table *ct)
{
    size_t r;

    for (r = 0; r < ct->nrows; r++)
        if (ct->rows[r].has_paired)
            return 1;
    return 0;
}

/* The table's cells: a header row, then one per table row. */
static void table_fill(struct table *t, const struct compare_table *ct)
{
    t->cells = compare_grid(ct, &t->rows, &t->cols);
}

static void print_legend(const struct compare_table *ct, int md)
{
    char **lines;
    size_t n = compare_legend(ct, &lines), i;

    for (i = 0; i < n; i++) {
        /* Markdown: sentences, each line broken with two spaces. */
        if (md)
            printf("%s.%s\n", lines[i], i + 1 < n ? "  " : "");
        else
            puts(lines[i]);
        free(lines[i]);
    }
    free(lines);
}

static void print_text(const struct compare_table *ct)
{
    struct table t;
    size_t *w, r, c;

    table_fill(&t, ct);
    w = xcalloc(t.cols + 1, sizeof(*w));
    for (r = 0; r < t.rows; r++)
        for (c = 0; c < t.cols; c++) {
            size_t cw = width(t.cells[r * t.cols + c]);

            w[c] = cw > w[c] ? cw : w[c];
        }
    print_legend(ct, 0);
    putchar('\n');
    for (r = 0; r < t.rows; r++) {
        struct buf line = BUF_INIT;

        for (c = 0; c < t.cols; c++) {
            const char *s = t.cells[r * t.cols + c];
            size_t pad = w[c] - width(s);

            buf_puts(&line, s);
            if (c + 1 < t.cols)
                buf_printf(&line, "%*s", (int)(pad + 2), "");
        }
        while (line.len && line.ptr[line.len - 1] == ' ')
            line.ptr[--line.len] = '\0';
        puts(line.ptr);
        buf_release(&line);
    }
    free(w);
    table_release(&t);
}

static void md_cell(const char *s)
{
    for (; *s; s++) {
        if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' || *s == '`'
            || *s == '<' || *s == '[' || *s == ']')
            putchar('\\');
        putchar(*s);
    }
}

static void print_md(const struct compare_table *ct)
{
    struct table t;
    size_t r, c;

    table_fill(&t, ct);
    for (r = 0; r < t.rows; r++) {
        fputs("|", stdout);
        for (c = 0; c < t.cols; c++) {
            putchar(' ');
            md_cell(t.cells[r * t.cols + c]);
            fputs(" |", stdout);
        }
        putchar('\n');
        if (r == 0) {
            fputs("|", stdout);
            for (c = 0; c < t.cols; c++)
                fputs(" --- |", stdout);
            putchar('\n');
        }
    }
    putchar('\n');
    print_legend(ct, 1);
    table_release(&t);
}

static void csv_field(const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

/* A number for a machine: the shortest %g that reads back exactly, inf
 * and -inf as pandas reads them, NaN as nan when it is data (nan_data),
 * else as the empty field of "none". */
static void csv_value(double x, int nan_data)
{
    char s[40];
    int prec;

    if (isnan(x)) {
        if (nan_data)
            fputs("nan", stdout);
        return;
    }
    if (isinf(x)) {
        fputs(x > 0 ? "inf" : "-inf", stdout);
        return;
    }
    for (prec = 15; prec < 17; prec++) {
        snprintf(s, sizeof(s), "%.*g", prec, x);
        if (strtod(s, NULL) == x)
            break;
    }
    snprintf(s, sizeof(s), "%.*g", prec, x);
    fputs(s, stdout);
}

static void csv_num(double x)
{
    csv_value(x, 0);
}

static void print_csv(const struct compare_table *ct)
{
    static const char *const cols[] = { "mean", "sd", "n", "lo", "hi",
                                        "examples" };
    static const char *const dcols[] = { "delta", "delta_lo", "delta_hi",
                                         "p" };
    size_t r, k, c;

    fputs("label,mode,runs,failed", stdout);
    for (k = 0; k < ct->nkeys; k++) {
        putchar(',');
        csv_field(ct->keys[k]);
    }
    for (k = 0; k < ct->nmetrics; k++) {
        for (c = 0; c < 6; c++) {
            putchar(',');
            csv_field(ct->metrics[k]);
            printf("_%s", cols[c]);
        }
        for (c = 0; ct->base && c < 4; c++) {
            putchar(',');
            csv_field(ct->metrics[k]);
            printf("_%s", dcols[c]);
        }
    }
    if (any_paired(ct))
        fputs(",paired_mean,paired_lo,paired_hi,paired_p,paired_n", stdout);
    puts(",verdict");
    for (r = 0; r < ct->nrows; r++) {
        const struct compare_row *row = &ct->rows[r];
        char text[COMPARE_TEXT_SIZE];

        csv_field(row->label);
        printf(",%s,%zu,%zu", row->confirm ? "confirm" : "explore", row->n,
               row->broken);
        for (k = 0; k < ct->nkeys; k++) {
            putchar(',');
            csv_field(row->values[k] ? row->values[k] : "");
        }
        for (k = 0; k < ct->nmetrics; k++) {
            const struct compare_cell *cell = &row->cells[k];
            int d = cell->has_delta;

            putchar(',');
            csv_num(cell->s.n ? cell->s.mean : NAN);
            putchar(',');
            csv_num(cell->s.n > 1 ? cell->s.sd : NAN);
            printf(",%zu,", cell->s.n);
            csv_num(cell->lo);
            putchar(',');
            csv_num(cell->hi);
            putchar(',');
            csv_num(cell->examples);
            if (!ct->base)
                continue;
            putchar(',');
            csv_num(d ? cell->delta.diff : NAN);
            putchar(',');
            csv_num(d && row->confirm ? cell->delta.lo : NAN);
            putchar(',');
            csv_num(d && row->confirm ? cell->delta.hi : NAN);
            putchar(',');
            csv_num(d && row->confirm ? cell->delta.p : NAN);
        }
        if (any_paired(ct)) {
            const struct stats_ttest *pt = &row->paired;
            int on = row->has_paired, cf = on && row->confirm;

            putchar(',');
            csv_num(on ? pt->mean : NAN);
            putchar(',');
            csv_num(cf ? pt->lo : NAN);
            putchar(',');
            csv_num(cf ? pt->hi : NAN);
            putchar(',');
            csv_num(cf ? pt->p : NAN);
            putchar(',');
            if (on)
                printf("%zu", pt->n);
        }
        putchar(',');
        csv_field(compare_verdict_text(text, ct, row));
        putchar('\n');
    }
}

int cmd_compare(int argc, char **argv, struct app *app)
{
    struct opt_list tags = { 0 }, metrics = { 0 };
    const char *group = NULL, *baseline = NULL, *format = NULL;
    int json = 0;
    const struct opt opts[] = {
        { OPT_LIST, 0, "tag", &tags, "TAG", "the experiments with this tag (repeatable)" },
        { OPT_STRING, 0, "group", &group, "EXP", "EXP's group: its seeds and, among runs sharing its tag, its sweep mates" },
        { OPT_STRING, 0, "baseline", &baseline, "EXP", "the row the others are compared with (EXP and its seeds)" },
        { OPT_LIST, 'm', "metric", &metrics, "NAME", "a metric to compare (repeatable; default: the key metrics)" },
        { OPT_STRING, 0, "format", &format, "FMT", "text (default), md, csv or json" },
        { OPT_FLAG, 0, "json", &json, NULL, "the same as --format json" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "compare [EXP|GLOB...] [--tag T] [--group EXP] [--baseline EXP] "
        "[--metric M...] [--format text|md|csv|json]",
        "Compare runs: one row per run, or per setting with its seeds "
        "together, with the params that differ and the key metrics, best "
        "first.",
        opts,
        "A setting's seeds (runs that differ only in a seed param) are one "
        "row: mean \xc2\xb1 sd over them and a 95% Student t interval. A "
        "lone run whose metric is a proportion with a known count of "
        "examples (metric-info --n-from, or an n_examples or n metric) gets "
        "a Wilson 95% interval, and \"n < 300\" below 300 examples. With "
        "--baseline, each row's difference from the baseline row; for "
        "confirmatory runs (exp new --confirm) also Welch's 95% interval "
        "and p-value, and a verdict: \"better (p = 0.003)\", \"within "
        "noise (p = 0.41)\". Exploratory runs never get a p-value. Failed "
        "and diverged runs are counted in their row, never averaged in. "
        "Operands are experiment names or globs (\"ft-*\").",
        0,
    };
    struct view_opts o = { .metrics = VIEW_METRICS_NONE, .quiet_unknown = 1 };
    struct compare_table ct = { 0 };
    struct view *v = NULL;
    struct view_exp *base = NULL;
    struct pick p = { 0 };
    char **ops = NULL;
    int nops = 0, i;
    size_t k;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, -1);

    if (rc)
        goto cleanup;
    if (json && format && strcmp(format, "json") != 0) {
        rc = ll_error(LL_EUSAGE, "--json and --format %s disagree", format);
        goto cleanup;
    }
    if (json)
        format = "json";
    if (!format)
        format = "text";
    if (strcmp(format, "text") && strcmp(format, "md")
        && strcmp(format, "csv") && strcmp(format, "json")) {
        rc = ll_error(LL_EUSAGE, "unknown format '%s' (text, md, csv, json)",
                      format);
        goto cleanup;
    }
    if (nops == 0 && !tags.len && !group) {
        rc = ll_error(LL_EUSAGE, "compare needs experiments: names or "
                      "globs, --tag T or --group EXP");
        goto cleanup;
    }
    rc = view_build(&v, app->store, &o);
    if (rc)
        goto cleanup;
    p.items = xcalloc(v->nexps + 1, sizeof(*p.items));
    p.in = xcalloc(v->nexps + 1, 1);
    for (i = 0; rc == 0 && i < nops; i++)
        rc = pick_pattern(&p, v, ops[i]);
    for (k = 0; rc == 0 && k < tags.len; k++)
        rc = pick_tag(&p, v, tags.items[k]);
    if (rc == 0 && group)
        rc = pick_group(&p, v, group);
    if (rc == 0 && baseline) {
        base = view_exp_find(v, baseline);
        if (!base)
            rc = not_found(v, baseline);
        else
            pick_add(&p, v, base);
    }
    if (rc)
        goto cleanup;
    /* The baseline's seeds join it even when the selection left them
     * out: a baseline is a setting. */
    for (k = 0; base && k < v->nexps; k++)
        if (view_exp_repeats(base, &v->exps[k]))
            pick_add(&p, v, &v->exps[k]);
    rc = compare_build(&ct, v, p.items, p.len, base, metrics.items,
                       metrics.len);
    if (rc)
        goto cleanup;
    if (strcmp(format, "json") == 0) {
        json_t *j = compare_json(&ct);
        /* 16 digits: 0.95 reads 0.95, and every value is within an ulp
         * or two. */
        char *text = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(16));

        puts(text);
        free(text);
        json_decref(j);
    } else if (strcmp(format, "csv") == 0) {
        print_csv(&ct);
    } else if (strcmp(format, "md") == 0) {
        print_md(&ct);
    } else {
        print_text(&ct);
    }

cleanup:
    compare_release(&ct);
    view_free(v);
    free(p.items);
    free(p.in);
    opt_list_release(&tags);
    opt_list_release(&metrics);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

/* ---- export --csv ------------------------------------------------------ */

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Adds name to the sorted set names[0..*n) unless it is there. */
static void set_add(const char ***names, size_t *n, size_t *cap,
                    const char *name)
{
    size_t lo = 0, hi = *n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp((*names)[mid], name);

        if (c == 0)
            return;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 16;
        *names = xrealloc(*names, *cap * sizeof(**names));
    }
    memmove(*names + lo + 1, *names + lo, (*n - lo) * sizeof(**names));
    (*names)[lo] = name;
    (*n)++;
}

static int set_has(const char *const *names, size_t n, const char *name)
{
    return bsearch(&name, names, n, sizeof(*names), name_cmp) != NULL;
}

/* The runs table: one row per experiment, a column per param and per
 * metric (its last value, latest attempt). */
static int export_runs(struct app *app)
{
    struct view_opts o = { .metrics = VIEW_METRICS_ALL, .quiet_unknown = 1 };
    const char **params = NULL, **metrics = NULL;
    size_t np = 0, capp = 0, nm = 0, capm = 0, i, k;
    struct view *v = NULL;
    int rc = view_build(&v, app->store, &o);

    if (rc)
        return rc;
    for (i = 0; i < v->nexps; i++) {
        for (k = 0; k < v->exps[i].nparams; k++)
            set_add(&params, &np, &capp, v->exps[i].params[k].key);
        for (k = 0; k < v->exps[i].nmetrics; k++)
            set_add(&metrics, &nm, &capm, v->exps[i].metrics[k].name);
    }
    fputs("exp,uid,status,mode,tags,created", stdout);
    for (k = 0; k < np; k++) {
        putchar(',');
        csv_field(params[k]);
    }
    /* A metric called like a param gets its own column name. */
    for (k = 0; k < nm; k++) {
        putchar(',');
        csv_field(metrics[k]);
        if (set_has(params, np, metrics[k]) || !strcmp(metrics[k], "exp")
            || !strcmp(metrics[k], "uid") || !strcmp(metrics[k], "status")
            || !strcmp(metrics[k], "mode") || !strcmp(metrics[k], "tags")
            || !strcmp(metrics[k], "created"))
            fputs(" (metric)", stdout);
    }
    putchar('\n');
    for (i = 0; i < v->nexps; i++) {
        const struct view_exp *x = &v->exps[i];
        char when[TIME_ISO_SIZE];
        struct buf tags = BUF_INIT;

        csv_field(x->label);
        printf(",%s,%s,%s,", x->uid, x->status,
               x->confirm ? "confirm" : "explore");
        for (k = 0; k < x->ntags; k++)
            buf_printf(&tags, "%s%s", k ? ";" : "", x->tags[k]);
        csv_field(tags.ptr);
        buf_release(&tags);
        printf(",%s", time_format_iso(when, x->created));
        for (k = 0; k < np; k++) {
            const char *val = view_exp_param(x, params[k]);

            putchar(',');
            if (val)
                csv_field(val);
        }
        for (k = 0; k < nm; k++) {
            const struct view_metric *m = view_exp_metric(x, metrics[k]);

            putchar(',');
            if (m && m->count)
                csv_value(m->last, 1);
        }
        putchar('\n');
    }
    free(params);
    free(metrics);
    view_free(v);
    return 0;
}

struct points_ctx {
    struct app *app;
    const struct view_exp *exp;
    const char *metric;
    int attempt;
};

static int export_point_row(void *ctx, int64_t step, double value,
                            int64_t ts)
{
    struct points_ctx *p = ctx;

    csv_field(p->exp->label);
    printf(",%d,", p->attempt);
    csv_field(p->metric);
    printf(",%lld,", (long long)step);
    csv_value(value, 1);
    printf(",%lld\n", (long long)ts);
    return 0;
}

static int export_series_points(void *ctx, const struct series_summary *s)
{
    struct points_ctx *p = ctx;

    p->metric = s->name;
    p->attempt = s->attempt_number;
    return store_points_attempt(p->app->store, s->exp, s->name,
                                s->attempt_number, export_point_row, p);
}

/* The points table, long: exp, attempt, metric, step, value, time_ms. */
static int export_points(struct app *app)
{
    struct view_opts o = { .metrics = VIEW_METRICS_NONE, .quiet_unknown = 1 };
    struct points_ctx p = { app, NULL, NULL, 0 };
    struct view *v = NULL;
    size_t i;
    int rc = view_build(&v, app->store, &o);

    if (rc)
        return rc;
    puts("exp,attempt,metric,step,value,time_ms");
    for (i = 0; rc == 0 && i < v->nexps; i++) {
        p.exp = &v->exps[i];
        rc = store_series_attempt(app->store, v->exps[i].id,
                                  STORE_ATTEMPT_ALL, 0, export_series_points,
                                  &p);
    }
    view_free(v);
    return rc;
}

int cli_export_csv(struct app *app, int points)
{
    return points ? export_points(app) : export_runs(app);
}
