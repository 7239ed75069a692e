/* SPDX-License-Identifier: MIT */
/*
 * `lablog samples add|show|diff`: model outputs as results. The file is
 * stored in the log (ingest/samples.c), examples are chosen and paired by
 * view/samples.c, and printed by cli/samples_print.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/samples_print.h"
#include "ingest/samples.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "util/wrap.h"
#include "view/samples.h"

/* ---- add ------------------------------------------------------------------ */

struct attempt_probe {
    char uid[27];
};

static int last_running(void *ctx, const struct entry *e)
{
    if (strcmp(e->title, EXP_RUNNING) == 0)
        memcpy(((struct attempt_probe *)ctx)->uid, e->uid, sizeof(e->uid));
    return 0;
}

static int samples_add_cmd(int argc, char **argv, struct app *app)
{
    const char *exp_name = NULL, *format = NULL, *caption = NULL;
    const struct opt opts[] = {
        { OPT_STRING, 0, "exp", &exp_name, "NAME", "the experiment they come from" },
        { OPT_STRING, 0, "format", &format, "jsonl|csv", "the file's format (default: from its name or content)" },
        { OPT_STRING, 'c', "caption", &caption, "TEXT", "what they are" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "samples add [--exp NAME] [--format jsonl|csv] FILE|-",
        "Store a file of model outputs, one example per row, in the log.",
        opts,
        "A row may have any fields. These have a role: id; input or prompt;\n"
        "output, response or completion; target or reference; score or\n"
        "reward; label or correct. Every other field is kept and shown.\n"
        "The file is kept byte for byte ('lablog attach --get ID').\n",
        0,
    };
    struct attempt_probe probe = { "" };
    struct entry_filter f = ENTRY_FILTER_ALL;
    struct samples_add_opts ao;
    struct samples_add_result res;
    struct entry e;
    char **ops = NULL;
    int nops, r;
    int64_t exp = 0;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 1, 1);

    if (rc == 0)
        rc = cli_open_log(app, 1);
    if (rc)
        goto cleanup;
    rc = cli_exp(app, exp_name, 1, &exp);
    if (rc == 0 && caption)
        rc = cli_check_text(caption, "caption");
    if (rc)
        goto cleanup;
    f.exp = exp;
    f.kind = ENTRY_STATUS;
    rc = store_entries(app->store, &f, last_running, &probe);
    if (rc)
        goto cleanup;
    cli_entry_init(&e, app, ENTRY_SAMPLES);
    e.exp = exp;
    e.body = caption;
    memset(&ao, 0, sizeof(ao));
    ao.path = ops[0];
    ao.format = format;
    ao.entry = &e;
    ao.attempt = probe.uid[0] ? probe.uid : NULL;
    rc = samples_add(app->store, &ao, &res);
    if (rc)
        goto cleanup;
    fprintf(stderr, "samples: %" PRId64 " rows (%" PRId64 " scored) from "
            "%s as entry %" PRId64, res.sums.rows, res.sums.scored, e.title,
            e.id);
    for (r = 0, nops = 0; r < ROLE_COUNT; r++)
        if (res.roles_seen[r])
            fprintf(stderr, "%s%s", nops++ ? ", " : "; roles: ",
                    samples_role_name((enum sample_role)r));
    fputc('\n', stderr);
    if (res.duplicate_ids)
        ll_warn("%" PRId64 " rows repeat an earlier row's id: 'samples "
                "diff' compares the mean score of each id", res.duplicate_ids);
    printf("%" PRId64 "\n", e.id);
cleanup:
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

/* ---- show ------------------------------------------------------------------ */

/* Resolves EXP (and --set ID) to the set that counts. */
static int find_set(struct app *app, struct arena *a, const char *exp_name,
                    int64_t set_id, const char *attempt,
                    struct view_samples_set *out)
{
    int64_t exp;
    int rc = store_exp_find(app->store, exp_name, &exp);

    if (rc)
        return rc;
    if (set_id && attempt)
        return ll_error(LL_EUSAGE, "choose --set or --attempt, not both");
    if (attempt)
        return view_samples_of_attempt(app->store, a, exp, exp_name, attempt,
                                       out);
    if (!set_id)
        return view_samples_latest(app->store, a, exp, exp_name, out);
    rc = view_samples_get(app->store, a, set_id, out);
    if (rc == 0 && out->exp != exp)
        rc = ll_error(LL_EUSAGE, "samples set %lld belongs to '%s', not '%s'",
                      (long long)set_id, out->exp_name, exp_name);
    return rc;
}

static void set_summary(struct buf *out, const struct view_samples_set *set)
{
    char when[TIME_SHORT_SIZE], mean[NUM_TEXT_SIZE], lo[NUM_TEXT_SIZE], hi[NUM_TEXT_SIZE];
    struct buf name = BUF_INIT;
    struct wrap w = WRAP_INIT;

    time_format_short(when, set->ts);
    wrap_text(&w, set->name, strlen(set->name), 1000, 80, 1);
    buf_printf(out, "%s: %s (entry %lld, %s, %s): %lld rows", set->exp_name,
               w.lines[0].text, (long long)set->entry, when, set->author,
               (long long)set->rows);
    if (set->scored)
        buf_printf(out, ", %lld scored, mean %s (min %s, max %s)",
                   (long long)set->scored, num_format(mean, set->mean),
                   num_format(lo, set->min), num_format(hi, set->max));
    buf_putc(out, '\n');
    wrap_release(&w);
    buf_release(&name);
}

struct show {
    struct buf *out;
    size_t width;
    int full, json;
    int64_t shown;
};

static int show_row(void *ctx, const struct view_sample_row *r)
{
    struct show *sh = ctx;

    if (sh->json) {
        samples_row_json(sh->out, r->fields);
        buf_putc(sh->out, '\n');
    } else {
        if (sh->shown)
            buf_putc(sh->out, '\n');
        samples_print_row(sh->out, r, NULL, sh->width, sh->full);
    }
    sh->shown++;
    /* Flush as we go: --where over a large set streams. */
    if (sh->out->len > 1 << 16) {
        fwrite(sh->out->ptr, 1, sh->out->len, stdout);
        buf_reset(sh->out);
    }
    return 0;
}

static int count_picks(int64_t worst, int64_t best, int64_t random,
                       const char *where, const char *id, int64_t row)
{
    return (worst > 0) + (best > 0) + (random > 0) + (where != NULL)
           + (id != NULL) + (row > 0);
}

static int samples_show_cmd(int argc, char **argv, struct app *app)
{
    int64_t worst = 0, best = 0, random = 0, seed = 0, row = 0, set_id = 0;
    int64_t first = 0;
    const char *where = NULL, *id = NULL, *attempt = NULL;
    int json = 0, full = 0, all = 0;
    const struct opt opts[] = {
        { OPT_INT, 0, "worst", &worst, "N", "the N lowest scores" },
        { OPT_INT, 0, "best", &best, "N", "the N highest scores" },
        { OPT_INT, 0, "random", &random, "N", "N rows drawn at random (see --seed)" },
        { OPT_INT, 0, "seed", &seed, "S", "the draw of --random (default 0: the same rows every time)" },
        { OPT_STRING, 0, "where", &where, "FIELD=VALUE", "rows whose FIELD is VALUE" },
        { OPT_STRING, 0, "id", &id, "ID", "the row(s) with this id" },
        { OPT_INT, 0, "row", &row, "N", "row number N (from 1)" },
        { OPT_INT, 0, "first", &first, "N", "the first N rows (default 10 in a terminal)" },
        { OPT_FLAG, 0, "all", &all, NULL, "every row" },
        { OPT_INT, 0, "set", &set_id, "ID", "an older samples set of EXP (its entry id)" },
        { OPT_STRING, 0, "attempt", &attempt, "UID", "the newest set of that attempt (uid or prefix of its running status entry)" },
        { OPT_FLAG, 0, "full", &full, NULL, "do not fold long fields" },
        { OPT_FLAG, 0, "json", &json, NULL, "the rows as JSON lines, as given (every row by default)" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "samples show EXP [--worst N | --best N | --random N [--seed S] | "
        "--where FIELD=VALUE | --id ID | --row N | --first N | --all] "
        "[--set ID | --attempt UID] [--full] [--json]",
        "Show examples of an experiment's newest samples set.",
        opts, NULL, 0,
    };
    struct view_samples_set set;
    struct view_samples_sel sel = { PICK_ALL, 0, 0, NULL, NULL };
    struct arena arena = ARENA_INIT;
    struct buf out = BUF_INIT, field = BUF_INIT;
    struct show sh = { &out, 0, 0, 0, 0 };
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 1, 1);

    if (rc == 0)
        rc = cli_open_log(app, 0);
    if (rc)
        goto cleanup;
    if (count_picks(worst, best, random, where, id, row) + (first > 0) + all
        > 1) {
        rc = ll_error(LL_EUSAGE, "choose one of --worst, --best, --random, "
                      "--where, --id, --row, --first and --all");
        goto cleanup;
    }
    if (worst < 0 || best < 0 || random < 0 || first < 0 || row < 0) {
        rc = ll_error(LL_EUSAGE, "counts must be positive");
        goto cleanup;
    }
    rc = find_set(app, &arena, ops[0], set_id, attempt, &set);
    if (rc)
        goto cleanup;
    if (worst || best) {
        sel.pick = worst ? PICK_WORST : PICK_BEST;
        sel.n = worst ? worst : best;
        if (!set.scored) {
            rc = ll_error(LL_EINPUT, "no row of '%s' has a score (a score, "
                          "reward, label or correct field)", ops[0]);
            goto cleanup;
        }
    } else if (random) {
        sel.pick = PICK_RANDOM;
        sel.n = random;
        sel.seed = (uint64_t)seed;
    } else if (where) {
        const char *eq = strchr(where, '=');

        if (!eq || eq == where) {
            rc = ll_error(LL_EUSAGE, "--where expects FIELD=VALUE, not '%s'",
                          where);
            goto cleanup;
        }
        buf_put(&field, where, (size_t)(eq - where));
        sel.pick = PICK_WHERE;
        sel.field = field.ptr;
        sel.value = eq + 1;
    } else if (id) {
        sel.pick = PICK_ID;
        sel.value = id;
    } else if (row) {
        sel.pick = PICK_ROW;
        sel.n = row;
    } else {
        sel.n = first ? first : (all || json ? 0 : 10);
    }
    sh.width = samples_term_width();
    sh.full = full;
    sh.json = json;
    if (!json)
        set_summary(&out, &set);
    if (!json && sel.pick == PICK_ALL && sel.n)
        buf_printf(&out, "the first %lld rows:\n\n", (long long)sel.n);
    else if (!json && sel.pick != PICK_ID && sel.pick != PICK_ROW)
        buf_printf(&out, "%s:\n\n",
                   sel.pick == PICK_WORST ? "lowest scores first"
                   : sel.pick == PICK_BEST ? "highest scores first"
                   : sel.pick == PICK_RANDOM ? "drawn at random"
                   : sel.pick == PICK_WHERE ? "matching rows" : "every row");
    else if (!json)
        buf_putc(&out, '\n');
    rc = view_samples_select(app->store, &set, &sel, show_row, &sh);
    if (rc == 0 && sh.shown == 0 && sel.pick == PICK_ID)
        rc = ll_error(LL_ENOTFOUND, "'%s' has no row with id '%s'", ops[0],
                      id);
    if (rc == 0 && sh.shown == 0 && sel.pick == PICK_ROW)
        rc = ll_error(LL_ENOTFOUND, "'%s' has no row %lld (it has %lld)",
                      ops[0], (long long)row, (long long)set.rows);
    if (rc == 0 && !json && sh.shown == 0)
        buf_puts(&out, "(no rows)\n");
    if (rc == 0 && !json && sel.pick == PICK_ALL && sel.n
        && set.rows > sh.shown)
        buf_printf(&out, "\n(%lld of %lld rows; --all shows every row, "
                   "--worst N the lowest scores)\n", (long long)sh.shown,
                   (long long)set.rows);
    if (rc == 0)
        fwrite(out.ptr, 1, out.len, stdout);
cleanup:
    buf_release(&out);
    buf_release(&field);
    arena_release(&arena);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

/* ---- diff ------------------------------------------------------------------ */

struct fetch {
    struct buf bytes;  /* the row's bytes, kept past the callback */
    int64_t row, found;
    int has_score;
    double score;
    char *sid;
    size_t sid_len;
};

static int keep_row(void *ctx, const struct view_sample_row *r)
{
    struct fetch *f = ctx;

    buf_reset(&f->bytes);
    buf_put(&f->bytes, r->bytes, r->len);
    free(f->sid);
    f->sid = malloc(r->sid_len + 1);
    if (f->sid) {
        memcpy(f->sid, r->sid, r->sid_len);
        f->sid[r->sid_len] = '\0';
    }
    f->sid_len = r->sid_len;
    f->has_score = r->has_score;
    f->score = r->score;
    f->found = 1;
    return 1;
}

/* Reads row n of set and parses it with reader into *row_out. */
static int fetch_row(struct app *app, const struct view_samples_set *set,
                     struct samples_reader *reader, int64_t n,
                     struct fetch *f, struct sample_fields *fields,
                     struct view_sample_row *row_out)
{
    struct view_samples_sel sel = { PICK_ROW, n, 0, NULL, NULL };
    int rc;

    f->found = 0;
    rc = view_samples_select(app->store, set, &sel, keep_row, f);
    if (rc < 0)
        return rc;
    if (!f->found)
        return ll_error(LL_ERR, "row %lld of set %lld vanished",
                        (long long)n, (long long)set->entry);
    rc = samples_reader_parse(reader, f->bytes.ptr, f->bytes.len,
                              (size_t)n, fields);
    if (rc)
        return rc;
    row_out->row = n;
    row_out->sid = f->sid ? f->sid : "";
    row_out->sid_len = f->sid_len;
    row_out->has_score = f->has_score;
    row_out->score = f->score;
    row_out->bytes = f->bytes.ptr;
    row_out->len = f->bytes.len;
    row_out->fields = fields;
    return 0;
}

static struct samples_reader *reader_for(struct app *app,
                                         const struct view_samples_set *set)
{
    struct buf header = BUF_INIT;
    struct samples_reader *r;

    if (set->format == SAMPLES_CSV)
        store_samples_piece(app->store, set->entry, 0, &header);
    r = samples_reader_new(set->format, header.ptr, header.len, set->name);
    buf_release(&header);
    return r;
}

static void json_num(struct buf *out, double v)
{
    if (isnan(v))
        buf_puts(out, "null");
    else if (isinf(v))
        buf_puts(out, v > 0 ? "Infinity" : "-Infinity");
    else
        buf_printf(out, "%.17g", v);
}

static void diff_summary(struct buf *out, const struct view_samples_diff *d,
                         const struct view_samples_set *a,
                         const struct view_samples_set *b)
{
    char m1[NUM_TEXT_SIZE], m2[NUM_TEXT_SIZE], dm[NUM_TEXT_SIZE];
    char lo[NUM_TEXT_SIZE], hi[NUM_TEXT_SIZE], p[NUM_TEXT_SIZE];

    buf_printf(out, "samples diff by %s: A = %s (%lld rows), B = %s (%lld "
               "rows)\n", d->by, a->exp_name, (long long)a->rows,
               b->exp_name, (long long)b->rows);
    buf_printf(out, "  %lld in both, %lld only in A, %lld only in B\n",
               (long long)d->both, (long long)d->only_a,
               (long long)d->only_b);
    if (!d->scored) {
        buf_puts(out, "  no pair is scored in both\n");
        return;
    }
    buf_printf(out, "  scored in both: %lld: B better %lld, A better %lld, "
               "tie %lld\n", (long long)d->scored, (long long)d->b_better,
               (long long)d->a_better, (long long)d->tie);
    buf_printf(out, "  mean score A %s, B %s; B - A %s", num_format(m1,
               d->mean_a), num_format(m2, d->mean_b),
               num_format_delta(dm, d->paired.mean));
    if (d->paired.n >= 2)
        buf_printf(out, " (95%% CI %s to %s; paired t = %.3g, df = %lld, "
                   "p = %s)", num_format_delta(lo, d->paired.lo),
                   num_format_delta(hi, d->paired.hi), d->paired.t,
                   (long long)d->paired.df,
                   isnan(d->paired.p) ? "n/a" : num_format(p, d->paired.p));
    buf_putc(out, '\n');
}

static void diff_json_head(struct buf *out, const struct view_samples_diff *d,
                           const struct view_samples_set *a,
                           const struct view_samples_set *b)
{
    const struct stats_ttest *t = &d->paired;

    buf_puts(out, "{\"by\": ");
    samples_json_string(out, d->by, strlen(d->by));
    buf_puts(out, ", \"a\": {\"exp\": ");
    samples_json_string(out, a->exp_name, strlen(a->exp_name));
    buf_printf(out, ", \"set\": %lld, \"rows\": %lld}, \"b\": {\"exp\": ",
               (long long)a->entry, (long long)a->rows);
    samples_json_string(out, b->exp_name, strlen(b->exp_name));
    buf_printf(out, ", \"set\": %lld, \"rows\": %lld}", (long long)b->entry,
               (long long)b->rows);
    buf_printf(out, ", \"both\": %lld, \"only_a\": %lld, \"only_b\": %lld, "
               "\"scored\": %lld, \"a_better\": %lld, \"b_better\": %lld, "
               "\"tie\": %lld, \"mean_a\": ", (long long)d->both,
               (long long)d->only_a, (long long)d->only_b,
               (long long)d->scored, (long long)d->a_better,
               (long long)d->b_better, (long long)d->tie);
    json_num(out, d->mean_a);
    buf_puts(out, ", \"mean_b\": ");
    json_num(out, d->mean_b);
    buf_printf(out, ", \"paired\": {\"n\": %zu, \"mean\": ", t->n);
    json_num(out, t->mean);
    buf_puts(out, ", \"sd\": ");
    json_num(out, t->sd);
    buf_puts(out, ", \"t\": ");
    json_num(out, t->t);
    buf_puts(out, ", \"df\": ");
    json_num(out, t->df);
    buf_puts(out, ", \"p\": ");
    json_num(out, t->p);
    buf_puts(out, ", \"level\": 0.95, \"lo\": ");
    json_num(out, t->lo);
    buf_puts(out, ", \"hi\": ");
    json_num(out, t->hi);
    buf_puts(out, "}, \"pairs\": [");
}

static int samples_diff_cmd(int argc, char **argv, struct app *app)
{
    const char *by = NULL;
    int64_t limit = 10, set_a = 0, set_b = 0;
    int json = 0, full = 0;
    const struct opt opts[] = {
        { OPT_STRING, 0, "by", &by, "FIELD", "pair rows by this field (default: id)" },
        { OPT_INT, 'n', "limit", &limit, "N", "show the N largest changes (default 10; 0: none)" },
        { OPT_INT, 0, "set-a", &set_a, "ID", "an older samples set of A" },
        { OPT_INT, 0, "set-b", &set_b, "ID", "an older samples set of B" },
        { OPT_FLAG, 0, "full", &full, NULL, "do not fold long fields" },
        { OPT_FLAG, 0, "json", &json, NULL, "the summary and pairs as JSON" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "samples diff A B [--by FIELD] [--limit N] [--full] [--json]",
        "Compare two experiments' samples on the same inputs: counts, the "
        "paired t test of B - A, and the largest score changes side by "
        "side.",
        opts, NULL, 0,
    };
    struct view_samples_set a, b;
    struct view_samples_diff d;
    struct arena arena = ARENA_INIT;
    struct buf out = BUF_INIT;
    struct samples_reader *ra = NULL, *rb = NULL;
    struct fetch fa = { BUF_INIT, 0, 0, 0, 0, NULL, 0 };
    struct fetch fb = { BUF_INIT, 0, 0, 0, 0, NULL, 0 };
    size_t i, width = samples_term_width();
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 2, 2);

    memset(&d, 0, sizeof(d));
    if (rc == 0)
        rc = cli_open_log(app, 0);
    if (rc)
        goto cleanup;
    if (limit < 0) {
        rc = ll_error(LL_EUSAGE, "--limit must not be negative");
        goto cleanup;
    }
    rc = find_set(app, &arena, ops[0], set_a, NULL, &a);
    if (rc == 0)
        rc = find_set(app, &arena, ops[1], set_b, NULL, &b);
    if (rc == 0)
        rc = view_samples_diff(app->store, &a, &b, by, (size_t)limit, &d);
    if (rc)
        goto cleanup;
    ra = reader_for(app, &a);
    rb = reader_for(app, &b);
    if (json)
        diff_json_head(&out, &d, &a, &b);
    else
        diff_summary(&out, &d, &a, &b);
    if (!json && d.npairs)
        buf_printf(&out, "\nlargest changes (%zu of %lld):\n", d.npairs,
                   (long long)d.both);
    for (i = 0; rc == 0 && i < d.npairs; i++) {
        const struct view_samples_pair *p = &d.pairs[i];
        struct sample_fields f1, f2;
        struct view_sample_row r1, r2;

        rc = fetch_row(app, &a, ra, p->row_a, &fa, &f1, &r1);
        if (rc == 0)
            rc = fetch_row(app, &b, rb, p->row_b, &fb, &f2, &r2);
        if (rc)
            break;
        if (json) {
            buf_puts(&out, i ? ", {\"key\": " : "{\"key\": ");
            samples_json_string(&out, r1.sid, r1.sid_len);
            buf_puts(&out, ", \"score_a\": ");
            json_num(&out, p->score_a);
            buf_puts(&out, ", \"score_b\": ");
            json_num(&out, p->score_b);
            buf_printf(&out, ", \"n_a\": %lld, \"n_b\": %lld, \"a\": ",
                       (long long)p->n_a, (long long)p->n_b);
            samples_row_json(&out, &f1);
            buf_puts(&out, ", \"b\": ");
            samples_row_json(&out, &f2);
            buf_putc(&out, '}');
        } else {
            buf_putc(&out, '\n');
            int same = strcmp(a.exp_name, b.exp_name) == 0;

            samples_print_pair(&out, p, &r1, &r2, same ? "A" : a.exp_name,
                               same ? "B" : b.exp_name, width, full);
        }
    }
    if (json)
        buf_puts(&out, "]}\n");
    if (rc == 0)
        fwrite(out.ptr, 1, out.len, stdout);
cleanup:
    view_samples_diff_release(&d);
    samples_reader_free(ra);
    samples_reader_free(rb);
    buf_release(&fa.bytes);
    buf_release(&fb.bytes);
    free(fa.sid);
    free(fb.sid);
    buf_release(&out);
    arena_release(&arena);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

/* ---- note --sample EXP:ID ------------------------------------------------------ */

static int count_one(void *ctx, const struct sample_row *r)
{
    (void)r;
    (*(int64_t *)ctx)++;
    return 0;
}

int cli_sample_ref(struct app *app, const char *arg, struct cli_sample *out)
{
    const char *colon = strchr(arg, ':');
    struct samples_query q = { SAMPLES_IN_ORDER, 1, 0, NULL, 0 };
    struct view_samples_set set;
    struct arena arena = ARENA_INIT;
    int64_t exp, hits = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    if (!colon || colon == arg || !colon[1])
        return ll_error(LL_EUSAGE, "--sample expects EXP:ID (an experiment "
                        "and the id of one of its samples), not '%s'", arg);
    out->exp = strndup(arg, (size_t)(colon - arg));
    out->id = strdup(colon + 1);
    rc = cli_check_text(out->id, "sample id");
    if (rc == 0)
        rc = store_exp_find(app->store, out->exp, &exp);
    if (rc == 0)
        rc = view_samples_latest(app->store, &arena, exp, out->exp, &set);
    if (rc == 0) {
        q.sid = out->id;
        rc = store_samples_rows(app->store, set.entry, &q, count_one, &hits);
    }
    if (rc == 0 && hits == 0)
        rc = ll_error(LL_ENOTFOUND, "'%s' has no sample with id '%s' (see "
                      "'lablog samples show %s')", out->exp, out->id,
                      out->exp);
    if (rc == 0)
        snprintf(out->set_uid, sizeof(out->set_uid), "%s", set.uid);
    arena_release(&arena);
    if (rc)
        cli_sample_release(out);
    return rc;
}

void cli_sample_release(struct cli_sample *s)
{
    free(s->exp);
    free(s->id);
    s->exp = s->id = NULL;
}

/* ---- the group ---------------------------------------------------------------- */

int cmd_samples(int argc, char **argv, struct app *app)
{
    static const struct {
        const char *name;
        cmd_fn *fn;
    } verbs[] = {
        { "add", samples_add_cmd },
        { "show", samples_show_cmd },
        { "diff", samples_diff_cmd },
    };
    static const struct opt verb_opts[] = {
        { OPT_VERB, 0, "add", NULL, "EXP FILE", "store a file of examples" },
        { OPT_VERB, 0, "show", NULL, "EXP", "the worst, the best or a seeded random few" },
        { OPT_VERB, 0, "diff", NULL, "A B", "two experiments on the same inputs" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command group = {
        "samples add|show|diff ...",
        "Model outputs as results: store a file of examples, show the worst, "
        "the best or a seeded random few, and compare two experiments on the "
        "same inputs.", verb_opts,
        "'lablog samples VERB --help' describes each.\n", 0,
    };
    char **ops = NULL;
    size_t i;
    int nops, rc;

    /* The verb list goes through opt_print_help(), so --help needs no log
     * and the man page and completion see the verbs (cli/cli.h). */
    if (argc < 2) {
        opt_print_help(&group, stderr);
        return 2;
    }
    if (argv[1][0] == '-') {
        rc = cli_parse(&group, argc, argv, &ops, &nops, 0, 0);
        free(ops);
        return rc == OPT_HELP ? 0 : rc;
    }
    for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
        if (strcmp(argv[1], verbs[i].name) == 0)
            return verbs[i].fn(argc - 1, argv + 1, app);
    return ll_error(LL_EUSAGE, "unknown 'samples' verb '%s' (add, show or "
                    "diff)", argv[1]);
}
