/* SPDX-License-Identifier: MIT */
/*
 * The CSV record parser (see csv.h for the dialect).
 *
 * A line is split into cells in one pass. Unquoted text is copied as is;
 * quoted text loses its quotes and turns '""' into '"'. Neither makes a
 * cell longer than its source, and the separator after each cell pays for
 * its NUL, so a text area of len + 1 bytes, reserved before the pass,
 * holds every cell and pointers into it stay valid.
 */
#include "ingest/csv.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/err.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#define MAX_NUMBER_LEN 256

struct csv_parser {
    struct csv_cell *cells; /* cells of the current line */
    size_t len;             /* cells in use */
    size_t cap;             /* cells allocated */
    char *text;             /* cell text of the current line */
    size_t text_len;        /* bytes of text in use */
    size_t text_cap;        /* bytes of text allocated */
    char **names;           /* header names, each owned */
    size_t ncolumns;        /* entries in names */
    enum csv_format format; /* what the header says */
    const char *line;       /* the line being split */
    size_t n;               /* its length */
    const char *file;       /* for messages */
    size_t lineno;          /* for messages */
    int raw_bytes;          /* cells may hold invalid UTF-8 */
};

struct csv_parser *csv_new(void)
{
    return xcalloc(1, sizeof(struct csv_parser));
}

static void free_names(struct csv_parser *p)
{
    size_t i;

    for (i = 0; i < p->ncolumns; i++)
        free(p->names[i]);
    free(p->names);
    p->names = NULL;
    p->ncolumns = 0;
    p->format = CSV_FORMAT_PLAIN;
}

void csv_free(struct csv_parser *p)
{
    if (!p)
        return;
    free_names(p);
    free(p->cells);
    free(p->text);
    free(p);
}

static int fail(const struct csv_parser *p, size_t pos, const char *what)
{
    return ll_error(LL_EINPUT, "%s:%zu: %s at column %zu", p->file,
                    p->lineno, what, pos + 1);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int digits(const char *s, size_t len, size_t *i)
{
    size_t start = *i;

    while (*i < len && s[*i] >= '0' && s[*i] <= '9')
        (*i)++;
    return *i > start;
}

/* Whether s (len bytes) spells nan, inf or infinity, any case. */
static int special_word(const char *s, size_t len)
{
    return (len == 3 && (strncasecmp(s, "nan", 3) == 0 ||
                         strncasecmp(s, "inf", 3) == 0)) ||
           (len == 8 && strncasecmp(s, "infinity", 8) == 0);
}

int csv_parse_number(double *out, const char *s, size_t len)
{
    char copy[MAX_NUMBER_LEN + 1];
    size_t i = 0;
    int whole, frac = 0;

    if (len == 0 || len > MAX_NUMBER_LEN)
        return 0;
    if (s[0] == '+' || s[0] == '-')
        i++;
    if (special_word(s + i, len - i)) {
        if (s[i] == 'n' || s[i] == 'N')
            *out = NAN;
        else
            *out = s[0] == '-' ? -INFINITY : INFINITY;
        return 1;
    }
    whole = digits(s, len, &i);
    if (i < len && s[i] == '.') {
        i++;
        frac = digits(s, len, &i);
    }
    if (!whole && !frac)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (!digits(s, len, &i))
            return 0;
    }
    if (i != len)
        return 0;
    memcpy(copy, s, len);
    copy[len] = '\0';
    *out = strtod(copy, NULL);
    return 1;
}

/* Appends a cell for text[start, text_len) found at byte column pos. */
static void add_cell(struct csv_parser *p, size_t start, size_t pos)
{
    struct csv_cell *c;

    XGROW(p->cells, p->len + 1, p->cap);
    c = &p->cells[p->len++];
    c->text = p->text + start;
    c->len = p->text_len - start;
    c->column = pos + 1;
    p->text[p->text_len++] = '\0';
    c->num = 0;
    if (c->len == 0)
        c->kind = CSV_EMPTY;
    else if (csv_parse_number(&c->num, c->text, c->len))
        c->kind = CSV_NUMBER;
    else
        c->kind = CSV_TEXT;
}

/* Copies the quoted field at *i (a '"') into the text area and advances
 * *i past the closing quote. */
static int scan_quoted(struct csv_parser *p, size_t *i)
{
    size_t open = *i;
    size_t j = *i + 1;
    const char *q;

    for (;;) {
        q = memchr(p->line + j, '"', p->n - j);
        if (!q)
            return ll_error(LL_EINPUT,
                            "%s:%zu: unterminated quoted field starting at "
                            "column %zu (records spanning lines are not "
                            "supported)",
                            p->file, p->lineno, open + 1);
        memcpy(p->text + p->text_len, p->line + j,
               (size_t)(q - p->line) - j);
        p->text_len += (size_t)(q - p->line) - j;
        j = (size_t)(q - p->line) + 1;
        if (j < p->n && p->line[j] == '"') {
            p->text[p->text_len++] = '"';
            j++;
            continue;
        }
        *i = j;
        return 0;
    }
}

/* Copies the unquoted field at *i up to the next comma, without its
 * trailing blanks, and advances *i to the comma or the end. */
static int scan_plain(struct csv_parser *p, size_t *i)
{
    size_t j = *i;
    size_t last = *i; /* end of the text without trailing blanks */

    for (; j < p->n && p->line[j] != ','; j++) {
        if (p->line[j] == '"')
            return fail(p, j, "quote inside an unquoted field");
        if (!is_blank(p->line[j]))
            last = j + 1;
    }
    memcpy(p->text + p->text_len, p->line + *i, last - *i);
    p->text_len += last - *i;
    *i = j;
    return 0;
}

/* Splits line into cells, starting at byte `from` (after a byte order
 * mark). */
static int split(struct csv_parser *p, size_t from)
{
    size_t i = from, field, start;
    const char *nul = memchr(p->line, '\0', p->n);
    size_t bad = p->raw_bytes ? p->n : utf8_invalid_at(p->line, p->n);
    int rc;

    if (nul)
        return fail(p, (size_t)(nul - p->line), "NUL byte");
    if (bad < p->n)
        return fail(p, bad, "invalid UTF-8");
    if (p->text_cap < p->n + 1) {
        free(p->text);
        p->text_cap = p->n + 1 > 256 ? p->n + 1 : 256;
        p->text = xmalloc(p->text_cap);
    }
    p->text_len = 0;
    p->len = 0;
    for (;;) {
        while (i < p->n && is_blank(p->line[i]))
            i++;
        field = i;
        start = p->text_len;
        if (i < p->n && p->line[i] == '"') {
            rc = scan_quoted(p, &i);
            while (rc == 0 && i < p->n && is_blank(p->line[i]))
                i++;
            if (rc == 0 && i < p->n && p->line[i] != ',')
                rc = fail(p, i, "expected ',' after the closing quote");
        } else {
            rc = scan_plain(p, &i);
        }
        if (rc < 0)
            return rc;
        add_cell(p, start, field);
        if (i >= p->n)
            return 0;
        i++; /* the comma */
    }
}

static void start_line(struct csv_parser *p, const char *line, size_t len,
                       const char *file, size_t lineno)
{
    p->line = line;
    p->n = len;
    p->file = file;
    p->lineno = lineno;
}

static enum csv_format detect_format(const struct csv_parser *p)
{
    if (p->ncolumns == 3 &&
        strcasecmp(p->names[CSV_TB_WALL_TIME], "wall time") == 0 &&
        strcasecmp(p->names[CSV_TB_STEP], "step") == 0 &&
        strcasecmp(p->names[CSV_TB_VALUE], "value") == 0)
        return CSV_FORMAT_TENSORBOARD;
    return CSV_FORMAT_PLAIN;
}

/* Fails when a non-empty name appears twice. Headers are short and parsed
 * once, so a quadratic check is fine. */
static int check_names(const struct csv_parser *p)
{
    char quoted[UTF8_QUOTE_SIZE];
    size_t i, j;

    for (i = 0; i < p->len; i++) {
        for (j = 0; j < i && p->cells[i].len > 0; j++) {
            if (strcmp(p->cells[i].text, p->cells[j].text) == 0)
                return ll_error(LL_EINPUT,
                                "%s:%zu: duplicate column name '%s'",
                                p->file, p->lineno,
                                utf8_quote(quoted, p->cells[i].text,
                                           p->cells[i].len));
        }
    }
    return 0;
}

int csv_parse_header(struct csv_parser *p, const char *line, size_t len,
                     const char *file, size_t lineno)
{
    size_t i;
    size_t from = len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    int rc;

    free_names(p);
    start_line(p, line, len, file, lineno);
    rc = split(p, from);
    if (rc == 0)
        rc = check_names(p);
    if (rc < 0)
        return rc;
    p->names = xcalloc(p->len, sizeof(*p->names));
    for (i = 0; i < p->len; i++)
        p->names[i] = xstrndup(p->cells[i].text, p->cells[i].len);
    p->ncolumns = p->len;
    p->format = detect_format(p);
    return 0;
}

void csv_set_raw_bytes(struct csv_parser *p, int on)
{
    p->raw_bytes = on;
}

size_t csv_column_count(const struct csv_parser *p)
{
    return p->ncolumns;
}

const char *csv_column_name(const struct csv_parser *p, size_t i)
{
    assert(i < p->ncolumns);
    return p->names[i];
}

enum csv_format csv_format(const struct csv_parser *p)
{
    return p->format;
}

int csv_parse_row(const struct csv_cell **cells_out, size_t *count_out,
                  struct csv_parser *p, const char *line, size_t len,
                  const char *file, size_t lineno)
{
    int rc;

    start_line(p, line, len, file, lineno);
    rc = split(p, 0);
    if (rc < 0)
        return rc;
    if (p->ncolumns && p->len != p->ncolumns)
        return ll_error(LL_EINPUT,
                        "%s:%zu: expected %zu fields as in the header, "
                        "found %zu",
                        p->file, p->lineno, p->ncolumns, p->len);
    *cells_out = p->cells;
    *count_out = p->len;
    return 0;
}
