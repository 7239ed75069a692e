/* SPDX-License-Identifier: MIT */
/*
 * Building the template context from the view (see context.h). The key
 * names here are an interface: templates in labs' config folders use them,
 * so renaming one is a breaking change (templates/README.md).
 */
#include "view/context.h"
#include "view/compare.h"
#include "view/insight.h"

#define CONTEXT_MAX_SWAMPS 3

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* Longest "excerpt" of a retracted entry, in bytes. */
#define EXCERPT_MAX 80

static void set_str(json_t *o, const char *key, const char *value)
{
    json_object_set_new(o, key, json_string(value ? value : ""));
}

static void set_num(json_t *o, const char *key, double value)
{
    char text[NUM_TEXT_SIZE];
    char vkey[64];

    set_str(o, key, num_format(text, value));
    snprintf(vkey, sizeof(vkey), "%s_value", key);
    json_object_set_new(o, vkey, isfinite(value) ? json_real(value)
                                                 : json_null());
}

static void set_time(json_t *o, const char *key, int64_t ms)
{
    char text[TIME_SHORT_SIZE];

    set_str(o, key, ms ? time_format_short(text, ms) : "");
}

static void set_date(json_t *o, const char *key, int64_t ms)
{
    char text[TIME_DATE_SIZE];

    set_str(o, key, ms ? time_format_date(text, ms) : "");
}

void context_duration(char out[32], int64_t ms)
{
    int64_t s = ms / 1000;

    if (s < 60)
        snprintf(out, 32, "%llds", (long long)s);
    else if (s < 3600)
        snprintf(out, 32, "%lldm %llds", (long long)(s / 60),
                 (long long)(s % 60));
    else if (s < 86400)
        snprintf(out, 32, "%lldh %lldm", (long long)(s / 3600),
                 (long long)(s % 3600 / 60));
    else
        snprintf(out, 32, "%lldd %lldh", (long long)(s / 86400),
                 (long long)(s % 86400 / 3600));
}

/* ---- live runs ----------------------------------------------------------- */

char *context_progress_text(const struct view_exp *x)
{
    const struct view_progress *p = &x->progress;
    struct buf out = BUF_INIT;
    char a[NUM_TEXT_SIZE], b[NUM_TEXT_SIZE], dur[32];

    if (!p->known)
        return buf_detach(&out, NULL);
    if (strcmp(p->unit, "epoch") == 0)
        buf_printf(&out, "epoch %s", num_format(a, p->done));
    else
        buf_printf(&out, "step %lld", (long long)p->step);
    if (p->total > 0 && isfinite(p->done))
        buf_printf(&out, "/%s (%d%%)", num_format(b, p->total),
                   (int)(100.0 * (p->done < p->total ? p->done : p->total)
                         / p->total));
    context_duration(dur, p->elapsed_ms);
    buf_printf(&out, ", %s elapsed", dur);
    if (p->eta_ms > 0 && strcmp(x->status, EXP_RUNNING) == 0) {
        context_duration(dur, p->eta_ms);
        buf_printf(&out, ", ETA %s", dur);
    }
    if (p->since_point_ms >= 0) {
        context_duration(dur, p->since_point_ms);
        buf_printf(&out, ", last point %s ago", dur);
    }
    if (p->long_run && strcmp(x->status, EXP_RUNNING) == 0) {
        if (p->eta_ms >= 0) {
            context_duration(dur, p->elapsed_ms + p->eta_ms);
            buf_printf(&out, "; on course for %s in all: it will not "
                       "finish overnight", dur);
        } else {
            buf_puts(&out, "; running for over 16h");
        }
    }
    return buf_detach(&out, NULL);
}

int context_exp_live(const struct view_exp *x)
{
    return strcmp(x->status, EXP_RUNNING) == 0
           || strcmp(x->status, EXP_LOST) == 0;
}

int context_long_run(const struct view_exp *x)
{
    return x->progress.known && x->progress.long_run
           && strcmp(x->status, EXP_RUNNING) == 0;
}

char *context_scheduler_text(const struct view_exp *x, int brief)
{
    const struct view_live *r = &x->live;
    struct buf out = BUF_INIT;

    if (brief) {
        if (r->slurm_job_id)
            buf_printf(&out, "Slurm %s%s%s%s%s", r->slurm_job_id,
                       r->slurm_array_task_id ? "_" : "",
                       r->slurm_array_task_id ? r->slurm_array_task_id : "",
                       r->slurm_nodelist ? " on " : "",
                       r->slurm_nodelist ? r->slurm_nodelist : "");
        return buf_detach(&out, NULL);
    }
    if (r->slurm_job_id) {
        buf_printf(&out, "Slurm job %s", r->slurm_job_id);
        if (r->slurm_array_task_id)
            buf_printf(&out, "_%s", r->slurm_array_task_id);
        if (r->slurm_nodelist)
            buf_printf(&out, " on %s", r->slurm_nodelist);
        if (r->slurm_partition)
            buf_printf(&out, ", partition %s", r->slurm_partition);
    }
    if (r->cuda_visible_devices)
        buf_printf(&out, "%sCUDA_VISIBLE_DEVICES=%s", out.len ? "; " : "",
                   *r->cuda_visible_devices ? r->cuda_visible_devices
                                            : "(empty)");
    return buf_detach(&out, NULL);
}

/* ---- experiments ------------------------------------------------------ */

/* The experiments sharing a tag with x (x left out); caller frees. */
static const struct model_run **siblings_of(const struct view *v,
                                            const struct view_exp *x,
                                            size_t *n_out)
{
    const struct model_run **sib = xcalloc(v->nexps + 1, sizeof(*sib));
    size_t i, n = 0;

    for (i = 0; i < v->nexps; i++)
        if (&v->exps[i] != x && model_shares_tag(&x->run, &v->exps[i].run))
            sib[n++] = &v->exps[i].run;
    *n_out = n;
    return sib;
}

char *context_distinct_params(const struct view *v, const struct view_exp *x)
{
    return context_distinct_params_max(v, x, SIZE_MAX);
}

/* The params that tell x apart from its siblings, seeds too unless
 * no_seeds, at most max, then ", …". */
static char *distinct_params(const struct view *v, const struct view_exp *x,
                             size_t max, int no_seeds)
{
    struct buf out = BUF_INIT;
    size_t nsib, nk, i, shown = 0;
    const struct model_run **sib = siblings_of(v, x, &nsib);
    const char **keys = xcalloc(x->nparams + 1, sizeof(*keys));

    nk = model_distinct(&x->run, sib, nsib, keys, x->nparams);
    for (i = 0; i < nk; i++) {
        if (no_seeds && model_is_seed(&x->run, keys[i]))
            continue;
        if (shown == max) {
            buf_puts(&out, ", \xe2\x80\xa6"); /* U+2026 ellipsis */
            break;
        }
        buf_printf(&out, "%s%s=%s", out.len ? ", " : "", keys[i],
                   view_exp_param(x, keys[i]));
        shown++;
    }
    free(keys);
    free(sib);
    if (!out.ptr)
        buf_puts(&out, "");
    return buf_detach(&out, NULL);
}

/* Appends s cut to max code points, with an ellipsis when cut. */
static void put_short(struct buf *out, const char *s, size_t max)
{
    size_t i = 0, cps = 0;

    while (s[i] && cps < max) {
        i++;
        while (((unsigned char)s[i] & 0xc0) == 0x80)
            i++;
        cps++;
    }
    /* Cut at a word when one is near. */
    if (s[i]) {
        size_t j = i;

        while (j > i / 2 && s[j] != ' ')
            j--;
        if (s[j] == ' ')
            i = j;
    }
    buf_put(out, s, i);
    if (s[i])
        buf_puts(out, "\xe2\x80\xa6");
}

/* How x was run, for a reader who forgot: the hypothesis (shortened),
 * the params it shares with its siblings ("fixed"), the examples behind
 * its headline number and commit@host. "" when none is known. */
static char *context_line(const struct view *v, const struct view_exp *x)
{
    struct buf out = BUF_INIT;
    size_t nsib, nk, i, j, fixed = 0;
    const struct model_run **sib = siblings_of(v, x, &nsib);
    const char **keys = xcalloc(x->nparams + 1, sizeof(*keys));
    const char *names[1];
    char num[NUM_TEXT_SIZE];

    if (*x->hypothesis) {
        buf_puts(&out, "H: ");
        put_short(&out, x->hypothesis, 60);
    }
    nk = nsib ? model_distinct(&x->run, sib, nsib, keys, x->nparams)
              : x->nparams;
    for (i = 0; nsib && i < x->nparams; i++) {
        int distinct = 0;

        for (j = 0; j < nk; j++)
            distinct |= strcmp(keys[j], x->params[i].key) == 0;
        if (distinct)
            continue;
        if (fixed == 4) {
            buf_puts(&out, ", \xe2\x80\xa6");
            break;
        }
        buf_printf(&out, "%s%s=%s", fixed ? ", " : out.len
                   ? " \xc2\xb7 fixed: " : "fixed: ", x->params[i].key,
                   x->params[i].value);
        fixed++;
    }
    if (view_pick_metrics(x, 0, names, 1)) {
        const struct view_metric *m = view_exp_metric(x, names[0]);
        const struct view_metric *n = m && m->info.n_from
                                      ? view_exp_metric(x, m->info.n_from)
                                      : view_exp_metric(x, "n_examples");

        if (n && n->count && isfinite(n->last))
            buf_printf(&out, "%sn=%s", out.len ? " \xc2\xb7 " : "",
                       num_format(num, n->last));
    }
    if (x->git_commit)
        buf_printf(&out, "%s%.7s%s%s%s", out.len ? " \xc2\xb7 " : "",
                   x->git_commit, x->git_dirty ? "+dirty" : "",
                   x->host ? "@" : "", x->host ? x->host : "");
    else if (x->host)
        buf_printf(&out, "%son %s", out.len ? " \xc2\xb7 " : "", x->host);
    free(keys);
    free(sib);
    return buf_detach(&out, NULL);
}

char *context_distinct_params_max(const struct view *v,
                                  const struct view_exp *x, size_t max)
{
    return distinct_params(v, x, max, 0);
}

/* ", +0.07 vs lr=1e-5": how mine (one run, or the seeds of a setting,
 * summarised in me) compares with the best other setting of its sweep. */
static void comparison(struct buf *out, const struct view *v,
                       struct view_exp *const *mine, size_t n,
                       const char *metric, const struct model_summary *me)
{
    struct view_compare c;
    char delta[NUM_TEXT_SIZE];

    view_compare_with(&c, v, mine, n, metric);
    if (!c.found || !isfinite(me->mean))
        return;
    buf_printf(out, ", %s vs ", num_format_delta(delta, me->mean
                                                 - c.s.mean));
    if (c.key && (c.n > 1 || n > 1))
        buf_printf(out, "%s=%s", c.key, c.value);
    else
        buf_puts(out, c.exp->name);
    if (c.n > 1)
        buf_printf(out, " (%zu seeds)", c.s.n);
    if (model_within_noise(me, &c.s))
        buf_puts(out, ", within seed noise");
}

/* One key result of one run: "win_rate 0.71 (n=500), +0.09 vs bon-n8". */
static void key_result(struct buf *out, const struct view *v,
                       struct view_exp *x, const struct view_metric *m)
{
    char value[NUM_TEXT_SIZE], delta[NUM_TEXT_SIZE];
    const struct view_metric *n;
    struct model_summary me;

    buf_printf(out, "%s%s %s", out->len ? ", " : "", m->name,
               num_format(value, m->last));
    if (m->nonfinite && !isfinite(m->last)) {
        buf_printf(out, " (diverged at step %lld)",
                   (long long)m->nonfinite_step);
        return;
    }
    n = m->info.n_from ? view_exp_metric(x, m->info.n_from) : NULL;
    if (n && isfinite(n->last))
        buf_printf(out, " (n=%s)", num_format(value, n->last));
    if (m->has_prev && m->count > m->prev_count && isfinite(m->prev_last)) {
        buf_printf(out, " (%s since last)",
                   num_format_delta(delta, m->last - m->prev_last));
        return;
    }
    if (view_exp_broken(x))
        return; /* a failed run's numbers are not a result to compare */
    model_summarize(&me, &m->last, 1);
    comparison(out, v, &x, 1, m->name, &me);
}

/* One key result of the seeds of a setting: "accuracy 0.652 ± 0.017
 * (n=3), +0.07 vs lr=1e-5"; broken seeds are counted, not averaged. */
static void key_result_seeds(struct buf *out, const struct view *v,
                             struct view_exp *const *mine, size_t n,
                             const char *metric)
{
    char pm[2 * NUM_TEXT_SIZE];
    struct model_summary me;
    size_t broken = 0;

    view_summary_last(&me, mine, n, metric, &broken);
    buf_printf(out, "%s%s ", out->len ? ", " : "", metric);
    if (me.n == 0) {
        buf_printf(out, "- (%zu failed or diverged)", broken);
        return;
    }
    {
        /* mean ± sd and its 95% interval over the seeds (model/stats). */
        char ci[NUM_CI_SIZE];
        double lo, hi;

        stats_mean_ci(&lo, &hi, me.mean, me.sd, me.n, MODEL_LEVEL);
        buf_printf(out, "%s (n=%zu", me.n > 1
                   ? num_format_pm_ci(ci, me.mean, me.sd, lo, hi)
                   : num_format_pm(pm, me.mean, me.sd), me.n);
    }
    if (broken)
        buf_printf(out, "; %zu failed or diverged, left out", broken);
    buf_putc(out, ')');
    comparison(out, v, mine, n, metric, &me);
}

/* The metrics key results show: the headline results, then the loss
 * (loss and accuracy can disagree, so a loss is never left out for a
 * second score). */
static size_t key_metrics(const struct view_exp *x, const char **names)
{
    size_t n = view_pick_metrics(x, VIEW_PICK_NO_LOSS, names, 2), i;

    for (i = 0; i < x->nmetrics; i++)
        if (x->metrics[i].info.role == METRIC_LOSS) {
            names[n++] = x->metrics[i].name;
            break;
        }
    return n;
}

/* Key results of mine[0..n): one run, or the seeds of one setting. */
static char *key_results_of(const struct view *v, struct view_exp *const *mine,
                            size_t n)
{
    struct buf out = BUF_INIT;
    const char *names[3];
    size_t nm = key_metrics(mine[0], names), i;

    for (i = 0; i < nm; i++) {
        if (n == 1)
            key_result(&out, v, mine[0], view_exp_metric(mine[0], names[i]));
        else
            key_result_seeds(&out, v, mine, n, names[i]);
    }
    if (!out.ptr)
        buf_puts(&out, "");
    return buf_detach(&out, NULL);
}

char *context_key_results(const struct view *v, const struct view_exp *x)
{
    struct view_exp *one = (struct view_exp *)x;

    return key_results_of(v, &one, 1);
}

static json_t *metric_json(const struct view_metric *m)
{
    json_t *o = json_object();
    char delta[NUM_TEXT_SIZE];

    set_str(o, "name", m->name);
    json_object_set_new(o, "count", json_integer(m->count));
    json_object_set_new(o, "nonfinite", json_integer(m->nonfinite));
    json_object_set_new(o, "diverged", json_boolean(m->nonfinite > 0));
    if (m->nonfinite)
        json_object_set_new(o, "nonfinite_step",
                            json_integer(m->nonfinite_step));
    set_num(o, "first", m->first);
    set_num(o, "last", m->last);
    set_num(o, "min", m->min);
    set_num(o, "max", m->max);
    json_object_set_new(o, "first_step", json_integer(m->first_step));
    json_object_set_new(o, "last_step", json_integer(m->last_step));
    json_object_set_new(o, "min_step", json_integer(m->min_step));
    json_object_set_new(o, "max_step", json_integer(m->max_step));
    if (m->has_prev && m->count > m->prev_count && isfinite(m->prev_last)
        && isfinite(m->last))
        set_str(o, "change", num_format_delta(delta, m->last - m->prev_last));
    return o;
}

/* Sets key to s[0..len) converted by fn, or copied when fn is NULL. */
static void set_converted(json_t *o, const char *key, context_text_fn *fn,
                          const char *s)
{
    struct buf out = BUF_INIT;

    if (fn)
        fn(&out, s, strlen(s));
    else
        buf_puts(&out, s);
    json_object_set_new(o, key, json_stringn(out.ptr, out.len));
    buf_release(&out);
}

/* The first line of text, at most EXCERPT_MAX bytes (whole characters),
 * with an ellipsis when anything was left out. */
static void set_excerpt(json_t *o, const char *key, const char *text)
{
    size_t len = strcspn(text, "\r\n");
    size_t cut = utf8_truncate_len(text, len, EXCERPT_MAX);
    struct buf out = BUF_INIT;

    buf_put(&out, text, cut);
    if (cut < strlen(text))
        buf_puts(&out, "\xe2\x80\xa6");
    json_object_set_new(o, key, json_stringn(out.ptr, out.len));
    buf_release(&out);
}

static void set_size(json_t *o, const char *key, int64_t bytes)
{
    char text[32];

    if (bytes < 1024)
        snprintf(text, sizeof(text), "%lld B", (long long)bytes);
    else if (bytes < 1024 * 1024)
        snprintf(text, sizeof(text), "%.1f KiB", bytes / 1024.0);
    else
        snprintf(text, sizeof(text), "%.1f MiB", bytes / (1024.0 * 1024));
    set_str(o, key, text);
}

/* Sets key to the strings joined with ", ". */
static void set_joined(json_t *o, const char *key, const char *const *items,
                       size_t n)
{
    struct buf out = BUF_INIT;
    size_t i;

    for (i = 0; i < n; i++)
        buf_printf(&out, "%s%s", i ? ", " : "", items[i]);
    json_object_set_new(o, key, json_stringn(out.ptr, out.len));
    buf_release(&out);
}

/* Whether any metric object in the array has a "change". */
static int any_change(json_t *metrics)
{
    size_t i;

    for (i = 0; i < json_array_size(metrics); i++)
        if (json_object_get(json_array_get(metrics, i), "change"))
            return 1;
    return 0;
}

static json_t *item_json(const struct view_item *it,
                         const struct context_opts *co)
{
    json_t *o = json_object();

    json_object_set_new(o, "id", json_integer(it->id));
    set_str(o, "kind", entry_kind_name(it->kind));
    set_str(o, "text", it->text);
    set_converted(o, "body", co ? co->markup : NULL, it->text);
    set_str(o, "author", it->author);
    set_time(o, "time", it->ts);
    set_date(o, "date", it->ts);
    json_object_set_new(o, "amended", json_boolean(it->amended));
    if (it->exp)
        set_str(o, "exp", it->exp->name);
    if (it->kind == ENTRY_NOTE)
        json_object_set_new(o, "takeaway", json_boolean(it->takeaway));
    if (it->kind == ENTRY_NEXT) {
        json_object_set_new(o, "priority", json_integer(it->priority));
        if (it->minutes >= 0)
            json_object_set_new(o, "minutes", json_integer(it->minutes));
    }
    if (it->closed_id) {
        set_time(o, "closed_time", it->closed_ts);
        if (*it->closed_text) {
            set_str(o, "closed_text", it->closed_text);
            set_converted(o, "closed_body", co ? co->markup : NULL,
                          it->closed_text);
        }
    }
    if (it->retracted) {
        json_object_set_new(o, "retracted", json_true());
        set_time(o, "retracted_time", it->retract_ts);
        set_excerpt(o, "excerpt", it->text);
        if (*it->retract_reason)
            set_str(o, "retract_reason", it->retract_reason);
    }
    if (it->kind == ENTRY_ATTACH) {
        set_str(o, "file", it->file_name);
        set_str(o, "caption", it->text);
        set_str(o, "sha256", it->sha256);
        json_object_set_new(o, "size", json_integer(it->size));
        set_size(o, "size_text", it->size);
    }
    return o;
}

static json_t *list_json(const struct view_list *l,
                         const struct context_opts *co)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; i < l->len; i++)
        json_array_append_new(a, item_json(l->items[i], co));
    return a;
}

/* Notes (and attachments) about x in the period, in order. */
static json_t *exp_items(const struct view_list *l, const struct view_exp *x,
                         const struct context_opts *co)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; i < l->len; i++)
        if (l->items[i]->exp == x)
            json_array_append_new(a, item_json(l->items[i], co));
    return a;
}

/* The notes about x in the period that are not takeaways (a report
 * lists the takeaways once, in its summary). */
static json_t *exp_other_notes(const struct view_list *l,
                               const struct view_exp *x,
                               const struct context_opts *co)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; i < l->len; i++)
        if (l->items[i]->exp == x && !l->items[i]->takeaway)
            json_array_append_new(a, item_json(l->items[i], co));
    return a;
}

/* The newest status entry of x inside the period, or NULL. */
static const struct view_status *status_in_period(const struct view *v,
                                                  const struct view_exp *x)
{
    const struct view_status *found = NULL;
    size_t i;

    for (i = 0; i < x->nhistory; i++)
        if (view_in_period(v, x->history[i].ts))
            found = &x->history[i];
    return found;
}

const char *context_exp_event(const struct view *v, const struct view_exp *x)
{
    const struct view_status *h = status_in_period(v, x);

    if (x->live.lost_reason)
        return EXP_LOST;
    if (!h)
        return view_in_period(v, x->created) ? "planned" : x->status;
    if (strcmp(h->status, EXP_DONE) == 0)
        return "finished";
    if (strcmp(h->status, EXP_RUNNING) == 0)
        return "started";
    return h->status; /* failed, abandoned, planned */
}

/* "finished in 2h 5m", "failed (exit 1) after 3m 2s", "started". */
static void set_event(json_t *o, const struct view *v,
                      const struct view_exp *x)
{
    const struct view_status *h = status_in_period(v, x);
    const char *event = context_exp_event(v, x);
    struct buf text = BUF_INIT;
    char dur[32];
    int ended = h && strcmp(h->status, EXP_RUNNING) != 0
                && strcmp(h->status, EXP_PLANNED) != 0;

    buf_puts(&text, event);
    if (ended && strcmp(h->status, EXP_FAILED) == 0 && x->has_exit) {
        if (x->signal && x->live.signal_name)
            buf_printf(&text, " (%s)", x->live.signal_name);
        else if (x->signal)
            buf_printf(&text, " (signal %d)", x->signal);
        else
            buf_printf(&text, " (exit %d)", x->exit_code);
    }
    if (ended && x->started && x->finished > x->started) {
        context_duration(dur, x->finished - x->started);
        buf_printf(&text, " %s %s",
                   strcmp(h->status, EXP_DONE) == 0 ? "in" : "after", dur);
    }
    set_str(o, "event", event);
    set_str(o, "event_text", text.ptr);
    if (x->live.lost_reason)
        set_str(o, "event_message", x->live.lost_reason);
    else if (h && *h->message)
        set_str(o, "event_message", h->message);
    buf_release(&text);
}

/* Lines of text as a JSON array of strings. */
static json_t *lines_json(const char *text)
{
    json_t *a = json_array();
    const char *p = text;

    while (*p) {
        size_t n = strcspn(p, "\n");

        json_array_append_new(a, json_stringn(p, n));
        p += n + (p[n] == '\n');
    }
    return a;
}

/* The lines as a Markdown code block, converted for the output format.
 * The fence is longer than any run of backticks in the text. */
static void set_block(json_t *o, const char *key, json_t *lines, size_t from,
                      const struct context_opts *co)
{
    struct buf md = BUF_INIT;
    size_t i, longest = 0, run = 0;
    const char *p;

    for (i = from; i < json_array_size(lines); i++) {
        for (p = json_string_value(json_array_get(lines, i)); *p; p++) {
            run = *p == '`' ? run + 1 : 0;
            if (run > longest)
                longest = run;
        }
    }
    for (i = 0; i < (longest < 3 ? 3 : longest + 1); i++)
        buf_putc(&md, '`');
    buf_putc(&md, '\n');
    for (i = from; i < json_array_size(lines); i++)
        buf_printf(&md, "%s\n", json_string_value(json_array_get(lines, i)));
    for (i = 0; i < (longest < 3 ? 3 : longest + 1); i++)
        buf_putc(&md, '`');
    set_converted(o, key, co ? co->markup : NULL, md.ptr);
    buf_release(&md);
}

/* A live run's state, a failed or lost run's output tail, the scheduler:
 * what a reader needs at 11 pm with three runs going. */
static void set_live(json_t *o, const struct view *v,
                     const struct view_exp *x, const struct context_opts *co)
{
    struct buf tail = BUF_INIT;
    char *text;

    json_object_set_new(o, "running",
                        json_boolean(strcmp(x->status, EXP_RUNNING) == 0));
    json_object_set_new(o, "lost", json_boolean(x->live.lost_reason != NULL));
    set_str(o, "lost_reason", x->live.lost_reason);
    text = context_progress_text(x);
    set_str(o, "progress", text);
    free(text);
    json_object_set_new(o, "long_run", json_boolean(context_long_run(x)));
    text = context_scheduler_text(x, 0);
    set_str(o, "scheduler", text);
    free(text);
    text = context_scheduler_text(x, 1);
    set_str(o, "scheduler_short", text);
    free(text);
    if (view_exp_has_tail(x) && view_exp_tail(v, x, 20, &tail) == 0) {
        json_t *all = lines_json(tail.ptr);
        size_t n = json_array_size(all), i;
        json_t *last5 = json_array();

        for (i = n > 5 ? n - 5 : 0; i < n; i++)
            json_array_append(last5, json_array_get(all, i));
        set_block(o, "tail_block", all, 0, co);
        set_block(o, "tail_markdown", all, 0, NULL);
        set_block(o, "tail_block_short", all, n > 5 ? n - 5 : 0, co);
        json_object_set_new(o, "tail", all);
        json_object_set_new(o, "tail_short", last5);
        json_object_set_new(o, "has_tail", json_boolean(n > 0));
        json_object_set_new(o, "tail_lines",
                            json_integer(x->live.tail_lines));
    } else {
        json_object_set_new(o, "has_tail", json_false());
    }
    buf_release(&tail);
}

json_t *context_exp(const struct view *v, const struct view_exp *x)
{
    return context_exp_with(v, x, NULL);
}

json_t *context_exp_with(const struct view *v, const struct view_exp *x,
                         const struct context_opts *co)
{
    json_t *o = json_object(), *params = json_array(), *tags = json_array();
    json_t *history = json_array(), *metrics = json_array();
    char *text;
    char dur[32];
    size_t i;

    set_str(o, "name", x->name);
    json_object_set_new(o, "id", json_integer(x->id));
    set_str(o, "hypothesis", x->hypothesis);
    set_converted(o, "hypothesis_body", co ? co->markup : NULL,
                  x->hypothesis);
    json_object_set_new(o, "hypothesis_amended",
                        json_boolean(x->hypothesis_amended));
    set_str(o, "mode", x->confirm ? "confirm" : "explore");
    json_object_set_new(o, "confirm", json_boolean(x->confirm));
    json_object_set_new(o, "explore", json_boolean(!x->confirm));
    set_str(o, "status", x->status);
    set_time(o, "created", x->created);
    for (i = 0; i < x->nparams; i++)
        json_array_append_new(params, json_pack("{s:s,s:s}", "key",
                                                x->params[i].key, "value",
                                                x->params[i].value));
    json_object_set_new(o, "params", params);
    for (i = 0; i < x->ntags; i++)
        json_array_append_new(tags, json_string(x->tags[i]));
    json_object_set_new(o, "tags", tags);
    json_object_set_new(o, "has_params", json_boolean(x->nparams > 0));
    json_object_set_new(o, "has_tags", json_boolean(x->ntags > 0));
    set_joined(o, "tags_text", x->tags, x->ntags);
    for (i = 0; i < x->nhistory; i++) {
        json_t *h = json_object();

        set_str(h, "status", x->history[i].status);
        set_time(h, "time", x->history[i].ts);
        set_str(h, "message", x->history[i].message);
        json_array_append_new(history, h);
    }
    json_object_set_new(o, "history", history);
    for (i = 0; i < x->nmetrics; i++)
        json_array_append_new(metrics, metric_json(&x->metrics[i]));
    json_object_set_new(o, "metrics", metrics);
    json_object_set_new(o, "has_metrics", json_boolean(x->nmetrics > 0));
    json_object_set_new(o, "metrics_have_change",
                        json_boolean(any_change(metrics)));
    text = context_distinct_params(v, x);
    set_str(o, "distinct_params", text);
    free(text);
    text = context_distinct_params_max(v, x, 4);
    set_str(o, "distinct_params_short", text);
    free(text);
    set_event(o, v, x);
    set_live(o, v, x, co);
    text = context_key_results(v, x);
    set_str(o, "key_results", text);
    free(text);
    text = view_sanity_text(v, x);
    set_str(o, "sanity", text);
    free(text);
    if (strcmp(x->status, EXP_DONE) == 0
        || strcmp(x->status, EXP_FAILED) == 0) {
        text = context_line(v, x);
        set_str(o, "context_line", text);
        free(text);
    }
    if (x->started) {
        set_time(o, "started", x->started);
        if (x->finished > x->started) {
            context_duration(dur, x->finished - x->started);
            set_str(o, "duration", dur);
        }
    }
    if (x->finished)
        set_time(o, "finished", x->finished);
    if (x->command) {
        json_t *run = json_object();

        set_str(run, "command", x->command);
        set_converted(run, "command_code", co ? co->code : NULL,
                      x->command);
        set_str(run, "cwd", x->cwd);
        set_str(run, "host", x->host);
        if (x->git_commit) {
            char short_commit[13];

            snprintf(short_commit, sizeof(short_commit), "%s", x->git_commit);
            set_str(run, "git_commit", short_commit);
            json_object_set_new(run, "git_dirty", json_boolean(x->git_dirty));
        }
        if (x->has_exit) {
            json_object_set_new(run, "exit_code", json_integer(x->exit_code));
            if (x->signal)
                json_object_set_new(run, "signal", json_integer(x->signal));
        }
        if (x->live.attempt_uid)
            set_str(run, "attempt", x->live.attempt_uid);
        if (x->live.pid)
            json_object_set_new(run, "pid", json_integer(x->live.pid));
        if (x->live.signal_name)
            set_str(run, "signal_name", x->live.signal_name);
        json_object_set_new(o, "run", run);
    }
    json_object_set_new(o, "notes", exp_items(&v->notes, x, co));
    json_object_set_new(o, "other_notes",
                        exp_other_notes(&v->notes, x, co));
    json_object_set_new(o, "attachments", exp_items(&v->attachments, x, co));
    json_object_set_new(o, "has_notes", json_boolean(json_array_size(
        json_object_get(o, "notes")) > 0));
    json_object_set_new(o, "has_other_notes", json_boolean(json_array_size(
        json_object_get(o, "other_notes")) > 0));
    json_object_set_new(o, "has_attachments", json_boolean(json_array_size(
        json_object_get(o, "attachments")) > 0));
    json_object_set_new(o, "ended_in_period",
                        json_boolean(x->ended_in_period));
    return o;
}

/* ---- the period ------------------------------------------------------- */

static void add_list(json_t *o, const char *key, const struct view_list *l,
                     const struct context_opts *co)
{
    char has[64];

    json_object_set_new(o, key, list_json(l, co));
    snprintf(has, sizeof(has), "has_%s", key);
    json_object_set_new(o, has, json_boolean(l->len > 0));
}

/* The notes in the period that pass keep(), as "KEY" and "has_KEY". */
static void add_notes_if(json_t *c, const char *key, const struct view *v,
                         const struct context_opts *co,
                         int (*keep)(const struct view_item *))
{
    json_t *a = json_array();
    char has[64];
    size_t i;

    for (i = 0; i < v->notes.len; i++)
        if (keep(v->notes.items[i]))
            json_array_append_new(a, item_json(v->notes.items[i], co));
    snprintf(has, sizeof(has), "has_%s", key);
    json_object_set_new(c, has, json_boolean(json_array_size(a) > 0));
    json_object_set_new(c, key, a);
}

static int not_takeaway(const struct view_item *it)
{
    return !it->takeaway;
}

static int without_exp(const struct view_item *it)
{
    return it->exp == NULL;
}

static int without_exp_not_takeaway(const struct view_item *it)
{
    return it->exp == NULL && !it->takeaway;
}

/* ---- the results table ------------------------------------------------ */

/* The label of a setting within its group: the params that vary in the
 * group other than seeds ("lr=3e-5"), else the run's name. */
static void setting_label(struct buf *out, const struct view_group *g,
                          const struct view_exp *x)
{
    const struct model_run **runs = xcalloc(g->n + 1, sizeof(*runs));
    const char *keys[16];
    size_t i, nk;

    for (i = 0; i < g->n; i++)
        runs[i] = &g->exps[i]->run;
    nk = g->n > 1 ? model_varying(runs, g->n, 0, keys, 16) : 0;
    for (i = 0; i < nk; i++) {
        const char *val = view_exp_param(x, keys[i]);

        buf_printf(out, "%s%s=%s", i ? ", " : "", keys[i], val ? val : "-");
    }
    if (!nk)
        buf_puts(out, x->name);
    free(runs);
}

/* The cell of a row with no run to summarise: a lone failed run shows
 * its own last value ("NaN @ step 25"), else an en dash. */
static void broken_value(json_t *cell, const struct view_metric *m)
{
    char v[NUM_TEXT_SIZE], text[64];

    if (!m || !m->count) {
        set_str(cell, "value", "\xe2\x80\x93");
        return;
    }
    num_format(v, m->last);
    if (!isfinite(m->last) && m->nonfinite)
        snprintf(text, sizeof(text), "%s @ step %lld", v,
                 (long long)m->nonfinite_step);
    else
        snprintf(text, sizeof(text), "%s", v);
    set_str(cell, "value", text);
}

/* The interval of a cell (view/compare.h): "ci" "[0.608, 0.695]" (t over
 * seeds, Wilson for a lone proportion on counted examples), its ends, and
 * "small_n" below 300 examples. */
static void interval(json_t *cell, struct view_exp *const *set, size_t ns,
                     const char *metric, const struct metric_info *mi)
{
    struct compare_cell cc;
    char text[COMPARE_TEXT_SIZE];
    char *bracket;

    compare_cell_fill(&cc, set, ns, metric, mi, NULL);
    json_object_set_new(cell, "ci_lo", isfinite(cc.lo) ? json_real(cc.lo)
                                                       : json_null());
    json_object_set_new(cell, "ci_hi", isfinite(cc.hi) ? json_real(cc.hi)
                                                       : json_null());
    if (cc.small_n)
        json_object_set_new(cell, "small_n", json_true());
    if (!isfinite(cc.lo) || cc.lo == cc.hi)
        return;
    compare_cell_format(text, &cc);
    bracket = strchr(text, '[');
    if (bracket && cc.ci == COMPARE_CI_WILSON && bracket > text) {
        /* A lone run's value to the interval's decimal place. */
        bracket[-1] = '\0';
        set_str(cell, "value", text);
        bracket[-1] = ' ';
    }
    if (bracket) {
        char *end = strchr(bracket, ']');

        if (end)
            end[1] = '\0';
        set_str(cell, "ci", bracket);
    }
}

/* One row per setting of a group: its seeds summarised per metric. */
static json_t *result_rows(const struct view *v, const struct view_group *g,
                           const char *const *metric, size_t nm,
                           json_t **best_cells)
{
    json_t *rows = json_array();
    struct view_exp **set = xcalloc(g->n + 1, sizeof(*set));
    double best[3] = { NAN, NAN, NAN };
    size_t ties[3] = { 0, 0, 0 };
    struct metric_info mi[3];
    struct buf b = BUF_INIT;
    char pm[2 * NUM_TEXT_SIZE];
    size_t i, j, k, ns, broken;

    for (k = 0; k < nm; k++)
        view_metric_info(v, metric[k], &mi[k]);
    for (i = 0; i < g->n; i++) {
        json_t *row, *cells, *names;
        int first = 1;

        for (j = 0, ns = 0; j < g->n; j++)
            if (j == i || view_exp_repeats(g->exps[i], g->exps[j])
                || (g->exps[i] == g->exps[j])) {
                first &= j >= i;
                set[ns++] = g->exps[j];
            }
        if (!first)
            continue;
        row = json_object();
        cells = json_array();
        names = json_array();
        buf_reset(&b);
        setting_label(&b, g, g->exps[i]);
        set_str(row, "setting", b.ptr);
        for (j = 0; j < ns; j++)
            json_array_append_new(names, json_string(set[j]->name));
        json_object_set_new(row, "members", names);
        broken = 0;
        for (k = 0; k < nm; k++) {
            struct model_summary s;
            json_t *cell = json_object();

            view_summary_last(&s, set, ns, metric[k], &broken);
            if (s.n)
                set_str(cell, "value", num_format_pm(pm, s.mean, s.sd));
            else
                broken_value(cell, ns == 1 ? view_exp_metric(set[0],
                                                              metric[k])
                                           : NULL);
            json_object_set_new(cell, "mean_value",
                                s.n ? json_real(s.mean) : json_null());
            json_object_set_new(cell, "sd_value",
                                s.n > 1 ? json_real(s.sd) : json_null());
            json_object_set_new(cell, "n", json_integer((json_int_t)s.n));
            interval(cell, set, ns, metric[k], &mi[k]);
            if (s.n && !isnan(best[k]) && s.mean == best[k]) {
                ties[k]++;
            } else if (s.n && (isnan(best[k])
                               || metric_better(&mi[k], s.mean, best[k]))) {
                best[k] = s.mean;
                best_cells[k] = cell;
                ties[k] = 0;
            }
            json_array_append_new(cells, cell);
        }
        json_object_set_new(row, "cells", cells);
        json_object_set_new(row, "runs", json_integer((json_int_t)ns));
        buf_reset(&b);
        if (ns == 1 && broken)
            buf_puts(&b, "1 (failed)");
        else
            buf_printf(&b, "%zu", ns - broken);
        if (broken && ns > 1)
            buf_printf(&b, " (+%zu failed)", broken);
        set_str(row, "runs_text", b.ptr);
        buf_reset(&b);
        for (j = 0; j < ns; j++)
            if (view_exp_broken(set[j]))
                buf_printf(&b, "%s%s", b.len ? ", " : "", set[j]->name);
        set_str(row, "failed", b.ptr);
        json_array_append_new(rows, row);
    }
    for (k = 0; k < nm; k++)
        if (ties[k])
            best_cells[k] = NULL; /* no best among equals */
    buf_release(&b);
    free(set);
    return rows;
}

json_t *context_results(const struct view *v)
{
    json_t *out = json_array();
    unsigned char *in = xcalloc(v->nexps + 1, 1);
    struct view_groups g;
    size_t i, k;

    /* Every run touched, those without a point too (a crash is a row),
     * in groups that have some metric to show. */
    for (i = 0; i < v->nexps; i++)
        in[i] = (unsigned char)v->exps[i].touched;
    view_groups_build(&g, v, in, in);
    for (i = 0; i < g.len; i++) {
        const struct view_group *vg = &g.items[i];
        json_t *o = json_object(), *metrics = json_array();
        json_t *best_cells[3] = { NULL, NULL, NULL };
        const struct model_run **runs = xcalloc(vg->n + 1, sizeof(*runs));
        const char *metric[3];
        char name[256];
        struct buf b = BUF_INIT;
        size_t nm = 0, seeds = 0;

        for (k = 0; k < vg->n && nm == 0; k++)
            nm = key_metrics(vg->exps[k], metric);
        if (nm == 0) {
            json_decref(o);
            json_decref(metrics);
            free(runs);
            continue;
        }
        for (k = 0; k < vg->n; k++)
            runs[k] = &vg->exps[k]->run;
        model_common_name(name, sizeof(name), runs, vg->n);
        set_str(o, "name", vg->tag ? vg->tag : vg->n == 1 ? vg->exps[0]->name
                           : *name ? name : vg->exps[0]->name);
        for (k = 0; k < nm; k++)
            json_array_append_new(metrics, json_pack("{s:s}", "name",
                                                     metric[k]));
        json_object_set_new(o, "metrics", metrics);
        json_object_set_new(o, "rows", result_rows(v, vg, metric, nm,
                                                   best_cells));
        for (k = 0; k < nm; k++)
            if (best_cells[k] && json_array_size(json_object_get(o, "rows"))
                                 > 1)
                json_object_set_new(best_cells[k], "best", json_true());
        for (k = 0; k < json_array_size(json_object_get(o, "rows")); k++) {
            size_t r = (size_t)json_integer_value(json_object_get(
                json_array_get(json_object_get(o, "rows"), k), "runs"));

            seeds = r > seeds ? r : seeds;
        }
        if (vg->by)
            buf_printf(&b, "%s sweep, %zu setting%s", vg->by, vg->nsettings,
                       vg->nsettings == 1 ? "" : "s");
        else if (vg->n > 1)
            buf_printf(&b, "%zu setting%s", vg->nsettings,
                       vg->nsettings == 1 ? "" : "s");
        if (seeds > 1)
            buf_printf(&b, "%s%zu seeds each (mean \xc2\xb1 sd, [95%% "
                       "interval])", b.len ? ", " : "", seeds);
        set_str(o, "subtitle", b.ptr);
        buf_reset(&b);
        for (k = 0; k < vg->n; k++)
            if (view_exp_broken(vg->exps[k]))
                buf_printf(&b, "%s%s", b.len ? ", " : "", vg->exps[k]->name);
        set_str(o, "failed", b.ptr);
        json_object_set_new(o, "group", json_boolean(vg->n > 1));
        buf_release(&b);
        free(runs);
        json_array_append_new(out, o);
    }
    view_groups_release(&g);
    free(in);
    return out;
}

/* Removes every key whose value is "" from objects at any depth, so a
 * template's {{#key}} section shows only when key has text (the engine
 * counts "" as true, as the Mustache spec does). */
static void prune_empty(json_t *j)
{
    const char *key;
    json_t *val, *tmp;
    size_t i;

    if (json_is_array(j)) {
        json_array_foreach(j, i, val)
            prune_empty(val);
    } else if (json_is_object(j)) {
        json_object_foreach_safe(j, tmp, key, val) {
            if (json_is_string(val) && json_string_length(val) == 0)
                json_object_del(j, key);
            else
                prune_empty(val);
        }
    }
}

static void set_weekday(json_t *o, const char *key, int64_t ms)
{
    static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
                                        "Fri", "Sat" };

    set_str(o, key, days[time_weekday(ms)]);
}

/* Whether the period has anything for a "what happened" section. */
static int has_news(const struct view *v)
{
    return v->ntouched || v->notes.len || v->next_done.len
           || v->blockers_resolved.len || v->questions_answered.len
           || v->decisions.len || v->retracted.len || v->attachments.len;
}

/* "3 finished", "2 finished, 1 failed": what happened to a setting's
 * seeds in the period. */
static void seeds_event(struct buf *out, const struct view *v,
                        struct view_exp *const *mine, size_t n)
{
    const char *seen[16];
    size_t counts[16], ns = 0, i, k;

    for (i = 0; i < n; i++) {
        const char *ev = context_exp_event(v, mine[i]);

        for (k = 0; k < ns && strcmp(seen[k], ev) != 0; k++)
            ;
        if (k == ns && ns < 16) {
            seen[ns] = ev;
            counts[ns++] = 0;
        }
        if (k < ns)
            counts[k]++;
    }
    for (k = 0; k < ns; k++)
        buf_printf(out, "%s%zu %s", k ? ", " : "", counts[k], seen[k]);
}

/* One line of the period's results for the seeds of one setting. */
static json_t *setting_json(const struct view *v, struct view_exp *const *mine,
                            size_t n)
{
    json_t *o = json_object(), *names = json_array();
    const struct model_run **runs = xcalloc(n + 1, sizeof(*runs));
    struct buf b = BUF_INIT;
    char name[256];
    char *text;
    size_t i, confirm = 0;

    for (i = 0; i < n; i++) {
        runs[i] = &mine[i]->run;
        confirm += mine[i]->confirm != 0;
        json_array_append_new(names, json_string(mine[i]->name));
    }
    model_common_name(name, sizeof(name), runs, n);
    set_str(o, "name", *name ? name : mine[0]->name);
    json_object_set_new(o, "setting", json_true());
    json_object_set_new(o, "seeds", json_integer((json_int_t)n));
    json_object_set_new(o, "members", names);
    text = distinct_params(v, mine[0], 4, 1);
    buf_printf(&b, "%s%s%zu seeds", text, *text ? ", " : "", n);
    set_str(o, "distinct_params_short", b.ptr);
    free(text);
    buf_reset(&b);
    seeds_event(&b, v, mine, n);
    set_str(o, "event_text", b.ptr);
    text = key_results_of(v, mine, n);
    set_str(o, "key_results", text);
    free(text);
    buf_reset(&b);
    for (i = 0; i < n; i++) {
        const struct view_exp *x = mine[i];
        const char *msg = x->nhistory ? x->history[x->nhistory - 1].message
                                      : "";

        if (view_exp_broken(x))
            buf_printf(&b, "%s%s %s%s%s", b.len ? "; " : "", x->name,
                       x->status, *msg ? ": " : "", msg);
    }
    set_str(o, "event_message", b.ptr);
    json_object_set_new(o, "confirm", json_boolean(confirm == n));
    json_object_set_new(o, "explore", json_boolean(confirm == 0));
    buf_release(&b);
    free(runs);
    return o;
}

/* Runs still going, or lost, first: they are what needs a look tonight;
 * the rest keep their order. Takes and returns the reference. */
static json_t *live_first(json_t *list)
{
    json_t *out = json_array(), *item;
    size_t i;
    int pass;

    for (pass = 0; pass < 2; pass++) {
        json_array_foreach(list, i, item) {
            int live = json_is_true(json_object_get(item, "running"))
                       || json_is_true(json_object_get(item, "lost"));

            if (live == (pass == 0))
                json_array_append(out, item);
        }
    }
    json_decref(list);
    return out;
}

json_t *context_last(const struct view *v, json_t *exps)
{
    json_t *last = json_array();
    struct view_exp **touched = xcalloc(v->nexps + 1, sizeof(*touched));
    struct view_exp **mine = xcalloc(v->nexps + 1, sizeof(*mine));
    char *done = xcalloc(v->nexps + 1, 1);
    size_t nt = 0, i, j;

    for (i = 0; i < v->nexps; i++)
        if (v->exps[i].touched)
            touched[nt++] = &v->exps[i];
    for (i = 0; i < nt; i++) {
        size_t n = 0;

        /* A file attached to a run is listed as an attachment: it is no
         * news of the run, which an earlier update already reported. */
        if (done[i] || (!touched[i]->changed && !touched[i]->nnotes))
            continue;
        mine[n++] = touched[i];
        for (j = i + 1; j < nt; j++)
            if (!done[j] && (touched[j]->changed || touched[j]->nnotes)
                && view_exp_repeats(touched[i], touched[j])) {
                mine[n++] = touched[j];
                done[j] = 1;
            }
        if (n > 1)
            json_array_append_new(last, setting_json(v, mine, n));
        else
            json_array_append(last, json_array_get(exps, i));
    }
    free(done);
    free(mine);
    free(touched);
    return live_first(last);
}

/* The group line of a sweep: "lr sweep, 5 × 3 seeds: best lr=0.1,
 * acc 0.950 ± 0.010 (n=3)", failed runs named. */
static json_t *group_json(const struct view *v, const struct view_group *g)
{
    json_t *o = json_object(), *names = json_array();
    struct view_exp **set = xcalloc(g->n + 1, sizeof(*set));
    const struct model_run **runs = xcalloc(g->n + 1, sizeof(*runs));
    struct model_summary best, s;
    const struct view_exp *best_x = NULL;
    struct metric_info mi;
    const char *metric[3];
    struct buf b = BUF_INIT;
    char name[256], pm[2 * NUM_TEXT_SIZE];
    size_t i, j, ns, nm = 0, confirm = 0, seeds = 0;

    for (i = 0; i < g->n && nm == 0; i++)
        nm = key_metrics(g->exps[i], metric);
    for (i = 0; i < g->n; i++) {
        runs[i] = &g->exps[i]->run;
        confirm += g->exps[i]->confirm != 0;
        json_array_append_new(names, json_string(g->exps[i]->name));
    }
    model_common_name(name, sizeof(name), runs, g->n);
    set_str(o, "name", g->tag ? g->tag : *name ? name : g->exps[0]->name);
    json_object_set_new(o, "group", json_true());
    json_object_set_new(o, "members", names);
    /* The best setting by the headline metric, over its ok seeds. */
    memset(&best, 0, sizeof(best));
    if (nm)
        view_metric_info(v, metric[0], &mi);
    for (i = 0; nm && i < g->n; i++) {
        int first = 1;

        for (j = 0, ns = 0; j < g->n; j++)
            if (j == i || model_same_setting(runs[i], runs[j])) {
                first &= j >= i;
                set[ns++] = g->exps[j];
            }
        if (!first)
            continue;
        seeds = ns > seeds ? ns : seeds;
        view_summary_last(&s, set, ns, metric[0], NULL);
        if (s.n && (!best_x || metric_better(&mi, s.mean, best.mean))) {
            best = s;
            best_x = g->exps[i];
        }
    }
    if (g->by && seeds > 1)
        buf_printf(&b, "%s sweep, %zu \xc3\x97 %zu seeds", g->by,
                   g->nsettings, seeds);
    else if (g->by)
        buf_printf(&b, "%s sweep of %zu", g->by, g->nsettings);
    else if (seeds > 1)
        buf_printf(&b, "%zu settings \xc3\x97 %zu seeds", g->nsettings,
                   seeds);
    else
        buf_printf(&b, "%zu settings", g->nsettings);
    set_str(o, "distinct_params_short", b.ptr);
    buf_reset(&b);
    seeds_event(&b, v, g->exps, g->n);
    set_str(o, "event_text", b.ptr);
    buf_reset(&b);
    if (best_x) {
        buf_puts(&b, "best ");
        if (g->by)
            buf_printf(&b, "%s=%s", g->by, view_exp_param(best_x, g->by));
        else
            buf_puts(&b, best_x->name);
        buf_printf(&b, ", %s %s", metric[0],
                   num_format_pm(pm, best.mean, best.sd));
        if (best.n > 1)
            buf_printf(&b, " (n=%zu)", best.n);
    }
    set_str(o, "key_results", b.ptr);
    buf_reset(&b);
    for (i = 0; i < g->n; i++)
        if (view_exp_broken(g->exps[i]))
            buf_printf(&b, "%s%s", b.len ? ", " : "failed or diverged: ",
                       g->exps[i]->name);
    set_str(o, "event_message", b.ptr);
    json_object_set_new(o, "confirm", json_boolean(confirm == g->n));
    json_object_set_new(o, "explore", json_boolean(confirm == 0));
    buf_release(&b);
    free(runs);
    free(set);
    return o;
}

/* The experiment a line of context_last() is about (its first member). */
static const struct view_exp *line_exp(const struct view *v, json_t *line)
{
    json_t *members = json_object_get(line, "members");
    const char *name = json_string_value(members
                                         ? json_array_get(members, 0)
                                         : json_object_get(line, "name"));

    return name ? view_exp_find(v, name) : NULL;
}

json_t *context_last_grouped(const struct view *v, json_t *last)
{
    json_t *out = json_array();
    unsigned char *in = xcalloc(v->nexps + 1, 1);
    size_t *group_of = xcalloc(v->nexps + 1, sizeof(*group_of));
    unsigned char *emitted;
    struct view_groups g;
    size_t i, k;

    for (i = 0; i < v->nexps; i++)
        in[i] = v->exps[i].touched && (v->exps[i].changed
                                       || v->exps[i].nnotes);
    view_groups_build(&g, v, in, in);
    emitted = xcalloc(g.len + 1, 1);
    for (i = 0; i < v->nexps; i++)
        group_of[i] = (size_t)-1;
    for (i = 0; i < g.len; i++)
        for (k = 0; k < g.items[i].n; k++)
            group_of[g.items[i].exps[k] - v->exps] = i;
    for (i = 0; i < json_array_size(last); i++) {
        json_t *line = json_array_get(last, i);
        const struct view_exp *x = line_exp(v, line);
        size_t gi = x ? group_of[x - v->exps] : (size_t)-1;

        if (gi == (size_t)-1 || g.items[gi].nsettings < 2) {
            json_array_append(out, line);
        } else if (!emitted[gi]) {
            emitted[gi] = 1;
            json_array_append_new(out, group_json(v, &g.items[gi]));
        }
    }
    view_groups_release(&g);
    free(emitted);
    free(group_of);
    free(in);
    return out;
}

/* "velocity" (one line: this week against last) and "swamps" (each
 * with "text"), "has_swamps": the loop's speed and where it is stuck, as
 * of end. */
static void add_velocity(json_t *c, const struct view *v, int64_t end)
{
    struct model_week w[2];
    struct model_swamp sw[CONTEXT_MAX_SWAMPS];
    json_t *list = json_array();
    struct buf b = BUF_INIT;
    size_t i, n;

    view_weeks(v, end, w, 2);
    /* Nothing to say about a log with no results yet. */
    if (w[0].finished + w[1].finished + w[0].takeaways + w[1].takeaways
        + w[0].leads + w[1].leads)
        view_velocity_text(&b, w, 2);
    set_str(c, "velocity", b.ptr);
    n = view_swamps(v, end, sw, CONTEXT_MAX_SWAMPS);
    for (i = 0; i < n; i++) {
        buf_reset(&b);
        view_swamp_text(&b, &sw[i], end);
        json_array_append_new(list, json_pack("{s:s}", "text", b.ptr));
    }
    json_object_set_new(c, "swamps", list);
    json_object_set_new(c, "has_swamps", json_boolean(n > 0));
    buf_release(&b);
}

json_t *context_view(const struct view *v, const struct context_opts *o)
{
    json_t *c = json_object(), *exps = json_array(), *others = json_array();
    int64_t since = v->since ? v->since : v->first_ts;
    int64_t until = v->until ? v->until : o->now;
    char title[256];
    size_t i;

    set_str(c, "project", v->project);
    set_str(c, "goal", v->goal);
    set_converted(c, "goal_body", o->markup, v->goal);
    set_str(c, "author", o->author);
    set_time(c, "generated", o->now);
    set_date(c, "today", o->now);
    set_weekday(c, "today_weekday", o->now);
    set_time(c, "since", since);
    set_time(c, "until", until);
    set_date(c, "since_date", since);
    set_date(c, "until_date", until);
    set_weekday(c, "since_weekday", since);
    json_object_set_new(c, "whole_log", json_boolean(v->since == 0
                                                     && v->until == 0));
    snprintf(title, sizeof(title), "%s", o->title ? o->title : v->project);
    set_str(c, "title", title);
    for (i = 0; i < v->nexps; i++) {
        const struct view_exp *x = &v->exps[i];

        if (x->touched)
            json_array_append_new(exps, context_exp_with(v, x, o));
        else if (!v->narrowed)
            json_array_append_new(others, json_pack(
                "{s:s,s:s}", "name", x->name, "status", x->status));
    }
    json_object_set_new(c, "last", context_last(v, exps));
    json_object_set_new(c, "last_grouped",
                        context_last_grouped(v, json_object_get(c, "last")));
    json_object_set_new(c, "experiments", exps);
    json_object_set_new(c, "has_experiments", json_boolean(v->ntouched > 0));
    json_object_set_new(c, "has_other_experiments",
                        json_boolean(json_array_size(others) > 0));
    json_object_set_new(c, "other_experiments", others);
    add_list(c, "notes", &v->notes, o);
    add_notes_if(c, "other_notes", v, o, not_takeaway);
    add_notes_if(c, "project_notes", v, o, without_exp);
    add_notes_if(c, "project_other_notes", v, o, without_exp_not_takeaway);
    json_object_set_new(c, "results", context_results(v));
    json_object_set_new(c, "has_results", json_boolean(json_array_size(
        json_object_get(c, "results")) > 0));
    add_list(c, "takeaways", &v->takeaways, o);
    add_list(c, "retracted", &v->retracted, o);
    add_list(c, "next_done", &v->next_done, o);
    add_list(c, "next_open", &v->next_open, o);
    add_list(c, "blockers_raised", &v->blockers_raised, o);
    add_list(c, "blockers_resolved", &v->blockers_resolved, o);
    add_list(c, "blockers_open", &v->blockers_open, o);
    add_list(c, "questions_asked", &v->questions_asked, o);
    add_list(c, "questions_answered", &v->questions_answered, o);
    add_list(c, "questions_open", &v->questions_open, o);
    add_list(c, "decisions", &v->decisions, o);
    add_list(c, "attachments", &v->attachments, o);
    json_object_set_new(c, "empty", json_boolean(v->nentries == 0));
    json_object_set_new(c, "has_news", json_boolean(has_news(v)));
    add_velocity(c, v, until);
    prune_empty(c);
    return c;
}
