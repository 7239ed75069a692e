/* SPDX-License-Identifier: MIT */
/*
 * Samples on the read side (see samples.h): loading sets, choosing
 * examples and the paired diff of two sets.
 */
#include "view/samples.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"
#include "view/view.h"

/* ---- sets ---------------------------------------------------------------- */

struct set_load {
    struct arena *a;
    struct view_samples_set *out;
    int found;
    const char *uid; /* by uid: the one wanted */
};

static int fill_set(struct set_load *l, const struct entry *e)
{
    struct view_samples_set *o = l->out;
    json_t *d = json_loads(e->data, 0, NULL);
    const char *fmt = json_string_value(json_object_get(d, "format"));
    const char *att = json_string_value(json_object_get(d, "attempt"));

    memset(o, 0, sizeof(*o));
    o->entry = e->id;
    o->uid = arena_strdup(l->a, e->uid);
    o->ts = e->ts;
    o->author = arena_strdup(l->a, e->author);
    o->exp = e->exp;
    o->exp_name = arena_strdup(l->a, e->exp_name ? e->exp_name : "");
    o->name = arena_strdup(l->a, e->title);
    o->format = fmt && strcmp(fmt, "csv") == 0 ? SAMPLES_CSV : SAMPLES_JSONL;
    o->rows = json_integer_value(json_object_get(d, "rows"));
    o->size = json_integer_value(json_object_get(d, "size"));
    o->attempt = arena_strdup(l->a, att ? att : "");
    o->mean = o->min = o->max = NAN;
    json_decref(d);
    l->found = 1;
    return 0;
}

static int take_last(void *ctx, const struct entry *e)
{
    return fill_set(ctx, e);
}

static int take_first(void *ctx, const struct entry *e)
{
    fill_set(ctx, e);
    return 1; /* stop */
}

static int take_uid(void *ctx, const struct entry *e)
{
    struct set_load *l = ctx;

    if (strcmp(e->uid, l->uid) != 0)
        return 0;
    fill_set(l, e);
    return 1; /* stop */
}

static int add_scores(struct store *s, struct view_samples_set *o)
{
    return store_samples_scores(s, o->entry, &o->scored, &o->mean, &o->min,
                                &o->max);
}

int view_samples_latest(struct store *s, struct arena *a, int64_t exp,
                        const char *exp_name, struct view_samples_set *out)
{
    struct entry_filter f = ENTRY_FILTER_ALL;
    struct set_load l = { a, out, 0, NULL };
    int rc;

    f.exp = exp;
    f.kind = ENTRY_SAMPLES;
    rc = store_entries(s, &f, take_last, &l);
    if (rc)
        return rc;
    if (!l.found)
        return ll_error(LL_ENOTFOUND, "experiment '%s' has no samples (add "
                        "them with 'lablog samples add --exp %s FILE')",
                        exp_name, exp_name);
    return add_scores(s, out);
}

struct attempt_load {
    struct set_load l;
    const char *attempt;
};

static int take_attempt(void *ctx, const struct entry *e)
{
    struct attempt_load *al = ctx;
    json_t *d = json_loads(e->data, 0, NULL);
    const char *att = json_string_value(json_object_get(d, "attempt"));
    int hit = att && strncmp(att, al->attempt, strlen(al->attempt)) == 0;

    json_decref(d);
    return hit ? fill_set(&al->l, e) : 0;
}

int view_samples_of_attempt(struct store *s, struct arena *a, int64_t exp,
                            const char *exp_name, const char *attempt,
                            struct view_samples_set *out)
{
    struct entry_filter f = ENTRY_FILTER_ALL;
    struct attempt_load al = { { a, out, 0, NULL }, attempt };
    int rc;

    f.exp = exp;
    f.kind = ENTRY_SAMPLES;
    rc = store_entries(s, &f, take_attempt, &al);
    if (rc)
        return rc;
    if (!al.l.found)
        return ll_error(LL_ENOTFOUND, "experiment '%s' has no samples from "
                        "attempt %s", exp_name, attempt);
    return add_scores(s, out);
}

int view_samples_get(struct store *s, struct arena *a, int64_t entry,
                     struct view_samples_set *out)
{
    struct set_load l = { a, out, 0, NULL };
    struct entry_filter f = ENTRY_FILTER_ALL;
    int rc;

    /* store_entry_get gives no kind filter; read it through the filter so
     * a wrong kind is told apart from a missing entry. */
    f.kind = ENTRY_SAMPLES;
    f.after = entry - 1;
    rc = store_entries(s, &f, take_first, &l);
    if (rc < 0)
        return rc;
    if (!l.found || out->entry != entry) {
        l.found = 0;
        rc = store_entry_get(s, entry, take_last, &l); /* exists at all? */
        if (rc)
            return rc;
        return ll_error(LL_EUSAGE, "entry %lld is not a samples set",
                        (long long)entry);
    }
    return add_scores(s, out);
}

int view_samples_by_uid(struct store *s, struct arena *a, const char *uid,
                        struct view_samples_set *out)
{
    struct entry_filter f = ENTRY_FILTER_ALL;
    struct set_load l = { a, out, 0, uid };
    int rc;

    f.kind = ENTRY_SAMPLES;
    rc = store_entries(s, &f, take_uid, &l);
    if (rc < 0)
        return rc;
    if (!l.found)
        return ll_error(LL_ENOTFOUND, "no samples set %s in this log", uid);
    return add_scores(s, out);
}

/* ---- choosing rows --------------------------------------------------------- */

/* splitmix64: a small generator whose output is the same on every
 * platform, so a seed always draws the same examples. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static int cmp_i64(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;

    return a < b ? -1 : a > b;
}

void view_samples_draw(int64_t *out, int64_t k, int64_t n, uint64_t seed)
{
    uint64_t state = seed;
    int64_t got = 0, j;

    if (k > n)
        k = n;
    if (k <= 0)
        return;
    if (k > 4096) {
        /* Selection sampling: one pass over 1..n, each kept with
         * probability (needed / left). */
        for (j = 1; j <= n && got < k; j++) {
            uint64_t left = (uint64_t)(n - j + 1);

            if (next_random(&state) % left < (uint64_t)(k - got))
                out[got++] = j;
        }
        return;
    }
    /* Floyd's algorithm: k draws, each new, kept sorted for lookup. */
    for (j = n - k + 1; j <= n; j++) {
        int64_t t = 1 + (int64_t)(next_random(&state) % (uint64_t)j);
        int64_t pick = bsearch(&t, out, (size_t)got, sizeof(*out), cmp_i64)
                           ? j : t;
        int64_t i = got;

        while (i > 0 && out[i - 1] > pick) {
            out[i] = out[i - 1];
            i--;
        }
        out[i] = pick;
        got++;
    }
}

struct select {
    struct samples_reader *reader;
    const struct view_samples_set *set;
    const struct view_samples_sel *sel;
    view_sample_fn *fn;
    void *ctx;
    int64_t emitted;
};

/* Whether a field's text is value (numbers also by value: 1 = 1.0). */
static int field_matches(const struct sample_field *f, const char *value)
{
    size_t n = strlen(value);
    char *end;
    double v;

    if (f->len == n && memcmp(f->text, value, n) == 0)
        return 1;
    if (f->kind == SAMPLE_NUMBER && n) {
        v = strtod(value, &end);
        return *end == '\0' && v == f->num;
    }
    return 0;
}

static int on_row(void *ctx, const struct sample_row *r)
{
    struct select *x = ctx;
    struct view_sample_row out;
    struct sample_fields f;
    int rc = samples_reader_parse(x->reader, r->bytes, r->len,
                                  (size_t)r->seq + 1, &f);

    if (rc)
        return rc;
    if (x->sel->pick == PICK_WHERE) {
        size_t i;
        int hit = 0;

        for (i = 0; i < f.len && !hit; i++)
            hit = strcmp(f.items[i].key, x->sel->field) == 0
                  && field_matches(&f.items[i], x->sel->value);
        if (!hit)
            return 0;
    }
    out.row = r->row;
    out.sid = r->sid;
    out.sid_len = r->sid_len;
    out.has_score = r->has_score;
    out.score = r->score;
    out.bytes = r->bytes;
    out.len = r->len;
    out.fields = &f;
    x->emitted++;
    rc = x->fn(x->ctx, &out);
    if (rc == 0 && x->sel->pick == PICK_WHERE && x->sel->n > 0
        && x->emitted >= x->sel->n)
        return 1; /* enough */
    return rc;
}

int view_samples_select(struct store *s, const struct view_samples_set *set,
                        const struct view_samples_sel *sel,
                        view_sample_fn *fn, void *ctx)
{
    struct samples_query q = { SAMPLES_IN_ORDER, 0, 0, NULL, 1 };
    struct select x = { NULL, set, sel, fn, ctx, 0 };
    struct buf header = BUF_INIT;
    int64_t *rows = NULL;
    int rc = 0;

    if (set->format == SAMPLES_CSV)
        rc = store_samples_piece(s, set->entry, 0, &header);
    if (rc)
        return rc;
    x.reader = samples_reader_new(set->format, header.ptr, header.len,
                                  set->name);
    switch (sel->pick) {
    case PICK_ALL:
        q.limit = sel->n;
        rc = store_samples_rows(s, set->entry, &q, on_row, &x);
        break;
    case PICK_WORST:
    case PICK_BEST:
        q.order = sel->pick == PICK_WORST ? SAMPLES_WORST : SAMPLES_BEST;
        q.limit = sel->n;
        rc = store_samples_rows(s, set->entry, &q, on_row, &x);
        break;
    case PICK_RANDOM: {
        int64_t k = sel->n < set->rows ? sel->n : set->rows, i;

        rows = xcalloc((size_t)(k > 0 ? k : 1), sizeof(*rows));
        view_samples_draw(rows, k, set->rows, sel->seed);
        for (i = 0; rc == 0 && i < k; i++) {
            q.row = rows[i];
            rc = store_samples_rows(s, set->entry, &q, on_row, &x);
        }
        break;
    }
    case PICK_WHERE:
        rc = store_samples_rows(s, set->entry, &q, on_row, &x);
        if (rc == 1)
            rc = 0;
        break;
    case PICK_ID:
        q.sid = sel->value;
        rc = store_samples_rows(s, set->entry, &q, on_row, &x);
        break;
    case PICK_ROW:
        q.row = sel->n;
        rc = sel->n > 0 ? store_samples_rows(s, set->entry, &q, on_row, &x)
                        : 0;
        break;
    }
    free(rows);
    samples_reader_free(x.reader);
    buf_release(&header);
    return rc;
}

/* ---- diff ------------------------------------------------------------------- */

struct key_slot {
    uint64_t key;            /* hash of the key's bytes; 0 = empty */
    int64_t row[2];          /* first row in A, B */
    int64_t n[2];            /* rows in A, B */
    int64_t scored[2];       /* scored rows in A, B */
    double sum[2];           /* their score sum */
};

struct key_map {
    struct key_slot *slots;
    size_t cap, len;
};

static uint64_t key_hash(const char *s, size_t len)
{
    uint64_t h = UINT64_C(1469598103934665603);
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(1099511628211);
    }
    /* Mix the FNV result so nearby keys spread over the table. */
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    return h ? h : 1;
}

static struct key_slot *map_get(struct key_map *m, uint64_t key)
{
    size_t i;

    if ((m->len + 1) * 2 > m->cap) {
        struct key_map g = { NULL, m->cap ? m->cap * 2 : 4096, 0 };

        g.slots = xcalloc(g.cap, sizeof(*g.slots));
        for (i = 0; i < m->cap; i++)
            if (m->slots[i].key)
                *map_get(&g, m->slots[i].key) = m->slots[i];
        free(m->slots);
        *m = g;
    }
    for (i = key & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (m->slots[i].key == key)
            return &m->slots[i];
        if (!m->slots[i].key) {
            memset(&m->slots[i], 0, sizeof(m->slots[i]));
            m->slots[i].key = key;
            m->len++;
            return &m->slots[i];
        }
    }
}

struct gather {
    struct key_map *map;
    int side;           /* 0: A, 1: B */
    const char *field;  /* NULL: by id */
    struct samples_reader *reader;
};

static void count_row(struct gather *g, const char *key, size_t len,
                      int64_t row, int has_score, double score)
{
    struct key_slot *k = map_get(g->map, key_hash(key, len));

    if (k->n[g->side]++ == 0)
        k->row[g->side] = row;
    if (has_score) {
        k->scored[g->side]++;
        k->sum[g->side] += score;
    }
}

static int gather_row(void *ctx, const struct sample_row *r)
{
    struct gather *g = ctx;
    struct sample_fields f;
    size_t i;
    int rc;

    if (!g->field) {
        count_row(g, r->sid, r->sid_len, r->row, r->has_score, r->score);
        return 0;
    }
    rc = samples_reader_parse(g->reader, r->bytes, r->len,
                              (size_t)r->seq + 1, &f);
    if (rc)
        return rc;
    for (i = 0; i < f.len; i++)
        if (strcmp(f.items[i].key, g->field) == 0) {
            count_row(g, f.items[i].text, f.items[i].len, r->row,
                      r->has_score, r->score);
            break;
        }
    return 0;
}

static int gather(struct store *s, struct key_map *m, int side,
                  const struct view_samples_set *set, const char *field)
{
    struct samples_query q = { SAMPLES_IN_ORDER, 0, 0, NULL, field != NULL };
    struct gather g = { m, side, field, NULL };
    struct buf header = BUF_INIT;
    int rc = 0;

    if (field && set->format == SAMPLES_CSV)
        rc = store_samples_piece(s, set->entry, 0, &header);
    if (rc == 0 && field)
        g.reader = samples_reader_new(set->format, header.ptr, header.len,
                                      set->name);
    if (rc == 0)
        rc = store_samples_rows(s, set->entry, &q, gather_row, &g);
    samples_reader_free(g.reader);
    buf_release(&header);
    return rc;
}

static int pair_cmp(const void *pa, const void *pb)
{
    const struct view_samples_pair *a = pa, *b = pb;
    int sa = !isnan(a->score_a) && !isnan(a->score_b);
    int sb = !isnan(b->score_a) && !isnan(b->score_b);

    if (sa != sb)
        return sa ? -1 : 1;
    if (sa) {
        double da = fabs(a->score_b - a->score_a);
        double db = fabs(b->score_b - b->score_a);

        if (da != db)
            return da > db ? -1 : 1;
    }
    return a->row_a < b->row_a ? -1 : a->row_a > b->row_a;
}

int view_samples_diff(struct store *s, const struct view_samples_set *a,
                      const struct view_samples_set *b, const char *by,
                      size_t limit, struct view_samples_diff *out)
{
    struct key_map m = { NULL, 0, 0 };
    struct stats_acc acc = STATS_ACC_INIT;
    struct stats_acc ma = STATS_ACC_INIT, mb = STATS_ACC_INIT;
    const char *field = by && strcmp(by, "id") != 0 ? by : NULL;
    struct view_samples_pair *pairs = NULL;
    size_t npairs = 0, cap = 0, i;
    int rc;

    memset(out, 0, sizeof(*out));
    out->by = field ? field : "id";
    rc = gather(s, &m, 0, a, field);
    if (rc == 0)
        rc = gather(s, &m, 1, b, field);
    if (rc)
        goto cleanup;
    for (i = 0; i < m.cap; i++) {
        const struct key_slot *k = &m.slots[i];
        struct view_samples_pair *p;

        if (!k->key)
            continue;
        if (!k->n[1]) {
            out->only_a++;
            continue;
        }
        if (!k->n[0]) {
            out->only_b++;
            continue;
        }
        out->both++;
        XGROW(pairs, npairs + 1, cap);
        p = &pairs[npairs++];
        p->row_a = k->row[0];
        p->row_b = k->row[1];
        p->n_a = k->n[0];
        p->n_b = k->n[1];
        p->score_a = k->scored[0] ? k->sum[0] / (double)k->scored[0] : NAN;
        p->score_b = k->scored[1] ? k->sum[1] / (double)k->scored[1] : NAN;
        if (isnan(p->score_a) || isnan(p->score_b))
            continue;
        out->scored++;
        stats_acc_add(&acc, p->score_b - p->score_a);
        stats_acc_add(&ma, p->score_a);
        stats_acc_add(&mb, p->score_b);
        if (p->score_b > p->score_a)
            out->b_better++;
        else if (p->score_b < p->score_a)
            out->a_better++;
        else
            out->tie++;
    }
    out->mean_a = ma.n ? ma.mean : NAN;
    out->mean_b = mb.n ? mb.mean : NAN;
    stats_ttest_acc(&out->paired, &acc, 0.95);
    qsort(pairs, npairs, sizeof(*pairs), pair_cmp);
    if (npairs > limit)
        npairs = limit;
    out->pairs = pairs;
    out->npairs = npairs;
    pairs = NULL;
cleanup:
    free(pairs);
    free(m.slots);
    return rc;
}

void view_samples_diff_release(struct view_samples_diff *d)
{
    free(d->pairs);
    d->pairs = NULL;
    d->npairs = 0;
}

/* ---- snapshots for renderers ------------------------------------------------ */

static const char *arena_bytes(struct arena *a, const char *s, size_t len)
{
    char *p = arena_alloc(a, len + 1);

    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

/* Copies a parsed row into e, fields in display order. */
static void copy_example(struct arena *a, struct view_example *e,
                         const struct view_sample_row *r, const char *why)
{
    static const int first[] = { ROLE_INPUT, ROLE_OUTPUT, ROLE_TARGET };
    const struct sample_fields *f = r->fields;
    size_t i, j, n = 0;

    memset(e, 0, sizeof(*e));
    e->why = why;
    e->row = r->row;
    e->sid = arena_bytes(a, r->sid, r->sid_len);
    e->sid_len = r->sid_len;
    e->has_id = f->role[ROLE_ID] >= 0;
    e->has_score = r->has_score;
    e->score = r->score;
    if (f->role[ROLE_LABEL] >= 0) {
        const struct sample_field *l = &f->items[f->role[ROLE_LABEL]];

        e->label_key = arena_bytes(a, l->key, l->key_len);
        e->label = arena_bytes(a, l->text, l->len);
    }
    e->fields = arena_alloc(a, (f->len + 1) * sizeof(*e->fields));
    for (j = 0; j < 3 + f->len; j++) {
        const struct sample_field *it;
        int role;

        if (j < 3) {
            if (f->role[first[j]] < 0)
                continue;
            i = (size_t)f->role[first[j]];
            role = first[j];
        } else {
            int r2;

            i = j - 3;
            for (r2 = 0, role = -1; r2 < ROLE_COUNT; r2++)
                if (f->role[r2] == (int)i)
                    role = r2;
            if (role >= 0)
                continue; /* a role: shown above or in the headline */
        }
        it = &f->items[i];
        e->fields[n].key = arena_bytes(a, it->key, it->key_len);
        e->fields[n].key_len = it->key_len;
        e->fields[n].kind = it->kind;
        e->fields[n].text = arena_bytes(a, it->text, it->len);
        e->fields[n].len = it->len;
        e->fields[n].role = role;
        n++;
    }
    e->nfields = n;
}

struct collect {
    struct arena *a;
    struct view_example *items;
    size_t len, cap;
    const char *why;
};

static int collect_row(void *ctx, const struct view_sample_row *r)
{
    struct collect *c = ctx;
    size_t i;

    for (i = 0; i < c->len; i++)
        if (c->items[i].row == r->row)
            return 0;
    XGROW(c->items, c->len + 1, c->cap);
    copy_example(c->a, &c->items[c->len++], r, c->why);
    return 0;
}

struct note_ref {
    const struct view_item *item;
    char *sid;
};

struct note_scan {
    const struct view *v;
    const char *set_uid;
    struct note_ref *refs;
    size_t len, cap;
};

static int scan_note(void *ctx, const struct entry *e)
{
    struct note_scan *n = ctx;
    json_t *d;
    const char *sid, *set;
    const struct view_item *it;

    if (!strstr(e->data, "\"sample\""))
        return 0;
    it = view_item_find(n->v, e->id);
    if (!it || it->retracted || !view_in_period(n->v, e->ts))
        return 0;
    d = json_loads(e->data, 0, NULL);
    sid = json_string_value(json_object_get(d, "sample"));
    set = json_string_value(json_object_get(d, "sample_set"));
    if (sid && set && strcmp(set, n->set_uid) == 0) {
        XGROW(n->refs, n->len + 1, n->cap);
        n->refs[n->len].item = it;
        n->refs[n->len].sid = xstrdup(sid);
        n->len++;
    }
    json_decref(d);
    return 0;
}

/* Ties the notes to their examples, fetching those not chosen yet. */
static int add_noted(struct store *s, const struct view_exp_samples *vs,
                     struct collect *c, struct note_scan *n)
{
    size_t i, j;
    int rc = 0;

    for (i = 0; rc == 0 && i < n->len; i++) {
        struct view_example *e = NULL;

        for (j = 0; j < c->len && !e; j++)
            if (strcmp(c->items[j].sid, n->refs[i].sid) == 0)
                e = &c->items[j];
        if (!e) {
            struct view_samples_sel sel = { PICK_ID, 0, 0, NULL, NULL };
            size_t before = c->len;

            sel.value = n->refs[i].sid;
            c->why = "noted";
            rc = view_samples_select(s, &vs->set, &sel, collect_row, c);
            if (rc || c->len == before)
                continue; /* the id left the set: nothing to show */
            e = &c->items[before];
            /* Only the first row with that id. */
            c->len = before + 1;
        }
        {
            const struct view_item **grown = arena_alloc(
                c->a, (e->nnotes + 1) * sizeof(*grown));

            if (e->nnotes)
                memcpy(grown, e->notes, e->nnotes * sizeof(*grown));
            grown[e->nnotes++] = n->refs[i].item;
            e->notes = grown;
        }
    }
    return rc;
}

int view_exp_samples(const struct view *v, const struct view_exp *x,
                     const struct view_samples_opts *o,
                     struct view_exp_samples **out)
{
    struct view_samples_opts dflt = VIEW_SAMPLES_OPTS_INIT;
    struct arena *a = xcalloc(1, sizeof(*a));
    struct view_exp_samples *vs = arena_alloc(a, sizeof(*vs));
    struct collect c = { a, NULL, 0, 0, NULL };
    struct note_scan n = { v, NULL, NULL, 0, 0 };
    struct entry_filter f = ENTRY_FILTER_ALL;
    size_t i;
    int rc;

    *out = NULL;
    if (!o)
        o = &dflt;
    vs->priv = a;
    rc = view_samples_latest(v->store, a, x->id, x->name, &vs->set);
    if (rc == LL_ENOTFOUND) {
        ll_error_clear();
        arena_release(a);
        free(a);
        return 0;
    }
    if (rc == 0 && o->worst > 0 && vs->set.scored) {
        struct view_samples_sel sel = { PICK_WORST, 0, 0, NULL, NULL };

        sel.n = o->worst;
        c.why = "lowest score";
        rc = view_samples_select(v->store, &vs->set, &sel, collect_row, &c);
    }
    if (rc == 0 && o->random > 0) {
        struct view_samples_sel sel = { PICK_RANDOM, 0, 0, NULL, NULL };
        size_t before = c.len;

        /* Draw as many more as were chosen already, so that rows drawn
         * twice still leave `random` new ones. */
        sel.n = o->random + (int64_t)c.len;
        sel.seed = o->seed;
        c.why = "random draw";
        rc = view_samples_select(v->store, &vs->set, &sel, collect_row, &c);
        if (c.len > before + (size_t)o->random)
            c.len = before + (size_t)o->random;
    }
    if (rc == 0) {
        n.set_uid = vs->set.uid;
        f.exp = x->id;
        f.kind = ENTRY_NOTE;
        rc = store_entries(v->store, &f, scan_note, &n);
    }
    if (rc == 0)
        rc = add_noted(v->store, vs, &c, &n);
    for (i = 0; i < n.len; i++)
        free(n.refs[i].sid);
    free(n.refs);
    if (rc) {
        free(c.items);
        arena_release(a);
        free(a);
        return rc;
    }
    /* Noted examples first: they are what someone wrote about. */
    vs->examples = arena_alloc(a, (c.len + 1) * sizeof(*vs->examples));
    for (i = 0; i < c.len; i++)
        if (c.items[i].nnotes)
            vs->examples[vs->nexamples++] = c.items[i];
    for (i = 0; i < c.len; i++)
        if (!c.items[i].nnotes)
            vs->examples[vs->nexamples++] = c.items[i];
    free(c.items);
    *out = vs;
    return 0;
}

void view_exp_samples_free(struct view_exp_samples *s)
{
    struct arena *a;

    if (!s)
        return;
    a = s->priv;
    arena_release(a);
    free(a);
}

/* ---- best against baseline ----------------------------------------------------- */

struct member {
    const struct view_exp *x;
    struct view_samples_set set;
};

static int is_baseline(const struct view_exp *x)
{
    return view_exp_has_tag(x, "baseline") || strstr(x->name, "baseline")
           || strstr(x->name, "zero-shot");
}

static int fetch_into(struct store *s, struct arena *a,
                      const struct view_samples_set *set, int64_t row,
                      struct view_example *out)
{
    struct collect c = { a, NULL, 0, 0, "pair" };
    struct view_samples_sel sel = { PICK_ROW, 0, 0, NULL, NULL };
    int rc;

    sel.n = row;
    rc = view_samples_select(s, set, &sel, collect_row, &c);
    if (rc == 0 && c.len)
        *out = c.items[0];
    else
        memset(out, 0, sizeof(*out));
    free(c.items);
    return rc;
}

int view_samples_compare(const struct view *v, size_t limit,
                         struct view_samples_cmps *out)
{
    struct arena *a = xcalloc(1, sizeof(*a));
    struct member *m = NULL;
    struct view_samples_cmp *items = NULL;
    size_t nm = 0, cap = 0, ncmp = 0, cap_cmp = 0, i, j, t;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    for (i = 0; rc == 0 && i < v->nexps; i++) {
        const struct view_exp *x = &v->exps[i];
        struct view_samples_set set;

        if (!x->touched || !x->ntags)
            continue;
        rc = view_samples_latest(v->store, a, x->id, x->name, &set);
        if (rc == LL_ENOTFOUND) {
            ll_error_clear();
            rc = 0;
            continue;
        }
        if (rc)
            break;
        XGROW(m, nm + 1, cap);
        m[nm].x = x;
        m[nm].set = set;
        nm++;
    }
    /* Each tag once, in the order its first member appears. */
    for (i = 0; rc == 0 && i < nm; i++) {
        for (t = 0; rc == 0 && t < m[i].x->ntags; t++) {
            const char *tag = m[i].x->tags[t];
            struct member *base = NULL, *best = NULL;
            int seen = 0, count = 0;
            struct view_samples_cmp *c;

            for (j = 0; j < i && !seen; j++)
                seen = view_exp_has_tag(m[j].x, tag);
            if (seen)
                continue;
            for (j = i; j < nm; j++) {
                if (!view_exp_has_tag(m[j].x, tag))
                    continue;
                count++;
                if (!base || (is_baseline(m[j].x) && !is_baseline(base->x)))
                    base = &m[j];
            }
            if (count < 2)
                continue;
            for (j = i; j < nm; j++)
                if (&m[j] != base && view_exp_has_tag(m[j].x, tag)
                    && m[j].set.scored
                    && (!best || m[j].set.mean > best->set.mean))
                    best = &m[j];
            if (!best)
                continue;
            XGROW(items, ncmp + 1, cap_cmp);
            c = &items[ncmp];
            memset(c, 0, sizeof(*c));
            c->tag = tag;
            c->baseline = base->x;
            c->best = best->x;
            c->set_a = base->set;
            c->set_b = best->set;
            rc = view_samples_diff(v->store, &c->set_a, &c->set_b, NULL,
                                   limit, &c->diff);
            if (rc)
                break;
            ncmp++;
            c->a = arena_alloc(a, (c->diff.npairs + 1) * sizeof(*c->a));
            c->b = arena_alloc(a, (c->diff.npairs + 1) * sizeof(*c->b));
            for (j = 0; rc == 0 && j < c->diff.npairs; j++) {
                rc = fetch_into(v->store, a, &c->set_a,
                                c->diff.pairs[j].row_a, &c->a[j]);
                if (rc == 0)
                    rc = fetch_into(v->store, a, &c->set_b,
                                    c->diff.pairs[j].row_b, &c->b[j]);
            }
        }
    }
    free(m);
    out->items = items;
    out->len = ncmp;
    out->priv = a;
    if (rc)
        view_samples_cmps_release(out);
    return rc;
}

void view_samples_cmps_release(struct view_samples_cmps *c)
{
    size_t i;

    for (i = 0; i < c->len; i++)
        view_samples_diff_release(&c->items[i].diff);
    free(c->items);
    if (c->priv) {
        arena_release(c->priv);
        free(c->priv);
    }
    memset(c, 0, sizeof(*c));
}
