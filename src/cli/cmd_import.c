/* SPDX-License-Identifier: MIT */
/*
 * `lablog import mlflow|wandb|tensorboard PATH`: runs of other tools as
 * experiments (see import/import.h). Every file is read and checked before
 * anything is written, so bad input leaves the log as it was; importing
 * the same runs again adds nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "import/import.h"
#include "util/err.h"
#include "util/suggest.h"

static int run_reader(struct importer *im, const char *tool, const char *path,
                      const char *exp)
{
    if (strcmp(tool, "mlflow") == 0)
        return import_mlflow(im, path);
    if (strcmp(tool, "wandb") == 0)
        return import_wandb(im, path, exp);
    return import_tensorboard(im, path);
}

static int import_verb(int argc, char **argv, struct app *app,
                       const char *usage, const char *summary)
{
    const char *exp = NULL;
    const struct opt wandb_opts[] = {
        { OPT_STRING, 0, "exp", &exp, "NAME", "experiment for a history export (default: from the file name)" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt no_opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
    const struct opt_command cmd = {
        usage, summary, strcmp(argv[0], "wandb") == 0 ? wandb_opts : no_opts,
        NULL, 0,
    };
    struct importer *dry = NULL, *im = NULL;
    const struct import_stats *st;
    char **ops = NULL;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 1, 1);

    if (rc)
        goto cleanup;
    if (exp) {
        rc = cli_check_name(exp);
        if (rc)
            goto cleanup;
    }
    /* Pass 1 reads and checks everything; pass 2 writes. */
    rc = importer_new(&dry, app->store, app->author, ops[0], 1);
    if (rc == 0)
        rc = run_reader(dry, argv[0], ops[0], exp);
    if (rc == 0)
        rc = importer_new(&im, app->store, app->author, ops[0], 0);
    if (rc == 0)
        rc = run_reader(im, argv[0], ops[0], exp);
    if (rc)
        goto cleanup;
    st = importer_stats(im);
    if (st->conflicts) {
        rc = ll_error(LL_ECONFLICT, "%zu conflicting points were not "
                      "written; first: %s (%zu points written, %zu "
                      "duplicates)", st->conflicts,
                      importer_first_conflict(im), st->points,
                      st->duplicates);
        goto cleanup;
    }
    fprintf(stderr, "import: %zu run%s, %zu new experiment%s", st->runs,
            st->runs == 1 ? "" : "s", st->created,
            st->created == 1 ? "" : "s");
    if (st->skipped)
        fprintf(stderr, ", %zu deleted run%s skipped", st->skipped,
                st->skipped == 1 ? "" : "s");
    fprintf(stderr, "; %zu points written, %zu duplicates\n", st->points,
            st->duplicates);
cleanup:
    importer_free(dry);
    importer_free(im);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}

int cmd_import(int argc, char **argv, struct app *app)
{
    static const struct opt verbs[] = {
        { OPT_VERB, 0, "mlflow", NULL, "PATH", "an MLflow store: an mlruns/ folder or an mlflow.db file" },
        { OPT_VERB, 0, "wandb", NULL, "FILE", "a W&B export: panel CSV, or history JSONL/CSV" },
        { OPT_VERB, 0, "tensorboard", NULL, "DIR", "TensorBoard event files, one experiment per run folder" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command group = {
        "import TOOL PATH",
        "Import runs from other tools as experiments: params, tags, status "
        "and every metric series. Importing the same runs again adds "
        "nothing.", verbs,
        "'lablog import TOOL --help' describes each.\n", 0,
    };
    const struct opt *o;
    struct suggest s;
    char **ops = NULL;
    int nops, rc;

    if (argc < 2) {
        opt_print_help(&group, stdout);
        return ll_error(LL_EUSAGE, "import needs a tool (mlflow, wandb or "
                        "tensorboard)");
    }
    if (argv[1][0] == '-') {
        rc = cli_parse(&group, argc, argv, &ops, &nops, 0, 0);
        free(ops);
        return rc == OPT_HELP ? 0 : rc;
    }
    if (strcmp(argv[1], "mlflow") == 0)
        return import_verb(argc - 1, argv + 1, app, "import mlflow PATH",
                           "Import an MLflow store: a file store folder "
                           "(mlruns/) or an SQLite database (mlflow.db). "
                           "Each run becomes an experiment named after the "
                           "run, with its params, tags (the MLflow "
                           "experiment's name among them), status, times "
                           "and metric histories. Deleted runs are "
                           "skipped.");
    if (strcmp(argv[1], "wandb") == 0)
        return import_verb(argc - 1, argv + 1, app,
                           "import wandb FILE [--exp NAME]",
                           "Import a Weights & Biases export: a panel CSV "
                           "(Step,\"RUN - METRIC\",... : one experiment per "
                           "run; __MIN/__MAX band columns are dropped) or "
                           "a run's history as JSONL or CSV (_step is the "
                           "step, _timestamp the time, other _ columns are "
                           "bookkeeping; nested values become a/b "
                           "metrics).");
    if (strcmp(argv[1], "tensorboard") == 0)
        return import_verb(argc - 1, argv + 1, app, "import tensorboard DIR",
                           "Import TensorBoard event files "
                           "(events.out.tfevents.*): every folder under DIR "
                           "with event files becomes an experiment named "
                           "after its path; scalar summaries (simple_value "
                           "or scalar tensors) become metrics.");
    suggest_init(&s, argv[1]);
    for (o = verbs; o->type != OPT_END; o++)
        suggest_add(&s, o->long_name);
    if (s.best)
        return ll_error(LL_EUSAGE, "unknown tool 'import %s' (did you mean "
                        "'import %s'?)", argv[1], s.best);
    return ll_error(LL_EUSAGE, "unknown tool 'import %s' (mlflow, wandb or "
                    "tensorboard)", argv[1]);
}
