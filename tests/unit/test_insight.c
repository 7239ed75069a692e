/* SPDX-License-Identifier: MIT */
/* Tests for model/velocity (weeks, lead times, swamps) and model/sanity
 * (chance, overfitting). */
#include <string.h>

#include "harness.h"
#include "model/sanity.h"
#include "model/velocity.h"

#define DAY INT64_C(86400000)

static void test_weeks(void)
{
    int64_t end = 100 * DAY;
    /* Three done this week (the end itself included), two the week
     * before (its end, seven days back, included), one long ago. */
    const int64_t finished[] = { end - 1, end - 2 * DAY, end - 7 * DAY,
                                 end - 8 * DAY, end - 30 * DAY, end };
    const int64_t takeaways[] = { end - DAY, end - 10 * DAY };
    const int64_t lead_end[] = { end - DAY, end - 3 * DAY, end - 4 * DAY,
                                 end - 9 * DAY };
    const int64_t lead_ms[] = { 5 * DAY, DAY, 2 * DAY, 7 * DAY };
    int64_t scratch[4];
    struct model_week w[3];

    model_weeks(w, 3, end, finished, 6, takeaways, 2, lead_end, lead_ms, 4,
                scratch);
    INT_EQ(w[0].end, end);
    INT_EQ(w[0].start, end - 7 * DAY);
    INT_EQ(w[0].finished, 3);
    INT_EQ(w[1].finished, 2);
    INT_EQ(w[2].finished, 0);
    INT_EQ(w[0].takeaways, 1);
    INT_EQ(w[1].takeaways, 1);
    INT_EQ(w[0].leads, 3);
    INT_EQ(w[0].median_lead, 2 * DAY);
    INT_EQ(w[1].leads, 1);
    INT_EQ(w[1].median_lead, 7 * DAY);
    INT_EQ(w[2].median_lead, 0);
    DBL_EQ(model_week_rate(&w[0]), 3.0 / 7, 1e-15);
}

static void test_weeks_even_median(void)
{
    const int64_t lead_end[] = { 10, 20 };
    const int64_t lead_ms[] = { 4 * DAY, DAY };
    int64_t scratch[2];
    struct model_week w;

    model_weeks(&w, 1, DAY, NULL, 0, NULL, 0, lead_end, lead_ms, 2, scratch);
    INT_EQ(w.median_lead, DAY + 3 * DAY / 2);
}

static void test_swamps(void)
{
    int64_t now = 50 * DAY;
    struct model_swamp_item runs[20], tk[3];
    unsigned char hyp[20] = { 0 }, hyp_t[3] = { 0 };
    struct model_swamp out[4];
    size_t i, n;

    /* 12 runs of sft over 6 days, one takeaway before the last 10; 3 runs
     * of prompts; 5 untagged runs of one hypothesis, no takeaway. */
    for (i = 0; i < 12; i++) {
        runs[i].key = "sft";
        runs[i].ts = now - 6 * DAY + (int64_t)i * (DAY / 4);
    }
    for (i = 12; i < 15; i++) {
        runs[i].key = "prompts";
        runs[i].ts = now - 10 * DAY;
    }
    for (i = 15; i < 20; i++) {
        runs[i].key = "bigger models refuse less";
        runs[i].ts = now - 5 * DAY;
        hyp[i] = 1;
    }
    tk[0].key = "sft";
    tk[0].ts = now - 6 * DAY + DAY / 4 + 1; /* after runs 0 and 1 */
    tk[1].key = "prompts";
    tk[1].ts = now - 20 * DAY;
    tk[2].key = "sft";
    tk[2].ts = now - 9 * DAY; /* older: not the last */

    n = model_swamps(out, 4, runs, hyp, 20, tk, hyp_t, 3, now, 8, 3);
    INT_EQ(n, 1);
    STR_EQ(out[0].key, "sft");
    INT_EQ(out[0].runs, 10);
    INT_EQ(out[0].has_takeaway, 1);
    INT_EQ(out[0].since, tk[0].ts);
    /* Fewer runs make the hypothesis and prompts count too, most first. */
    n = model_swamps(out, 4, runs, hyp, 20, tk, hyp_t, 3, now, 3, 3);
    INT_EQ(n, 3);
    STR_EQ(out[0].key, "sft");
    STR_EQ(out[1].key, "bigger models refuse less");
    INT_EQ(out[1].hypothesis, 1);
    INT_EQ(out[1].has_takeaway, 0);
    INT_EQ(out[1].since, now - 5 * DAY);
    STR_EQ(out[2].key, "prompts");
    /* Too recent: a fresh takeaway clears the swamp. */
    tk[0].ts = now - DAY;
    n = model_swamps(out, 4, runs, hyp, 20, tk, hyp_t, 3, now, 1, 3);
    for (i = 0; i < n; i++)
        OK(!(out[i].key[0] == 's' && out[i].hypothesis == 0));
    /* A full out keeps the biggest. */
    n = model_swamps(out, 1, runs, hyp, 20, tk, hyp_t, 1, now, 1, 0);
    INT_EQ(n, 1);
    STR_EQ(out[0].key, "bigger models refuse less");
}

static void test_chance(void)
{
    struct metric_info loss, acc;

    metric_info_of(&loss, "loss", NULL);
    metric_info_of(&acc, "accuracy", NULL);
    OK(!model_not_beyond_chance(&loss, 2.0)); /* no chance declared */
    loss.has_chance = acc.has_chance = 1;
    loss.chance = 1.3862943611198906; /* -log(1/4) */
    acc.chance = 0.25;
    OK(model_not_beyond_chance(&loss, 1.40));
    OK(model_not_beyond_chance(&loss, loss.chance));
    OK(!model_not_beyond_chance(&loss, 1.38));
    OK(model_not_beyond_chance(&acc, 0.25));
    OK(!model_not_beyond_chance(&acc, 0.26));
    OK(!model_not_beyond_chance(&loss, NAN));
}

/* Fills windows from a series of 1000 steps: y(step) plus noise. */
static void fill(struct stats_acc *w, double (*y)(int64_t), double noise,
                 unsigned seed)
{
    int64_t step;

    memset(w, 0, MODEL_WINDOWS * sizeof(*w));
    for (step = 0; step < 1000; step++) {
        /* A small LCG: the same noise on every machine. */
        double u;

        seed = seed * 1103515245u + 12345u;
        u = (double)(seed >> 8 & 0xffff) / 65535.0 - 0.5;
        stats_acc_add(&w[model_window(step, 0, 999)], y(step) + noise * u);
    }
}

static double loss_u(int64_t s) /* down to step 400, then up */
{
    return s < 400 ? 1.0 - 0.001 * (double)s : 0.6 + 0.0005 * (double)(s - 400);
}
static double acc_up(int64_t s) { return 0.5 + 0.0003 * (double)s; }
static double plateau(int64_t s) { (void)s; return 0.45; }
static double acc_flat(int64_t s) { return s < 400 ? 0.5 + 0.0005 * (double)s : 0.7; }

static void test_overfitting(void)
{
    struct stats_acc loss[MODEL_WINDOWS], acc[MODEL_WINDOWS];
    size_t from;

    INT_EQ(model_window(0, 0, 999), 0);
    INT_EQ(model_window(999, 0, 999), MODEL_WINDOWS - 1);
    INT_EQ(model_window(500, 0, 999), 5);
    fill(loss, loss_u, 0.02, 1);
    fill(acc, acc_up, 0.02, 2);
    OK(model_overfitting(loss, acc, &from));
    INT_EQ(from, 4);
    /* Accuracy flat after the loss minimum: no. */
    fill(acc, acc_flat, 0.02, 2);
    OK(!model_overfitting(loss, acc, &from));
    /* A noisy plateau: the lowest point is far below the last, the
     * windows are not: no. */
    fill(loss, plateau, 0.3, 3);
    fill(acc, acc_up, 0.02, 2);
    OK(!model_overfitting(loss, acc, &from));
    /* Still falling: no. */
    fill(loss, plateau, 0, 3);
    OK(!model_overfitting(loss, acc, &from));
}

int main(void)
{
    RUN(test_weeks);
    RUN(test_weeks_even_median);
    RUN(test_swamps);
    RUN(test_chance);
    RUN(test_overfitting);
    return harness_finish("test_insight");
}
