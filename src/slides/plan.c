/* SPDX-License-Identifier: MIT */
/*
 * The deck's plan, decided from the view before anything is drawn: which
 * experiments get a results slide, grouped how (a shared tag, or one param
 * that differs) and in what order (most decision-relevant first), which go
 * to the appendix (failed runs with nothing to show among them), and how
 * the meeting's minutes split over the agenda. Which metrics a slide
 * compares is the metrics' roles' business (view_pick_metrics()).
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot/figure.h"
#include "slides/deck_impl.h"
#include "util/xalloc.h"
#include "view/insight.h"

/* ---- metrics a slide compares ------------------------------------------- */

size_t plan_pick_results(const struct view_exp *x, const char **out,
                         size_t max)
{
    return view_pick_metrics(x, VIEW_PICK_RESULTS, out, max);
}

/* ---- the plan: which experiments, grouped how --------------------------- */

/* A failed run with nothing to show: no takeaway or note, no series of
 * more than one point. In a messy week it is a line in the appendix (and
 * a row in its group's table), not a slide. */
static int trivial_failure(const struct view_exp *x)
{
    size_t i;

    if (!view_exp_broken(x) || x->ntakeaways || x->nnotes)
        return 0;
    for (i = 0; i < x->nmetrics; i++)
        if (metric_is_result(&x->metrics[i].info) && x->metrics[i].count > 1)
            return 0;
    return 1;
}

static int matters(const struct view_exp *x)
{
    return x->touched && (x->ended_in_period || x->ntakeaways > 0);
}

size_t plan_varying_params(const struct result *r, const char **keys,
                           size_t max)
{
    const struct model_run **runs = xcalloc(r->n + 1, sizeof(*runs));
    size_t i, n;

    for (i = 0; i < r->n; i++)
        runs[i] = &r->exps[i]->run;
    n = r->n > 1 ? model_varying(runs, r->n, 1, keys, max) : 0;
    free(runs);
    return n;
}

/* How much a slide about x matters for decisions. */
static double exp_score(const struct view_exp *x)
{
    int bad = strcmp(x->status, EXP_FAILED) == 0;
    size_t i;

    for (i = 0; i < x->nmetrics; i++)
        bad |= x->metrics[i].nonfinite > 0;
    return 4.0 * (double)x->ntakeaways + 2.0 * x->confirm + 2.0 * bad
           + 1.0 * x->ended_in_period + 0.5 * (double)x->nnotes;
}

static struct result *plan_add(struct plan *p)
{
    struct result *r;

    XGROW(p->results, p->nresults + 1, p->cap);
    r = &p->results[p->nresults++];
    memset(r, 0, sizeof(*r));
    return r;
}

/* One result per group of the experiments that matter (model/group.h):
 * a shared tag, else seeds and a one-param sweep, else one experiment.
 * Experiments with results may join a group to be compared with. */
static void plan_groups(struct plan *p, const struct view *v)
{
    unsigned char *lead = xcalloc(v->nexps + 1, 1);
    unsigned char *member = xcalloc(v->nexps + 1, 1);
    struct view_groups g;
    size_t i, k;

    for (i = 0; i < v->nexps; i++) {
        const struct view_exp *x = &v->exps[i];

        member[i] = matters(x) || x->nmetrics > 0;
        lead[i] = matters(x) && !trivial_failure(x);
    }
    view_groups_build(&g, v, lead, member);
    for (i = 0; i < g.len; i++) {
        const struct view_group *vg = &g.items[i];
        struct result *r = plan_add(p);
        size_t n = vg->n < MAX_GROUP ? vg->n : MAX_GROUP;

        r->exps = xcalloc(n + 1, sizeof(*r->exps));
        r->first_id = INT64_MAX;
        for (k = 0; k < n; k++) {
            r->exps[r->n++] = vg->exps[k];
            if (lead[vg->exps[k] - v->exps] && vg->exps[k]->id < r->first_id)
                r->first_id = vg->exps[k]->id;
        }
        r->group = r->n > 1;
        r->tag = vg->tag;
        r->by = r->group ? vg->by : NULL;
        r->seed = r->group ? vg->seed : NULL;
        r->nsettings = vg->nsettings;
        for (k = 0; k < r->n; k++)
            r->score = fmax(r->score, exp_score(r->exps[k])
                                          + (r->group ? 1 : 0));
    }
    view_groups_release(&g);
    free(lead);
    free(member);
}

static int result_cmp(const void *pa, const void *pb)
{
    const struct result *a = pa, *b = pb;

    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->first_id < b->first_id ? -1 : a->first_id > b->first_id;
}

void plan_build(struct plan *p, const struct view *v, size_t max)
{
    size_t i, k;

    p->placed = xcalloc(v->nexps + 1, 1);
    plan_groups(p, v);
    if (p->nresults > 1)
        qsort(p->results, p->nresults, sizeof(*p->results), result_cmp);
    p->shown = p->nresults < max ? p->nresults : max;
    for (i = 0; i < p->shown; i++)
        for (k = 0; k < p->results[i].n; k++)
            p->placed[p->results[i].exps[k] - v->exps] = 1;
    p->appendix = xcalloc(v->nexps + 1, sizeof(*p->appendix));
    for (i = 0; i < v->nexps; i++)
        if (v->exps[i].touched && !p->placed[i])
            p->appendix[p->nappendix++] = &v->exps[i];
}

void plan_release(struct plan *p)
{
    size_t i;

    for (i = 0; i < p->nresults; i++)
        free(p->results[i].exps);
    free(p->results);
    free(p->appendix);
    free(p->placed);
    memset(p, 0, sizeof(*p));
}

size_t plan_distinct_values(const struct result *r, const char *key,
                            const char **vals)
{
    size_t nv = 0, j, k;

    for (j = 0; j < r->n; j++) {
        const char *val = view_exp_param(r->exps[j], key);
        int seen = 0;

        for (k = 0; k < nv && val; k++)
            seen |= strcmp(vals[k], val) == 0;
        if (val && !seen)
            vals[nv++] = val;
    }
    return nv;
}

void result_title(struct buf *out, const struct result *r)
{
    const char *vals[MAX_GROUP];
    size_t seeds = r->seed ? plan_distinct_values(r, r->seed, vals) : 0, i;

    if (!r->group) {
        buf_puts(out, r->exps[0]->name);
        return;
    }
    if (r->tag)
        buf_puts(out, r->tag);
    else if (r->n <= 3)
        for (i = 0; i < r->n; i++)
            buf_printf(out, "%s%s", i ? " vs " : "", r->exps[i]->name);
    else
        buf_printf(out, "%zu experiments", r->n);
    if (r->by)
        buf_printf(out, r->tag ? ": %s sweep" : " (%s)", r->by);
    if (seeds > 1)
        buf_printf(out, "%s%zu seeds", r->by || !r->tag ? ", " : ": ", seeds);
}

/* ---- the agenda --------------------------------------------------------- */

static void agenda_add(struct agenda *a, const char *label, double fixed,
                       double estimate)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 16;
        a->items = xrealloc(a->items, a->cap * sizeof(*a->items));
        a->labels = xrealloc(a->labels, a->cap * sizeof(*a->labels));
    }
    a->items[a->n].fixed = fixed;
    a->items[a->n].estimate = estimate;
    a->items[a->n].minutes = 0;
    a->labels[a->n++] = xstrdup(label);
}

void agenda_release(struct agenda *a)
{
    size_t i;

    for (i = 0; i < a->n; i++)
        free(a->labels[i]);
    free(a->labels);
    free(a->items);
}

int plan_has_blockers(const struct view *v)
{
    return v->blockers_open.len + v->blockers_resolved.len > 0;
}

void agenda_build(struct agenda *a, const struct deck *d)
{
    const struct view *v = d->v;
    struct buf label = BUF_INIT;
    double fixed = 0, loose = 0;
    size_t i;

    /* Runs piling up without a takeaway come first: the meeting should
     * decide what they are for. */
    {
        struct model_swamp sw[2];
        int64_t end = v->until ? v->until : d->o->now;
        size_t ns = view_swamps(v, end, sw, 2), k;

        for (k = 0; k < ns; k++) {
            buf_reset(&label);
            buf_puts(&label, "Swamp: ");
            view_swamp_text(&label, &sw[k], end);
            agenda_add(a, label.ptr, 0, 2);
        }
    }
    agenda_add(a, "TL;DR", 0,
               fmin(5, 1 + 0.5 * (double)(v->takeaways.len
                                          + v->decisions.len)));
    for (i = 0; i < d->plan.shown; i++) {
        const struct result *r = &d->plan.results[i];
        size_t k, takeaways = 0;

        for (k = 0; k < r->n; k++)
            takeaways += r->exps[k]->ntakeaways;
        buf_reset(&label);
        result_title(&label, r);
        agenda_add(a, label.ptr, 0,
                   3 + (double)takeaways + (r->group ? 1 : 0));
    }
    if (d->nsample_slides)
        agenda_add(a, "Samples", 0, 2.0 * (double)d->nsample_slides);
    for (i = 0; i < v->next_open.len; i++) {
        if (v->next_open.items[i]->minutes > 0)
            fixed += v->next_open.items[i]->minutes;
        else
            loose += 1;
    }
    agenda_add(a, "Next steps", fixed, fixed + loose > 0 ? loose : 1);
    if (v->questions_open.len)
        agenda_add(a, "Questions", 0, 2.0 * (double)v->questions_open.len);
    if (plan_has_blockers(v))
        agenda_add(a, "Blockers", 0,
                   1.5 * (double)(v->blockers_open.len ? v->blockers_open.len
                                                       : 1));
    layout_agenda(a->items, a->n, d->o->minutes);
    buf_release(&label);
}
