/* SPDX-License-Identifier: MIT */
/* Parsing and help text from a command's option table (see opt.h). */
#include "cli/opt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/suggest.h"
#include "util/xalloc.h"

static opt_help_sink *help_sink;
static void *help_sink_ctx;

void opt_set_help_sink(opt_help_sink *fn, void *ctx)
{
    help_sink = fn;
    help_sink_ctx = ctx;
}


static const struct opt *find_long(const struct opt *opts, const char *name,
                                   size_t len)
{
    for (; opts && opts->type != OPT_END; opts++)
        if (opts->type != OPT_VERB && strlen(opts->long_name) == len
            && strncmp(opts->long_name, name, len) == 0)
            return opts;
    return NULL;
}

static const struct opt *find_short(const struct opt *opts, char c)
{
    for (; opts && opts->type != OPT_END; opts++)
        if (opts->type != OPT_VERB && opts->short_name == c)
            return opts;
    return NULL;
}

static int store_value(const struct opt *o, const char *arg)
{
    char *end;
    long long v;
    struct opt_list *l;

    switch (o->type) {
    case OPT_STRING:
        *(const char **)o->value = arg;
        return 0;
    case OPT_INT:
        errno = 0;
        v = strtoll(arg, &end, 10);
        if (errno || end == arg || *end)
            return ll_error(LL_EUSAGE, "--%s expects an integer, not '%s'",
                            o->long_name, arg);
        *(int64_t *)o->value = v;
        return 0;
    case OPT_LIST:
        l = o->value;
        XGROW(l->items, l->len + 1, l->cap);
        l->items[l->len++] = arg;
        return 0;
    default:
        return 0;
    }
}

/* The command part of the usage line: "exp new" of "exp new NAME ...". */
static int usage_words(const char *usage)
{
    const char *p = usage;

    for (;;) {
        size_t n = strcspn(p, " ");

        if (n == 0 || !(p[0] >= 'a' && p[0] <= 'z'))
            break;
        p += n;
        if (*p != ' ')
            break;
        p++;
    }
    while (p > usage && p[-1] == ' ')
        p--;
    return (int)(p - usage);
}

/* "unknown option '--tga' (did you mean '--tag'? see ...)" */
static int unknown_option(const struct opt_command *cmd, const char *arg)
{
    char name[64];
    const struct opt *o;
    struct suggest s;
    int words = usage_words(cmd->usage);

    snprintf(name, sizeof(name), "%.*s", (int)strcspn(arg + 2, "="),
             arg + 2);
    suggest_init(&s, arg[1] == '-' ? name : arg + 1);
    for (o = cmd->opts; o && o->type != OPT_END; o++)
        if (o->type != OPT_VERB)
            suggest_add(&s, o->long_name);
    suggest_add(&s, "help");
    if (s.best)
        return ll_error(LL_EUSAGE, "unknown option '%s' (did you mean "
                        "'--%s'? see 'lablog %.*s --help')", arg, s.best,
                        words, cmd->usage);
    return ll_error(LL_EUSAGE, "unknown option '%s' (see 'lablog %.*s "
                    "--help')", arg, words, cmd->usage);
}

/* Handles argv[*i], an option; advances *i past a separate argument. */
static int parse_option(const struct opt_command *cmd, int argc, char **argv,
                        int *i)
{
    const char *a = argv[*i];
    const char *inline_arg = NULL;
    const struct opt *o;

    if (a[1] == '-') {
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);

        o = find_long(cmd->opts, name, len);
        if (eq)
            inline_arg = eq + 1;
    } else {
        o = a[2] == '\0' ? find_short(cmd->opts, a[1]) : NULL;
    }
    if (!o)
        return unknown_option(cmd, a);
    if (o->type == OPT_FLAG) {
        if (inline_arg)
            return ll_error(LL_EUSAGE, "--%s takes no value", o->long_name);
        *(int *)o->value = 1;
        return 0;
    }
    if (!inline_arg) {
        if (*i + 1 >= argc)
            return ll_error(LL_EUSAGE, "--%s needs a value (%s)",
                            o->long_name, o->arg_name);
        inline_arg = argv[++*i];
    }
    return store_value(o, inline_arg);
}

int opt_parse(const struct opt_command *cmd, int argc, char **argv,
              char ***operands, int *noperands)
{
    char **ops;
    int n = 0, i, only_operands = 0, rc = 0;

    if (help_sink) {
        help_sink(help_sink_ctx, cmd, argc, argv);
        *operands = NULL;
        *noperands = 0;
        return OPT_HELP;
    }
    ops = xcalloc((size_t)argc + 1, sizeof(*ops));
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (only_operands || a[0] != '-' || a[1] == '\0') {
            ops[n++] = argv[i];
            if (cmd->stop_at_operand)
                only_operands = 1;
        } else if (strcmp(a, "--") == 0) {
            only_operands = 1;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            opt_print_help(cmd, stdout);
            rc = OPT_HELP;
            break;
        } else {
            rc = parse_option(cmd, argc, argv, &i);
            if (rc)
                break;
        }
    }
    if (rc) {
        free(ops);
        *operands = NULL;
        *noperands = 0;
        return rc;
    }
    *operands = ops;
    *noperands = n;
    return 0;
}

void opt_scan(const struct opt_command *cmd, int argc, char **argv,
              struct opt_scan *out)
{
    int i, db_is_global = !find_long(cmd->opts, "db", 2);

    memset(out, 0, sizeof(*out));
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *eq;
        const struct opt *o;
        size_t len;

        if (a[0] != '-' || a[1] == '\0') {
            if (cmd->stop_at_operand)
                return;
            continue;
        }
        if (strcmp(a, "--") == 0)
            return;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            out->help = 1;
            return;
        }
        eq = a[1] == '-' ? strchr(a + 2, '=') : NULL;
        len = a[1] == '-' ? (eq ? (size_t)(eq - a - 2) : strlen(a + 2)) : 0;
        if (db_is_global && a[1] == '-' && len == 2
            && strncmp(a + 2, "db", 2) == 0) {
            if (!eq && i + 1 >= argc) {
                out->bad = 1;
                return;
            }
            if (out->ndb < OPT_SCAN_MAX_DB) {
                out->db_at[out->ndb] = &argv[i];
                out->db_len[out->ndb++] = eq ? 1 : 2;
            }
            out->db = eq ? eq + 1 : argv[i + 1];
            i += !eq;
            continue;
        }
        o = a[1] == '-' ? find_long(cmd->opts, a + 2, len)
            : a[2] == '\0' ? find_short(cmd->opts, a[1]) : NULL;
        if (!o || (o->type != OPT_FLAG && !eq && i + 1 >= argc)) {
            out->bad = 1;
            return;
        }
        if (o->type != OPT_FLAG && !eq)
            i++;
    }
}

void opt_print_help(const struct opt_command *cmd, FILE *out)
{
    const struct opt *o;
    int verbs = 0;

    if (help_sink) {
        help_sink(help_sink_ctx, cmd, 0, NULL);
        return;
    }
    fprintf(out, "usage: lablog %s\n\n%s\n", cmd->usage, cmd->summary);
    for (o = cmd->opts; o && o->type != OPT_END; o++) {
        char left[48];

        if (o->type != OPT_VERB)
            continue;
        if (!verbs++)
            fputs("\nverbs:\n", out);
        snprintf(left, sizeof(left), "%s%s%s", o->long_name,
                 o->arg_name ? " " : "", o->arg_name ? o->arg_name : "");
        fprintf(out, "  %-24s %s\n", left, o->help);
    }
    fputs("\noptions:\n", out);
    if (cmd->opts) {
        for (o = cmd->opts; o->type != OPT_END; o++) {
            char left[48];

            if (o->type == OPT_VERB)
                continue;

            if (o->short_name)
                snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name,
                         o->long_name, o->arg_name ? " " : "",
                         o->arg_name ? o->arg_name : "");
            else
                snprintf(left, sizeof(left), "--%s%s%s", o->long_name,
                         o->arg_name ? " " : "",
                         o->arg_name ? o->arg_name : "");
            fprintf(out, "  %-24s %s%s\n", left, o->help,
                    o->type == OPT_LIST ? " (repeatable)" : "");
        }
    }
    fputs("  -h, --help               show this help\n", out);
    if (cmd->details)
        fprintf(out, "\n%s", cmd->details);
}

void opt_list_release(struct opt_list *l)
{
    free(l->items);
    l->items = NULL;
    l->len = l->cap = 0;
}
