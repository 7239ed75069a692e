/* SPDX-License-Identifier: MIT */
/* Velocity and the swamp (see velocity.h). */
#include "model/velocity.h"

#include <stdlib.h>
#include <string.h>

static int i64_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

static size_t count_in(const int64_t *ts, size_t n, int64_t start,
                       int64_t end)
{
    size_t i, c = 0;

    for (i = 0; i < n; i++)
        c += ts[i] > start && ts[i] <= end;
    return c;
}

void model_weeks(struct model_week *weeks, size_t nweeks, int64_t end,
                 const int64_t *finished, size_t nfinished,
                 const int64_t *takeaways, size_t ntakeaways,
                 const int64_t *lead_end, const int64_t *lead_ms,
                 size_t nlead, int64_t *scratch)
{
    size_t k, i;

    for (k = 0; k < nweeks; k++) {
        struct model_week *w = &weeks[k];
        size_t m = 0;

        w->end = end - (int64_t)k * MODEL_WEEK_MS;
        w->start = w->end - MODEL_WEEK_MS;
        w->finished = count_in(finished, nfinished, w->start, w->end);
        w->takeaways = count_in(takeaways, ntakeaways, w->start, w->end);
        for (i = 0; i < nlead; i++)
            if (lead_end[i] > w->start && lead_end[i] <= w->end)
                scratch[m++] = lead_ms[i];
        w->leads = m;
        w->median_lead = 0;
        if (m) {
            qsort(scratch, m, sizeof(*scratch), i64_cmp);
            w->median_lead = m % 2 ? scratch[m / 2]
                                   : scratch[m / 2 - 1]
                                         + (scratch[m / 2] - scratch[m / 2 - 1])
                                               / 2;
        }
    }
}

double model_week_rate(const struct model_week *w)
{
    return (double)w->finished / 7.0;
}

size_t model_swamps(struct model_swamp *out, size_t max,
                    const struct model_swamp_item *runs,
                    const unsigned char *hyp, size_t nruns,
                    const struct model_swamp_item *takeaways,
                    const unsigned char *hyp_t, size_t ntakeaways,
                    int64_t now, size_t min_runs, int min_days)
{
    size_t n = 0, i, j, k;

    for (i = 0; i < nruns; i++) {
        int64_t last = 0;
        int have = 0;
        struct model_swamp s;

        if (!runs[i].key || !*runs[i].key || runs[i].ts > now)
            continue;
        /* Each key once: the first run of it starts its count. */
        for (j = 0; j < i; j++)
            if (hyp[j] == hyp[i] && runs[j].key
                && strcmp(runs[j].key, runs[i].key) == 0)
                break;
        if (j < i)
            continue;
        for (k = 0; k < ntakeaways; k++)
            if (hyp_t[k] == hyp[i] && takeaways[k].key
                && takeaways[k].ts <= now
                && strcmp(takeaways[k].key, runs[i].key) == 0
                && (!have || takeaways[k].ts > last)) {
                last = takeaways[k].ts;
                have = 1;
            }
        memset(&s, 0, sizeof(s));
        s.key = runs[i].key;
        s.hypothesis = hyp[i];
        s.has_takeaway = have;
        for (j = i; j < nruns; j++) {
            if (hyp[j] != hyp[i] || !runs[j].key || runs[j].ts > now
                || strcmp(runs[j].key, runs[i].key) != 0
                || (have && runs[j].ts <= last))
                continue;
            if (!s.runs || runs[j].ts < s.since)
                s.since = runs[j].ts;
            s.runs++;
        }
        if (have)
            s.since = last;
        if (s.runs < min_runs
            || now - s.since < (int64_t)min_days * 86400000)
            continue;
        /* Most runs first; when out is full the fewest give way. */
        if (n == max && (max == 0 || out[max - 1].runs >= s.runs))
            continue;
        k = n < max ? n++ : max - 1;
        for (; k > 0 && out[k - 1].runs < s.runs; k--)
            out[k] = out[k - 1];
        out[k] = s;
    }
    return n;
}
