/* SPDX-License-Identifier: MIT */
/* Velocity and the swamp over a view (see insight.h). */
#include "view/insight.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/sanity.h"
#include "util/err.h"
#include "util/num.h"
#include "view/context.h"
#include "util/xalloc.h"

static int is_done(const struct view_exp *x)
{
    return strcmp(x->status, EXP_DONE) == 0 && x->finished > 0;
}

void view_weeks(const struct view *v, int64_t end, struct model_week *out,
                size_t nweeks)
{
    const struct view_item *const *items;
    size_t nitems = view_all_items(v, &items), i;
    int64_t *finished = xcalloc(v->nexps + 1, sizeof(*finished));
    int64_t *takeaways = xcalloc(nitems + 1, sizeof(*takeaways));
    int64_t *lead_end = xcalloc(nitems + 1, sizeof(*lead_end));
    int64_t *lead_ms = xcalloc(nitems + 1, sizeof(*lead_ms));
    int64_t *scratch = xcalloc(nitems + 1, sizeof(*scratch));
    size_t nf = 0, nt = 0, nl = 0;

    for (i = 0; i < v->nexps; i++)
        if (is_done(&v->exps[i]))
            finished[nf++] = v->exps[i].finished;
    for (i = 0; i < nitems; i++) {
        const struct view_item *it = items[i];

        if (it->retracted)
            continue;
        if (it->kind == ENTRY_NOTE && it->takeaway)
            takeaways[nt++] = it->ts;
        /* A next step ends when it is marked done, or when the
         * experiment it names is done after it was written, whichever
         * comes first. */
        if (it->kind == ENTRY_NEXT) {
            int64_t end_ts = it->closed_id ? it->closed_ts : 0;

            if (it->exp && is_done(it->exp) && it->exp->finished > it->ts
                && (!end_ts || it->exp->finished < end_ts))
                end_ts = it->exp->finished;
            if (end_ts > it->ts) {
                lead_end[nl] = end_ts;
                lead_ms[nl++] = end_ts - it->ts;
            }
        }
    }
    model_weeks(out, nweeks, end, finished, nf, takeaways, nt, lead_end,
                lead_ms, nl, scratch);
    free(finished);
    free(takeaways);
    free(lead_end);
    free(lead_ms);
    free(scratch);
}

size_t view_swamps(const struct view *v, int64_t now,
                   struct model_swamp *out, size_t max)
{
    const struct view_item *const *items;
    size_t nitems = view_all_items(v, &items), i, k, nr = 0, nt = 0, cap = 0;
    struct model_swamp_item *runs = NULL, *tk = NULL;
    unsigned char *hyp = NULL, *hyp_t = NULL;
    size_t n;

    for (i = 0; i < v->nexps; i++)
        cap += v->exps[i].ntags + 1;
    runs = xcalloc(cap + 1, sizeof(*runs));
    hyp = xcalloc(cap + 1, 1);
    for (i = 0; i < v->nexps; i++) {
        const struct view_exp *x = &v->exps[i];

        for (k = 0; k < x->ntags; k++) {
            runs[nr].key = x->tags[k];
            runs[nr++].ts = x->created;
        }
        if (!x->ntags && *x->hypothesis) {
            runs[nr].key = x->hypothesis;
            hyp[nr] = 1;
            runs[nr++].ts = x->created;
        }
    }
    cap = 0;
    for (i = 0; i < nitems; i++)
        if (items[i]->kind == ENTRY_NOTE && items[i]->takeaway
            && items[i]->exp && !items[i]->retracted)
            cap += items[i]->exp->ntags + 1;
    tk = xcalloc(cap + 1, sizeof(*tk));
    hyp_t = xcalloc(cap + 1, 1);
    for (i = 0; i < nitems; i++) {
        const struct view_item *it = items[i];
        const struct view_exp *x = it->exp;

        if (it->kind != ENTRY_NOTE || !it->takeaway || !x || it->retracted)
            continue;
        for (k = 0; k < x->ntags; k++) {
            tk[nt].key = x->tags[k];
            tk[nt++].ts = it->ts;
        }
        if (!x->ntags && *x->hypothesis) {
            tk[nt].key = x->hypothesis;
            hyp_t[nt] = 1;
            tk[nt++].ts = it->ts;
        }
    }
    n = model_swamps(out, max, runs, hyp, nr, tk, hyp_t, nt, now,
                     MODEL_SWAMP_RUNS, MODEL_SWAMP_DAYS);
    free(runs);
    free(hyp);
    free(tk);
    free(hyp_t);
    return n;
}

void view_velocity_text(struct buf *out, const struct model_week *w,
                        size_t nweeks)
{
    char dur[32];

    buf_printf(out, "%zu finished this week (%.1f/day)", w[0].finished,
               model_week_rate(&w[0]));
    if (nweeks > 1)
        buf_printf(out, " vs %zu last week", w[1].finished);
    if (w[0].leads) {
        context_duration(dur, w[0].median_lead);
        buf_printf(out, "; next step to done %s (median of %zu)", dur,
                   w[0].leads);
    }
    buf_printf(out, "; %zu takeaway%s", w[0].takeaways,
               w[0].takeaways == 1 ? "" : "s");
    if (nweeks > 1)
        buf_printf(out, " (%zu last week)", w[1].takeaways);
}

void view_swamp_text(struct buf *out, const struct model_swamp *s,
                     int64_t now)
{
    int64_t days = (now - s->since) / 86400000;
    char key[64];
    size_t len = strlen(s->key);

    /* A hypothesis can be long: its start says which. */
    if (len > 40) {
        size_t cut = 40;

        while (cut > 0 && ((unsigned char)s->key[cut] & 0xc0) == 0x80)
            cut--;
        memcpy(key, s->key, cut);
        memcpy(key + cut, "\xe2\x80\xa6", 4);
    } else {
        memcpy(key, s->key, len + 1);
    }
    buf_printf(out, "%zu runs on %s'%s' ", s->runs,
               s->hypothesis ? "the hypothesis " : "", key);
    if (s->has_takeaway)
        buf_printf(out, "since the last takeaway (%lld day%s)",
                   (long long)days, days == 1 ? "" : "s");
    else
        buf_printf(out, "in %lld day%s, no takeaway yet", (long long)days,
                   days == 1 ? "" : "s");
}

struct windows {
    struct stats_acc *w;     /* MODEL_WINDOWS accumulators */
    int64_t first, last;     /* the run's steps of this metric */
};

static int window_point(void *ctx, int64_t step, double value, int64_t ts)
{
    struct windows *w = ctx;

    (void)ts;
    if (isfinite(value))
        stats_acc_add(&w->w[model_window(step, w->first, w->last)], value);
    return 0;
}

/* Streams metric m of x into windows over its steps. */
static int windows_of(struct stats_acc *out, const struct view *v,
                      const struct view_exp *x, const struct view_metric *m)
{
    struct windows w = { out, m->first_step, m->last_step };

    memset(out, 0, MODEL_WINDOWS * sizeof(*out));
    return view_points(v, x, m->name, window_point, &w);
}

/* Whether a metric name says it is measured on held-out data. */
static int held_out(const char *name)
{
    return strstr(name, "val") || strstr(name, "test") || strstr(name, "eval")
           || strstr(name, "dev");
}

char *view_sanity_text(const struct view *v, const struct view_exp *x)
{
    struct buf out = BUF_INIT;
    char a[NUM_TEXT_SIZE], b[NUM_TEXT_SIZE];
    const struct view_metric *loss = NULL, *score = NULL;
    size_t i;

    for (i = 0; i < x->nmetrics; i++) {
        const struct view_metric *m = &x->metrics[i];

        if (!m->count || !metric_is_result(&m->info))
            continue;
        if (strcmp(x->status, EXP_DONE) == 0
            && model_not_beyond_chance(&m->info, m->last))
            buf_printf(&out, "%s%s %s is not %s chance (%s)",
                       out.len ? "; " : "", m->name, num_format(a, m->last),
                       m->info.lower ? "below" : "above",
                       num_format(b, m->info.chance));
        /* The held-out loss if there is one, else the first loss; the
         * headline score. */
        if (m->info.role == METRIC_LOSS
            && (!loss || (held_out(m->name) && !held_out(loss->name))))
            loss = m;
        if (!m->info.lower && m->info.role != METRIC_LOSS
            && (!score || m->info.rank < score->info.rank))
            score = m;
    }
    /* Overfitting needs a curve: a few windows' worth of points. It
     * streams them, so only for runs that ended in the period: the
     * daily's and the deck's news, not every run they mention. */
    if (loss && score && x->ended_in_period
        && loss->count >= 2 * MODEL_WINDOWS
        && score->count >= 2 * MODEL_WINDOWS) {
        struct stats_acc lw[MODEL_WINDOWS], sw[MODEL_WINDOWS];
        size_t from;
        int64_t span = loss->last_step - loss->first_step;

        if (windows_of(lw, v, x, loss) == 0 && windows_of(sw, v, x, score) == 0
            && model_overfitting(lw, sw, &from))
            buf_printf(&out, "%s%s up since step ~%lld (%s \xe2\x86\x92 %s) "
                       "while %s rose: overfitting?", out.len ? "; " : "",
                       loss->name,
                       (long long)(loss->first_step
                                   + span * (int64_t)(2 * from + 1)
                                         / (2 * MODEL_WINDOWS)),
                       num_format(a, lw[from].mean),
                       num_format(b, lw[MODEL_WINDOWS - 1].mean),
                       score->name);
        else
            ll_error_clear();
    }
    return buf_detach(&out, NULL);
}
