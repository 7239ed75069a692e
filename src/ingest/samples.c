/* SPDX-License-Identifier: MIT */
/*
 * Samples files (see samples.h): splitting a file into rows, parsing a row
 * into fields with roles, writing a row back as JSON, and streaming a file
 * into the log as a samples set.
 *
 * Rows are split on "\n" with the line ending kept, so the pieces stored
 * are the file byte for byte. A CSV record continues past a newline while
 * it has an odd number of '"' (a quoted field is open; '""' counts two).
 */
#include "ingest/samples.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest/csv.h"
#include "ingest/jsonl.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/utf8.h"
#include "util/xalloc.h"

static const char *const role_names[ROLE_COUNT] = {
    "id", "input", "output", "target", "score", "label"
};

/* Field names of each role; a row's first field with one of them wins. */
static const char *const role_aliases[][4] = {
    [ROLE_ID] = { "id", NULL },
    [ROLE_INPUT] = { "input", "prompt", NULL },
    [ROLE_OUTPUT] = { "output", "response", "completion", NULL },
    [ROLE_TARGET] = { "target", "reference", NULL },
    [ROLE_SCORE] = { "score", "reward", NULL },
    [ROLE_LABEL] = { "label", "correct", NULL },
};

const char *samples_role_name(enum sample_role role)
{
    return (unsigned)role < ROLE_COUNT ? role_names[role] : "?";
}

int samples_role_of(const char *key, size_t len)
{
    int r, i;

    for (r = 0; r < ROLE_COUNT; r++)
        for (i = 0; role_aliases[r][i]; i++)
            if (strlen(role_aliases[r][i]) == len
                && strncasecmp(role_aliases[r][i], key, len) == 0)
                return r;
    return -1;
}

int samples_format_parse(enum samples_format *out, const char *name)
{
    if (strcmp(name, "jsonl") == 0 || strcmp(name, "json") == 0)
        *out = SAMPLES_JSONL;
    else if (strcmp(name, "csv") == 0)
        *out = SAMPLES_CSV;
    else
        return ll_error(LL_EUSAGE, "unknown --format '%s' (jsonl or csv)",
                        name);
    return 0;
}

/* Whether text (len bytes) is a number, and its value. */
static int text_number(const char *text, size_t len, double *out)
{
    char tmp[64];
    char *end;

    if (len == 0 || len >= sizeof(tmp))
        return 0;
    memcpy(tmp, text, len);
    tmp[len] = '\0';
    errno = 0;
    *out = strtod(tmp, &end);
    return end != tmp && *end == '\0' && !(tmp[0] == '0' && tmp[1] == 'x');
}

static int truth(const struct sample_field *f, double *out)
{
    static const char *const yes[] = { "true", "yes", NULL };
    static const char *const no[] = { "false", "no", NULL };
    int i;

    if (f->kind == SAMPLE_BOOL) {
        *out = f->text[0] == 't';
        return 1;
    }
    if (f->kind == SAMPLE_NUMBER) {
        *out = f->num;
        return 1;
    }
    if (f->kind != SAMPLE_STRING)
        return 0;
    for (i = 0; yes[i]; i++)
        if (f->len == strlen(yes[i]) && strncasecmp(f->text, yes[i], f->len)
                                            == 0) {
            *out = 1;
            return 1;
        }
    for (i = 0; no[i]; i++)
        if (f->len == strlen(no[i]) && strncasecmp(f->text, no[i], f->len)
                                           == 0) {
            *out = 0;
            return 1;
        }
    return text_number(f->text, f->len, out);
}

int samples_row_score(const struct sample_fields *f, double *out)
{
    if (f->role[ROLE_SCORE] >= 0) {
        const struct sample_field *s = &f->items[f->role[ROLE_SCORE]];

        if (s->kind == SAMPLE_NUMBER) {
            *out = s->num;
            return 1;
        }
        if (truth(s, out))
            return 1;
    }
    if (f->role[ROLE_LABEL] >= 0)
        return truth(&f->items[f->role[ROLE_LABEL]], out);
    return 0;
}

/* ---- the row reader ------------------------------------------------------ */

struct samples_reader {
    enum samples_format format;
    struct jsonl_parser *jsonl;
    struct csv_parser *csv;
    struct sample_field *items;
    size_t cap;
    char *file;
    int header_ok;  /* CSV: a header was parsed */
};

/* Bytes without the line ending. */
static size_t content_len(const char *bytes, size_t len)
{
    if (len && bytes[len - 1] == '\n')
        len--;
    if (len && bytes[len - 1] == '\r')
        len--;
    return len;
}

struct samples_reader *samples_reader_new(enum samples_format format,
                                          const char *header, size_t len,
                                          const char *file)
{
    struct samples_reader *r = xcalloc(1, sizeof(*r));

    r->format = format;
    r->file = xstrdup(file);
    if (format == SAMPLES_JSONL) {
        r->jsonl = jsonl_new();
        jsonl_set_raw_bytes(r->jsonl, 1);
    } else {
        r->csv = csv_new();
        csv_set_raw_bytes(r->csv, 1);
        if (header)
            r->header_ok = csv_parse_header(r->csv, header,
                                            content_len(header, len),
                                            r->file, 1) == 0;
    }
    return r;
}

void samples_reader_free(struct samples_reader *r)
{
    if (!r)
        return;
    jsonl_free(r->jsonl);
    csv_free(r->csv);
    free(r->items);
    free(r->file);
    free(r);
}

/* The length of the JSON literal (number or NaN/Infinity) at s. */
static size_t literal_len(const char *s, size_t avail)
{
    size_t n = 0;

    while (n < avail && strchr("+-0123456789.eEaNIinfty", s[n]) && s[n])
        n++;
    return n;
}

static void assign_roles(struct sample_fields *out)
{
    size_t i;
    int r;

    for (r = 0; r < ROLE_COUNT; r++)
        out->role[r] = -1;
    for (i = 0; i < out->len; i++) {
        r = samples_role_of(out->items[i].key, out->items[i].key_len);
        if (r >= 0 && out->role[r] < 0)
            out->role[r] = (int)i;
    }
}

static int parse_jsonl(struct samples_reader *r, const char *line,
                       size_t len, size_t lineno, struct sample_fields *out)
{
    const struct jsonl_field *fs;
    size_t n, i;
    int rc = jsonl_parse(&fs, &n, r->jsonl, line, len, r->file, lineno);

    if (rc)
        return rc;
    XGROW(r->items, n + 1, r->cap);
    for (i = 0; i < n; i++) {
        struct sample_field *f = &r->items[i];

        f->key = fs[i].key;
        f->key_len = fs[i].key_len;
        f->num = 0;
        switch (fs[i].kind) {
        case JSONL_STRING:
            f->kind = SAMPLE_STRING;
            f->text = fs[i].str;
            f->len = fs[i].str_len;
            break;
        case JSONL_NUMBER:
            f->kind = SAMPLE_NUMBER;
            f->text = line + fs[i].column - 1;
            f->len = literal_len(f->text, len - (fs[i].column - 1));
            f->num = fs[i].num;
            break;
        case JSONL_TRUE:
        case JSONL_FALSE:
            f->kind = SAMPLE_BOOL;
            f->text = fs[i].kind == JSONL_TRUE ? "true" : "false";
            f->len = strlen(f->text);
            break;
        case JSONL_NULL:
            f->kind = SAMPLE_NULL;
            f->text = "null";
            f->len = 4;
            break;
        default:
            f->kind = SAMPLE_JSON;
            f->text = fs[i].str;
            f->len = fs[i].str_len;
            break;
        }
    }
    out->items = r->items;
    out->len = n;
    assign_roles(out);
    return 0;
}

static int parse_csv(struct samples_reader *r, const char *line, size_t len,
                     size_t lineno, struct sample_fields *out)
{
    const struct csv_cell *cells;
    size_t n, i;
    int rc;

    if (!r->header_ok)
        return ll_error(LL_EINPUT, "%s: no CSV header", r->file);
    rc = csv_parse_row(&cells, &n, r->csv, line, len, r->file, lineno);
    if (rc)
        return rc;
    XGROW(r->items, n + 1, r->cap);
    for (i = 0; i < n; i++) {
        struct sample_field *f = &r->items[i];

        f->key = csv_column_name(r->csv, i);
        f->key_len = strlen(f->key);
        f->text = cells[i].text;
        f->len = cells[i].len;
        f->num = cells[i].num;
        f->kind = cells[i].kind == CSV_EMPTY    ? SAMPLE_NULL
                  : cells[i].kind == CSV_NUMBER ? SAMPLE_NUMBER
                                                : SAMPLE_STRING;
    }
    out->items = r->items;
    out->len = n;
    assign_roles(out);
    /* A CSV cell of a text role is text even when it looks like a number
     * (an id "007", an answer "10"). */
    for (i = 0; i <= ROLE_TARGET; i++)
        if (out->role[i] >= 0 && r->items[out->role[i]].kind == SAMPLE_NUMBER)
            r->items[out->role[i]].kind = SAMPLE_STRING;
    return 0;
}

int samples_reader_parse(struct samples_reader *r, const char *bytes,
                         size_t len, size_t lineno, struct sample_fields *out)
{
    len = content_len(bytes, len);
    if (r->format == SAMPLES_JSONL)
        return parse_jsonl(r, bytes, len, lineno, out);
    return parse_csv(r, bytes, len, lineno, out);
}

/* ---- JSON out -------------------------------------------------------------- */

void samples_json_string(struct buf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0;

    buf_putc(out, '"');
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t ok;

        if (c >= 0x80) {
            /* A well-formed sequence passes; each byte of an ill-formed
             * one becomes \udcXX. */
            ok = utf8_invalid_at(s + i, len - i);
            if (ok > 0) {
                size_t run = 0;

                /* Copy the valid run up to the next ASCII special. */
                while (run < ok && (unsigned char)s[i + run] >= 0x20
                       && s[i + run] != '"' && s[i + run] != '\\'
                       && s[i + run] != 0x7f)
                    run++;
                if (run > 0) {
                    buf_put(out, s + i, run);
                    i += run;
                    continue;
                }
            } else {
                buf_printf(out, "\\udc%c%c", hex[c >> 4], hex[c & 15]);
                i++;
                continue;
            }
        }
        switch (c) {
        case '"': buf_puts(out, "\\\""); break;
        case '\\': buf_puts(out, "\\\\"); break;
        case '\n': buf_puts(out, "\\n"); break;
        case '\r': buf_puts(out, "\\r"); break;
        case '\t': buf_puts(out, "\\t"); break;
        default:
            if (c < 0x20 || c == 0x7f)
                buf_printf(out, "\\u%04x", c);
            else
                buf_putc(out, (char)c);
        }
        i++;
    }
    buf_putc(out, '"');
}

/* Whether text is a number in JSON's grammar (or NaN/Infinity). */
static int json_number_text(const char *t, size_t n)
{
    size_t i = 0;

    if ((n == 3 && memcmp(t, "NaN", 3) == 0)
        || (n == 8 && memcmp(t, "Infinity", 8) == 0)
        || (n == 9 && memcmp(t, "-Infinity", 9) == 0))
        return 1;
    if (i < n && t[i] == '-')
        i++;
    if (i < n && t[i] == '0')
        i++;
    else if (i < n && t[i] >= '1' && t[i] <= '9')
        while (i < n && t[i] >= '0' && t[i] <= '9')
            i++;
    else
        return 0;
    if (i < n && t[i] == '.') {
        size_t d = ++i;

        while (i < n && t[i] >= '0' && t[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        size_t d;

        i++;
        if (i < n && (t[i] == '+' || t[i] == '-'))
            i++;
        d = i;
        while (i < n && t[i] >= '0' && t[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    return i == n;
}

/* strict: NaN and infinities as the strings "NaN", "inf", "-inf" (what
 * export --json writes for points), so any JSON parser reads the line. */
static void json_value(struct buf *out, const struct sample_field *f,
                       int strict)
{
    switch (f->kind) {
    case SAMPLE_NUMBER:
        if (json_number_text(f->text, f->len)
            && !(strict && (isnan(f->num) || isinf(f->num))))
            buf_put(out, f->text, f->len);
        else if (isnan(f->num))
            buf_puts(out, strict ? "\"NaN\"" : "NaN");
        else if (isinf(f->num))
            buf_puts(out, strict ? (f->num > 0 ? "\"inf\"" : "\"-inf\"")
                                 : f->num > 0 ? "Infinity" : "-Infinity");
        else
            samples_json_string(out, f->text, f->len); /* "007", "+3" */
        break;
    case SAMPLE_BOOL:
    case SAMPLE_NULL:
    case SAMPLE_JSON:
        buf_put(out, f->text, f->len);
        break;
    default:
        samples_json_string(out, f->text, f->len);
    }
}

static void row_json(struct buf *out, const struct sample_fields *f,
                     int strict)
{
    size_t i;

    buf_putc(out, '{');
    for (i = 0; i < f->len; i++) {
        if (i)
            buf_puts(out, ", ");
        samples_json_string(out, f->items[i].key, f->items[i].key_len);
        buf_puts(out, ": ");
        json_value(out, &f->items[i], strict);
    }
    buf_putc(out, '}');
}

void samples_row_json(struct buf *out, const struct sample_fields *f)
{
    row_json(out, f, 0);
}

void samples_row_json_strict(struct buf *out, const struct sample_fields *f)
{
    row_json(out, f, 1);
}

/* ---- adding a file ---------------------------------------------------------- */

struct source {
    FILE *f;
    const char *name;   /* for messages */
    char *line;         /* getline buffer */
    size_t cap;
    size_t lineno;      /* lines read */
    struct buf record;  /* the current record, line endings included */
    size_t first_line;  /* line number of the record's first line */
};

static size_t count_quotes(const char *s, size_t len)
{
    size_t n = 0, i;

    for (i = 0; i < len; i++)
        n += s[i] == '"';
    return n;
}

/* Reads the next record into src->record: one line, or for CSV as many
 * lines as keep a quoted field open. Returns 1, 0 at the end, or an
 * error. */
static int next_record(struct source *src, int csv)
{
    size_t quotes = 0;

    buf_reset(&src->record);
    src->first_line = src->lineno + 1;
    for (;;) {
        ssize_t n;

        errno = 0;
        n = getline(&src->line, &src->cap, src->f);
        if (n < 0) {
            if (ferror(src->f))
                return ll_error(LL_EIO, "cannot read '%s': %s", src->name,
                                strerror(errno));
            if (src->record.len && csv && quotes % 2)
                return ll_error(LL_EINPUT, "%s:%zu: unterminated quoted "
                                "field (the file ends inside it)",
                                src->name, src->first_line);
            return src->record.len > 0;
        }
        src->lineno++;
        buf_put(&src->record, src->line, (size_t)n);
        if (src->record.len > SAMPLES_MAX_ROW)
            return ll_error(LL_EINPUT, "%s:%zu: row longer than %zu MiB",
                            src->name, src->first_line,
                            SAMPLES_MAX_ROW >> 20);
        if (!csv)
            return 1;
        quotes += count_quotes(src->line, (size_t)n);
        if (quotes % 2 == 0)
            return 1;
    }
}

static int blank(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

static enum samples_format guess_format(const char *path, const char *first,
                                        size_t len)
{
    const char *dot = strrchr(path, '.');
    size_t i = 0;

    if (dot && strcasecmp(dot, ".csv") == 0)
        return SAMPLES_CSV;
    if (dot && (strcasecmp(dot, ".jsonl") == 0 || strcasecmp(dot, ".json")
                == 0 || strcasecmp(dot, ".ndjson") == 0))
        return SAMPLES_JSONL;
    if (len >= 3 && memcmp(first, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (first[i] == ' ' || first[i] == '\t'))
        i++;
    return i < len && first[i] == '{' ? SAMPLES_JSONL : SAMPLES_CSV;
}

/* The id of a parsed row as text, or NULL (then the row number is used). */
static const char *row_id(const struct sample_fields *f, size_t *len)
{
    const struct sample_field *id;

    if (f->role[ROLE_ID] < 0)
        return NULL;
    id = &f->items[f->role[ROLE_ID]];
    if (id->kind == SAMPLE_NULL || id->kind == SAMPLE_JSON || id->len == 0)
        return NULL;
    *len = id->len;
    return id->text;
}

/* Duplicate ids are counted with a set of id hashes (64 bits each): the
 * memory is 8 bytes a row, not the ids themselves. */
struct idset {
    uint64_t *slots; /* 0 = empty */
    size_t cap, len;
};

static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603u;
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211u;
    }
    return h ? h : 1;
}

/* Adds h; returns 1 when it was there already. */
static int idset_add(struct idset *s, uint64_t h)
{
    size_t i;

    if ((s->len + 1) * 2 > s->cap) {
        struct idset grown = { NULL, s->cap ? s->cap * 2 : 1024, 0 };

        grown.slots = xcalloc(grown.cap, sizeof(*grown.slots));
        for (i = 0; i < s->cap; i++)
            if (s->slots[i])
                idset_add(&grown, s->slots[i]);
        free(s->slots);
        *s = grown;
    }
    for (i = h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (s->slots[i] == h)
            return 1;
        if (!s->slots[i]) {
            s->slots[i] = h;
            s->len++;
            return 0;
        }
    }
}

/* The entry's data: the sums, the format, the roles' field names. */
static char *entry_data(const struct samples_add_result *res,
                        const char *name, const char *attempt,
                        json_t *fields)
{
    json_t *d = json_object();
    char *text;

    if (attempt)
        json_object_set_new(d, "attempt", json_string(attempt));
    json_object_set_new(d, "digest", json_string(res->sums.digest));
    json_object_set(d, "fields", fields);
    json_object_set_new(d, "format", json_string(res->format == SAMPLES_CSV
                                                 ? "csv" : "jsonl"));
    json_object_set_new(d, "name", json_string(name));
    json_object_set_new(d, "pieces", json_integer(res->sums.pieces));
    json_object_set_new(d, "rows", json_integer(res->sums.rows));
    json_object_set_new(d, "scored", json_integer(res->sums.scored));
    json_object_set_new(d, "sha256", json_string(res->sums.sha256));
    json_object_set_new(d, "size", json_integer(res->sums.size));
    text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(d);
    return text;
}

/* Notes the field name used for each role, the first time one is seen. */
static void note_roles(json_t *fields, const struct sample_fields *f,
                       struct samples_add_result *res)
{
    int r;

    for (r = 0; r < ROLE_COUNT; r++) {
        const struct sample_field *it;

        if (f->role[r] < 0)
            continue;
        res->roles_seen[r]++;
        it = &f->items[f->role[r]];
        if (!json_object_get(fields, role_names[r])
            && utf8_valid(it->key, it->key_len))
            json_object_set_new(fields, role_names[r],
                                json_stringn(it->key, it->key_len));
    }
}

static int add_pieces(struct store_samples *w, struct source *src,
                      const struct samples_add_opts *o,
                      struct samples_add_result *res, json_t *fields)
{
    struct samples_reader *reader = NULL;
    struct idset ids = { NULL, 0, 0 };
    char num[32];
    int64_t row = 0;
    int rc, known = o->format != NULL, csv = 0;

    if (known) {
        rc = samples_format_parse(&res->format, o->format);
        if (rc)
            return rc;
        csv = res->format == SAMPLES_CSV;
    }
    while ((rc = next_record(src, csv)) == 1) {
        const char *b = src->record.ptr;
        size_t len = src->record.len;
        struct sample_fields f;
        const char *sid;
        size_t sid_len = 0;
        double score = NAN;
        int has_score;

        if (!known && !blank(b, len)) {
            res->format = guess_format(o->path, b, len);
            known = 1;
            csv = res->format == SAMPLES_CSV;
            if (csv && count_quotes(b, len) % 2) {
                /* The header's quoted field goes on: read the rest. */
                rc = ll_error(LL_EINPUT, "%s:%zu: the CSV header has an "
                              "unterminated quoted field", src->name,
                              src->first_line);
                break;
            }
        }
        if (!reader && known && !blank(b, len)) {
            reader = samples_reader_new(res->format, csv ? b : NULL,
                                        csv ? len : 0, src->name);
            if (csv) {
                /* The header itself: check it parses, store it as bytes. */
                struct csv_parser *p = csv_new();

                csv_set_raw_bytes(p, 1);
                rc = csv_parse_header(p, b, content_len(b, len), src->name,
                                      src->first_line);
                csv_free(p);
                if (rc == 0)
                    rc = store_samples_add(w, 0, NULL, 0, 0, 0, b, len);
                if (rc)
                    break;
                continue;
            }
        }
        if (blank(b, len)) {
            rc = store_samples_add(w, 0, NULL, 0, 0, 0, b, len);
            if (rc)
                break;
            continue;
        }
        rc = samples_reader_parse(reader, b, len, src->first_line, &f);
        if (rc)
            break;
        row++;
        sid = row_id(&f, &sid_len);
        if (!sid) {
            sid_len = (size_t)snprintf(num, sizeof(num), "%lld",
                                       (long long)row);
            sid = num;
        }
        if (idset_add(&ids, hash_bytes(sid, sid_len)))
            res->duplicate_ids++;
        has_score = samples_row_score(&f, &score);
        note_roles(fields, &f, res);
        rc = store_samples_add(w, row, sid, sid_len, has_score, score, b,
                               len);
        if (rc)
            break;
    }
    free(ids.slots);
    samples_reader_free(reader);
    return rc < 0 ? rc : 0;
}

int samples_add(struct store *s, const struct samples_add_opts *o,
                struct samples_add_result *res)
{
    struct source src = { NULL, NULL, NULL, 0, 0, BUF_INIT, 0 };
    struct store_samples *w = NULL;
    json_t *fields = json_object();
    const char *base;
    char *data = NULL;
    int stdin_input = strcmp(o->path, "-") == 0;
    int rc = 0;

    memset(res, 0, sizeof(*res));
    src.name = stdin_input ? "<stdin>" : o->path;
    src.f = stdin_input ? stdin : fopen(o->path, "rb");
    if (!src.f) {
        rc = ll_error(LL_EIO, "cannot open '%s': %s", o->path,
                      strerror(errno));
        goto cleanup;
    }
    /* The pieces are staged without the write lock; finish takes it only
     * to move them in with the entry and commit. */
    rc = store_samples_begin(s, &w);
    if (rc == 0)
        rc = add_pieces(w, &src, o, res, fields);
    if (rc == 0) {
        store_samples_sums(w, &res->sums);
        if (res->sums.rows == 0)
            rc = ll_error(LL_EINPUT, "%s: no rows, only a header or blank "
                          "lines", src.name);
    }
    if (rc == 0) {
        base = strrchr(o->path, '/') ? strrchr(o->path, '/') + 1 : o->path;
        if (stdin_input)
            base = res->format == SAMPLES_CSV ? "stdin.csv" : "stdin.jsonl";
        if (!o->entry->title || !*o->entry->title)
            o->entry->title = base;
        data = entry_data(res, utf8_valid(base, strlen(base)) ? base
                                                              : "samples",
                          o->attempt, fields);
        o->entry->data = data;
        rc = store_samples_finish(w, o->entry);
        w = NULL;
        o->entry->data = NULL;
    }
cleanup:
    store_samples_free(w);
    if (src.f && !stdin_input)
        fclose(src.f);
    free(src.line);
    buf_release(&src.record);
    json_decref(fields);
    free(data);
    return rc;
}
