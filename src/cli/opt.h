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
    OPT_LIST    /* struct opt_list *: repeatable, collects arguments */
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

/* Prints the full help of a command. */
void opt_print_help(const struct opt_command *cmd, FILE *out);

/* Releases a list's array. */
void opt_list_release(struct opt_list *l);

#endif
