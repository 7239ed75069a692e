/* SPDX-License-Identifier: MIT */
/*
 * Tests for src/model/: the kind table and metric roles, from plain
 * in-memory values (no store, no SQLite).
 */
#include <math.h>
#include <stdlib.h>

#include "harness.h"
#include "model/kind.h"
#include "model/metric.h"

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

int main(void)
{
    RUN(test_kind_names_round_trip);
    RUN(test_kind_replies);
    RUN(test_metric_roles_by_name);
    RUN(test_metric_info_declared);
    RUN(test_metric_better);
    return harness_finish("test_model");
}
