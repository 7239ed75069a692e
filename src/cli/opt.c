/* SPDX-License-Identifier: MIT */
/* Parsing and help text from a command's option table (see opt.h). */
#include "cli/opt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/xalloc.h"

static const struct opt *find_long(const struct opt *opts, const char *name,
                                   size_t len)
{
    for (; opts->type != OPT_END; opts++)
        if (strlen(opts->long_name) == len
            && strncmp(opts->long_name, name, len) == 0)
            return opts;
    return NULL;
}

static const struct opt *find_short(const struct opt *opts, char c)
{
    for (; opts->type != OPT_END; opts++)
        if (opts->short_name == c)
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
        return ll_error(LL_EUSAGE, "unknown option '%s' (see 'lablog %.*s "
                        "--help')", a, (int)strcspn(cmd->usage, " "),
                        cmd->usage);
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
    char **ops = xcalloc((size_t)argc + 1, sizeof(*ops));
    int n = 0, i, only_operands = 0, rc = 0;

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

void opt_print_help(const struct opt_command *cmd, FILE *out)
{
    const struct opt *o;

    fprintf(out, "usage: lablog %s\n\n%s\n", cmd->usage, cmd->summary);
    if (cmd->opts && cmd->opts->type != OPT_END) {
        fputs("\noptions:\n", out);
        for (o = cmd->opts; o->type != OPT_END; o++) {
            char left[48];

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
