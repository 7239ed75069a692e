/* SPDX-License-Identifier: MIT */
/*
 * `lablog help`: the overview, one command's help, the manual page
 * (`help --man`, roff) and shell completion candidates (`__complete`).
 *
 * None of them keeps a second copy of what the commands accept: each
 * command is run with --help while a help sink is set (cli/opt.h), and the
 * option table it hands to the parser is what gets printed. So the man page
 * and the completion are generated from the very tables that parse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/suggest.h"
#include "view/view.h"

#define LABLOG_VERSION_TEXT "0.1.0"

static const char overview_usage[] =
    "usage: lablog [--db PATH] COMMAND [ARGS...]\n"
    "       lablog --version | --help | help COMMAND\n";

const struct cmd *cli_find_command(const char *name)
{
    const struct cmd *c;

    for (c = lablog_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

void cli_unknown_command(const char *name)
{
    const struct cmd *c;
    struct suggest s;

    suggest_init(&s, name);
    for (c = lablog_commands; c->name; c++)
        if (!(c->flags & CMD_HIDDEN))
            suggest_add(&s, c->name);
    if (s.best)
        fprintf(stderr, "lablog: error: unknown command '%s' (did you mean "
                "'%s'? see 'lablog help')\n", name, s.best);
    else
        fprintf(stderr, "lablog: error: unknown command '%s' (see 'lablog "
                "help')\n", name);
}

void cli_print_overview(FILE *out)
{
    const struct cmd *c;

    fputs(overview_usage, out);
    fputs("\nA research log in SQLite: log experiments, metrics and notes as "
          "they come in;\nrender daily updates, reports and meeting "
          "slides.\n\ncommands:\n", out);
    for (c = lablog_commands; c->name; c++)
        if (!(c->flags & CMD_HIDDEN))
            fprintf(out, "  %-12s %s\n", c->name, c->summary);
    fputs("\nglobal options (before or after the command):\n"
          "  --db PATH   use this log (default: $LABLOG_DB, else lablog.db "
          "here or above)\n"
          "\n'lablog COMMAND --help' describes a command; 'man lablog' has "
          "everything.\n"
          "\nexit status: 0 success; 1 failure (error, bad input, verify "
          "mismatch,\nfailed post); 2 usage error; 'run' exits with its "
          "command's status.\n", out);
}

/* ---- describing every command ------------------------------------------ */

typedef void describe_fn(void *ctx, const struct cmd *c, const char *verb,
                         const struct opt_command *oc);

/* Whether the command is a group of verbs (exp). */
static int has_verbs(const struct opt_command *oc)
{
    const struct opt *o;

    for (o = oc->opts; o && o->type != OPT_END; o++)
        if (o->type == OPT_VERB)
            return 1;
    return 0;
}

struct describe {
    describe_fn *fn;
    void *ctx;
    const struct cmd *c;
    const char *verb;               /* NULL for the command itself */
    const struct opt *verbs;        /* the group's table, once seen */
    int seen;                       /* the sink was called */
};

static void describe_sink(void *ctx, const struct opt_command *oc, int argc,
                          char **argv)
{
    struct describe *d = ctx;

    (void)argc;
    (void)argv;
    if (d->seen++)
        return;
    if (!d->verb && has_verbs(oc))
        d->verbs = oc->opts;
    if (d->fn)
        d->fn(d->ctx, d->c, d->verb, oc);
}

/* Runs c with argv under the sink; d->seen says whether it described
 * itself. */
static int describe_run(struct describe *d, const struct cmd *c, int argc,
                        char **argv, struct app *app)
{
    cmd_fn *fn;
    int rc = cli_resolve(c, &fn);

    if (rc)
        return rc;
    d->c = c;
    d->seen = 0;
    opt_set_help_sink(describe_sink, d);
    fn(argc, argv, app);
    opt_set_help_sink(NULL, NULL);
    ll_error_clear();
    return 0;
}

/* Calls fn for every listed command and then each of its verbs. */
static int describe_all(struct app *app, describe_fn *fn, void *ctx)
{
    const struct cmd *c;
    struct describe d = { fn, ctx, NULL, NULL, NULL, 0 };
    const struct opt *v;
    int rc = 0;

    for (c = lablog_commands; rc == 0 && c->name; c++) {
        char *args[] = { (char *)c->name, (char *)"--help", NULL, NULL };

        if (c->flags & CMD_HIDDEN)
            continue;
        d.verb = NULL;
        d.verbs = NULL;
        rc = describe_run(&d, c, 2, args, app);
        for (v = d.verbs; rc == 0 && v && v->type != OPT_END; v++) {
            if (v->type != OPT_VERB)
                continue;
            args[1] = (char *)v->long_name;
            args[2] = (char *)"--help";
            d.verb = v->long_name;
            rc = describe_run(&d, c, 3, args, app);
        }
    }
    return rc;
}

/* ---- the manual page -------------------------------------------------- */

/* Writes text for roff: backslashes escaped, dashes as \-, and a line
 * starting with '.' or '\'' protected. */
static void roff(FILE *out, const char *text)
{
    int bol = 1;
    const char *p;

    for (p = text; *p; p++) {
        if (bol && (*p == '.' || *p == '\''))
            fputs("\\&", out);
        bol = *p == '\n';
        if (*p == '\\')
            fputs("\\e", out);
        else if (*p == '-')
            fputs("\\-", out);
        else
            fputc(*p, out);
    }
}

static void man_option(FILE *out, const struct opt *o)
{
    fputs(".TP\n", out);
    if (o->short_name)
        fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
    fputs("\\fB\\-\\-", out);
    roff(out, o->long_name);
    fputs("\\fR", out);
    if (o->arg_name) {
        fputs(" \\fI", out);
        roff(out, o->arg_name);
        fputs("\\fR", out);
    }
    fputc('\n', out);
    roff(out, o->help);
    if (o->type == OPT_LIST)
        fputs(" (repeatable)", out);
    fputc('\n', out);
}

static void man_command(void *ctx, const struct cmd *c, const char *verb,
                        const struct opt_command *oc)
{
    FILE *out = ctx;
    const struct opt *o;
    const char *p;

    (void)c;
    (void)verb;
    fputs(".SS \"lablog ", out);
    for (p = oc->usage; *p; p++) {
        if (*p == '"')
            fputs("\\(dq", out);
        else if (*p == '\\')
            fputs("\\e", out);
        else if (*p == '-')
            fputs("\\-", out);
        else
            fputc(*p, out);
    }
    fputs("\"\n", out);
    roff(out, oc->summary);
    fputc('\n', out);
    for (o = oc->opts; o && o->type != OPT_END; o++) {
        if (o->type != OPT_VERB)
            continue;
        fprintf(out, ".TP\n\\fB%s\\fR", o->long_name);
        if (o->arg_name) {
            fputs(" \\fI", out);
            roff(out, o->arg_name);
            fputs("\\fR", out);
        }
        fputc('\n', out);
        roff(out, o->help);
        fputc('\n', out);
    }
    for (o = oc->opts; o && o->type != OPT_END; o++)
        if (o->type != OPT_VERB)
            man_option(out, o);
    if (oc->details) {
        struct buf b = BUF_INIT;
        const char *d = oc->details;

        /* Paragraphs are separated by blank lines. */
        fputs(".PP\n", out);
        while (*d) {
            size_t n = strcspn(d, "\n");

            buf_reset(&b);
            buf_put(&b, d, n);
            if (n == 0)
                fputs(".PP\n", out);
            else {
                roff(out, b.ptr);
                fputc('\n', out);
            }
            d += n + (d[n] == '\n');
        }
        buf_release(&b);
    }
}

static const char man_head[] =
    ".TH LABLOG 1 \"\" \"lablog " LABLOG_VERSION_TEXT "\" \"User Commands\"\n"
    ".SH NAME\n"
    "lablog \\- an append\\-only research log in SQLite, rendered as daily "
    "updates, reports and slides\n"
    ".SH SYNOPSIS\n"
    ".B lablog\n"
    "[\\fB\\-\\-db\\fR \\fIPATH\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR...]\n"
    ".br\n"
    ".B lablog\n"
    "\\fICOMMAND\\fR \\fB\\-\\-help\\fR\n"
    ".SH DESCRIPTION\n"
    "lablog keeps an empirical researcher's log \\(em experiments, metrics "
    "as they stream in, observations, next steps, blockers \\(em in one "
    "append\\-only SQLite file, and renders from it the \\(lqLast / Next / "
    "Blockers\\(rq daily update, a Markdown or HTML research report and the "
    "weekly meeting deck. Nothing logged is ever rewritten: corrections are "
    "new entries, and \\fBlablog verify\\fR proves it.\n"
    ".PP\n"
    "The log is found like git finds its repository: \\fB\\-\\-db\\fR "
    "\\fIPATH\\fR (before or after the command), then \\fB$LABLOG_DB\\fR, "
    "then \\fIlablog.db\\fR in the working directory or the nearest parent.\n"
    ".PP\n"
    "Dates (\\fID\\fR) accept today, yesterday, weekday names, "
    "\\fIN\\fRd and \\fIN\\fRw (days or weeks ago), YYYY\\-MM\\-DD and "
    "ISO\\-8601 times; naive times are local time.\n"
    ".SH COMMANDS\n";

static const char man_tail[] =
    ".SH ENVIRONMENT\n"
    ".TP\n.B LABLOG_DB\nthe log to use when \\fB\\-\\-db\\fR is not given\n"
    ".TP\n.B LABLOG_EXP\nthe default experiment (set by \\fBlablog run\\fR "
    "for its command)\n"
    ".TP\n.B LABLOG_AUTHOR\nthe author of new entries (else git's user.name, "
    "else the login name)\n"
    ".TP\n.B LABLOG_NOW\nan ISO\\-8601 time that replaces the clock (tests, "
    "samples)\n"
    ".TP\n.B LABLOG_SLACK_WEBHOOK\nthe Slack incoming webhook for "
    "\\fBdaily \\-\\-post\\fR\n"
    ".TP\n.B LABLOG_LOST_AFTER\nhow long a running experiment may show no "
    "sign of life before readers show it as lost (10m, 2h; default 10m)\n"
    ".TP\n.BR VISUAL \", \" EDITOR\nthe editor \\fBlablog note\\fR opens "
    "when given no text on a terminal\n"
    ".TP\n.BR LABLOG_PAGER \", \" PAGER\nthe pager for long listings on a "
    "terminal (default less); empty or cat for none\n"
    ".TP\n.B NO_COLOR\nwhen set, no colour even on a terminal\n"
    ".SH FILES\n"
    ".TP\n.I lablog.db\nthe log (SQLite, WAL mode)\n"
    ".TP\n.I lablog.db\\-tails/\nthe output tail of each run going on, "
    "kept by \\fBlablog run\\fR: shown under a lost run\n"
    ".TP\n.I ~/.config/lablog/config\n\\fBslack_webhook = URL\\fR, "
    "\\fBlost_after = 10m\\fR\n"
    ".TP\n.I $XDG_CONFIG_HOME/lablog/templates/\ntemplates that override "
    "the installed ones\n"
    ".SH EXIT STATUS\n"
    "0 on success; 1 on failure (an error, bad input, a verify mismatch, a "
    "failed post); 2 on a usage error; \\fBrun\\fR exits with its command's "
    "status (128+\\fIN\\fR for signal \\fIN\\fR, 127 when it cannot be "
    "started). Errors are one line on standard error, \\fBlablog: error: "
    "FILE:LINE: what is wrong\\fR for bad input, and leave the log as it "
    "was.\n"
    ".SH SEE ALSO\n"
    ".BR sqlite3 (1),\n"
    ".BR git (1)\n";

static int print_man(struct app *app)
{
    int rc;

    fputs(man_head, stdout);
    rc = describe_all(app, man_command, stdout);
    fputs(man_tail, stdout);
    return rc;
}

/* ---- help ------------------------------------------------------------- */

int cmd_help(int argc, char **argv, struct app *app)
{
    int man = 0;
    const struct opt opts[] = {
        { OPT_FLAG, 0, "man", &man, NULL, "print the manual page lablog(1) as roff" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "help [COMMAND [VERB]] [--man]",
        "Describe COMMAND (the same as 'lablog COMMAND --help'), or list "
        "the commands.",
        opts, NULL, 0,
    };
    char *args[] = { NULL, NULL, (char *)"--help", NULL };
    const struct cmd *c;
    char **ops = NULL;
    cmd_fn *fn;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, 2);

    if (rc)
        goto cleanup;
    if (man) {
        rc = print_man(app);
        goto cleanup;
    }
    if (nops == 0) {
        cli_print_overview(stdout);
        goto cleanup;
    }
    c = cli_find_command(ops[0]);
    if (!c || c->flags & CMD_HIDDEN) {
        cli_unknown_command(ops[0]);
        rc = 2;
        goto cleanup;
    }
    rc = cli_resolve(c, &fn);
    if (rc)
        goto cleanup;
    args[0] = ops[0];
    if (nops == 2) {
        args[1] = ops[1];
        rc = fn(3, args, app);
    } else {
        args[1] = args[2];
        args[2] = NULL;
        rc = fn(2, args, app);
    }
cleanup:
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

/* ---- completion ------------------------------------------------------ */

struct complete {
    const char *cur;          /* the word being completed */
    const char *prefix;       /* put before each candidate ("--exp=") */
    struct app *app;
    struct view *view;        /* opened on demand for names and tags */
    int tried_view;
};

static void candidate(struct complete *k, const char *word)
{
    size_t n = strlen(k->cur);

    if (strncmp(word, k->cur, n) == 0)
        printf("%s%s\n", k->prefix, word);
}

static struct view *complete_view(struct complete *k)
{
    struct view_opts vo = { .metrics = VIEW_METRICS_NONE };
    char *path = NULL;

    if (k->tried_view)
        return k->view;
    k->tried_view = 1;
    if (store_find(&path, k->app->db_path) == 0
        && store_open(&k->app->store, path, STORE_READ) == 0
        && view_build(&k->view, k->app->store, &vo) != 0)
        k->view = NULL;
    free(path);
    ll_error_clear();
    return k->view;
}

static void complete_exps(struct complete *k)
{
    struct view *v = complete_view(k);
    size_t i;

    for (i = 0; v && i < v->nexps; i++)
        candidate(k, v->exps[i].name);
}

/* Every tag in use, once; with sign, as "+tag" / "-tag". */
static void complete_tags(struct complete *k, const char *sign)
{
    struct view *v = complete_view(k);
    struct buf seen = BUF_INIT, word = BUF_INIT;
    size_t i, j;

    buf_putc(&seen, '\n');
    for (i = 0; v && i < v->nexps; i++) {
        for (j = 0; j < v->exps[i].ntags; j++) {
            const char *t = v->exps[i].tags[j];

            buf_reset(&word);
            buf_printf(&word, "\n%s\n", t);
            if (strstr(seen.ptr, word.ptr))
                continue;
            buf_printf(&seen, "%s\n", t);
            buf_reset(&word);
            buf_printf(&word, "%s%s", sign, t);
            candidate(k, word.ptr);
        }
    }
    buf_release(&seen);
    buf_release(&word);
}

/* Values of an option that takes one. */
static void complete_value(struct complete *k, const struct opt *o)
{
    const char *a = o->arg_name ? o->arg_name : "";
    int i;

    if (strcmp(o->long_name, "exp") == 0) {
        complete_exps(k);
    } else if (strcmp(o->long_name, "tag") == 0) {
        complete_tags(k, "");
    } else if (strcmp(o->long_name, "kind") == 0) {
        for (i = 0; i < ENTRY_KIND_COUNT; i++)
            candidate(k, entry_kind_name((enum entry_kind)i));
    } else if (strcmp(o->long_name, "status") == 0) {
        static const char *const st[] = { EXP_PLANNED, EXP_RUNNING, EXP_DONE,
                                          EXP_FAILED, EXP_ABANDONED, NULL };
        for (i = 0; st[i]; i++)
            candidate(k, st[i]);
    } else if (strchr(a, '|')) {
        char word[64];

        while (*a) {
            size_t n = strcspn(a, "|");

            snprintf(word, sizeof(word), "%.*s", (int)n, a);
            candidate(k, word);
            a += n + (a[n] == '|');
        }
    }
    /* Anything else (FILE, TEXT, N): nothing, so the shell offers files. */
}

static const struct opt *find_opt(const struct opt_command *oc,
                                  const char *word)
{
    const struct opt *o;
    size_t len;

    if (word[0] != '-' || word[1] == '\0')
        return NULL;
    for (o = oc->opts; o && o->type != OPT_END; o++) {
        if (word[1] != '-') {
            if (word[2] == '\0' && o->short_name == word[1])
                return o;
            continue;
        }
        len = strcspn(word + 2, "=");
        if (strlen(o->long_name) == len
            && strncmp(o->long_name, word + 2, len) == 0)
            return o;
    }
    return NULL;
}

/*
 * The placeholder of operand number idx in a usage line ("NAME" for 0 in
 * "exp show NAME [--json]"), skipping the command words and the arguments
 * of options. "" when there is none.
 */
static void usage_operand(char *out, size_t size, const char *usage,
                          size_t idx)
{
    char tok[128];
    const char *p = usage;
    int after_option = 0;

    *out = '\0';
    while (*p) {
        size_t n = strcspn(p, " ");
        const char *t;

        snprintf(tok, sizeof(tok), "%.*s", (int)n, p);
        p += n + (p[n] == ' ');
        t = tok + strspn(tok, "[");
        if (t[0] >= 'a' && t[0] <= 'z')
            continue; /* command and verb words */
        if (t[0] == '-') {
            after_option = t[strcspn(t, "]")] != ']' || strchr(t, ' ');
            continue;
        }
        if (after_option) {
            after_option = 0;
            continue;
        }
        if (idx-- == 0) {
            snprintf(out, size, "%.*s", (int)strcspn(t, "]|."), t);
            return;
        }
    }
}

static void complete_operand(struct complete *k, const struct opt_command *oc,
                             size_t idx)
{
    char what[64];
    const struct cmd *c;

    usage_operand(what, sizeof(what), oc->usage, idx);
    if (strncmp(oc->usage, "exp tag ", 8) == 0 && idx >= 1) {
        complete_tags(k, k->cur[0] == '-' ? "-" : "+");
        return;
    }
    if (strcmp(what, "NAME") == 0 && strncmp(oc->usage, "exp ", 4) == 0
        && strncmp(oc->usage, "exp new", 7) != 0) {
        complete_exps(k);
    } else if (strcmp(what, "COMMAND") == 0) {
        for (c = lablog_commands; c->name; c++)
            if (!(c->flags & CMD_HIDDEN))
                candidate(k, c->name);
    } else if (strcmp(what, "+T") == 0) {
        complete_tags(k, k->cur[0] == '-' ? "-" : "+");
    }
}

struct capture {
    int seen;
    const struct opt_command *oc; /* valid in the callback only */
    struct complete *k;
    char **words;                 /* the words after the command */
    int nwords;                   /* ... before the current one */
    int verb_given;
};

/* Called with the table of the command (or verb) being completed. */
static void complete_with(void *ctx, const struct opt_command *oc, int argc,
                          char **argv)
{
    static char prefix[96];
    struct capture *cap = ctx;
    struct complete *k = cap->k;
    const struct opt *o, *value_of = NULL;
    size_t operands = 0;
    int i, options_done = 0;

    (void)argc;
    (void)argv;
    if (cap->seen++)
        return;
    if (has_verbs(oc) && !cap->verb_given) {
        for (o = oc->opts; o->type != OPT_END; o++)
            if (o->type == OPT_VERB)
                candidate(k, o->long_name);
        return;
    }
    /* Walk the typed words: option values and operands. */
    for (i = cap->verb_given ? 1 : 0; i < cap->nwords; i++) {
        const char *w = cap->words[i];

        if (value_of) {
            value_of = NULL;
        } else if (!options_done && strcmp(w, "--") == 0) {
            options_done = 1;
        } else if (!options_done && w[0] == '-' && w[1]) {
            o = find_opt(oc, w);
            if (o && o->type != OPT_FLAG && !strchr(w, '='))
                value_of = o;
            else if (!o && strcmp(w, "--db") == 0)
                value_of = NULL, i++;
        } else {
            operands++;
            if (oc->stop_at_operand)
                options_done = 1;
        }
    }
    if (value_of) {
        complete_value(k, value_of);
        return;
    }
    if (!options_done && k->cur[0] == '-') {
        char word[80];

        if (k->cur[1] == '-' && strchr(k->cur, '=')) {
            snprintf(word, sizeof(word), "%.*s", (int)strcspn(k->cur, "="),
                     k->cur);
            o = find_opt(oc, word);
            if (o && o->type != OPT_FLAG) {
                snprintf(prefix, sizeof(prefix), "%s=", word);
                k->prefix = prefix;
                k->cur += strlen(prefix);
                complete_value(k, o);
            }
            return;
        }
        if (strncmp(oc->usage, "exp tag", 7) != 0) {
            for (o = oc->opts; o && o->type != OPT_END; o++) {
                if (o->type == OPT_VERB)
                    continue;
                snprintf(word, sizeof(word), "--%s", o->long_name);
                candidate(k, word);
            }
            candidate(k, "--help");
            candidate(k, "--db");
            return;
        }
    }
    complete_operand(k, oc, operands);
}

int cmd_complete(int argc, char **argv, struct app *app)
{
    const struct opt opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
    const struct opt_command cmd = {
        "__complete -- [WORD...] CURRENT",
        "Print completion candidates for a command line, one per line (used "
        "by the bash and zsh completion scripts).",
        opts, NULL, 1,
    };
    struct complete k = { "", "", app, NULL, 0 };
    struct capture cap = { 0 };
    const struct cmd *c;
    char **ops = NULL, **words;
    char **args = NULL;
    int nops, nwords, i, rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, -1);

    if (rc)
        goto cleanup;
    words = ops;
    nwords = nops;
    /* Global --db before the command. */
    while (nwords > 1 && strcmp(words[0], "--db") == 0) {
        if (nwords == 2) {
            nwords = 0; /* completing the path itself: files */
            goto cleanup;
        }
        app->db_path = words[1];
        words += 2;
        nwords -= 2;
    }
    if (nwords == 0)
        goto cleanup;
    k.cur = words[nwords - 1];
    if (nwords == 1) {
        if (k.cur[0] == '-') {
            candidate(&k, "--db");
            candidate(&k, "--help");
            candidate(&k, "--version");
        } else {
            for (c = lablog_commands; c->name; c++)
                if (!(c->flags & CMD_HIDDEN))
                    candidate(&k, c->name);
        }
        goto cleanup;
    }
    c = cli_find_command(words[0]);
    if (!c || c->flags & CMD_HIDDEN)
        goto cleanup;
    /* A "--db PATH" after the command names the log for names and tags. */
    for (i = 1; i + 1 < nwords - 1; i++)
        if (strcmp(words[i], "--db") == 0)
            app->db_path = words[i + 1];
    cap.k = &k;
    cap.words = words + 1;
    cap.nwords = nwords - 2;
    cap.verb_given = nwords > 2 && words[1][0] != '-';
    /* Describe the command (its verb, when one is typed). */
    args = calloc(4, sizeof(*args));
    if (!args)
        goto cleanup;
    args[0] = words[0];
    args[1] = cap.verb_given ? words[1] : (char *)"--help";
    args[2] = cap.verb_given ? (char *)"--help" : NULL;
    {
        cmd_fn *fn;

        rc = cli_resolve(c, &fn);
        if (rc) {
            rc = 0;
            ll_error_clear();
            goto cleanup;
        }
        opt_set_help_sink(complete_with, &cap);
        fn(cap.verb_given ? 3 : 2, args, app);
        opt_set_help_sink(NULL, NULL);
        ll_error_clear();
    }
cleanup:
    free(args);
    view_free(k.view);
    store_close(app->store);
    app->store = NULL;
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}
