/* SPDX-License-Identifier: MIT */
/*
 * Groups of experiments: the one implementation of what "the same setting",
 * "a seed", "a sweep", "siblings" and "the params that differ" mean, used
 * by the daily, the report, the deck and the plots.
 *
 *   seed      a param named "seed", or one the experiment declares with
 *             --seed-param: runs that differ only in seeds are repeats
 *   setting   runs whose other params are all equal (the seeds of one
 *             setting are summarised together: mean, sd, n)
 *   siblings  runs that share a tag
 *   sweep     runs (and their seeds) that differ in exactly one other
 *             param, the sweep's "by" param
 *
 * The functions read struct model_run, which borrows an experiment's
 * fields; nothing is copied, nothing here does I/O.
 */
#ifndef LABLOG_MODEL_GROUP_H
#define LABLOG_MODEL_GROUP_H

#include <stddef.h>

/* A param of an experiment. */
struct model_kv {
    const char *key;
    const char *value;
};

/* An experiment as groups see it (borrowed pointers). */
struct model_run {
    const char *name;
    const struct model_kv *params;  /* sorted by key */
    size_t nparams;
    const char *const *tags;
    size_t ntags;
    const char *const *seed_params; /* params declared seeds */
    size_t nseed_params;
};

/* Whether key is a seed of r: "seed", or declared with --seed-param. */
int model_is_seed(const struct model_run *r, const char *key);

/* The value of a param of r, or NULL. */
const char *model_param(const struct model_run *r, const char *key);

/* Orders param values: numbers by value ("0.03" < "0.1" < "1e-1"... as
 * numbers), then text; NULL (missing) first. */
int model_param_cmp(const char *a, const char *b);

/* How many params other than seeds differ between a and b (a key that
 * only one of them has differs); *key_out (may be NULL) is one of them. */
size_t model_params_apart(const struct model_run *a,
                          const struct model_run *b, const char **key_out);

/* Whether a and b are the same setting: only seeds differ. */
int model_same_setting(const struct model_run *a, const struct model_run *b);

/* Whether a and b share a tag. */
int model_shares_tag(const struct model_run *a, const struct model_run *b);

/* The params whose values differ among runs[0..n) (a missing one
 * differs), in key order, seeds included when with_seeds: up to max
 * keys written to keys (borrowed). Returns how many. */
size_t model_varying(const struct model_run *const *runs, size_t n,
                     int with_seeds, const char **keys, size_t max);

/* The one param other than seeds that varies among runs, or NULL when
 * none or several do. */
const char *model_sweep_param(const struct model_run *const *runs, size_t n);

/* The seed param that varies among runs, or NULL. */
const char *model_seed_param(const struct model_run *const *runs, size_t n);

/* The params of x that tell it apart from its siblings (the params some
 * sibling does not share; seeds included), in key order; all of x's
 * params when it has none. Up to max keys (borrowed). */
size_t model_distinct(const struct model_run *x,
                      const struct model_run *const *siblings, size_t n,
                      const char **keys, size_t max);

/* Numbers the settings of runs: setting_of[i] is the setting of runs[i],
 * settings numbered in order of first appearance. Returns how many. */
size_t model_settings(const struct model_run *const *runs, size_t n,
                      size_t *setting_of);

/* Sorts runs by the by param's value (model_param_cmp; by may be NULL),
 * then by seed, keeping the given order among equals. */
void model_sort_runs(const struct model_run **runs, size_t n,
                     const char *by);

/* The longest common start of the runs' names, cut back to a word
 * ("ft-lr3e-5" for ft-lr3e-5-s0, -s1, -s2), written to out (size bytes);
 * "" when they share none. */
void model_common_name(char *out, size_t size,
                       const struct model_run *const *runs, size_t n);

/* ---- forming groups -------------------------------------------------- */

/* A group: its members (indexes into the runs given), how they relate. */
struct model_group {
    size_t *members;    /* owned; in the order of model_sort_runs() */
    size_t n;
    const char *tag;    /* the tag they share, or NULL */
    const char *by;     /* the one param that varies, or NULL */
    const char *seed;   /* the seed param that varies, or NULL */
    size_t nsettings;   /* distinct settings among the members */
};

struct model_groups {
    struct model_group *items;
    size_t len, cap;
};

/*
 * Groups runs: each run with lead[i] set that is not yet in a group starts
 * one: the runs with member[i] set that share its first shared tag, else
 * those that are the same setting as it or differ from it in the same one
 * param, else it alone. A run is in at most one group. lead implies
 * member. Release with model_groups_release().
 */
void model_group_runs(struct model_groups *out,
                      const struct model_run *const *runs, size_t n,
                      const unsigned char *lead,
                      const unsigned char *member);

void model_groups_release(struct model_groups *g);

#endif
