/* SPDX-License-Identifier: MIT */
/*
 * Reading the log: `lablog log` (the timeline), `show` (one entry),
 * `search` (full text) and `export` (everything as JSON).
 *
 * Corrections are shown where people look: an amended entry shows its
 * current text and says it was amended; a retracted one says so and why.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include "view/samples.h"
#include "view/view.h"

struct printer {
    struct view *view; /* for current text and states */
    int json;
    int heartbeats;    /* list heartbeat entries (only with --kind) */
    json_t *list;      /* --json: collected entries */
    size_t count;
};

/* The text of an entry as it reads now (amended text for items). */
static const char *current_text(const struct printer *p, const struct entry *e)
{
    const struct view_item *it = view_item_find(p->view, e->id);

    if (it)
        return it->text;
    return *e->body ? e->body : e->title;
}

static json_t *entry_json(const struct printer *p, const struct entry *e)
{
    const struct view_item *it = view_item_find(p->view, e->id);
    json_t *o = json_object();
    json_t *data = json_loads(e->data, 0, NULL);
    char when[TIME_ISO_SIZE];

    json_object_set_new(o, "id", json_integer(e->id));
    json_object_set_new(o, "uid", json_string(e->uid));
    json_object_set_new(o, "origin", json_string(e->origin));
    json_object_set_new(o, "seq", json_integer(e->seq));
    json_object_set_new(o, "time", json_string(time_format_iso(when, e->ts)));
    json_object_set_new(o, "author", json_string(e->author));
    json_object_set_new(o, "kind", json_string(e->kind_name));
    if (e->kind == ENTRY_UNKNOWN)
        json_object_set_new(o, "unknown_kind", json_true());
    if (e->exp_name)
        json_object_set_new(o, "exp", json_string(e->exp_name));
    if (*e->exp_uid)
        json_object_set_new(o, "exp_uid", json_string(e->exp_uid));
    if (e->ref)
        json_object_set_new(o, "ref", json_integer(e->ref));
    if (*e->ref_uid)
        json_object_set_new(o, "ref_uid", json_string(e->ref_uid));
    json_object_set_new(o, "title", json_string(e->title));
    json_object_set_new(o, "body", json_string(e->body));
    json_object_set_new(o, "data", data ? data : json_object());
    if (it && it->amended)
        json_object_set_new(o, "current_text", json_string(it->text));
    if (it && it->retracted)
        json_object_set_new(o, "retracted",
                            json_string(it->retract_reason));
    if (it && it->closed_id)
        json_object_set_new(o, "closed_by", json_integer(it->closed_id));
    return o;
}

/* The first line of text, cut at 100 bytes. */
static void print_first_line(const char *sep, const char *text)
{
    size_t n = strcspn(text, "\n");

    if (!*text)
        return;
    printf("%s%.*s%s", sep, (int)(n > 100 ? 100 : n), text,
           n > 100 || text[n] ? " ..." : "");
}

static void print_metrics_count(const struct entry *e)
{
    json_t *d = json_loads(e->data, 0, NULL);
    long long n = json_integer_value(json_object_get(d, "points"));

    printf(" %lld point%s", n, n == 1 ? "" : "s");
    json_decref(d);
}

/* The experiment as people tell it apart: "name (author@host)" when
 * several origins use the name. */
static const char *exp_label(const struct printer *p, const struct entry *e)
{
    const struct view_exp *x = e->exp ? view_exp_get(p->view, e->exp) : NULL;

    return x ? x->label : e->exp_name;
}

/* One line per entry: "#12    2026-11-20 09:00  note     [exp] text". */
static void print_line(const struct printer *p, const struct entry *e)
{
    const struct view_item *it = view_item_find(p->view, e->id);
    char when[TIME_SHORT_SIZE];

    printf("#%-5lld %s  %-8s", (long long)e->id, time_format_short(when, e->ts),
           e->kind_name);
    if (e->exp_name && e->kind != ENTRY_EXP)
        printf(" [%s]", exp_label(p, e));
    switch (e->kind) {
    case ENTRY_UNKNOWN:
        /* Kept and verified, never coerced into a kind we know. */
        printf(" unknown kind '%s'", e->kind_name);
        print_first_line(": ", *e->title ? e->title : e->body);
        break;
    case ENTRY_ORIGIN:
        print_first_line(" ", e->title);
        break;
    case ENTRY_STATUS:
        printf(" %s%s%s", cli_status_color(e->title), e->title,
               cli_color_end(cli_status_color(e->title)));
        print_first_line(" - ", e->body);
        break;
    case ENTRY_EXP:
    case ENTRY_ATTACH:
        printf(" %s", e->title);
        print_first_line(e->kind == ENTRY_EXP ? ": " : " - ", e->body);
        break;
    case ENTRY_METRICS:
        print_metrics_count(e);
        break;
    case ENTRY_SAMPLES: {
        json_t *d = json_loads(e->data, 0, NULL);
        long long n = json_integer_value(json_object_get(d, "rows"));

        printf(" %s: %lld row%s", e->title, n, n == 1 ? "" : "s");
        print_first_line(" - ", e->body);
        json_decref(d);
        break;
    }
    case ENTRY_AMEND: case ENTRY_DONE: case ENTRY_UNBLOCK:
    case ENTRY_ANSWER: case ENTRY_RETRACT:
        printf(" #%lld", (long long)e->ref);
        print_first_line(": ", e->body);
        break;
    case ENTRY_METRIC_INFO: case ENTRY_TAG:
        printf(" %s", e->title);
        print_first_line(": ", e->body);
        break;
    case ENTRY_UPDATE: case ENTRY_DECK: case ENTRY_PROJECT:
        print_first_line(" ", *e->title ? e->title : e->body);
        break;
    default:
        print_first_line(" ", current_text(p, e));
        break;
    }
    if (it && it->kind == ENTRY_NOTE && it->takeaway)
        fputs("  (takeaway)", stdout);
    if (it && it->kind == ENTRY_NEXT)
        printf("  (p%d)", it->priority);
    if (it && it->amended)
        fputs("  (amended)", stdout);
    if (it && it->retracted)
        printf("  (retracted%s%s)", *it->retract_reason ? ": " : "",
               it->retract_reason);
    else if (!it && view_entry_retracted(p->view, e->id))
        fputs("  (retracted)", stdout);
    if (it && it->closed_id)
        printf("  (%s in #%lld)", kind_info(it->kind)->closed,
               (long long)it->closed_id);
    putchar('\n');
}

static int print_entry(void *ctx, const struct entry *e)
{
    struct printer *p = ctx;

    /* A silent run writes one every 30 s: noise in a timeline. */
    if (e->kind == ENTRY_HEARTBEAT && !p->heartbeats)
        return 0;
    p->count++;
    if (p->json)
        json_array_append_new(p->list, entry_json(p, e));
    else
        print_line(p, e);
    return 0;
}

static int printer_init(struct printer *p, struct app *app, int json)
{
    struct view_opts o = { .metrics = VIEW_METRICS_NONE, .quiet_unknown = 1 };

    memset(p, 0, sizeof(*p));
    p->json = json;
    p->list = json_array();
    return view_build(&p->view, app->store, &o);
}

static void printer_finish(struct printer *p, int ok)
{
    if (ok && p->json)
        cli_print_json(p->list);
    json_decref(p->list);
    view_free(p->view);
}

/* The kinds --kind accepts, one a line with what they hold, from the
 * kind table (model/kind.h). */
static const char *kinds_help(struct buf *out)
{
    int k;

    buf_puts(out, "Kinds (--kind):");
    for (k = 0; k < ENTRY_KIND_COUNT; k++) {
        const struct kind_info *ki = kind_info((enum entry_kind)k);

        if (ki->name)
            buf_printf(out, "\n  %-12s %s", ki->name, ki->noun);
    }
    return out->ptr;
}

int cmd_log(int argc, char **argv, struct app *app)
{
    const char *since = NULL, *until = NULL, *exp = NULL, *kind = NULL;
    const char *author = NULL;
    int json = 0;
    const struct opt opts[] = {
        { OPT_STRING, 0, "since", &since, "D", "from this date (today, yesterday, monday, 7d, 2026-11-20, ...)" },
        { OPT_STRING, 0, "until", &until, "D", "before this date" },
        { OPT_STRING, 0, "exp", &exp, "NAME", "only this experiment" },
        { OPT_STRING, 0, "kind", &kind, "K", "only this kind (see 'lablog help log')" },
        { OPT_STRING, 0, "author", &author, "NAME", "only entries by NAME" },
        { OPT_FLAG, 0, "json", &json, NULL, "print JSON" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    struct buf kinds = BUF_INIT;
    const struct opt_command cmd = {
        "log [--since D] [--until D] [--exp NAME] [--kind K] [--author NAME] "
        "[--json]",
        "Show the timeline, oldest first. Amended entries show their "
        "current text; retracted ones say so. Heartbeats of silent runs "
        "are listed only with --kind heartbeat.",
        opts, kinds_help(&kinds), 0,
    };
    struct entry_filter f = ENTRY_FILTER_ALL;
    struct printer p = { 0 };
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, 0);

    if (rc == 0 && since)
        rc = cli_date(&f.since, since, "--since", app);
    if (rc == 0 && until)
        rc = cli_date(&f.until, until, "--until", app);
    if (rc == 0 && exp)
        rc = store_exp_find(app->store, exp, &f.exp);
    f.author = author;
    if (rc == 0 && kind) {
        f.kind = entry_kind_parse(kind);
        if (f.kind < 0)
            rc = ll_error(LL_EUSAGE, "unknown kind '%s' (%s)", kind,
                          kind_names_list());
    }
    if (rc == 0)
        rc = printer_init(&p, app, json);
    p.heartbeats = f.kind == ENTRY_HEARTBEAT;
    if (rc == 0 && !json)
        cli_pager_start();
    if (rc == 0)
        rc = store_entries(app->store, &f, print_entry, &p);
    if (p.view)
        printer_finish(&p, rc == 0);
    buf_release(&kinds);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

struct replies {
    int64_t heartbeats; /* heartbeat entries referring to it */
    int64_t last_heartbeat;
};

static int print_replies(void *ctx, const struct entry *e)
{
    struct replies *r = ctx;

    if (e->kind == ENTRY_HEARTBEAT) {
        r->heartbeats++;
        r->last_heartbeat = e->ts;
        return 0;
    }
    printf("  -> #%lld %s", (long long)e->id, e->kind_name);
    if (*e->body)
        printf(": %.*s", (int)strcspn(e->body, "\n"), e->body);
    putchar('\n');
    return 0;
}

static int show_one(void *ctx, const struct entry *e)
{
    struct printer *p = ctx;
    const struct view_item *it = view_item_find(p->view, e->id);
    char when[TIME_ISO_SIZE];

    if (p->json)
        return print_entry(p, e);
    printf("entry #%lld  %s\nkind:    %s%s\ntime:    %s\nauthor:  %s\n"
           "origin:  %s:%lld\n",
           (long long)e->id, e->uid, e->kind_name,
           e->kind == ENTRY_UNKNOWN ? " (unknown kind)" : "",
           time_format_iso(when, e->ts), e->author, e->origin,
           (long long)e->seq);
    if (e->exp_name)
        printf("exp:     %s\n", exp_label(p, e));
    if (e->ref)
        printf("refers:  #%lld\n", (long long)e->ref);
    if (*e->title)
        printf("title:   %s\n", e->title);
    if (strcmp(e->data, "{}") != 0)
        printf("data:    %s\n", e->data);
    if (it && it->retracted)
        printf("state:   retracted%s%s\n", *it->retract_reason ? ": " : "",
               it->retract_reason);
    if (*e->body)
        printf("\n%s\n", e->body);
    if (it && it->amended)
        printf("\namended; current text:\n%s\n", it->text);
    return 0;
}

int cmd_show(int argc, char **argv, struct app *app)
{
    int json = 0;
    const struct opt opts[] = {
        { OPT_FLAG, 0, "json", &json, NULL, "print JSON" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "show ID [--json]",
        "Show one entry in full, with the entries that refer to it.",
        opts, NULL, 0,
    };
    struct entry_filter f = ENTRY_FILTER_ALL;
    struct printer p = { 0 };
    char **ops = NULL;
    int64_t id;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 1, 1);

    if (rc == 0)
        rc = cli_entry_ref(app, ops[0], -1, &id, NULL);
    if (rc == 0)
        rc = printer_init(&p, app, json);
    if (rc == 0)
        rc = store_entry_get(app->store, id, show_one, &p);
    if (rc == 0 && !json) {
        struct replies r = { 0, 0 };
        char when[TIME_SHORT_SIZE];

        f.ref = id;
        rc = store_entries(app->store, &f, print_replies, &r);
        if (rc == 0 && r.heartbeats)
            printf("  -> %lld heartbeat%s, the last at %s\n",
                   (long long)r.heartbeats, r.heartbeats == 1 ? "" : "s",
                   time_format_short(when, r.last_heartbeat));
    }
    if (p.view) {
        if (rc == 0 && json && json_array_size(p.list) == 1) {
            char *text = json_dumps(json_array_get(p.list, 0), JSON_INDENT(2));

            puts(text);
            free(text);
            p.json = 0;
        }
        printer_finish(&p, rc == 0);
    }
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

/* What `search` was asked: FTS5 text and filters. */
struct search {
    struct printer *p;
    const char *exp;    /* exp:NAME */
    int kind;           /* kind:K, -1 for any */
    const char *author; /* author:A */
};

static int search_hit(void *ctx, const struct entry *e)
{
    struct search *q = ctx;

    if (q->exp && !(e->exp_name && strcmp(e->exp_name, q->exp) == 0)
        && !(e->kind == ENTRY_EXP && strcmp(e->title, q->exp) == 0))
        return 0;
    if (q->kind >= 0 && (int)e->kind != q->kind)
        return 0;
    if (q->author && strcmp(e->author, q->author) != 0)
        return 0;
    return print_entry(q->p, e);
}

/* Whether an FTS5 word can go to the index as typed: letters, digits,
 * '_' and non-ASCII, optionally ending in '*' (a prefix). */
static int fts_word(const char *w)
{
    const char *c;

    for (c = w; *c; c++) {
        unsigned char u = (unsigned char)*c;

        if (*c == '*' && !c[1] && c > w)
            return 1;
        if (!(u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z')
              || (u >= 'A' && u <= 'Z') || u == '_'))
            return 0;
    }
    return c > w;
}

/*
 * Turns what people type into an FTS5 query and filters: "exp:NAME",
 * "kind:K" and "author:A" filter; AND, OR, NOT, (, ), "phrases" and plain
 * words (prefix*) pass through; anything else (lr=3e-5, a-b, x.y) becomes
 * a quoted phrase, which the index matches as its words in order.
 */
static int search_query(struct search *q, struct buf *fts, char **words,
                        int n)
{
    int i;

    for (i = 0; i < n; i++) {
        const char *w = words[i];
        char *copy = strdup(w), *tok, *save = NULL;

        if (!copy)
            return ll_error(LL_ERR, "out of memory");
        if (strncmp(w, "exp:", 4) == 0 && w[4]) {
            q->exp = w + 4;
        } else if (strncmp(w, "kind:", 5) == 0 && w[5]) {
            q->kind = entry_kind_parse(w + 5);
            if (q->kind < 0) {
                free(copy);
                return ll_error(LL_EUSAGE, "unknown kind '%s' in the "
                                "query", w + 5);
            }
        } else if (strncmp(w, "author:", 7) == 0 && w[7]) {
            q->author = w + 7;
        } else if (w[0] == '"') {
            buf_printf(fts, "%s%s", fts->len ? " " : "", w);
        } else {
            for (tok = strtok_r(copy, " \t", &save); tok;
                 tok = strtok_r(NULL, " \t", &save)) {
                const char *c;

                if (fts->len)
                    buf_putc(fts, ' ');
                if (!strcmp(tok, "AND") || !strcmp(tok, "OR")
                    || !strcmp(tok, "NOT") || !strcmp(tok, "(")
                    || !strcmp(tok, ")") || fts_word(tok)) {
                    buf_puts(fts, tok);
                    continue;
                }
                buf_putc(fts, '"');
                for (c = tok; *c; c++) {
                    if (*c == '"')
                        buf_putc(fts, '"');
                    buf_putc(fts, *c);
                }
                buf_putc(fts, '"');
            }
        }
        free(copy);
    }
    return 0;
}

int cmd_search(int argc, char **argv, struct app *app)
{
    int json = 0;
    const struct opt opts[] = {
        { OPT_FLAG, 0, "json", &json, NULL, "print JSON" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "search QUERY... [--json]",
        "Full-text search over titles and bodies. Plain text works as "
        "typed (lr=3e-5 finds those words in that order); \"a phrase\", "
        "AND, OR, NOT and prefix* are FTS5's; exp:NAME, kind:K and "
        "author:A filter.",
        opts, NULL, 0,
    };
    struct printer p = { 0 };
    struct search q = { &p, NULL, -1, NULL };
    struct entry_filter f = ENTRY_FILTER_ALL;
    struct buf fts = BUF_INIT, shown = BUF_INIT;
    char **ops = NULL;
    int nops, i;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 1, -1);

    if (rc == 0)
        rc = search_query(&q, &fts, ops, nops);
    if (rc == 0 && q.exp)
        rc = store_exp_find(app->store, q.exp, &f.exp);
    if (rc == 0)
        rc = printer_init(&p, app, json);
    if (rc == 0 && !json)
        cli_pager_start();
    if (rc == 0 && fts.len) {
        rc = store_search(app->store, fts.ptr, search_hit, &q);
    } else if (rc == 0) {
        /* Only filters: every entry that passes them. */
        f.kind = q.kind;
        rc = store_entries(app->store, &f, search_hit, &q);
    }
    for (i = 0; i < nops; i++)
        buf_printf(&shown, "%s%s", i ? " " : "", ops[i]);
    if (rc == 0 && !json && p.count == 0)
        fprintf(stderr, "lablog: no entry matches '%s'\n", shown.ptr);
    if (p.view)
        printer_finish(&p, rc == 0);
    buf_release(&fts);
    buf_release(&shown);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

struct export_points {
    size_t n;
};

static int export_point(void *ctx, int64_t step, double value, int64_t ts)
{
    struct export_points *x = ctx;
    char num[40];

    if (value != value)
        snprintf(num, sizeof(num), "\"NaN\"");
    else if (value > 1.7976931348623157e308 || value < -1.7976931348623157e308)
        snprintf(num, sizeof(num), "\"%sinf\"", value < 0 ? "-" : "");
    else
        snprintf(num, sizeof(num), "%.17g", value);
    printf("%s[%lld,%s,%lld]", x->n++ ? "," : "", (long long)step, num,
           (long long)ts);
    return 0;
}

struct export_series {
    struct app *app;
    const struct view_exp *exp;
    int first;
};

static int export_one_series(void *ctx, const struct series_summary *s)
{
    struct export_series *x = ctx;
    struct export_points pts = { 0 };
    json_t *name = json_string(s->name), *exp = json_string(x->exp->name);
    char *n = json_dumps(name, JSON_ENCODE_ANY), *e = json_dumps(exp, JSON_ENCODE_ANY);
    int rc;

    printf("%s\n    {\"exp\": %s, \"exp_uid\": \"%s\", \"metric\": %s, "
           "\"attempt\": \"%s\", \"attempt_number\": %d, \"points\": [",
           x->first ? "" : ",", e, x->exp->uid, n, s->attempt,
           s->attempt_number);
    x->first = 0;
    rc = store_points_attempt(x->app->store, s->exp, s->name,
                              s->attempt_number, export_point, &pts);
    fputs("]}", stdout);
    free(n);
    free(e);
    json_decref(name);
    json_decref(exp);
    return rc;
}

/* ---- samples sets: every row, streamed ---- */

struct export_ids {
    int64_t *ids;
    size_t len, cap;
};

static int collect_id(void *ctx, const struct entry *e)
{
    struct export_ids *x = ctx;

    XGROW(x->ids, x->len + 1, x->cap);
    x->ids[x->len++] = e->id;
    return 0;
}

struct export_rows {
    struct buf out;
    int64_t n;
};

static int export_row(void *ctx, const struct view_sample_row *r)
{
    struct export_rows *x = ctx;

    buf_printf(&x->out, "%s\n      {\"row\": %lld, \"id\": ",
               x->n++ ? "," : "", (long long)r->row);
    samples_json_string(&x->out, r->sid, r->sid_len);
    if (!r->has_score)
        buf_puts(&x->out, ", \"score\": null");
    else if (r->score > 1.7976931348623157e308
             || r->score < -1.7976931348623157e308)
        buf_printf(&x->out, ", \"score\": \"%sinf\"",
                   r->score < 0 ? "-" : "");
    else
        buf_printf(&x->out, ", \"score\": %.17g", r->score);
    buf_puts(&x->out, ", \"fields\": ");
    samples_row_json_strict(&x->out, r->fields);
    buf_putc(&x->out, '}');
    if (x->out.len > 1 << 16) {
        fwrite(x->out.ptr, 1, x->out.len, stdout);
        buf_reset(&x->out);
    }
    return 0;
}

/* Each samples set with its rows (id, score, the fields as given), one
 * row in memory at a time. */
static int export_samples(struct app *app)
{
    struct entry_filter f = ENTRY_FILTER_ALL;
    struct view_samples_sel all = { PICK_ALL, 0, 0, NULL, NULL };
    struct export_ids ids = { NULL, 0, 0 };
    size_t i;
    int rc;

    f.kind = ENTRY_SAMPLES;
    rc = store_entries(app->store, &f, collect_id, &ids);
    for (i = 0; rc == 0 && i < ids.len; i++) {
        struct arena a = ARENA_INIT;
        struct view_samples_set set;
        struct export_rows x = { BUF_INIT, 0 };

        rc = view_samples_get(app->store, &a, ids.ids[i], &set);
        if (rc == 0) {
            buf_printf(&x.out, "%s\n    {\"entry\": %lld, \"uid\": \"%s\", "
                       "\"exp\": ", i ? "," : "", (long long)set.entry,
                       set.uid);
            samples_json_string(&x.out, set.exp_name, strlen(set.exp_name));
            buf_puts(&x.out, ", \"name\": ");
            samples_json_string(&x.out, set.name, strlen(set.name));
            buf_printf(&x.out, ", \"format\": \"%s\", \"attempt\": \"%s\", "
                       "\"rows\": [", set.format == SAMPLES_CSV ? "csv"
                                                            : "jsonl",
                       set.attempt);
            rc = view_samples_select(app->store, &set, &all, export_row, &x);
            buf_puts(&x.out, x.n ? "\n    ]}" : "]}");
            fwrite(x.out.ptr, 1, x.out.len, stdout);
        }
        buf_release(&x.out);
        arena_release(&a);
    }
    free(ids.ids);
    return rc;
}

static int export_head(void *ctx, const struct store_origin *o)
{
    int *first = ctx;

    printf("%s\n    {\"origin\": \"%s\", \"seq\": %lld, \"hash\": \"%s\"}",
           *first ? "" : ",", o->id, (long long)o->head_seq, o->head);
    *first = 0;
    return 0;
}

/* export --json's entries, one a line as they come: the document is never
 * held whole (the entries of a large log were one jansson array). */
static int export_entry(void *ctx, const struct entry *e)
{
    struct printer *p = ctx;
    json_t *o;
    char *text;

    if (e->kind == ENTRY_HEARTBEAT && !p->heartbeats)
        return 0;
    o = entry_json(p, e);
    text = json_dumps(o, JSON_COMPACT);
    printf("%s\n    %s", p->count++ ? "," : "", text);
    free(text);
    json_decref(o);
    return 0;
}

int cmd_export(int argc, char **argv, struct app *app)
{
    int json = 0, feed = 0, first = 1, csv = 0, points = 0;
    const struct opt opts[] = {
        { OPT_FLAG, 0, "json", &json, NULL, "one JSON document for people and scripts" },
        { OPT_FLAG, 0, "feed", &feed, NULL, "canonical JSON lines that re-verify on their own (README \"The feed\")" },
        { OPT_FLAG, 0, "csv", &csv, NULL, "the runs table: one row per experiment, a column per param and per metric (its last value)" },
        { OPT_FLAG, 0, "points", &points, NULL, "with --csv: every point, one per line (exp, attempt, metric, step, value, time_ms)" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "export --json|--feed|--csv [--points]",
        "Write the whole log. --json: one JSON document: every entry, every "
        "metric series of every attempt as [step, value, time_ms] points "
        "(NaN and inf as strings), every samples set with its rows (row, "
        "id, score and the fields as given), and each origin's head. "
        "--feed: the "
        "exchange format, a header line then one line per entry in fold "
        "order, with its hash and chain link and, for a metrics entry, its "
        "points; the same log always gives the same bytes. --csv: the "
        "tables pandas reads (pandas.read_csv): runs x params x final "
        "metrics, or with --points the long table of points (NaN and inf "
        "as nan, inf, -inf).",
        opts, NULL, 0,
    };
    struct entry_filter f = ENTRY_FILTER_ALL;
    struct printer p = { 0 };
    struct export_series xs = { app, NULL, 1 };
    char **ops = NULL;
    size_t i;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, 0);

    if (rc == 0 && points && !csv)
        rc = ll_error(LL_EUSAGE, "--points goes with --csv");
    if (rc == 0 && json + feed + csv != 1)
        rc = ll_error(LL_EUSAGE, "export needs one of --json, --feed, --csv");
    if (rc == 0 && csv) {
        rc = cli_export_csv(app, points);
        free(ops);
        return rc;
    }
    if (rc == 0 && feed) {
        rc = store_feed_write(app->store, stdout);
        free(ops);
        return rc;
    }
    if (rc == 0)
        rc = printer_init(&p, app, 1);
    if (rc == 0) {
        fputs("{\n  \"entries\": [", stdout);
        rc = store_entries(app->store, &f, export_entry, &p);
    }
    if (rc == 0) {
        fputs("\n  ],\n  \"series\": [", stdout);
        /* Each series and attempt with points, streamed; no summary
         * pass over them first. */
        for (i = 0; rc == 0 && i < p.view->nexps; i++) {
            xs.exp = &p.view->exps[i];
            rc = store_series_list(app->store, p.view->exps[i].id,
                                   export_one_series, &xs);
        }
        fputs("\n  ],\n  \"samples\": [", stdout);
        if (rc == 0)
            rc = export_samples(app);
        fputs("\n  ],\n  \"heads\": [", stdout);
        if (rc == 0)
            rc = store_origins(app->store, export_head, &first);
        puts("\n  ]\n}");
    }
    if (p.view) {
        p.json = 0;
        printer_finish(&p, 0);
    }
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}
