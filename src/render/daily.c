/* SPDX-License-Identifier: MIT */
/*
 * The daily update (see daily.h): per-format conversions of note text, the
 * Slack length budget applied to the context, and the final render.
 */
#include "render/daily.h"

#include <stdio.h>
#include <string.h>

#include "view/context.h"
#include "render/escape.h"
#include "render/html.h"
#include "render/mrkdwn.h"
#include "render/templates.h"
#include "util/err.h"
#include "util/utf8.h"

#define ELLIPSIS "\xe2\x80\xa6"
#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */
#define GRAVE_LOOKALIKE "\xcb\x8b" /* U+02CB, stands in for a backtick */

/* What the Slack message says when it had to be cut. */
#define TRIMMED_NOTE "\n_(trimmed: the update was too long for Slack; " \
                     "run `lablog report` for the full log)_\n"

static const char *const template_names[] = {
    "daily.slack.mustache", "daily.text.mustache", "daily.md.mustache"
};

/* ---- conversions ------------------------------------------------------- */

/* Plain text for a terminal: control characters other than newline and
 * tab become U+FFFD, so a value cannot send escape sequences. */
static void escape_text(struct buf *out, const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            buf_puts(out, REPLACEMENT);
        else
            buf_putc(out, c);
    }
}

/* A cut point at most max bytes into s that splits no character, no
 * &entity; and no <link|label>. */
static size_t slack_cut(const char *s, size_t len, size_t max)
{
    size_t cut = utf8_truncate_len(s, len, max);
    size_t i;

    for (i = cut; i > 0 && cut - i < 8; i--) {
        if (s[i - 1] == ';')
            break;
        if (s[i - 1] == '&') {
            cut = i - 1;
            break;
        }
    }
    for (i = cut; i > 0; i--) {
        if (s[i - 1] == '>')
            break;
        if (s[i - 1] == '<') {
            cut = i - 1;
            break;
        }
    }
    return cut;
}

/* Joins the paragraphs of out[from..] with single newlines (blank lines
 * inside ``` code blocks stay), so a note reads as one bullet. */
static void close_paragraphs(struct buf *out, size_t from)
{
    size_t i, w = from;
    int code = 0;

    for (i = from; i < out->len; i++) {
        if (out->len - i >= 3 && memcmp(out->ptr + i, "```", 3) == 0) {
            code = !code;
            out->ptr[w++] = out->ptr[i++];
            out->ptr[w++] = out->ptr[i++];
        }
        if (!code && out->ptr[i] == '\n' && w > from
            && out->ptr[w - 1] == '\n')
            continue;
        out->ptr[w++] = out->ptr[i];
    }
    buf_truncate(out, w);
}

/* How many ``` fences s holds. */
static size_t fences(const char *s, size_t len)
{
    size_t i, n = 0;

    for (i = 0; i + 3 <= len; i++) {
        if (memcmp(s + i, "```", 3) == 0) {
            n++;
            i += 2;
        }
    }
    return n;
}

static void markup_slack(struct buf *out, const char *md, size_t len)
{
    size_t from = out->len, cut;

    mrkdwn_from_markdown(out, md, len);
    close_paragraphs(out, from);
    if (out->len - from <= DAILY_SLACK_MAX_ITEM)
        return;
    cut = slack_cut(out->ptr + from, out->len - from,
                    DAILY_SLACK_MAX_ITEM - strlen(ELLIPSIS) - 4);
    buf_truncate(out, from + cut);
    buf_puts(out, ELLIPSIS);
    if (fences(out->ptr + from, out->len - from) % 2)
        buf_puts(out, "\n```"); /* close the code block the cut opened */
}

/* Plain text, continued on lines indented by two spaces (blank lines stay
 * empty) so it stays under its "- " bullet. */
static void markup_text(struct buf *out, const char *md, size_t len)
{
    struct buf tmp = BUF_INIT;
    size_t i;

    plain_from_markdown(&tmp, md, len);
    for (i = 0; i < tmp.len; i++) {
        buf_putc(out, tmp.ptr[i]);
        if (tmp.ptr[i] == '\n' && i + 1 < tmp.len && tmp.ptr[i + 1] != '\n')
            buf_puts(out, "  ");
    }
    buf_release(&tmp);
}

/* `command` for Slack: backticks would end the code span. */
static void code_slack(struct buf *out, const char *s, size_t len)
{
    size_t i, start = 0;

    buf_putc(out, '`');
    for (i = 0; i < len; i++) {
        if (s[i] != '`' && s[i] != '\n')
            continue;
        escape_slack(out, s + start, i - start);
        buf_puts(out, s[i] == '`' ? GRAVE_LOOKALIKE : " ");
        start = i + 1;
    }
    escape_slack(out, s + start, len - start);
    buf_putc(out, '`');
}

static void code_text(struct buf *out, const char *s, size_t len)
{
    escape_text(out, s, len);
}

/* ---- the Slack budget -------------------------------------------------- */

static size_t str_len(json_t *o, const char *key)
{
    return json_string_length(json_object_get(o, key));
}

/* Roughly what one item of a list adds to the message. */
static size_t item_size(json_t *it)
{
    static const char *const keys[] = {
        "body", "exp", "closed_body", "excerpt", "retract_reason", "name",
        "distinct_params_short", "event_text", "key_results",
        "event_message"
    };
    size_t i, n = 16; /* bullet, labels, punctuation */

    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        n += str_len(it, keys[i]);
    return n;
}

static size_t list_size(json_t *ctx, const char *key)
{
    json_t *list = json_object_get(ctx, key);
    size_t i, n = 0;

    for (i = 0; i < json_array_size(list); i++)
        n += item_size(json_array_get(list, i));
    return n;
}

static size_t lists_size(json_t *ctx, const char *const *keys)
{
    size_t n = 0, k;

    for (k = 0; keys[k]; k++)
        n += list_size(ctx, keys[k]);
    return n;
}

/* Drops items from the end of list key until the section (of size *used)
 * fits in budget, at least one item kept; records "KEY_more". */
static void cut_list(json_t *ctx, const char *key, size_t *used,
                     size_t budget)
{
    json_t *list = json_object_get(ctx, key);
    size_t n = json_array_size(list), kept = n;
    char more[64];

    while (*used > budget && kept > 1) {
        *used -= item_size(json_array_get(list, kept - 1));
        json_array_remove(list, --kept);
    }
    if (kept == n)
        return;
    snprintf(more, sizeof(more), "%s_more", key);
    json_object_set_new(ctx, more, json_integer((json_int_t)(n - kept)));
    json_object_set_new(ctx, "trimmed", json_true());
}

/* Shortens one text key of every item of list to at most max bytes (an
 * ellipsis marks the cut), for lists that are never dropped. */
static void shorten_list(json_t *ctx, const char *key, const char *field,
                         size_t max)
{
    json_t *list = json_object_get(ctx, key);
    size_t i;

    for (i = 0; i < json_array_size(list); i++) {
        json_t *it = json_array_get(list, i);
        const char *text = json_string_value(json_object_get(it, field));
        size_t len = text ? strlen(text) : 0, cut;
        struct buf b = BUF_INIT;

        if (len <= max)
            continue;
        cut = slack_cut(text, len, max - strlen(ELLIPSIS));
        buf_put(&b, text, cut);
        buf_puts(&b, ELLIPSIS);
        if (fences(b.ptr, b.len) % 2)
            buf_puts(&b, "\n```");
        json_object_set_new(it, field, json_stringn(b.ptr, b.len));
        buf_release(&b);
        json_object_set_new(ctx, "trimmed", json_true());
    }
}

/*
 * One section of the update in budget bytes. The lists in keep are never
 * dropped (takeaways, decisions, next steps, blockers): when they alone are
 * too long their items are shortened, and only when even that is not
 * enough are their last items counted in "KEY_more". The lists in cut go,
 * last first, before any of that.
 */
static void fit_section(json_t *ctx, const char *const *keep,
                        const char *const *cut, size_t budget)
{
    static const size_t shorter[] = { 300, 160 };
    size_t used = lists_size(ctx, keep) + lists_size(ctx, cut), k, n, i;

    for (n = 0; cut[n]; n++)
        ;
    for (k = n; k-- > 0 && used > budget;)
        cut_list(ctx, cut[k], &used, budget);
    for (i = 0; i < 2 && used > budget; i++) {
        for (k = 0; keep[k]; k++)
            shorten_list(ctx, keep[k], "body", shorter[i]);
        used = lists_size(ctx, keep) + lists_size(ctx, cut);
    }
    /* The last resort: the ends of the kept lists, counted. */
    for (n = 0; keep[n]; n++)
        ;
    for (k = n; k-- > 0 && used > budget;)
        cut_list(ctx, keep[k], &used, budget);
}

static void fit_slack(json_t *ctx)
{
    static const char *const last_keep[] = { "takeaways", "decisions", NULL };
    static const char *const last_cut[] = {
        "last", "other_notes", "next_done", "blockers_resolved",
        "questions_answered", "attachments", "retracted", NULL
    };
    static const char *const next_keep[] = { "next_open", NULL };
    static const char *const none[] = { NULL };
    static const char *const blockers_keep[] = { "blockers_open", NULL };
    static const char *const blockers_cut[] = { "questions_open", NULL };
    size_t budget = DAILY_SLACK_MAX_SECTION - 200; /* heads and notes */

    /* Too long: experiments collapse into their groups before anything
     * is cut ("lr sweep, 4 x 3 seeds: best lr=0.3, ..."). */
    if (lists_size(ctx, last_keep) + lists_size(ctx, last_cut) > budget) {
        json_t *grouped = json_object_get(ctx, "last_grouped");

        if (json_array_size(grouped)
            < json_array_size(json_object_get(ctx, "last"))) {
            json_object_set(ctx, "last", grouped);
            json_object_set_new(ctx, "trimmed", json_true());
        }
    }
    fit_section(ctx, last_keep, last_cut, budget);
    fit_section(ctx, next_keep, none, budget);
    fit_section(ctx, blockers_keep, blockers_cut, budget);
}

/* Cuts a rendered message longer than DAILY_SLACK_MAX_TOTAL at a line end
 * and says so. */
static void fit_total(struct buf *out, size_t from)
{
    size_t room = DAILY_SLACK_MAX_TOTAL - strlen(TRIMMED_NOTE);
    const char *s = out->ptr + from;
    size_t cut;

    if (out->len - from <= DAILY_SLACK_MAX_TOTAL)
        return;
    cut = room;
    while (cut > 0 && s[cut - 1] != '\n')
        cut--;
    if (cut == 0) /* one enormous line */
        cut = slack_cut(s, out->len - from, room);
    while (cut > 0 && s[cut - 1] == '\n')
        cut--;
    buf_truncate(out, from + cut);
    buf_puts(out, TRIMMED_NOTE);
}

/* ---- rendering --------------------------------------------------------- */

int daily_context(json_t **out, const struct view *v,
                  const struct daily_opts *o)
{
    static context_text_fn *const markups[] = {
        markup_slack, markup_text, html_safe_markdown_item
    };
    static context_text_fn *const codes[] = {
        code_slack, code_text, html_markdown_code
    };
    struct context_opts co;
    json_t *ctx;

    *out = NULL;
    memset(&co, 0, sizeof(co));
    co.now = o->now;
    co.author = o->author;
    co.markup = markups[o->format];
    co.code = codes[o->format];
    ctx = context_view(v, &co);
    json_object_set_new(ctx, "format",
                        json_string(daily_format_name(o->format)));
    if (o->format == DAILY_SLACK)
        fit_slack(ctx);
    *out = ctx;
    return 0;
}

/* Ends the output with exactly one newline. */
static void end_line(struct buf *out, size_t from)
{
    while (out->len > from && (out->ptr[out->len - 1] == '\n'
                               || out->ptr[out->len - 1] == ' '))
        buf_truncate(out, out->len - 1);
    buf_putc(out, '\n');
}

int daily_render(struct buf *out, const struct view *v,
                 const struct daily_opts *o)
{
    static tmpl_escape_fn *const escapes[] = {
        escape_slack, escape_text, escape_md_inline
    };
    struct template_file t = TEMPLATE_FILE_INIT;
    json_t *ctx = NULL;
    size_t from = out->len;
    int rc = templates_load(&t, template_names[o->format], o->template_file);

    if (rc)
        goto cleanup;
    rc = daily_context(&ctx, v, o);
    if (rc)
        goto cleanup;
    rc = templates_render(out, &t, ctx, escapes[o->format]);
    if (rc)
        goto cleanup;
    end_line(out, from);
    if (o->format == DAILY_SLACK)
        fit_total(out, from);
cleanup:
    json_decref(ctx);
    templates_release(&t);
    return rc;
}
