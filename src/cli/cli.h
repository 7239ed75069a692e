/* SPDX-License-Identifier: MIT */
/*
 * The command line: the command table's types, what every command receives,
 * and the helpers commands share.
 *
 * Adding a command:
 *  1. Write cli/cmd_NAME.c (or add a verb to its group's file) with
 *     `int cmd_NAME(int argc, char **argv, struct app *app)`: an opt table
 *     (cli/opt.h) inside the function, parse, validate, call store/view/
 *     render, release, return. Business logic belongs in lower layers.
 *  2. Declare it below and add a row to the table in main.c with its flags
 *     and one-line summary.
 *     A group of verbs (exp, hub, import) prints its own help only through
 *     opt_print_help() with an opt table of OPT_VERB rows, and every verb
 *     parses with cli_parse() before touching the log: main.c and
 *     `help --man` / `__complete` run commands with a help sink to read
 *     their tables (cli/opt.h).
 *  3. Add its line to the tour in README.md and a tests/cli/tNNNN-*.sh
 *     script covering success and each error path.
 *
 * Return value of a command: >= 0 is the exit status; a negative LL_E* code
 * means the message recorded with ll_error() is printed by main.c as
 * "lablog: error: MESSAGE" and the exit status is 2 for LL_EUSAGE, else 1.
 *
 * Ownership: struct app and the store it holds belong to main.c; commands
 * borrow them.
 */
#ifndef LABLOG_CLI_CLI_H
#define LABLOG_CLI_CLI_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/opt.h"
#include "store/store.h"

struct buf;

struct app {
    const char *db_path;  /* --db, or NULL */
    struct store *store;  /* opened by main.c for CMD_NEEDS_DB commands
                             (by the command for CMD_OPENS_LOG) */
    int64_t now;          /* UTC ms: $LABLOG_NOW or the clock */
    const char *author;   /* $LABLOG_AUTHOR, git user.name or login */
    int help;             /* the command line asks for --help: no log */
};

enum cmd_flags {
    CMD_NO_DB = 0,        /* opens no log itself (init, help) */
    CMD_NEEDS_DB = 1 << 0, /* find and open the log for reading */
    CMD_WRITES = 1 << 1,   /* ... for writing */
    CMD_RENDER = 1 << 2,   /* renders: loads lablog-render.so (cli_render) */
    CMD_HIDDEN = 1 << 3,   /* not listed (__complete, debug) */
    CMD_OPENS_LOG = 1 << 4 /* with NEEDS_DB: the command opens the log
                              itself, read-only or for writing as its verb
                              needs (cli_open_log), once it has parsed */
};

typedef int cmd_fn(int argc, char **argv, struct app *app);

struct cmd {
    const char *name;
    cmd_fn *fn;
    int flags;            /* enum cmd_flags */
    const char *summary;  /* one line for 'lablog help' */
};

/* The command table (main.c); NULL-terminated. */
extern const struct cmd lablog_commands[];

cmd_fn cmd_init, cmd_exp, cmd_note, cmd_metric, cmd_ingest, cmd_run;
cmd_fn cmd_metric_info;
cmd_fn cmd_next, cmd_done, cmd_block, cmd_unblock, cmd_ask, cmd_answer;
cmd_fn cmd_decide, cmd_amend, cmd_retract, cmd_attach, cmd_samples;
cmd_fn cmd_log, cmd_show, cmd_search, cmd_export, cmd_verify, cmd_compare;
cmd_fn cmd_velocity;
cmd_fn cmd_origins, cmd_migrate, cmd_debug;
cmd_fn cmd_merge, cmd_clone, cmd_push, cmd_pull, cmd_sync, cmd_remote,
    cmd_env;
cmd_fn cmd_daily, cmd_report, cmd_slides, cmd_plot, cmd_help;
cmd_fn cmd_hub;
cmd_fn cmd_complete, cmd_import;

/* The command's function; for CMD_RENDER commands, loads the plugin
 * (main.c). */
int cli_resolve(const struct cmd *c, cmd_fn **fn_out);

/* ---- help, man page, completion (cli/cmd_help.c) ---------------------- */

/* The command named name (listed or hidden), or NULL. */
const struct cmd *cli_find_command(const char *name);

/* Prints "unknown command 'X' (did you mean 'Y'? ...)" on stderr. */
void cli_unknown_command(const char *name);

/* The overview: usage, every listed command, global options. */
void cli_print_overview(FILE *out);

/* ---- the terminal (cli/term.c) ---------------------------------------- */

/* Whether stdout (as it was before a pager) / stderr get colour. */
int cli_color_out(void);
int cli_color_err(void);
/* The escape that starts a status word's colour ("" without colour), and
 * the one that ends what start started. */
const char *cli_status_color(const char *status);
const char *cli_color_end(const char *start);
/* Sends stdout through the pager when it is a terminal (long listings);
 * main.c calls cli_pager_finish() after the command. */
void cli_pager_start(void);
/* Waits for the pager; returns 1 when one was running. */
int cli_pager_finish(void);

/* ---- helpers shared by commands (cli/common.c) ------------------------ */

/*
 * Parses argv with cmd's table; on --help returns OPT_HELP (the caller
 * returns 0). Checks the operand count is within [min, max] (max < 0: any)
 * and records a usage error otherwise.
 */
int cli_parse(const struct opt_command *cmd, int argc, char **argv,
              char ***operands, int *noperands, int min, int max);

/*
 * Finds and opens the log (--db, $LABLOG_DB, or lablog.db here or in a
 * parent) into app->store: for writing when writes, else read-only (a log
 * without write access reads, and an older format is not migrated). Does
 * nothing when it is open already or the command line asks for --help.
 */
int cli_open_log(struct app *app, int writes);

/* An entry of kind with ts and author from app, everything else empty. */
void cli_entry_init(struct entry *e, const struct app *app,
                    enum entry_kind kind);

/*
 * Before daily, report or slides render (cmd_sync.c): with --offline
 * (offline) nothing; by default the hubs among the remotes; with --pull
 * (pull) every remote; within 2 seconds in all. A remote that cannot be
 * reached (or a log that cannot be written) is one line on stderr, "hub
 * 'lab' unreachable; local data as of ...", and the render goes on: only
 * --pull with --offline is an error (LL_EUSAGE).
 */
int cli_pull_for_render(struct app *app, int pull, int offline);

/*
 * A cluster job's spool ($LABLOG_SPOOL, see `lablog env`; cmd_job.c):
 * cli_spool_pull() brings the spool's feeds into this replica (a job's
 * replica starts empty; its experiment is there); cli_spool_push() appends
 * this replica's new entries to its feed file there. Both do nothing
 * without $LABLOG_SPOOL.
 */
int cli_spool_pull(struct app *app);
int cli_spool_push(struct app *app);

/* Appends this replica's new entries to its feed file in dir (cmd_sync.c):
 * pushes of one replica take turns through a lock file beside the log. */
struct feeddir_push_stats;
int cli_push_dir(struct app *app, const char *dir,
                 struct feeddir_push_stats *pushed);

/* Prints j, indented, and a newline on stdout (j stays the caller's). */
int cli_print_json(const json_t *j);

/* Appends e in its own transaction and prints its id on stdout. */
int cli_append_print(struct app *app, struct entry *e);

/*
 * Resolves the experiment: name (from --exp), else $LABLOG_EXP. *exp_out is
 * 0 when neither is given and required is 0; with required, that is a usage
 * error.
 */
int cli_exp(struct app *app, const char *name, int required,
            int64_t *exp_out);

/*
 * Makes the points of exp written from now on join $LABLOG_ATTEMPT (set by
 * `lablog run` for its child) when that is an attempt of exp; without it,
 * or for another experiment, they join exp's latest attempt.
 */
int cli_join_attempt(struct app *app, int64_t exp);

/*
 * Resolves an entry ("12", "#12", a uid or a unique uid prefix) and
 * checks the entry exists and, when
 * reply is a kind (not -1), that an entry of kind reply may refer to it
 * (model/kind.h). *kind_out (if not NULL) receives its kind.
 */
int cli_entry_ref(struct app *app, const char *arg, int reply,
                  int64_t *id_out, int *kind_out);

/* Reads text: "-" means all of stdin; checks it is valid UTF-8 and not
 * empty. what names it in messages ("note text"). Result in out. */
int cli_text(struct buf *out, const char *arg, const char *what);

/* Checks a user-given string is valid UTF-8 and has no control chars
 * other than newline and tab; what names it in the message. */
int cli_check_text(const char *s, const char *what);

/* Checks an experiment name: letters, digits and -_. only. */
int cli_check_name(const char *name);

/* Parses a date expression (see util/timeutil.h) for option opt. */
int cli_date(int64_t *out_ms, const char *arg, const char *opt,
             const struct app *app);

/* Builds an experiment's data (params from K=V items, tags, the params
 * that are seeds (may be NULL; each must be a param), mode: "explore" or
 * "confirm"); *out is the caller's (free()). */
int cli_exp_data(char **out, const struct opt_list *params,
                 const struct opt_list *tags, const struct opt_list *seeds,
                 const char *mode);

/* exp list / exp show output (cli/exp_print.c). */
int exp_print_list(struct app *app, const char *status, const char *tag,
                   const char *author, int json);
/* attempt: STORE_ATTEMPT_LATEST, STORE_ATTEMPT_ALL or a number. */
int exp_print_show(struct app *app, const char *name, int json,
                   int attempt);

/* export --csv (cli/cmd_compare.c): the runs table (one row per
 * experiment, a column per param and per metric's last value), or with
 * points the long table of every point (exp, attempt, metric, step,
 * value, time_ms), for pandas. */
int cli_export_csv(struct app *app, int points);

/* The render plugin's table (plugin/plugin.h), loaded on first use for
 * command (named in the message when it cannot be loaded). */
struct render_plugin;
int cli_render(const struct render_plugin **out, const char *command);

/* Releases the plugin's caches if it was loaded; main.c calls it at
 * exit. */
void cli_render_cleanup(void);

/* An example named on the command line as EXP:ID (note --sample). */
struct cli_sample {
    char *exp;      /* the experiment's name */
    char *id;       /* the example's id */
    char set_uid[27]; /* uid of the samples set it is in (EXP's newest) */
};

/* Resolves EXP:ID: the experiment exists, has samples, and its newest set
 * has a row with that id. Release with cli_sample_release(). */
int cli_sample_ref(struct app *app, const char *arg, struct cli_sample *out);
void cli_sample_release(struct cli_sample *s);

/* Writes bytes to path atomically (temp file + rename), or to stdout when
 * path is NULL or "-". */
int cli_write_output(const char *path, const char *data, size_t len);

#endif
