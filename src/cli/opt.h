/* SPDX-License-Identifier: MIT */
/*
 * Declarative command-line options. One table per command drives parsing,
 * the usage line and --help, so the help can never disagree with the parser.
 *
 *   static const char *str_exp;
 *   static int takeaway;
 *   static const struct opt opts[] = {
 *       { OPT_STRING, 0, "exp", &str_exp, "NAME", "the experiment" },
 *       { OPT_FLAG, 0, "takeaway", &takeaway, NULL, "mark as a takeaway" },
 *       { OPT_END }
 *   };
 *
 * Long options take "--name VALUE" or "--name=VALUE"; short ones "-m VALUE".
 * Options and operands may be mixed; "--" ends the options. "-" alone is an
 * operand (stdin).
 */
#ifndef LABLOG_CLI_OPT_H
#define LABLOG_CLI_OPT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum opt_type {
    OPT_END,    /* terminates the table */
    OPT_FLAG,   /* int *: set to 1 */
    OPT_STRING, /* const char **: the argument (borrowed from argv) */
    OPT_INT,    /* int64_t *: a decimal integer */
    OPT_LIST,   /* struct opt_list *: repeatable, collects arguments */
    OPT_VERB    /* not an option: a verb of a command group (exp new|...),
                   listed in the help; long_name is the verb, arg_name its
                   operands ("NAME" or NULL), help its summary */
};

struct opt {
    enum opt_type type;
    char short_name;       /* 0 when none */
    const char *long_name; /* without the dashes */
    void *value;           /* where the result goes, see enum opt_type */
    const char *arg_name;  /* "NAME" in the help; NULL for flags */
    const char *help;      /* one line */
};

struct opt_list {
    const char **items; /* borrowed from argv; the array is owned */
    size_t len, cap;
};

/* What a command tells the parser and the help printer. */
struct opt_command {
    const char *usage;       /* after "usage: lablog ", e.g. "note [TEXT|-]" */
    const char *summary;     /* one sentence */
    const struct opt *opts;  /* the table */
    const char *details;     /* more help text, or NULL */
    int stop_at_operand;     /* options end at the first operand (run) */
};

/* Result of opt_parse beyond plain success. */
#define OPT_HELP 1 /* --help was given and printed: exit 0 */

/*
 * Parses argv[1..argc-1] (argv[0] is the command name). Operands are stored
 * in *operands (an array the caller frees with free(); its strings are
 * borrowed from argv) and counted in *noperands. Returns 0, OPT_HELP, or
 * LL_EUSAGE with a message.
 */
int opt_parse(const struct opt_command *cmd, int argc, char **argv,
              char ***operands, int *noperands);

/*
 * Prints the full help of a command, or, when a help sink is set, hands
 * cmd to the sink instead. Commands print their help only through here
 * (opt_parse() does it for --help), so the man page and the shell
 * completion, which set a sink and run each command with --help, are
 * generated from the very tables the parser uses.
 */
void opt_print_help(const struct opt_command *cmd, FILE *out);

/*
 * The sink, for describing commands without running them: while one is
 * set, opt_parse() hands its command, argc and argv to the sink and returns
 * OPT_HELP without parsing, and opt_print_help() hands over its command
 * (argc 0, argv NULL). Either way the command returns before doing
 * anything. cmd is valid during the call only. NULL restores normal work.
 */
typedef void opt_help_sink(void *ctx, const struct opt_command *cmd,
                           int argc, char **argv);
void opt_set_help_sink(opt_help_sink *fn, void *ctx);

/* What opt_scan() finds in a command line without parsing it for real. */
#define OPT_SCAN_MAX_DB 8
struct opt_scan {
    int help;               /* --help or -h would be reached */
    int bad;                /* an unknown option or a missing value would
                               be reached: the parse fails */
    const char *db;         /* the last global --db value, or NULL */
    char **db_at[OPT_SCAN_MAX_DB]; /* where each --db starts in argv */
    int db_len[OPT_SCAN_MAX_DB];   /* 1 (--db=P) or 2 (--db P) slots */
    size_t ndb;
};

/*
 * Walks argv[1..argc-1] with cmd's rules (option values, "--", operands
 * ending the options of a stop_at_operand command) and reports whether
 * --help would be reached and where the global option --db appears (when
 * cmd has no option of that name). Stops at the first unknown option; the
 * real parse reports it. Fills *out; never fails.
 */
void opt_scan(const struct opt_command *cmd, int argc, char **argv,
              struct opt_scan *out);

/* Releases a list's array. */
void opt_list_release(struct opt_list *l);

#endif
