/* SPDX-License-Identifier: MIT */
/*
 * Metric roles and directions (see metric.h): the name heuristics, and
 * declarations from the log laid over them.
 *
 * A name is read as tokens split at '_', '/', '.', '-' and ':' and
 * lowercased ("train/val_loss" is train, val, loss), so a logger's prefix
 * does not hide what a metric is.
 */
#include "model/metric.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define MAX_TOKENS 16
#define TOKEN_LEN 32

struct tokens {
    char t[MAX_TOKENS][TOKEN_LEN];
    size_t n;
};

static void tokenize(struct tokens *out, const char *name)
{
    size_t len = 0;
    const char *p;

    out->n = 0;
    for (p = name;; p++) {
        int sep = !*p || strchr("_/.-: ", *p) != NULL;

        if (!sep && len + 1 < TOKEN_LEN && out->n < MAX_TOKENS)
            out->t[out->n][len++] = (char)tolower((unsigned char)*p);
        if (sep && len) {
            out->t[out->n][len] = '\0';
            out->n++;
            len = 0;
        }
        if (!*p || out->n == MAX_TOKENS)
            break;
    }
}

static int in_list(const char *tok, const char *const *list)
{
    size_t i;

    for (i = 0; list[i]; i++)
        if (strcmp(tok, list[i]) == 0)
            return 1;
    return 0;
}

static int has_prefix(const char *tok, const char *const *list)
{
    size_t i;

    for (i = 0; list[i]; i++)
        if (strncmp(tok, list[i], strlen(list[i])) == 0)
            return 1;
    return 0;
}

static int bookkeeping_name(const char *name, const struct tokens *t)
{
    static const char *const words[] = {
        "count", "counts", "lr", "epoch", "epochs", "step", "steps", "iter",
        "iteration", "runtime", "timestamp", "time", "elapsed", "seconds",
        "throughput", "tokens", "memory", "mem", "sec", "samples",
        "examples", "batch", "size", NULL
    };
    static const char *const whole[] = { "learning_rate", "global_step",
                                         "batch_size", "wall_time", NULL };
    size_t i;

    if (name[0] == '_' || in_list(name, whole))
        return 1; /* _step, _runtime: a logger's own */
    if (t->n > 1 && (strcmp(t->t[0], "n") == 0
                     || strcmp(t->t[0], "num") == 0))
        return 1; /* n_examples, num_tokens */
    /* A setting or count: as the last word ("train_time", "batch_size"),
     * and lr or epoch anywhere ("lr_scaled"). */
    for (i = 0; i < t->n; i++)
        if (in_list(t->t[i], words)
            && (i == t->n - 1 || strcmp(t->t[i], "lr") == 0
                || strcmp(t->t[i], "epoch") == 0))
            return 1;
    return 0;
}

enum metric_role metric_role_by_name(const char *name)
{
    static const char *const loss_words[] = {
        "nll", "ppl", "perplexity", "error", "err", "regret", "mse", "mae",
        "rmse", "wer", "cer", "kl", "ece", "brier", "cost", NULL
    };
    static const char *const score_prefixes[] = {
        "win", "acc", "score", "pass", "f1", "success", "auc", "auroc",
        "bleu", "rouge", "exact", "em", "precision", "recall", "ndcg",
        "elo", "correct", NULL
    };
    struct tokens t;
    size_t i;

    tokenize(&t, name);
    for (i = 0; i < t.n; i++)
        if (strstr(t.t[i], "loss") || in_list(t.t[i], loss_words))
            return METRIC_LOSS;
    if (bookkeeping_name(name, &t))
        return METRIC_BOOKKEEPING;
    for (i = 0; i < t.n; i++)
        if (has_prefix(t.t[i], score_prefixes))
            return METRIC_SCORE;
    return METRIC_RESULT;
}

const char *metric_role_name(enum metric_role role)
{
    static const char *const names[] = { "score", "result", "loss",
                                         "bookkeeping" };

    return (unsigned)role < 4 ? names[role] : "result";
}

void metric_info_of(struct metric_info *out, const char *name,
                    const struct metric_decl *decl)
{
    unsigned set = decl ? decl->set : 0;

    memset(out, 0, sizeof(*out));
    out->role = metric_role_by_name(name);
    out->lower = out->role == METRIC_LOSS;
    if (set & DECL_BOOKKEEPING) {
        if (decl->bookkeeping)
            out->role = METRIC_BOOKKEEPING;
        else if (out->role == METRIC_BOOKKEEPING)
            out->role = METRIC_RESULT;
    }
    if (set & DECL_DIRECTION) {
        out->lower = decl->lower;
        /* A direction makes a bookkeeping name a result: someone says
         * which way is better. */
        if (out->role == METRIC_BOOKKEEPING && !(set & DECL_BOOKKEEPING))
            out->role = METRIC_RESULT;
        if (out->role == METRIC_SCORE && out->lower)
            out->role = METRIC_RESULT;
    }
    if (set & DECL_CHANCE) {
        out->has_chance = 1;
        out->chance = decl->chance;
    }
    if (set & DECL_N_FROM)
        out->n_from = decl->n_from;
    if ((set & DECL_PRIMARY) && decl->primary
        && out->role != METRIC_BOOKKEEPING)
        out->primary = 1;
    out->declared = set != 0;
    out->rank = out->primary ? 0 : out->role == METRIC_SCORE ? 1
                : out->role == METRIC_RESULT ? 2
                : out->role == METRIC_LOSS ? 3 : 4;
}

int metric_is_result(const struct metric_info *m)
{
    return m->role != METRIC_BOOKKEEPING;
}

int metric_better(const struct metric_info *m, double a, double b)
{
    if (!isfinite(a))
        return 0;
    if (!isfinite(b))
        return 1;
    return m->lower ? a < b : a > b;
}

double metric_best(const struct metric_info *m, double min, double max)
{
    return m->lower ? min : max;
}

/* ---- declarations ----------------------------------------------------- */

static struct metric_decl *decl_find(const struct metric_decls *d,
                                     const char *name)
{
    size_t i;

    for (i = 0; i < d->len; i++)
        if (strcmp(d->items[i].name, name) == 0)
            return &d->items[i];
    return NULL;
}

const struct metric_decl *metric_decls_find(const struct metric_decls *d,
                                            const char *name)
{
    return decl_find(d, name);
}

void metric_decls_apply(struct metric_decls *d, const char *name,
                        int64_t id, const struct metric_decl_in *in)
{
    struct metric_decl *m = decl_find(d, name);

    if (!m) {
        XGROW(d->items, d->len + 1, d->cap);
        m = &d->items[d->len++];
        memset(m, 0, sizeof(*m));
        m->name = xstrdup(name);
    }
    if (in->reset) {
        free(m->n_from);
        m->n_from = NULL;
        m->set = 0;
    }
    m->id = id;
    if (in->set & DECL_DIRECTION)
        m->lower = in->lower;
    if (in->set & DECL_CHANCE)
        m->chance = in->chance;
    if (in->set & DECL_BOOKKEEPING)
        m->bookkeeping = in->bookkeeping;
    if (in->set & DECL_PRIMARY) {
        m->primary = in->primary;
        m->primary_id = id;
    }
    if (in->set & DECL_N_FROM) {
        free(m->n_from);
        m->n_from = xstrdup(in->n_from ? in->n_from : "");
    }
    m->set |= in->set;
}

void metric_decls_release(struct metric_decls *d)
{
    size_t i;

    for (i = 0; i < d->len; i++) {
        free(d->items[i].name);
        free(d->items[i].n_from);
    }
    free(d->items);
    d->items = NULL;
    d->len = d->cap = 0;
}
