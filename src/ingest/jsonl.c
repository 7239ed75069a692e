/* SPDX-License-Identifier: MIT */
/*
 * The JSONL line parser (see jsonl.h for the accepted grammar).
 *
 * A hand-written recursive-descent parser over one line. Speed comes from
 * three things: the line is checked for UTF-8 once up front, so string
 * scanning only looks for '"', '\\' and control bytes; decoded strings go
 * into one text area reserved at the start of each parse (decoding never
 * makes a string longer than its quoted source, so len + 1 bytes suffice
 * and pointers into it stay valid); and most numbers are converted exactly
 * without strtod() (see to_double()).
 *
 * Keys are entered into an open-addressing hash table as they are parsed,
 * to find duplicates and to serve jsonl_find(). Each slot carries the
 * number of the parse that filled it, so starting a parse empties the
 * table without clearing it.
 */
#include "ingest/jsonl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#define MAX_DEPTH 64
#define MAX_NUMBER_LEN 256

/* A hash table slot: field `index` of parse number `gen`. */
struct slot {
    uint32_t gen;   /* parse that filled the slot; other values: empty */
    uint32_t index; /* index into fields */
};

struct jsonl_parser {
    struct jsonl_field *fields; /* fields of the current line */
    size_t len;                 /* fields in use */
    size_t cap;                 /* fields allocated */
    char *text;                 /* decoded keys and strings */
    size_t text_len;            /* bytes of text in use */
    size_t text_cap;            /* bytes of text allocated */
    struct slot *slots;         /* key hash table, size a power of two */
    size_t slot_cap;            /* slots allocated */
    uint32_t gen;               /* number of the current parse, never 0 */
    int ok;                     /* the last parse succeeded */
    int raw_bytes;              /* strings may hold invalid UTF-8 */
    const char *line;           /* the line being parsed */
    size_t n;                   /* its length */
    const char *file;           /* for messages */
    size_t lineno;              /* for messages */
};

struct jsonl_parser *jsonl_new(void)
{
    struct jsonl_parser *p = xcalloc(1, sizeof(*p));

    p->slot_cap = 16;
    p->slots = xcalloc(p->slot_cap, sizeof(*p->slots));
    return p;
}

void jsonl_free(struct jsonl_parser *p)
{
    if (!p)
        return;
    free(p->fields);
    free(p->text);
    free(p->slots);
    free(p);
}

/* Records "FILE:LINE: what at column N", pointing at byte pos. */
static int fail(const struct jsonl_parser *p, size_t pos, const char *what)
{
    if (pos >= p->n)
        return ll_error(LL_EINPUT, "%s:%zu: %s at column %zu (end of line)",
                        p->file, p->lineno, what, pos + 1);
    return ll_error(LL_EINPUT, "%s:%zu: %s at column %zu", p->file,
                    p->lineno, what, pos + 1);
}

static size_t skip_ws(const struct jsonl_parser *p, size_t i)
{
    while (i < p->n && (p->line[i] == ' ' || p->line[i] == '\t' ||
                        p->line[i] == '\n' || p->line[i] == '\r'))
        i++;
    return i;
}

/* Whether word appears at byte i. */
static int match(const struct jsonl_parser *p, size_t i, const char *word)
{
    size_t n = strlen(word);

    return i <= p->n && p->n - i >= n && memcmp(p->line + i, word, n) == 0;
}

static int hex4(const struct jsonl_parser *p, size_t i, unsigned *out)
{
    unsigned v = 0;
    size_t k;
    char c;

    if (i > p->n || p->n - i < 4)
        return 0;
    for (k = 0; k < 4; k++) {
        c = p->line[i + k];
        if (c >= '0' && c <= '9')
            v = v * 16 + (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v = v * 16 + (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v = v * 16 + (unsigned)(c - 'A' + 10);
        else
            return 0;
    }
    *out = v;
    return 1;
}

static size_t put_utf8(char *out, unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decodes the \u escape (and its low surrogate) at byte i into out.
 * Returns the bytes written and advances *i past the escape, or a negative
 * code. */
static int unicode_escape(const struct jsonl_parser *p, size_t *i, char *out)
{
    unsigned cp, lo;

    if (!hex4(p, *i + 2, &cp))
        return fail(p, *i, "invalid \\u escape");
    if (p->raw_bytes && cp >= 0xDC80 && cp <= 0xDCFF) {
        /* Python's surrogateescape: the byte that was not UTF-8. */
        *i += 6;
        out[0] = (char)(cp - 0xDC00);
        return 1;
    }
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail(p, *i, "unpaired surrogate in \\u escape");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (!match(p, *i + 6, "\\u") || !hex4(p, *i + 8, &lo) ||
            lo < 0xDC00 || lo > 0xDFFF)
            return fail(p, *i, "unpaired surrogate in \\u escape");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        *i += 6;
    }
    if (cp == 0)
        return fail(p, *i, "\\u0000 in string");
    *i += 6;
    return (int)put_utf8(out, cp);
}

/* Decodes the escape at byte i (a backslash) into out. */
static int escape(const struct jsonl_parser *p, size_t *i, char *out)
{
    static const char from[] = "\"\\/bfnrt";
    static const char to[] = "\"\\/\b\f\n\r\t";
    const char *hit;

    if (p->line[*i + 1] == 'u')
        return unicode_escape(p, i, out);
    hit = p->line[*i + 1] ? strchr(from, p->line[*i + 1]) : NULL;
    if (!hit)
        return fail(p, *i, "invalid escape");
    out[0] = to[hit - from];
    *i += 2;
    return 1;
}

/* Scans the string starting at *pos (a '"'). When out is not NULL, the
 * decoded bytes are appended to the text area, NUL-terminated, and *out and
 * *out_len point at them. Advances *pos past the closing quote. */
static int scan_string(struct jsonl_parser *p, size_t *pos,
                       const char **out, size_t *out_len)
{
    const unsigned char *s = (const unsigned char *)p->line;
    char *dst = p->text + p->text_len;
    char tmp[4];
    size_t i = *pos + 1, run, o = 0;
    int k;

    for (;;) {
        run = i;
        while (i < p->n && s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
            i++;
        if (out) {
            memcpy(dst + o, s + run, i - run);
            o += i - run;
        }
        if (i >= p->n)
            return fail(p, *pos, "unterminated string starting");
        if (s[i] == '"')
            break;
        if (s[i] != '\\')
            return fail(p, i, s[i] ? "control character in string"
                                   : "NUL byte in string");
        if (i + 1 >= p->n)
            return fail(p, *pos, "unterminated string starting");
        k = escape(p, &i, out ? dst + o : tmp);
        if (k < 0)
            return k;
        o += out ? (size_t)k : 0;
    }
    *pos = i + 1;
    if (out) {
        dst[o] = '\0';
        *out = dst;
        *out_len = o;
        p->text_len += o + 1;
    }
    return 0;
}

/* The value of a decimal literal with up to 19 significant digits in
 * mantissa, scaled by 10^exp10. When the mantissa is below 2^53 and
 * |exp10| <= 22, both operands of one multiplication or division are exact
 * doubles, so IEEE arithmetic rounds the result correctly (Clinger's fast
 * path). Anything else goes to strtod(). */
static double to_double(const char *lit, size_t len, uint64_t mantissa,
                        int exact, long exp10)
{
    static const double powers[23] = {
        1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    char copy[MAX_NUMBER_LEN + 1];
    int neg = lit[0] == '-';
    double v;

    if (exact && mantissa < ((uint64_t)1 << 53) && exp10 >= -22 &&
        exp10 <= 22) {
        v = (double)mantissa;
        v = exp10 < 0 ? v / powers[-exp10] : v * powers[exp10];
        return neg ? -v : v;
    }
    memcpy(copy, lit, len);
    copy[len] = '\0';
    return strtod(copy, NULL);
}

/* Sets f's integer view of a literal without fraction or exponent. */
static void set_integer(struct jsonl_field *f, uint64_t m, int neg, int exact)
{
    const uint64_t min_mag = (uint64_t)1 << 63;

    f->is_int = exact && (neg ? m <= min_mag : m < min_mag);
    if (!f->is_int)
        return;
    if (!neg)
        f->i64 = (int64_t)m;
    else if (m == min_mag)
        f->i64 = INT64_MIN;
    else
        f->i64 = -(int64_t)m;
}

static int scan_digits(const struct jsonl_parser *p, size_t *i, uint64_t *m,
                       int *sig, int *exact)
{
    size_t start = *i;
    int d;

    for (; *i < p->n && p->line[*i] >= '0' && p->line[*i] <= '9'; (*i)++) {
        d = p->line[*i] - '0';
        if (*m == 0 && d == 0)
            continue;       /* leading zeros are not significant */
        if (*sig < 19) {
            *m = *m * 10 + (uint64_t)d;
            (*sig)++;
        } else {
            *exact = 0;
        }
    }
    return (int)(*i - start);
}

/* Scans the number at *pos (a '-' or a digit, JSON grammar). Stores its
 * value in f when f is not NULL. */
static int scan_number(const struct jsonl_parser *p, size_t *pos,
                       struct jsonl_field *f)
{
    size_t start = *pos, i = *pos;
    uint64_t m = 0;
    int sig = 0, exact = 1, neg = 0, is_int = 1, esign = 1;
    long e = 0, frac = 0;

    if (p->line[i] == '-') {
        neg = 1;
        i++;
    }
    if (i < p->n && p->line[i] == '0' && i + 1 < p->n &&
        p->line[i + 1] >= '0' && p->line[i + 1] <= '9')
        return fail(p, start, "invalid number (leading zero)");
    if (scan_digits(p, &i, &m, &sig, &exact) == 0)
        return fail(p, start, "invalid number");
    if (i < p->n && p->line[i] == '.') {
        i++;
        is_int = 0;
        /* Every digit after the point scales the value down by ten (when
         * digits were dropped, strtod() does the work anyway). */
        frac = scan_digits(p, &i, &m, &sig, &exact);
        if (frac == 0)
            return fail(p, start, "invalid number");
    }
    if (i < p->n && (p->line[i] == 'e' || p->line[i] == 'E')) {
        i++;
        is_int = 0;
        if (i < p->n && (p->line[i] == '+' || p->line[i] == '-')) {
            esign = p->line[i] == '-' ? -1 : 1;
            i++;
        }
        if (i >= p->n || p->line[i] < '0' || p->line[i] > '9')
            return fail(p, start, "invalid number");
        for (; i < p->n && p->line[i] >= '0' && p->line[i] <= '9'; i++) {
            if (e < 100000)
                e = e * 10 + (p->line[i] - '0');
        }
    }
    if (i - start > MAX_NUMBER_LEN)
        return fail(p, start, "number too long");
    *pos = i;
    if (!f)
        return 0;
    f->kind = JSONL_NUMBER;
    f->num = to_double(p->line + start, i - start, m, exact,
                       esign * e - frac);
    if (is_int)
        set_integer(f, m, neg, exact);
    return 0;
}

static int scan_value(struct jsonl_parser *p, size_t *pos, int depth,
                      struct jsonl_field *f);

/* Scans a nested object or array at *pos, validating it. */
static int scan_container(struct jsonl_parser *p, size_t *pos, int depth)
{
    char close = p->line[*pos] == '{' ? '}' : ']';
    const char *sep = close == '}' ? "expected ',' or '}'"
                                   : "expected ',' or ']'";
    size_t i = *pos + 1;
    int rc, first = 1;

    if (depth >= MAX_DEPTH)
        return fail(p, *pos, "nesting deeper than 64 levels");
    i = skip_ws(p, i);
    if (i < p->n && p->line[i] == close) {
        *pos = i + 1;
        return 0;
    }
    for (;;) {
        if (close == '}') {
            if (i >= p->n || p->line[i] != '"')
                return fail(p, i, first ? "expected a string key or '}'"
                                        : "expected a string key");
            rc = scan_string(p, &i, NULL, NULL);
            if (rc < 0)
                return rc;
            i = skip_ws(p, i);
            if (i >= p->n || p->line[i] != ':')
                return fail(p, i, "expected ':'");
            i = skip_ws(p, i + 1);
        }
        rc = scan_value(p, &i, depth + 1, NULL);
        if (rc < 0)
            return rc;
        i = skip_ws(p, i);
        if (i < p->n && p->line[i] == close)
            break;
        if (i >= p->n || p->line[i] != ',')
            return fail(p, i, sep);
        i = skip_ws(p, i + 1);
        first = 0;
    }
    *pos = i + 1;
    return 0;
}

/* Keyword literals: true, false, null, NaN, Infinity, -Infinity. Returns 1
 * and advances *pos when one is at *pos. */
static int scan_keyword(const struct jsonl_parser *p, size_t *pos,
                        struct jsonl_field *f)
{
    static const struct {
        const char *word;      /* as written */
        enum jsonl_kind kind;  /* what it is */
        int sign;              /* for numbers: 0 NaN, +/-1 infinity */
    } words[] = {
        {"true", JSONL_TRUE, 0},        {"false", JSONL_FALSE, 0},
        {"null", JSONL_NULL, 0},        {"NaN", JSONL_NUMBER, 0},
        {"Infinity", JSONL_NUMBER, 1},  {"-Infinity", JSONL_NUMBER, -1},
    };
    size_t k;

    for (k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
        if (!match(p, *pos, words[k].word))
            continue;
        *pos += strlen(words[k].word);
        if (f) {
            f->kind = words[k].kind;
            if (f->kind == JSONL_NUMBER)
                f->num = words[k].sign == 0 ? NAN
                                            : words[k].sign * INFINITY;
        }
        return 1;
    }
    return 0;
}

/* Scans any value at *pos. At the top level (f not NULL) it fills f;
 * nested containers are copied raw into the text area. */
static int scan_value(struct jsonl_parser *p, size_t *pos, int depth,
                      struct jsonl_field *f)
{
    size_t start = *pos;
    char c;
    int rc;

    if (start >= p->n)
        return fail(p, start, "expected a value");
    c = p->line[start];
    if (c == '"') {
        if (f)
            f->kind = JSONL_STRING;
        return scan_string(p, pos, f ? &f->str : NULL, f ? &f->str_len : NULL);
    }
    if (c == '{' || c == '[') {
        rc = scan_container(p, pos, depth);
        if (rc < 0 || !f)
            return rc;
        f->kind = JSONL_OTHER;
        f->str = p->text + p->text_len;
        f->str_len = *pos - start;
        memcpy(p->text + p->text_len, p->line + start, f->str_len);
        p->text[p->text_len + f->str_len] = '\0';
        p->text_len += f->str_len + 1;
        return 0;
    }
    if ((c >= '0' && c <= '9') ||
        (c == '-' && !(start + 1 < p->n && p->line[start + 1] == 'I')))
        return scan_number(p, pos, f);
    if (scan_keyword(p, pos, f))
        return 0;
    return fail(p, start, "expected a value");
}

/* FNV-1a. */
static uint32_t hash_key(const char *key, size_t len)
{
    uint32_t h = 2166136261u;
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 16777619u;
    }
    return h;
}

/* The slot holding key, or the empty slot where it would go. */
static struct slot *find_slot(const struct jsonl_parser *p, const char *key,
                              size_t len)
{
    size_t mask = p->slot_cap - 1;
    size_t i = hash_key(key, len) & mask;
    const struct jsonl_field *f;

    for (;; i = (i + 1) & mask) {
        if (p->slots[i].gen != p->gen)
            return &p->slots[i];
        f = &p->fields[p->slots[i].index];
        if (f->key_len == len && memcmp(f->key, key, len) == 0)
            return &p->slots[i];
    }
}

/* Keeps the table at most half full, so probes stay short and find_slot()
 * always meets an empty slot. */
static void grow_slots(struct jsonl_parser *p, size_t need)
{
    struct slot *s;
    size_t i;

    if (need * 2 <= p->slot_cap)
        return;
    free(p->slots);
    while (need * 2 > p->slot_cap)
        p->slot_cap *= 2;
    p->slots = xcalloc(p->slot_cap, sizeof(*p->slots));
    p->gen = 1;
    for (i = 0; i + 1 < need; i++) {
        s = find_slot(p, p->fields[i].key, p->fields[i].key_len);
        s->gen = p->gen;
        s->index = (uint32_t)i;
    }
}

/* Parses `"key": value` at *pos into a new field. */
static int scan_member(struct jsonl_parser *p, size_t *pos)
{
    struct jsonl_field *f;
    struct slot *s;
    char quoted[UTF8_QUOTE_SIZE];
    size_t key_pos = *pos;
    int rc;

    XGROW(p->fields, p->len + 1, p->cap);
    grow_slots(p, p->len + 1);
    f = &p->fields[p->len];
    memset(f, 0, sizeof(*f));
    rc = scan_string(p, pos, &f->key, &f->key_len);
    if (rc < 0)
        return rc;
    s = find_slot(p, f->key, f->key_len);
    if (s->gen == p->gen)
        return ll_error(LL_EINPUT, "%s:%zu: duplicate key '%s' at column %zu",
                        p->file, p->lineno,
                        utf8_quote(quoted, f->key, f->key_len), key_pos + 1);
    *pos = skip_ws(p, *pos);
    if (*pos >= p->n || p->line[*pos] != ':')
        return fail(p, *pos, "expected ':'");
    *pos = skip_ws(p, *pos + 1);
    f->column = *pos + 1;
    rc = scan_value(p, pos, 1, f);
    if (rc < 0)
        return rc;
    s->gen = p->gen;
    s->index = (uint32_t)p->len;
    p->len++;
    return 0;
}

/* Prepares for a new line: text room for the worst case, a fresh table. */
static void start_parse(struct jsonl_parser *p, const char *line, size_t len,
                        const char *file, size_t lineno)
{
    if (p->text_cap < len + 1) {
        free(p->text);
        p->text_cap = len + 1 > 256 ? len + 1 : 256;
        p->text = xmalloc(p->text_cap);
    }
    p->text_len = 0;
    p->len = 0;
    p->ok = 0;
    p->gen++;
    if (p->gen == 0) {
        memset(p->slots, 0, p->slot_cap * sizeof(*p->slots));
        p->gen = 1;
    }
    p->line = line;
    p->n = len;
    p->file = file;
    p->lineno = lineno;
}

/* Checks that only whitespace follows the object's closing brace. */
static int finish(const struct jsonl_parser *p, size_t i)
{
    i = skip_ws(p, i);
    if (i < p->n)
        return fail(p, i, "unexpected text after the object");
    return 0;
}

static int parse_object(struct jsonl_parser *p)
{
    size_t bad = p->raw_bytes ? p->n : utf8_invalid_at(p->line, p->n);
    size_t i;
    int rc;

    if (bad < p->n)
        return fail(p, bad, "invalid UTF-8");
    i = skip_ws(p, 0);
    if (i >= p->n || p->line[i] != '{')
        return ll_error(LL_EINPUT, "%s:%zu: not a JSON object", p->file,
                        p->lineno);
    i = skip_ws(p, i + 1);
    if (i < p->n && p->line[i] == '}')
        return finish(p, i + 1);
    for (;;) {
        /* After a comma a key must follow: a trailing comma fails here. */
        if (i >= p->n || p->line[i] != '"')
            return fail(p, i, p->len == 0 ? "expected a string key or '}'"
                                          : "expected a string key");
        rc = scan_member(p, &i);
        if (rc < 0)
            return rc;
        i = skip_ws(p, i);
        if (i < p->n && p->line[i] == '}')
            return finish(p, i + 1);
        if (i >= p->n || p->line[i] != ',')
            return fail(p, i, "expected ',' or '}'");
        i = skip_ws(p, i + 1);
    }
}

int jsonl_parse(const struct jsonl_field **fields_out, size_t *count_out,
                struct jsonl_parser *p, const char *line, size_t len,
                const char *file, size_t lineno)
{
    int rc;

    start_parse(p, line, len, file, lineno);
    rc = parse_object(p);
    if (rc < 0)
        return rc;
    p->ok = 1;
    *fields_out = p->fields;
    *count_out = p->len;
    return 0;
}

void jsonl_set_raw_bytes(struct jsonl_parser *p, int on)
{
    p->raw_bytes = on;
}

const struct jsonl_field *jsonl_find(const struct jsonl_parser *p,
                                     const char *key)
{
    const struct slot *s;

    if (!p->ok)
        return NULL;
    s = find_slot(p, key, strlen(key));
    return s->gen == p->gen ? &p->fields[s->index] : NULL;
}
