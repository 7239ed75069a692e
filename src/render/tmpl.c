/* SPDX-License-Identifier: MIT */
/*
 * The Mustache engine behind tmpl.h. A template is parsed once into a flat
 * array of tokens; a section, parent or block token records where its
 * children end, so rendering is a loop over a range of tokens that recurses
 * for children. Partials are parsed on first use and cached for the call.
 *
 * Whitespace is settled by the parser. A "standalone" tag (alone on its line
 * apart from blanks) loses its line: the blanks before it are cut from the
 * text token holding them and the line end after it is skipped. Text tokens
 * never span a line end, so those blanks are always one whole token. The
 * inheritance module bends the rule (mustache/spec PR #131): inside a parent
 * only the right side of a block tag matters, a parent's opening and closing
 * tags count as one standalone pair when the pair fills its lines, and a
 * standalone block removes its content's own indentation ("intrinsic"
 * indentation, taken from the first line after the tag) from every line, to
 * put back whatever indentation the place it is expanded at has.
 *
 * Indentation is added by the renderer: a standalone partial, parent or
 * block appends its indentation to r->indent, and r->pending marks that the
 * output stands at the start of a template line, so the next piece of
 * template output (text or a value, never the inside of a value) gets the
 * indentation first.
 */
#include "render/tmpl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/xalloc.h"

#define NO_TOK SIZE_MAX

enum tok_kind {
    TOK_TEXT,     /* literal text, never past a line end */
    TOK_VAR,      /* {{x}}: escaped value */
    TOK_RAW,      /* {{{x}}} or {{&x}}: unescaped value */
    TOK_SECTION,  /* {{#x}} */
    TOK_INVERTED, /* {{^x}} */
    TOK_PARTIAL,  /* {{>x}} */
    TOK_PARENT,   /* {{<x}}: its block children are the overrides */
    TOK_BLOCK     /* {{$x}} */
};

struct tok {
    enum tok_kind kind; /* what the token is */
    const char *str;    /* text, or tag name; borrowed from the source */
    size_t len;         /* length of str; 0 for a cut text token */
    const char *indent; /* partial, parent, block: indentation it adds */
    size_t indent_len;  /* length of indent */
    size_t end;         /* section, parent, block: index after its children */
    size_t line;        /* 1-based source line, for messages */
    int standalone;     /* partial, parent, block: its line was removed */
};

struct tmpl {
    const char *name; /* for messages; borrowed */
    struct tok *toks; /* the tokens in source order */
    size_t len;       /* tokens in use */
    size_t cap;       /* tokens allocated */
};

/* A section, parent or block whose closing tag the parser has not met. */
struct open {
    size_t tok;         /* index of its token */
    int left_clear;     /* only blanks before the tag on its line */
    size_t ws_tok;      /* text token holding those blanks, or NO_TOK */
    const char *ws;     /* those blanks */
    size_t ws_len;      /* length of ws */
    const char *dedent; /* dedent in force before it opened */
    size_t dedent_len;  /* length of dedent */
};

/* What surrounds one tag on its line. */
struct clear {
    int left;         /* only blanks from the line start to the tag */
    size_t ws_tok;    /* text token holding those blanks, or NO_TOK */
    const char *ws;   /* the blanks */
    size_t ws_len;    /* length of ws */
    const char *next; /* past blanks and line end after the tag, or NULL */
};

struct parser {
    struct tmpl *t;         /* receives the tokens */
    const char *pos;        /* scan position */
    const char *end;        /* end of the source */
    const char *line_start; /* start of the current line, after dedent */
    size_t line;            /* 1-based line of pos */
    const char *otag;       /* opening delimiter, "{{" */
    size_t otag_len;        /* length of otag */
    const char *ctag;       /* closing delimiter, "}}" */
    size_t ctag_len;        /* length of ctag */
    const char *dedent;     /* blanks removed from the start of each line */
    size_t dedent_len;      /* length of dedent */
    struct open *open;      /* stack of open sections */
    size_t depth;           /* entries in open */
    size_t cap;             /* entries allocated */
};

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int is_space(char c)
{
    return is_blank(c) || c == '\n' || c == '\r';
}

static int blanks(const char *s, const char *e)
{
    while (s < e && is_blank(*s))
        s++;
    return s == e;
}

/* Length of a user value quoted in a message, so messages stay one line. */
static int qlen(size_t len)
{
    return len > 60 ? 60 : (int)len;
}

static const char *find(const char *s, const char *e, const char *needle,
                        size_t len)
{
    while ((size_t)(e - s) >= len) {
        const char *c = memchr(s, needle[0], (size_t)(e - s) - len + 1);

        if (!c)
            return NULL;
        if (memcmp(c, needle, len) == 0)
            return c;
        s = c + 1;
    }
    return NULL;
}

static void trim(const char **s, const char **e)
{
    while (*s < *e && is_space(**s))
        (*s)++;
    while (*e > *s && is_space((*e)[-1]))
        (*e)--;
}

static int has_children(enum tok_kind kind)
{
    return kind == TOK_SECTION || kind == TOK_INVERTED || kind == TOK_PARENT ||
           kind == TOK_BLOCK;
}

static size_t add_tok(struct parser *p, enum tok_kind kind, const char *str,
                      size_t len)
{
    struct tmpl *t = p->t;

    XGROW(t->toks, t->len + 1, t->cap);
    memset(&t->toks[t->len], 0, sizeof(t->toks[0]));
    t->toks[t->len].kind = kind;
    t->toks[t->len].str = str;
    t->toks[t->len].len = len;
    t->toks[t->len].line = p->line;
    return t->len++;
}

/* Moves to e, counting the line ends passed. */
static void advance(struct parser *p, const char *e)
{
    for (; p->pos < e; p->pos++)
        if (*p->pos == '\n')
            p->line++;
}

/* Called with pos at the first byte of a line: skips the block dedent. */
static void begin_line(struct parser *p)
{
    size_t k = 0;

    while (k < p->dedent_len && p->pos + k < p->end &&
           p->pos[k] == p->dedent[k])
        k++;
    p->pos += k;
    p->line_start = p->pos;
}

/* Adds the text up to e as one token per line. */
static void add_text(struct parser *p, const char *e)
{
    while (p->pos < e) {
        const char *nl = memchr(p->pos, '\n', (size_t)(e - p->pos));
        const char *stop = nl ? nl + 1 : e;

        add_tok(p, TOK_TEXT, p->pos, (size_t)(stop - p->pos));
        advance(p, stop);
        if (nl)
            begin_line(p);
    }
}

static void get_clear(const struct parser *p, const char *q, const char *r,
                      struct clear *c)
{
    const struct tmpl *t = p->t;

    c->left = blanks(p->line_start, q);
    c->ws = p->line_start;
    c->ws_len = (size_t)(q - p->line_start);
    c->ws_tok = NO_TOK;
    if (c->left && c->ws_len && t->len && t->toks[t->len - 1].str == c->ws)
        c->ws_tok = t->len - 1;
    while (r < p->end && is_blank(*r))
        r++;
    if (r == p->end)
        c->next = r;
    else if (*r == '\n')
        c->next = r + 1;
    else if (*r == '\r' && r + 1 < p->end && r[1] == '\n')
        c->next = r + 2;
    else
        c->next = NULL;
}

static void cut(struct parser *p, size_t tok)
{
    if (tok != NO_TOK)
        p->t->toks[tok].len = 0;
}

/* Skips the rest of a standalone tag's line. */
static void take_line(struct parser *p, const struct clear *c)
{
    int nl = c->next > p->pos && c->next[-1] == '\n';

    advance(p, c->next);
    if (nl)
        begin_line(p);
}

/* The usual rule: a tag alone on its line takes the line with it. */
static void take_if_standalone(struct parser *p, const struct clear *c)
{
    if (!c->left || !c->next)
        return;
    cut(p, c->ws_tok);
    take_line(p, c);
}

static int in_parent(const struct parser *p)
{
    return p->depth &&
           p->t->toks[p->open[p->depth - 1].tok].kind == TOK_PARENT;
}

/*
 * A standalone block tag: the blanks starting the next line are the
 * content's intrinsic indentation, removed from each of its lines; the part
 * of them beyond the enclosing dedent is the indentation the block puts back.
 */
static void take_block_line(struct parser *p, struct tok *tk,
                            const struct clear *c)
{
    int nl = c->next > p->pos && c->next[-1] == '\n';
    const char *d;
    size_t n = 0, k = 0;

    advance(p, c->next);
    if (!nl)
        return;
    d = p->pos;
    while (d + n < p->end && is_blank(d[n]))
        n++;
    while (k < n && k < p->dedent_len && d[k] == p->dedent[k])
        k++;
    tk->indent = d + k;
    tk->indent_len = n - k;
    p->dedent = d;
    p->dedent_len = n;
    begin_line(p);
}

static const char *kind_word(enum tok_kind kind)
{
    if (kind == TOK_PARENT)
        return "parent";
    return kind == TOK_BLOCK ? "block" : "section";
}

static int open_tag(struct parser *p, enum tok_kind kind, const char *name,
                    size_t len, const struct clear *c)
{
    int overrides = in_parent(p);
    struct open *o;
    struct tok *tk;
    size_t i;

    if (p->depth >= TMPL_MAX_DEPTH)
        return ll_error(LL_EINPUT, "%s:%zu: sections nested deeper than %d "
                        "levels", p->t->name, p->line, TMPL_MAX_DEPTH);
    i = add_tok(p, kind, name, len);
    XGROW(p->open, p->depth + 1, p->cap);
    o = &p->open[p->depth++];
    o->tok = i;
    o->left_clear = c->left;
    o->ws_tok = c->ws_tok;
    o->ws = c->ws;
    o->ws_len = c->ws_len;
    o->dedent = p->dedent;
    o->dedent_len = p->dedent_len;
    tk = &p->t->toks[i];
    if (kind == TOK_SECTION || kind == TOK_INVERTED)
        take_if_standalone(p, c);
    /* A parent is decided at its closing tag (standalone pair). A block
     * inside a parent ignores what is left of it (ignored parent text). */
    if (kind != TOK_BLOCK || !c->next || !(c->left || overrides))
        return 0;
    if (c->left)
        cut(p, c->ws_tok);
    tk->standalone = 1;
    take_block_line(p, tk, c);
    return 0;
}

static int close_tag(struct parser *p, const char *name, size_t len,
                     const struct clear *c)
{
    const struct open *o;
    struct tok *tk;

    if (!p->depth)
        return ll_error(LL_EINPUT, "%s:%zu: closing tag '%.*s' has no open "
                        "section", p->t->name, p->line, qlen(len), name);
    o = &p->open[p->depth - 1];
    tk = &p->t->toks[o->tok];
    if (tk->len != len || memcmp(tk->str, name, len) != 0)
        return ll_error(LL_EINPUT, "%s:%zu: closing tag '%.*s' does not "
                        "match %s '%.*s' opened on line %zu", p->t->name,
                        p->line, qlen(len), name, kind_word(tk->kind),
                        qlen(tk->len), tk->str, tk->line);
    p->depth--;
    tk->end = p->t->len;
    p->dedent = o->dedent;
    p->dedent_len = o->dedent_len;
    if (tk->kind == TOK_PARENT) {
        if (o->left_clear && c->next) {
            cut(p, o->ws_tok);
            tk->indent = o->ws;
            tk->indent_len = o->ws_len;
            tk->standalone = 1;
            take_line(p, c);
        }
        return 0;
    }
    if (tk->kind == TOK_BLOCK && in_parent(p)) {
        /* The content ends here, so this tag never takes a line end. */
        if (c->left)
            cut(p, c->ws_tok);
        return 0;
    }
    /* "  {{$b}}{{/b}}" alone on a line indents what replaces the block. */
    if (tk->kind == TOK_BLOCK && !tk->standalone && o->left_clear &&
        c->next && tk->line == p->line) {
        tk->indent = o->ws;
        tk->indent_len = o->ws_len;
    }
    take_if_standalone(p, c);
    return 0;
}

static void partial_tag(struct parser *p, const char *name, size_t len,
                        const struct clear *c)
{
    size_t i = add_tok(p, TOK_PARTIAL, name, len);

    if (!c->left || !c->next)
        return;
    p->t->toks[i].indent = c->ws;
    p->t->toks[i].indent_len = c->ws_len;
    p->t->toks[i].standalone = 1;
    take_if_standalone(p, c);
}

/* {{=OPEN CLOSE=}}: s..e is "OPEN CLOSE", already trimmed. */
static int delim_tag(struct parser *p, const char *s, const char *e)
{
    const char *a = s, *b, *c;

    while (a < e && !is_space(*a))
        a++;
    b = a;
    while (b < e && is_space(*b))
        b++;
    c = b;
    while (c < e && !is_space(*c))
        c++;
    if (a == s || b == e || c != e)
        return ll_error(LL_EINPUT, "%s:%zu: bad set-delimiter tag (want "
                        "'=OPEN CLOSE=')", p->t->name, p->line);
    p->otag = s;
    p->otag_len = (size_t)(a - s);
    p->ctag = b;
    p->ctag_len = (size_t)(e - b);
    return 0;
}

/* The closing delimiter after s; with before, the one preceded by it. */
static const char *find_close(const struct parser *p, const char *s,
                              char before)
{
    const char *c = s;

    for (;;) {
        c = find(c, p->end, p->ctag, p->ctag_len);
        if (!c || !before || (c > s && c[-1] == before))
            return c;
        c++;
    }
}

static int parse_tag(struct parser *p, const char *q)
{
    const char *s = q + p->otag_len, *close, *r, *e;
    struct clear c;
    char type = 0;
    int rc = 0;

    if (s < p->end && *s && strchr("{&!=#^/><$", *s))
        type = *s++;
    close = find_close(p, s, type == '{' ? '}' : type == '=' ? '=' : 0);
    if (!close)
        return ll_error(LL_EINPUT, "%s:%zu: unclosed tag (no '%s%.*s')",
                        p->t->name, p->line,
                        type == '{' ? "}" : type == '=' ? "=" : "",
                        qlen(p->ctag_len), p->ctag);
    r = close + p->ctag_len;
    e = type == '{' || type == '=' ? close - 1 : close;
    trim(&s, &e);
    if (s == e && type != '!')
        return ll_error(LL_EINPUT, "%s:%zu: empty tag", p->t->name,
                        p->line);
    get_clear(p, q, r, &c);
    switch (type) {
    case '!':
        take_if_standalone(p, &c);
        break;
    case '=':
        rc = delim_tag(p, s, e);
        if (rc == 0)
            take_if_standalone(p, &c);
        break;
    case '#':
        rc = open_tag(p, TOK_SECTION, s, (size_t)(e - s), &c);
        break;
    case '^':
        rc = open_tag(p, TOK_INVERTED, s, (size_t)(e - s), &c);
        break;
    case '<':
        rc = open_tag(p, TOK_PARENT, s, (size_t)(e - s), &c);
        break;
    case '$':
        rc = open_tag(p, TOK_BLOCK, s, (size_t)(e - s), &c);
        break;
    case '/':
        rc = close_tag(p, s, (size_t)(e - s), &c);
        break;
    case '>':
        partial_tag(p, s, (size_t)(e - s), &c);
        break;
    case '{':
    case '&':
        add_tok(p, TOK_RAW, s, (size_t)(e - s));
        break;
    default:
        add_tok(p, TOK_VAR, s, (size_t)(e - s));
        break;
    }
    if (rc == 0 && p->pos < r)
        advance(p, r);
    return rc;
}

/* Parses src[0..len) into t, whose name is already set. */
static int parse(struct tmpl *t, const char *src, size_t len)
{
    struct parser p;
    int rc = 0;

    memset(&p, 0, sizeof(p));
    p.t = t;
    p.pos = src ? src : "";
    p.end = p.pos + len;
    p.line_start = p.pos;
    p.line = 1;
    p.otag = "{{";
    p.otag_len = 2;
    p.ctag = "}}";
    p.ctag_len = 2;
    while (p.pos < p.end) {
        const char *q = find(p.pos, p.end, p.otag, p.otag_len);

        add_text(&p, q ? q : p.end);
        if (!q)
            break;
        rc = parse_tag(&p, q);
        if (rc)
            goto cleanup;
    }
    if (p.depth) {
        const struct tok *tk = &t->toks[p.open[p.depth - 1].tok];

        rc = ll_error(LL_EINPUT, "%s:%zu: unclosed %s '%.*s'", t->name,
                      tk->line, kind_word(tk->kind), qlen(tk->len), tk->str);
    }
cleanup:
    free(p.open);
    return rc;
}

/* --- rendering ------------------------------------------------------- */

/* A parent being rendered: its block children override blocks. */
struct frame {
    const struct tmpl *t; /* template holding the parent tag */
    size_t tok;           /* index of the parent tag */
};

/* A partial looked up during this render; t is NULL when missing. */
struct cached {
    char *name;     /* owned */
    size_t len;     /* length of name */
    struct tmpl *t; /* owned; NULL if the partial does not exist */
};

struct render {
    struct buf *out;              /* receives the output */
    const struct tmpl_opts *opts; /* never NULL */
    tmpl_escape_fn *escape;       /* for {{x}} */
    json_t **ctx;                 /* context stack, top last; borrowed */
    size_t nctx;                  /* entries in ctx */
    size_t ctx_cap;               /* entries allocated */
    struct frame *frames;         /* parents being rendered, outermost first */
    size_t nframes;               /* entries in frames */
    size_t frames_cap;            /* entries allocated */
    struct cached *cache;         /* partials seen so far */
    size_t ncache;                /* entries in cache */
    size_t cache_cap;             /* entries allocated */
    struct buf indent;            /* indentation of the current line */
    int pending;                  /* indentation not yet written */
    int depth;                    /* nesting, against TMPL_MAX_DEPTH */
};

static int truthy(const json_t *v)
{
    if (!v || json_is_false(v) || json_is_null(v))
        return 0;
    return !json_is_array(v) || json_array_size(v) > 0;
}

static json_t *lookup(const struct render *r, const char *name, size_t len)
{
    const char *dot;
    size_t part, i;
    json_t *v = NULL;

    if (len == 1 && name[0] == '.')
        return r->nctx ? r->ctx[r->nctx - 1] : NULL;
    dot = memchr(name, '.', len);
    part = dot ? (size_t)(dot - name) : len;
    for (i = r->nctx; i > 0 && !v; i--)
        if (json_is_object(r->ctx[i - 1]))
            v = json_object_getn(r->ctx[i - 1], name, part);
    while (v && dot) {
        name = dot + 1;
        len -= part + 1;
        dot = memchr(name, '.', len);
        part = dot ? (size_t)(dot - name) : len;
        v = json_is_object(v) ? json_object_getn(v, name, part) : NULL;
    }
    return v;
}

/* Writes template output s[0..len), with the indentation when due. */
static void put(struct render *r, const char *s, size_t len, int escape)
{
    if (!len)
        return;
    if (r->pending)
        buf_put(r->out, r->indent.ptr, r->indent.len);
    r->pending = 0;
    if (escape)
        r->escape(r->out, s, len);
    else
        buf_put(r->out, s, len);
}

/* Shortest of %.15g, %.16g, %.17g that reads back as d. */
static void format_real(char *out, size_t size, double d)
{
    int prec;

    for (prec = 15; prec <= 17; prec++) {
        snprintf(out, size, "%.*g", prec, d);
        if (strtod(out, NULL) == d)
            return;
    }
}

static void put_value(struct render *r, const json_t *v, int escape)
{
    char num[40];
    char *json;

    if (json_is_string(v)) {
        put(r, json_string_value(v), json_string_length(v), escape);
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
                 json_integer_value(v));
        put(r, num, strlen(num), escape);
    } else if (json_is_real(v)) {
        format_real(num, sizeof(num), json_real_value(v));
        put(r, num, strlen(num), escape);
    } else if (json_is_boolean(v)) {
        put(r, json_is_true(v) ? "true" : "false", json_is_true(v) ? 4 : 5,
            escape);
    } else if (json_is_object(v) || json_is_array(v)) {
        json = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (json)
            put(r, json, strlen(json), escape);
        free(json);
    }
}

static void push_ctx(struct render *r, json_t *v)
{
    XGROW(r->ctx, r->nctx + 1, r->ctx_cap);
    r->ctx[r->nctx++] = v;
}

static int render_range(struct render *r, const struct tmpl *t, size_t from,
                        size_t to);

/* Counts one level of nesting for the token t->toks[i]. */
static int enter(struct render *r, const struct tmpl *t, size_t i)
{
    if (r->depth >= TMPL_MAX_DEPTH)
        return ll_error(LL_EINPUT, "%s:%zu: sections and partials nested "
                        "deeper than %d levels", t->name, t->toks[i].line,
                        TMPL_MAX_DEPTH);
    r->depth++;
    return 0;
}

/* Renders the children of t->toks[i] with v on top of the context. */
static int render_with(struct render *r, const struct tmpl *t, size_t i,
                       json_t *v)
{
    int rc = enter(r, t, i);

    if (rc)
        return rc;
    if (v)
        push_ctx(r, v);
    rc = render_range(r, t, i + 1, t->toks[i].end);
    if (v)
        r->nctx--;
    r->depth--;
    return rc;
}

static int render_section(struct render *r, const struct tmpl *t, size_t i)
{
    json_t *v = lookup(r, t->toks[i].str, t->toks[i].len);
    size_t k;
    int rc;

    if (t->toks[i].kind == TOK_INVERTED)
        return truthy(v) ? 0 : render_with(r, t, i, NULL);
    if (!truthy(v))
        return 0;
    if (!json_is_array(v))
        return render_with(r, t, i, v);
    for (k = 0; k < json_array_size(v); k++) {
        rc = render_with(r, t, i, json_array_get(v, k));
        if (rc)
            return rc;
    }
    return 0;
}

/* Finds (parsing on first use) the partial name[0..len); *out is NULL when
 * it does not exist. */
static int get_partial(struct render *r, const char *name, size_t len,
                       struct tmpl **out)
{
    struct cached *c;
    const char *text = NULL;
    size_t i, text_len = 0;
    int rc;

    for (i = 0; i < r->ncache; i++) {
        if (r->cache[i].len == len &&
            memcmp(r->cache[i].name, name, len) == 0) {
            *out = r->cache[i].t;
            return 0;
        }
    }
    XGROW(r->cache, r->ncache + 1, r->cache_cap);
    c = &r->cache[r->ncache++];
    c->name = xstrndup(name, len);
    c->len = len;
    c->t = NULL;
    *out = NULL;
    rc = LL_ENOTFOUND;
    if (r->opts->partial)
        rc = r->opts->partial(r->opts->partial_ctx, c->name, &text,
                              &text_len);
    if (rc == LL_ENOTFOUND)
        return 0;
    if (rc)
        return rc;
    c->t = xcalloc(1, sizeof(*c->t));
    c->t->name = c->name;
    rc = parse(c->t, text, text_len);
    if (rc == 0)
        *out = c->t;
    return rc;
}

/* The partial named by a partial or parent tag, resolving {{>*name}}. */
static int find_partial(struct render *r, const struct tok *tk,
                        struct tmpl **out)
{
    const char *s = tk->str, *e = tk->str + tk->len;
    const json_t *v;

    *out = NULL;
    if (*s != '*')
        return get_partial(r, s, tk->len, out);
    s++;
    trim(&s, &e);
    v = lookup(r, s, (size_t)(e - s));
    if (!json_is_string(v))
        return 0;
    return get_partial(r, json_string_value(v), json_string_length(v), out);
}

static int render_partial(struct render *r, const struct tmpl *t, size_t i)
{
    const struct tok *tk = &t->toks[i];
    size_t old = r->indent.len;
    struct tmpl *pt;
    int rc = find_partial(r, tk, &pt);

    if (rc || !pt)
        return rc;
    rc = enter(r, t, i);
    if (rc)
        return rc;
    buf_put(&r->indent, tk->indent, tk->indent_len);
    if (tk->standalone)
        r->pending = 1;
    rc = render_range(r, pt, 0, pt->len);
    buf_truncate(&r->indent, old);
    r->depth--;
    return rc;
}

static int render_parent(struct render *r, const struct tmpl *t, size_t i)
{
    int rc;

    XGROW(r->frames, r->nframes + 1, r->frames_cap);
    r->frames[r->nframes].t = t;
    r->frames[r->nframes].tok = i;
    r->nframes++;
    rc = render_partial(r, t, i);
    r->nframes--;
    return rc;
}

/* The override for block name[0..len): the outermost parent wins. */
static void find_override(const struct render *r, const char *name,
                          size_t len, const struct tmpl **t_out,
                          size_t *tok_out)
{
    size_t f, j;

    for (f = 0; f < r->nframes; f++) {
        const struct tmpl *t = r->frames[f].t;
        size_t parent = r->frames[f].tok;

        for (j = parent + 1; j < t->toks[parent].end;) {
            const struct tok *tk = &t->toks[j];

            if (tk->kind == TOK_BLOCK && tk->len == len &&
                memcmp(tk->str, name, len) == 0) {
                *t_out = t;
                *tok_out = j;
                return;
            }
            j = has_children(tk->kind) ? tk->end : j + 1;
        }
    }
}

static int render_block(struct render *r, const struct tmpl *t, size_t i)
{
    const struct tok *tk = &t->toks[i];
    const struct tmpl *bt = t;
    size_t bi = i, old = r->indent.len;
    int rc = enter(r, t, i);

    if (rc)
        return rc;
    find_override(r, tk->str, tk->len, &bt, &bi);
    buf_put(&r->indent, tk->indent, tk->indent_len);
    if (tk->standalone)
        r->pending = 1;
    rc = render_range(r, bt, bi + 1, bt->toks[bi].end);
    buf_truncate(&r->indent, old);
    r->depth--;
    return rc;
}

static int render_range(struct render *r, const struct tmpl *t, size_t from,
                        size_t to)
{
    size_t i = from;
    int rc = 0;

    while (i < to && rc == 0) {
        const struct tok *tk = &t->toks[i];

        switch (tk->kind) {
        case TOK_TEXT:
            put(r, tk->str, tk->len, 0);
            if (tk->len)
                r->pending = tk->str[tk->len - 1] == '\n';
            break;
        case TOK_VAR:
        case TOK_RAW:
            put_value(r, lookup(r, tk->str, tk->len), tk->kind == TOK_VAR);
            break;
        case TOK_SECTION:
        case TOK_INVERTED:
            rc = render_section(r, t, i);
            break;
        case TOK_PARTIAL:
            rc = render_partial(r, t, i);
            break;
        case TOK_PARENT:
            rc = render_parent(r, t, i);
            break;
        case TOK_BLOCK:
            rc = render_block(r, t, i);
            break;
        }
        i = has_children(tk->kind) ? tk->end : i + 1;
    }
    return rc;
}

int tmpl_render(struct buf *out, const char *tmpl, size_t len, json_t *ctx,
                const struct tmpl_opts *opts)
{
    static const struct tmpl_opts defaults;
    struct render r;
    struct tmpl t;
    size_t i;
    int rc;

    if (!opts)
        opts = &defaults;
    memset(&t, 0, sizeof(t));
    memset(&r, 0, sizeof(r));
    t.name = opts->name ? opts->name : "template";
    buf_init(&r.indent);
    rc = parse(&t, tmpl, len);
    if (rc)
        goto cleanup;
    r.out = out;
    r.opts = opts;
    r.escape = opts->escape ? opts->escape : tmpl_escape_html;
    r.pending = 1;
    if (ctx)
        push_ctx(&r, ctx);
    rc = render_range(&r, &t, 0, t.len);
cleanup:
    for (i = 0; i < r.ncache; i++) {
        if (r.cache[i].t)
            free(r.cache[i].t->toks);
        free(r.cache[i].t);
        free(r.cache[i].name);
    }
    free(r.cache);
    free(r.frames);
    free(r.ctx);
    buf_release(&r.indent);
    free(t.toks);
    return rc;
}

void tmpl_escape_html(struct buf *out, const char *s, size_t len)
{
    size_t i, done = 0;

    for (i = 0; i < len; i++) {
        const char *rep;

        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        default:
            continue;
        }
        buf_put(out, s + done, i - done);
        buf_puts(out, rep);
        done = i + 1;
    }
    buf_put(out, s + done, len - done);
}
