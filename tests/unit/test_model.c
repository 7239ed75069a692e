/* SPDX-License-Identifier: MIT */
/*
 * Tests for src/model/: the kind table and metric roles, from plain
 * in-memory values (no store, no SQLite).
 */
#include <math.h>
#include <stdlib.h>

#include "harness.h"
#include "model/group.h"
#include "model/kind.h"
#include "model/metric.h"
#include "model/status.h"
#include "model/summary.h"

static void test_kind_names_round_trip(void)
{
    int k;

    for (k = 0; k < ENTRY_KIND_COUNT; k++) {
        const struct kind_info *ki = kind_info((enum entry_kind)k);

        OK(ki->noun && *ki->noun && ki->plural && ki->article);
        if (k == ENTRY_UNKNOWN) {
            OK(ki->name == NULL);
            STR_EQ(entry_kind_name((enum entry_kind)k), "?");
            continue;
        }
        INT_EQ(entry_kind_parse(ki->name), k);
    }
    INT_EQ(entry_kind_parse("metric-info"), ENTRY_METRIC_INFO);
    INT_EQ(entry_kind_parse("nope"), -1);
    INT_EQ(entry_kind_parse("?"), -1);
    OK(kind_info((enum entry_kind)999) == kind_info(ENTRY_UNKNOWN));
}

static void test_kind_replies(void)
{
    int k;

    OK(kind_may_refer(ENTRY_DONE, ENTRY_NEXT));
    OK(!kind_may_refer(ENTRY_DONE, ENTRY_BLOCK));
    OK(kind_may_refer(ENTRY_RETRACT, ENTRY_METRICS));
    OK(kind_may_refer(ENTRY_RETRACT, ENTRY_METRIC_INFO));
    OK(!kind_may_refer(ENTRY_RETRACT, ENTRY_RETRACT));
    OK(kind_may_refer(ENTRY_AMEND, ENTRY_EXP));
    OK(!kind_may_refer(ENTRY_NOTE, ENTRY_NOTE));
    OK(!kind_may_refer(ENTRY_AMEND, ENTRY_UNKNOWN));
    INT_EQ(kind_referrers(ENTRY_ASK),
           KIND_BIT(ENTRY_ANSWER) | KIND_BIT(ENTRY_AMEND)
           | KIND_BIT(ENTRY_RETRACT));
    /* Every reply refers to something; every closable item has its word. */
    for (k = 0; k < ENTRY_KIND_COUNT; k++) {
        const struct kind_info *ki = kind_info((enum entry_kind)k);

        if (ki->role == KIND_CLOSES || ki->role == KIND_AMENDS
            || ki->role == KIND_RETRACTS)
            OK(ki->refs != 0);
        else
            INT_EQ(ki->refs, 0);
        if (ki->role == KIND_CLOSES) {
            int t;

            for (t = 0; t < ENTRY_KIND_COUNT; t++)
                if (ki->refs & KIND_BIT(t))
                    OK(kind_info((enum entry_kind)t)->closed != NULL);
        }
    }
    STR_EQ(kind_info(ENTRY_BLOCK)->closed, "resolved");
    OK(strstr(kind_names_list(), "project, exp, status") == kind_names_list());
    OK(strstr(kind_names_list(), "metric-info") != NULL);
}

static void role(const char *name, enum metric_role want)
{
    enum metric_role got = metric_role_by_name(name);

    if (got != want)
        printf("  role of '%s': got %s, want %s\n", name,
               metric_role_name(got), metric_role_name(want));
    INT_EQ(got, want);
}

static void test_metric_roles_by_name(void)
{
    role("loss", METRIC_LOSS);
    role("train/val_loss", METRIC_LOSS);
    role("eval.nll", METRIC_LOSS);
    role("perplexity", METRIC_LOSS);
    role("error_rate", METRIC_LOSS);
    role("win_rate", METRIC_SCORE);
    role("accuracy", METRIC_SCORE);
    role("eval/acc", METRIC_SCORE);
    role("pass@1", METRIC_SCORE);
    role("f1", METRIC_SCORE);
    role("reward", METRIC_RESULT);
    role("over_refusal", METRIC_RESULT);
    role("response_length", METRIC_RESULT);
    role("n_examples", METRIC_BOOKKEEPING);
    role("num_tokens", METRIC_BOOKKEEPING);
    role("lr", METRIC_BOOKKEEPING);
    role("learning_rate", METRIC_BOOKKEEPING);
    role("epoch", METRIC_BOOKKEEPING);
    role("train/epoch", METRIC_BOOKKEEPING);
    role("_step", METRIC_BOOKKEEPING);
    role("_runtime", METRIC_BOOKKEEPING);
    role("step", METRIC_BOOKKEEPING);
    role("sample_count", METRIC_BOOKKEEPING);
    role("tokens_per_sec", METRIC_BOOKKEEPING);
    role("batch_size", METRIC_BOOKKEEPING);
    role("time_to_solve", METRIC_RESULT);
}

static void test_metric_info_declared(void)
{
    struct metric_decls d = METRIC_DECLS_INIT;
    struct metric_decl_in in;
    struct metric_info mi;

    metric_info_of(&mi, "loss", NULL);
    INT_EQ(mi.role, METRIC_LOSS);
    OK(mi.lower && !mi.declared && !mi.has_chance);
    INT_EQ(mi.rank, 3);
    metric_info_of(&mi, "win_rate", NULL);
    OK(!mi.lower);
    INT_EQ(mi.rank, 1);

    memset(&in, 0, sizeof(in));
    in.set = DECL_DIRECTION | DECL_CHANCE;
    in.lower = 1;
    in.chance = 0.5;
    metric_decls_apply(&d, "over_refusal", 7, &in);
    metric_info_of(&mi, "over_refusal",
                   metric_decls_find(&d, "over_refusal"));
    OK(mi.lower && mi.declared && mi.has_chance);
    DBL_EQ(mi.chance, 0.5, 0);
    INT_EQ(mi.role, METRIC_RESULT);

    /* A later declaration of one field keeps the others. */
    memset(&in, 0, sizeof(in));
    in.set = DECL_PRIMARY | DECL_N_FROM;
    in.primary = 1;
    in.n_from = "n_examples";
    metric_decls_apply(&d, "over_refusal", 9, &in);
    metric_info_of(&mi, "over_refusal",
                   metric_decls_find(&d, "over_refusal"));
    OK(mi.lower && mi.primary && mi.has_chance);
    STR_EQ(mi.n_from, "n_examples");
    INT_EQ(mi.rank, 0);
    INT_EQ(metric_decls_find(&d, "over_refusal")->id, 9);

    /* reset forgets them. */
    memset(&in, 0, sizeof(in));
    in.reset = 1;
    metric_decls_apply(&d, "over_refusal", 11, &in);
    metric_info_of(&mi, "over_refusal",
                   metric_decls_find(&d, "over_refusal"));
    OK(!mi.lower && !mi.primary && !mi.has_chance && !mi.n_from);

    /* Bookkeeping either way; a direction makes a setting a result. */
    memset(&in, 0, sizeof(in));
    in.set = DECL_BOOKKEEPING;
    in.bookkeeping = 1;
    metric_decls_apply(&d, "reward", 12, &in);
    metric_info_of(&mi, "reward", metric_decls_find(&d, "reward"));
    INT_EQ(mi.role, METRIC_BOOKKEEPING);
    OK(!metric_is_result(&mi));
    INT_EQ(mi.rank, 4);
    memset(&in, 0, sizeof(in));
    in.set = DECL_DIRECTION;
    metric_decls_apply(&d, "epoch", 13, &in);
    metric_info_of(&mi, "epoch", metric_decls_find(&d, "epoch"));
    INT_EQ(mi.role, METRIC_RESULT);
    /* A bookkeeping metric is never primary. */
    memset(&in, 0, sizeof(in));
    in.set = DECL_PRIMARY;
    in.primary = 1;
    metric_decls_apply(&d, "lr", 14, &in);
    metric_info_of(&mi, "lr", metric_decls_find(&d, "lr"));
    OK(!mi.primary);
    INT_EQ(d.len, 4);
    metric_decls_release(&d);
    INT_EQ(d.len, 0);
}

static void test_metric_better(void)
{
    struct metric_info loss, acc;

    metric_info_of(&loss, "loss", NULL);
    metric_info_of(&acc, "acc", NULL);
    OK(metric_better(&loss, 0.1, 0.2));
    OK(!metric_better(&loss, 0.3, 0.2));
    OK(metric_better(&acc, 0.3, 0.2));
    OK(!metric_better(&acc, NAN, 0.2));
    OK(metric_better(&acc, 0.1, NAN));
    OK(!metric_better(&loss, INFINITY, 1));
    DBL_EQ(metric_best(&loss, 0.1, 0.9), 0.1, 0);
    DBL_EQ(metric_best(&acc, 0.1, 0.9), 0.9, 0);
}

/* ---- groups ------------------------------------------------------------ */

/* A run with up to 4 params (sorted by key) and one tag. */
struct fake {
    struct model_kv kv[4];
    const char *tags[1];
    const char *seeds[1];
    struct model_run run;
};

static void fake(struct fake *f, const char *name, const char *tag,
                 const char *seed_param, const char *k1, const char *v1,
                 const char *k2, const char *v2)
{
    memset(f, 0, sizeof(*f));
    f->run.name = name;
    f->run.params = f->kv;
    if (k1) {
        f->kv[f->run.nparams].key = k1;
        f->kv[f->run.nparams++].value = v1;
    }
    if (k2) {
        f->kv[f->run.nparams].key = k2;
        f->kv[f->run.nparams++].value = v2;
    }
    f->tags[0] = tag;
    f->run.tags = f->tags;
    f->run.ntags = tag != NULL;
    f->seeds[0] = seed_param;
    f->run.seed_params = f->seeds;
    f->run.nseed_params = seed_param != NULL;
}

static void test_seeds_and_settings(void)
{
    struct fake a, b, c, d, e;
    const struct model_run *runs[5];
    const char *keys[8], *k = NULL;
    size_t setting[5];

    fake(&a, "lr0.1-s0", "sweep", NULL, "lr", "0.1", "seed", "0");
    fake(&b, "lr0.1-s1", "sweep", NULL, "lr", "0.1", "seed", "1");
    fake(&c, "lr0.3-s0", "sweep", NULL, "lr", "0.3", "seed", "0");
    fake(&d, "rng-1", "other", "rng", "lr", "0.1", "rng", "1");
    fake(&e, "seedling", "sweep", NULL, "lr", "0.1", "seedling", "x");
    OK(model_is_seed(&a.run, "seed"));
    OK(!model_is_seed(&a.run, "rng"));
    OK(model_is_seed(&d.run, "rng"));
    /* Only "seed" itself, not any name containing it. */
    OK(!model_is_seed(&e.run, "seedling"));
    STR_EQ(model_param(&a.run, "lr"), "0.1");
    OK(model_param(&a.run, "nope") == NULL);
    OK(model_same_setting(&a.run, &b.run));
    OK(!model_same_setting(&a.run, &c.run));
    INT_EQ(model_params_apart(&a.run, &c.run, &k), 1);
    STR_EQ(k, "lr");
    INT_EQ(model_params_apart(&a.run, &e.run, NULL), 1);
    OK(model_shares_tag(&a.run, &c.run));
    OK(!model_shares_tag(&a.run, &d.run));
    runs[0] = &a.run;
    runs[1] = &b.run;
    runs[2] = &c.run;
    INT_EQ(model_varying(runs, 3, 1, keys, 8), 2);
    STR_EQ(keys[0], "lr");
    STR_EQ(keys[1], "seed");
    INT_EQ(model_varying(runs, 3, 0, keys, 8), 1);
    STR_EQ(model_sweep_param(runs, 3), "lr");
    STR_EQ(model_seed_param(runs, 3), "seed");
    OK(model_seed_param(runs, 1) == NULL);
    INT_EQ(model_settings(runs, 3, setting), 2);
    INT_EQ(setting[0], 0);
    INT_EQ(setting[1], 0);
    INT_EQ(setting[2], 1);
    /* Distinct params: what siblings do not share. */
    INT_EQ(model_distinct(&c.run, runs, 2, keys, 8), 2);
    STR_EQ(keys[0], "lr");
    STR_EQ(keys[1], "seed"); /* b has another seed */
    INT_EQ(model_distinct(&c.run, runs, 1, keys, 8), 1);
    INT_EQ(model_distinct(&a.run, runs + 1, 2, keys, 8), 2);
}

static void test_param_order_and_names(void)
{
    struct fake a, b, c, d;
    const struct model_run *runs[4];
    char name[64];

    OK(model_param_cmp("0.03", "0.1") < 0);
    OK(model_param_cmp("0.1", "0.3") < 0);
    OK(model_param_cmp("3e-5", "1e-4") < 0);
    OK(model_param_cmp("10", "9") > 0);
    OK(model_param_cmp("abc", "abd") < 0);
    OK(model_param_cmp("1", "abc") < 0);
    OK(model_param_cmp(NULL, "1") < 0);
    OK(model_param_cmp("0.10", "0.1") > 0); /* equal numbers: as text */
    fake(&a, "lr0.1-s1", "t", NULL, "lr", "0.1", "seed", "1");
    fake(&b, "lr0.03-s0", "t", NULL, "lr", "0.03", "seed", "0");
    fake(&c, "lr0.1-s0", "t", NULL, "lr", "0.1", "seed", "0");
    fake(&d, "lr0.3-s0", "t", NULL, "lr", "0.3", "seed", "0");
    runs[0] = &a.run;
    runs[1] = &b.run;
    runs[2] = &c.run;
    runs[3] = &d.run;
    model_sort_runs(runs, 4, "lr");
    STR_EQ(runs[0]->name, "lr0.03-s0");
    STR_EQ(runs[1]->name, "lr0.1-s0");
    STR_EQ(runs[2]->name, "lr0.1-s1");
    STR_EQ(runs[3]->name, "lr0.3-s0");
    model_common_name(name, sizeof(name), runs + 1, 2);
    STR_EQ(name, "lr0.1");
    model_common_name(name, sizeof(name), runs, 4);
    STR_EQ(name, "");
    fake(&a, "ft-lr3e-5-s0", "t", NULL, NULL, NULL, NULL, NULL);
    fake(&b, "ft-lr3e-5-s1", "t", NULL, NULL, NULL, NULL, NULL);
    runs[0] = &a.run;
    runs[1] = &b.run;
    model_common_name(name, sizeof(name), runs, 2);
    STR_EQ(name, "ft-lr3e-5");
    fake(&a, "bon-n8", "t", NULL, NULL, NULL, NULL, NULL);
    fake(&b, "bon-n100", "t", NULL, NULL, NULL, NULL, NULL);
    model_common_name(name, sizeof(name), runs, 2);
    STR_EQ(name, "bon");
    model_common_name(name, 4, runs, 1);
    STR_EQ(name, "bon");
}

static void test_group_runs(void)
{
    struct fake f[6];
    const struct model_run *runs[6];
    unsigned char lead[6] = { 1, 1, 1, 1, 1, 0 };
    unsigned char member[6] = { 1, 1, 1, 1, 1, 1 };
    struct model_groups g;
    size_t i;

    fake(&f[0], "b-lr0.3-s0", "sweep", NULL, "lr", "0.3", "seed", "0");
    fake(&f[1], "b-lr0.1-s0", "sweep", NULL, "lr", "0.1", "seed", "0");
    fake(&f[2], "b-lr0.1-s1", "sweep", NULL, "lr", "0.1", "seed", "1");
    fake(&f[3], "zero", NULL, NULL, "shots", "0", NULL, NULL);
    fake(&f[4], "few", NULL, NULL, "shots", "4", NULL, NULL);
    fake(&f[5], "b-lr0.03-s0", "sweep", NULL, "lr", "0.03", "seed", "0");
    for (i = 0; i < 6; i++)
        runs[i] = &f[i].run;
    model_group_runs(&g, runs, 6, lead, member);
    INT_EQ(g.len, 2);
    /* The tag group, sorted by lr then seed; a member that may not lead
     * joins. */
    STR_EQ(g.items[0].tag, "sweep");
    STR_EQ(g.items[0].by, "lr");
    STR_EQ(g.items[0].seed, "seed");
    INT_EQ(g.items[0].n, 4);
    INT_EQ(g.items[0].nsettings, 3);
    INT_EQ(g.items[0].members[0], 5);
    INT_EQ(g.items[0].members[1], 1);
    INT_EQ(g.items[0].members[2], 2);
    INT_EQ(g.items[0].members[3], 0);
    /* Untagged runs differing in one param. */
    OK(g.items[1].tag == NULL);
    STR_EQ(g.items[1].by, "shots");
    INT_EQ(g.items[1].n, 2);
    model_groups_release(&g);
    INT_EQ(g.len, 0);
}

static void test_summary(void)
{
    struct model_summary s, t;
    const double vals[] = { 0.94, 0.95, NAN, 0.96 };

    model_summarize(&s, vals, 4);
    INT_EQ(s.n, 3);
    INT_EQ(s.nonfinite, 1);
    DBL_EQ(s.mean, 0.95, 1e-12);
    DBL_EQ(s.sd, 0.01, 1e-12);
    DBL_EQ(s.min, 0.94, 0);
    DBL_EQ(s.max, 0.96, 0);
    model_summarize(&t, vals, 1);
    DBL_EQ(t.sd, 0, 0);
    t.mean = 0.945;
    OK(model_within_noise(&s, &t));
    t.mean = 0.9;
    OK(!model_within_noise(&s, &t));
    model_summarize(&t, vals + 2, 1);
    INT_EQ(t.n, 0);
    OK(isnan(t.mean));
}

static void test_status(void)
{
    struct model_status st = MODEL_STATUS_INIT;

    STR_EQ(st.status, EXP_PLANNED);
    model_status_step(&st, EXP_RUNNING, 100);
    INT_EQ(st.started, 100);
    INT_EQ(st.finished, 0);
    model_status_step(&st, EXP_FAILED, 200);
    INT_EQ(st.finished, 200);
    INT_EQ(st.ended_at, 200);
    model_status_step(&st, EXP_RUNNING, 300);
    INT_EQ(st.started, 100);
    INT_EQ(st.attempt, 300);
    INT_EQ(st.finished, 0);
    INT_EQ(st.ended_at, 200);
    model_status_step(&st, EXP_DONE, 400);
    STR_EQ(st.status, EXP_DONE);
    INT_EQ(st.finished, 400);
    OK(model_status_ends(EXP_ABANDONED));
    OK(!model_status_ends(EXP_RUNNING));
    OK(model_status_broken(EXP_FAILED));
    OK(!model_status_broken(EXP_DONE));
    OK(!model_status_known("paused"));
    model_status_step(&st, "paused", 500);
    STR_EQ(st.status, "paused");
    INT_EQ(st.finished, 400);
}

int main(void)
{
    RUN(test_kind_names_round_trip);
    RUN(test_kind_replies);
    RUN(test_metric_roles_by_name);
    RUN(test_metric_info_declared);
    RUN(test_metric_better);
    RUN(test_seeds_and_settings);
    RUN(test_param_order_and_names);
    RUN(test_group_runs);
    RUN(test_summary);
    RUN(test_status);
    return harness_finish("test_model");
}
