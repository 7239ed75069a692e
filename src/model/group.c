/* SPDX-License-Identifier: MIT */
/*
 * Groups of experiments (see group.h): seeds, settings, sweeps, siblings
 * and the params that differ, all from struct model_run.
 */
#include "model/group.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

int model_is_seed(const struct model_run *r, const char *key)
{
    size_t i;

    if (strcmp(key, "seed") == 0)
        return 1;
    for (i = 0; i < r->nseed_params; i++)
        if (strcmp(r->seed_params[i], key) == 0)
            return 1;
    return 0;
}

const char *model_param(const struct model_run *r, const char *key)
{
    size_t lo = 0, hi = r->nparams;

    while (lo < hi) { /* params are sorted by key */
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(r->params[mid].key, key);

        if (c == 0)
            return r->params[mid].value;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Whether s is a whole number in C's syntax ("3e-5", "0.1", "-2"). */
static int number(const char *s, double *out)
{
    char *end;

    if (!*s)
        return 0;
    *out = strtod(s, &end);
    return *end == '\0';
}

int model_param_cmp(const char *a, const char *b)
{
    double x, y;
    int na, nb;

    if (!a || !b)
        return a ? 1 : b ? -1 : 0;
    na = number(a, &x);
    nb = number(b, &y);
    if (na && nb && x != y)
        return x < y ? -1 : 1;
    if (na != nb)
        return na ? -1 : 1; /* numbers before words */
    return strcmp(a, b);
}

size_t model_params_apart(const struct model_run *a,
                          const struct model_run *b, const char **key_out)
{
    size_t i, n = 0;

    for (i = 0; i < a->nparams; i++) {
        const char *key = a->params[i].key;
        const char *other = model_param(b, key);

        if (model_is_seed(a, key) || model_is_seed(b, key))
            continue;
        if (!other || strcmp(other, a->params[i].value) != 0) {
            if (key_out)
                *key_out = key;
            n++;
        }
    }
    for (i = 0; i < b->nparams; i++) {
        const char *key = b->params[i].key;

        if (model_is_seed(a, key) || model_is_seed(b, key))
            continue;
        if (!model_param(a, key)) {
            if (key_out)
                *key_out = key;
            n++;
        }
    }
    return n;
}

int model_same_setting(const struct model_run *a, const struct model_run *b)
{
    return model_params_apart(a, b, NULL) == 0;
}

int model_shares_tag(const struct model_run *a, const struct model_run *b)
{
    size_t i, j;

    for (i = 0; i < a->ntags; i++)
        for (j = 0; j < b->ntags; j++)
            if (strcmp(a->tags[i], b->tags[j]) == 0)
                return 1;
    return 0;
}

/* Whether key's value differs among runs (missing counts as a value). */
static int varies(const struct model_run *const *runs, size_t n,
                  const char *key)
{
    const char *first = model_param(runs[0], key);
    size_t i;

    for (i = 1; i < n; i++) {
        const char *other = model_param(runs[i], key);

        if (!first != !other || (first && strcmp(first, other) != 0))
            return 1;
    }
    return 0;
}

static int key_listed(const char *const *keys, size_t n, const char *key)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(keys[i], key) == 0)
            return 1;
    return 0;
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t model_varying(const struct model_run *const *runs, size_t n,
                     int with_seeds, const char **keys, size_t max)
{
    size_t count = 0, i, k;

    for (i = 0; i < n; i++) {
        for (k = 0; k < runs[i]->nparams && count < max; k++) {
            const char *key = runs[i]->params[k].key;

            if (key_listed(keys, count, key)
                || (!with_seeds && model_is_seed(runs[i], key)))
                continue;
            if (varies(runs, n, key))
                keys[count++] = key;
        }
    }
    if (count > 1)
        qsort(keys, count, sizeof(*keys), key_cmp);
    return count;
}

const char *model_sweep_param(const struct model_run *const *runs, size_t n)
{
    const char *keys[2];

    if (n < 2)
        return NULL;
    return model_varying(runs, n, 0, keys, 2) == 1 ? keys[0] : NULL;
}

const char *model_seed_param(const struct model_run *const *runs, size_t n)
{
    const char *keys[64];
    size_t nk = n < 2 ? 0 : model_varying(runs, n, 1, keys, 64), i, j;

    for (i = 0; i < nk; i++)
        for (j = 0; j < n; j++)
            if (model_is_seed(runs[j], keys[i]))
                return keys[i];
    return NULL;
}

size_t model_distinct(const struct model_run *x,
                      const struct model_run *const *siblings, size_t n,
                      const char **keys, size_t max)
{
    size_t count = 0, i, j;

    for (i = 0; i < x->nparams && count < max; i++) {
        const struct model_kv *p = &x->params[i];
        int differs = n == 0;

        for (j = 0; !differs && j < n; j++) {
            const char *other = model_param(siblings[j], p->key);

            differs = !other || strcmp(other, p->value) != 0;
        }
        if (differs)
            keys[count++] = p->key;
    }
    return count;
}

size_t model_settings(const struct model_run *const *runs, size_t n,
                      size_t *setting_of)
{
    size_t count = 0, i, j;

    for (i = 0; i < n; i++) {
        setting_of[i] = count;
        for (j = 0; j < i; j++)
            if (model_same_setting(runs[i], runs[j])) {
                setting_of[i] = setting_of[j];
                break;
            }
        if (setting_of[i] == count)
            count++;
    }
    return count;
}

/* Insertion sort (stable, and groups are small): by `by`, then by seed. */
void model_sort_runs(const struct model_run **runs, size_t n, const char *by)
{
    const char *seed = model_seed_param(runs, n);
    size_t i, j;

    for (i = 1; i < n; i++) {
        const struct model_run *r = runs[i];

        for (j = i; j > 0; j--) {
            const struct model_run *q = runs[j - 1];
            int c = by ? model_param_cmp(model_param(q, by),
                                         model_param(r, by)) : 0;

            if (c == 0 && seed)
                c = model_param_cmp(model_param(q, seed),
                                    model_param(r, seed));
            if (c <= 0)
                break;
            runs[j] = q;
        }
        runs[j] = r;
    }
}

void model_common_name(char *out, size_t size,
                       const struct model_run *const *runs, size_t n)
{
    size_t len = n ? strlen(runs[0]->name) : 0, i, k;

    for (i = 1; i < n; i++) {
        for (k = 0; k < len && runs[i]->name[k] == runs[0]->name[k]; k++)
            ;
        len = k;
    }
    /* Back to the end of a word unless every name ends there ('.' is part
     * of a word: "lr0.1"). */
    if (n > 1) {
        int whole = 1;

        for (i = 0; i < n; i++)
            whole &= runs[i]->name[len] == '\0' || runs[i]->name[len] == '-'
                     || runs[i]->name[len] == '_';
        while (!whole && len > 0 && !strchr("-_", runs[0]->name[len - 1]))
            len--;
    }
    while (len > 0 && strchr("-_.", runs[0]->name[len - 1]))
        len--;
    if (len >= size)
        len = size - 1;
    memcpy(out, runs[0]->name, len);
    out[len] = '\0';
}

/* ---- forming groups -------------------------------------------------- */

static void member_add(struct model_group *g, size_t i)
{
    g->members = xrealloc(g->members, (g->n + 1) * sizeof(*g->members));
    g->members[g->n++] = i;
}

/* Members sharing tag: every member run with it. */
static void tag_members(struct model_group *g,
                        const struct model_run *const *runs, size_t n,
                        const unsigned char *member,
                        const unsigned char *taken, const char *tag)
{
    size_t j, t;

    for (j = 0; j < n; j++) {
        int has = 0;

        for (t = 0; t < runs[j]->ntags && !has; t++)
            has = strcmp(runs[j]->tags[t], tag) == 0;
        if (has && member[j] && !taken[j])
            member_add(g, j);
    }
}

/* Fills g's by, seed and settings, and sorts its members. */
static void finish_group(struct model_group *g,
                         const struct model_run *const *runs)
{
    const struct model_run **m = xcalloc(g->n + 1, sizeof(*m));
    size_t *setting = xcalloc(g->n + 1, sizeof(*setting));
    size_t i, j;

    for (i = 0; i < g->n; i++)
        m[i] = runs[g->members[i]];
    g->by = model_sweep_param(m, g->n);
    g->seed = model_seed_param(m, g->n);
    g->nsettings = g->n ? model_settings(m, g->n, setting) : 0;
    model_sort_runs(m, g->n, g->by);
    /* Map the sorted runs back to indexes (names are unique). */
    for (i = 0; i < g->n; i++)
        for (j = i; j < g->n; j++)
            if (runs[g->members[j]] == m[i]) {
                size_t t = g->members[i];

                g->members[i] = g->members[j];
                g->members[j] = t;
                break;
            }
    free(m);
    free(setting);
}

void model_group_runs(struct model_groups *out,
                      const struct model_run *const *runs, size_t n,
                      const unsigned char *lead,
                      const unsigned char *member)
{
    unsigned char *taken = xcalloc(n + 1, 1);
    size_t i, j, t;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < n; i++) {
        const struct model_run *x = runs[i];
        struct model_group *g;
        const char *key = NULL, *k;

        if (!lead[i] || taken[i])
            continue;
        XGROW(out->items, out->len + 1, out->cap);
        g = &out->items[out->len++];
        memset(g, 0, sizeof(*g));
        /* The first of its tags that another member shares. */
        for (t = 0; t < x->ntags && g->n < 2; t++) {
            g->n = 0;
            tag_members(g, runs, n, member, taken, x->tags[t]);
            g->tag = x->tags[t];
        }
        if (g->n < 2) {
            /* Else: its seeds, and runs that differ from it in the same
             * one param as the first such run. */
            g->n = 0;
            g->tag = NULL;
            member_add(g, i);
            for (j = 0; j < n; j++) {
                size_t apart;

                if (j == i || !member[j] || taken[j])
                    continue;
                apart = model_params_apart(x, runs[j], &k);
                if (apart == 0 || (apart == 1 && (!key || strcmp(k, key)
                                                  == 0))) {
                    if (apart == 1)
                        key = k;
                    member_add(g, j);
                }
            }
        }
        for (j = 0; j < g->n; j++)
            taken[g->members[j]] = 1;
        finish_group(g, runs);
    }
    free(taken);
}

void model_groups_release(struct model_groups *g)
{
    size_t i;

    for (i = 0; i < g->len; i++)
        free(g->items[i].members);
    free(g->items);
    memset(g, 0, sizeof(*g));
}
