/* SPDX-License-Identifier: MIT */
/*
 * The entry commands that take free text: note, block, ask, decide; and
 * those that close or correct an earlier entry: done, unblock, answer,
 * amend, retract. Each is one entry written in one transaction.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/buf.h"
#include "util/err.h"

/* Serialises a JSON object the way every entry's data is written. Caller
 * frees with free(). */
static char *dump_data(json_t *data)
{
    return json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
}

/* A "TEXT [--exp NAME]" entry: note, block, ask, decide. */
static int text_entry(struct app *app, enum entry_kind kind, const char *arg,
                      const char *exp_name, json_t *data, const char *what)
{
    struct buf text = BUF_INIT;
    struct entry e;
    char *data_text = NULL;
    int64_t exp = 0;
    int rc = cli_text(&text, arg, what);

    if (rc == 0)
        rc = cli_exp(app, exp_name, 0, &exp);
    if (rc)
        goto cleanup;
    cli_entry_init(&e, app, kind);
    e.exp = exp;
    e.body = text.ptr;
    if (data) {
        data_text = dump_data(data);
        e.data = data_text;
    }
    rc = cli_append_print(app, &e);
cleanup:
    free(data_text);
    buf_release(&text);
    return rc;
}

#define SCISSORS "# ------------------------ >8 ------------------------"

/*
 * Opens $VISUAL, else $EDITOR, else vi (git's order) on a temporary file
 * and reads back what is above the scissors line, which stays out of the
 * way of Markdown's own '#' headings. An empty note, or an editor that
 * fails, saves nothing.
 */
static int edit_note(struct buf *out, const char *exp, int takeaway)
{
    const char *editor = getenv("VISUAL"), *term = getenv("TERM");
    const char *dir = getenv("TMPDIR");
    char path[4096], chunk[4096];
    struct buf cmd = BUF_INIT;
    FILE *f;
    size_t n;
    int fd, status, rc = 0;
    char *cut;

    if (!editor || !*editor)
        editor = getenv("EDITOR");
    if (!editor || !*editor) {
        if (!term || strcmp(term, "dumb") == 0)
            return ll_error(LL_EUSAGE, "note needs TEXT ('-' reads stdin), "
                            "or $VISUAL or $EDITOR to write it in");
        editor = "vi";
    }
    snprintf(path, sizeof(path), "%s/lablog-note-XXXXXX.md",
             dir && *dir ? dir : "/tmp");
    fd = mkstemps(path, 3);
    if (fd < 0)
        return ll_error(LL_EIO, "cannot create a file for the editor: %s",
                        strerror(errno));
    f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(path);
        return ll_error(LL_EIO, "cannot write '%s': %s", path,
                        strerror(errno));
    }
    fprintf(f, "\n%s\n# Write the note above this line, in Markdown. An "
            "empty note is not saved.\n# It %s%s%s.\n", SCISSORS,
            takeaway ? "is a takeaway" : "is a note",
            exp ? " about " : "", exp ? exp : "");
    fclose(f);
    buf_printf(&cmd, "%s \"$@\"", editor);
    fflush(NULL);
    {
        pid_t pid = fork();

        if (pid == 0) {
            execl("/bin/sh", "sh", "-c", cmd.ptr, editor, path, (char *)NULL);
            _exit(127);
        }
        if (pid < 0 || waitpid(pid, &status, 0) < 0) {
            rc = ll_error(LL_EIO, "cannot run the editor '%s'", editor);
            goto cleanup;
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        rc = ll_error(LL_ERR, "the editor '%s' failed (exit %d); the note "
                      "was not saved", editor,
                      WIFEXITED(status) ? WEXITSTATUS(status) : 128);
        goto cleanup;
    }
    f = fopen(path, "r");
    if (!f) {
        rc = ll_error(LL_EIO, "cannot read '%s': %s", path, strerror(errno));
        goto cleanup;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_put(out, chunk, n);
    fclose(f);
    cut = strstr(out->ptr, SCISSORS);
    if (cut)
        buf_truncate(out, (size_t)(cut - out->ptr));
    while (out->len && strchr(" \t\r\n", out->ptr[out->len - 1]))
        buf_truncate(out, out->len - 1);
    if (strspn(out->ptr, " \t\r\n") == out->len)
        rc = ll_error(LL_ERR, "the note is empty; nothing was saved");
cleanup:
    unlink(path);
    buf_release(&cmd);
    return rc;
}

int cmd_note(int argc, char **argv, struct app *app)
{
    const char *exp = NULL, *sample = NULL;
    int takeaway = 0;
    const struct opt opts[] = {
        { OPT_STRING, 0, "exp", &exp, "NAME", "the experiment it is about (default $LABLOG_EXP)" },
        { OPT_FLAG, 't', "takeaway", &takeaway, NULL, "mark it as a takeaway" },
        { OPT_STRING, 0, "sample", &sample, "EXP:ID", "the example it is about (of EXP's newest samples)" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "note [TEXT|-] [--exp NAME] [--takeaway] [--sample EXP:ID]",
        "Record an observation in Markdown. '-' reads it from stdin; no "
        "TEXT on a terminal opens $VISUAL or $EDITOR, as git commit does.",
        opts, NULL, 0,
    };
    struct cli_sample ref = { NULL, NULL, "" };
    struct buf edited = BUF_INIT;
    json_t *data = NULL;
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, 1);

    if (rc)
        goto cleanup;
    if (!nops && isatty(0)) {
        /* Reading a note from the terminal would just seem to hang:
         * open an editor instead. */
        rc = edit_note(&edited, exp ? exp : getenv("LABLOG_EXP"), takeaway);
        if (rc)
            goto cleanup;
    }
    data = json_object();
    if (takeaway)
        json_object_set_new(data, "takeaway", json_true());
    if (sample) {
        rc = cli_sample_ref(app, sample, &ref);
        if (rc == 0 && exp && strcmp(exp, ref.exp) != 0)
            rc = ll_error(LL_EUSAGE, "--exp %s and --sample %s name "
                          "different experiments", exp, sample);
        if (rc)
            goto cleanup;
        exp = ref.exp;
        json_object_set_new(data, "sample", json_string(ref.id));
        json_object_set_new(data, "sample_set", json_string(ref.set_uid));
    }
    rc = text_entry(app, ENTRY_NOTE, edited.len ? edited.ptr
                                     : nops ? ops[0] : "-", exp,
                    json_object_size(data) ? data : NULL, "note text");
cleanup:
    buf_release(&edited);
    json_decref(data);
    if (sample)
        cli_sample_release(&ref);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

int cmd_next(int argc, char **argv, struct app *app)
{
    const char *exp = NULL;
    int64_t priority = 2, minutes = -1;
    const struct opt opts[] = {
        { OPT_INT, 'p', "priority", &priority, "1|2|3", "1 is most important (default 2)" },
        { OPT_STRING, 0, "exp", &exp, "NAME", "the experiment it follows from" },
        { OPT_INT, 0, "minutes", &minutes, "N", "time to budget for it at the meeting" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "next TEXT [--priority 1|2|3] [--exp NAME] [--minutes N]",
        "Propose a next step. Close it later with 'lablog done ID'.",
        opts, NULL, 0,
    };
    json_t *data = NULL;
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 1, 1);

    if (rc)
        goto cleanup;
    if (priority < 1 || priority > 3) {
        rc = ll_error(LL_EUSAGE, "--priority must be 1, 2 or 3, not %lld",
                      (long long)priority);
        goto cleanup;
    }
    if (minutes != -1 && (minutes < 0 || minutes > 600)) {
        rc = ll_error(LL_EUSAGE, "--minutes must be between 0 and 600");
        goto cleanup;
    }
    data = json_pack("{s:I}", "priority", (json_int_t)priority);
    if (minutes >= 0)
        json_object_set_new(data, "minutes", json_integer(minutes));
    rc = text_entry(app, ENTRY_NEXT, ops[0], exp, data, "next step");
cleanup:
    json_decref(data);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

/* A "TEXT [--exp NAME]" command without options of its own. */
static int plain_text_cmd(int argc, char **argv, struct app *app,
                          enum entry_kind kind, const char *usage,
                          const char *summary, const char *what)
{
    const char *exp = NULL;
    const struct opt opts[] = {
        { OPT_STRING, 0, "exp", &exp, "NAME", "the experiment it concerns" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = { usage, summary, opts, NULL, 0 };
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 1, 1);

    if (rc == 0)
        rc = text_entry(app, kind, ops[0], exp, NULL, what);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

int cmd_block(int argc, char **argv, struct app *app)
{
    return plain_text_cmd(argc, argv, app, ENTRY_BLOCK,
                          "block TEXT [--exp NAME]",
                          "Record a blocker: anything slowing the work down. "
                          "Resolve it with 'lablog unblock ID'.",
                          "blocker");
}

int cmd_ask(int argc, char **argv, struct app *app)
{
    return plain_text_cmd(argc, argv, app, ENTRY_ASK, "ask TEXT [--exp NAME]",
                          "Record a question for the next meeting. Answer "
                          "it with 'lablog answer ID TEXT'.",
                          "question");
}

int cmd_decide(int argc, char **argv, struct app *app)
{
    return plain_text_cmd(argc, argv, app, ENTRY_DECIDE,
                          "decide TEXT [--exp NAME]",
                          "Record a decision (often taken at a meeting).",
                          "decision");
}

/*
 * An "ID [TEXT]" entry that refers to an earlier one of the kinds it may
 * refer to (model/kind.h).
 * text may be NULL (optional message).
 */
static int ref_entry(struct app *app, enum entry_kind kind, const char *id_arg,
                     const char *text, const char *what)
{
    struct buf body = BUF_INIT;
    struct entry e;
    int64_t ref;
    int rc = cli_entry_ref(app, id_arg, (int)kind, &ref, NULL);

    if (rc == 0 && text)
        rc = cli_text(&body, text, what);
    if (rc)
        goto cleanup;
    cli_entry_init(&e, app, kind);
    e.ref = ref;
    e.body = body.ptr;
    rc = cli_append_print(app, &e);
cleanup:
    buf_release(&body);
    return rc;
}

/* An "ID [-m TEXT]" command: done, unblock, retract. */
static int close_cmd(int argc, char **argv, struct app *app,
                     enum entry_kind kind, const char *usage,
                     const char *summary)
{
    const char *message = NULL;
    const struct opt opts[] = {
        { OPT_STRING, 'm', "message", &message, "TEXT", "a short note on how or why" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = { usage, summary, opts, NULL, 0 };
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 1, 1);

    if (rc == 0)
        rc = ref_entry(app, kind, ops[0], message, "message");
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

int cmd_done(int argc, char **argv, struct app *app)
{
    return close_cmd(argc, argv, app, ENTRY_DONE, "done ID [-m TEXT]",
                     "Mark next step ID as done.");
}

int cmd_unblock(int argc, char **argv, struct app *app)
{
    return close_cmd(argc, argv, app, ENTRY_UNBLOCK,
                     "unblock ID [-m TEXT]", "Mark blocker ID as resolved.");
}

int cmd_retract(int argc, char **argv, struct app *app)
{
    return close_cmd(argc, argv, app, ENTRY_RETRACT,
                     "retract ID [-m WHY]",
                     "Withdraw entry ID. It stays in the log, marked "
                     "retracted, and leaves reports.");
}

/* An "ID TEXT" command: answer, amend. */
static int reply_cmd(int argc, char **argv, struct app *app,
                     enum entry_kind kind, const char *usage,
                     const char *summary, const char *what)
{
    const struct opt opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
    const struct opt_command cmd = { usage, summary, opts, NULL, 0 };
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 2, 2);

    if (rc == 0)
        rc = ref_entry(app, kind, ops[0], ops[1], what);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

int cmd_answer(int argc, char **argv, struct app *app)
{
    return reply_cmd(argc, argv, app, ENTRY_ANSWER, "answer ID TEXT",
                     "Answer question ID.", "answer");
}

int cmd_amend(int argc, char **argv, struct app *app)
{
    return reply_cmd(argc, argv, app, ENTRY_AMEND, "amend ID TEXT",
                     "Correct the text of entry ID (TEXT may be '-' for "
                     "stdin). The original stays in the log; reports show "
                     "the new text, marked amended. For an experiment, TEXT "
                     "replaces its hypothesis.",
                     "amended text");
}
