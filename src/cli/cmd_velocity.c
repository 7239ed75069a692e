/* SPDX-License-Identifier: MIT */
/*
 * `lablog velocity`: experiments finished per week, the time from a next
 * step to its experiment being done, takeaways written, and the swamps
 * (view/insight.h, model/velocity.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include "view/context.h"
#include "view/insight.h"
#include "view/view.h"

#define MAX_SWAMPS 16

static void print_json(const struct model_week *w, size_t nweeks,
                       const struct model_swamp *sw, size_t ns, int64_t now)
{
    json_t *o = json_object(), *weeks = json_array(), *swamps = json_array();
    char when[TIME_ISO_SIZE], *text;
    struct buf b = BUF_INIT;
    size_t i;

    for (i = 0; i < nweeks; i++) {
        json_t *x = json_object();

        json_object_set_new(x, "start", json_string(time_format_iso(when,
                                                              w[i].start)));
        json_object_set_new(x, "end", json_string(time_format_iso(when,
                                                            w[i].end)));
        json_object_set_new(x, "finished", json_integer((json_int_t)w[i].finished));
        json_object_set_new(x, "per_day", json_real(model_week_rate(&w[i])));
        json_object_set_new(x, "takeaways", json_integer((json_int_t)w[i].takeaways));
        json_object_set_new(x, "leads", json_integer((json_int_t)w[i].leads));
        json_object_set_new(x, "median_lead_ms", w[i].leads
                            ? json_integer((json_int_t)w[i].median_lead)
                            : json_null());
        json_array_append_new(weeks, x);
    }
    for (i = 0; i < ns; i++) {
        json_t *x = json_object();

        buf_reset(&b);
        view_swamp_text(&b, &sw[i], now);
        json_object_set_new(x, sw[i].hypothesis ? "hypothesis" : "tag",
                            json_string(sw[i].key));
        json_object_set_new(x, "runs", json_integer((json_int_t)sw[i].runs));
        json_object_set_new(x, "since", json_string(time_format_iso(
                                            when, sw[i].since)));
        json_object_set_new(x, "takeaway", json_boolean(sw[i].has_takeaway));
        json_object_set_new(x, "text", json_string(b.ptr));
        json_array_append_new(swamps, x);
    }
    json_object_set_new(o, "weeks", weeks);
    json_object_set_new(o, "swamps", swamps);
    text = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
    puts(text);
    free(text);
    json_decref(o);
    buf_release(&b);
}

static void print_text(const struct model_week *w, size_t nweeks,
                       const struct model_swamp *sw, size_t ns, int64_t now)
{
    char date[TIME_DATE_SIZE], dur[32];
    struct buf b = BUF_INIT;
    size_t i;

    printf("%-12s %8s %8s %10s  %s\n", "WEEK TO", "FINISHED", "PER DAY",
           "TAKEAWAYS", "NEXT STEP TO DONE (median, steps)");
    for (i = 0; i < nweeks; i++) {
        /* The last day of the week: end is exclusive. */
        time_format_date(date, w[i].end - 1);
        printf("%-12s %8zu %8.1f %10zu  ", date, w[i].finished,
               model_week_rate(&w[i]), w[i].takeaways);
        if (w[i].leads) {
            context_duration(dur, w[i].median_lead);
            printf("%s (%zu)\n", dur, w[i].leads);
        } else {
            puts("\xe2\x80\x93");
        }
    }
    if (ns)
        printf("\nswamps (%d+ runs, %d+ days without a takeaway):\n",
               MODEL_SWAMP_RUNS, MODEL_SWAMP_DAYS);
    for (i = 0; i < ns; i++) {
        buf_reset(&b);
        view_swamp_text(&b, &sw[i], now);
        printf("  %s\n", b.ptr);
    }
    buf_release(&b);
}

int cmd_velocity(int argc, char **argv, struct app *app)
{
    int64_t weeks_n = 4;
    int json = 0;
    const struct opt opts[] = {
        { OPT_INT, 0, "weeks", &weeks_n, "N", "how many weeks back (default 4)" },
        { OPT_FLAG, 0, "json", &json, NULL, "print JSON" },
        { OPT_END, 0, NULL, NULL, NULL, NULL },
    };
    const struct opt_command cmd = {
        "velocity [--weeks N] [--json]",
        "How fast the research loop turns: experiments finished per week, "
        "the time from a next step to its experiment being done, "
        "takeaways written, and the swamps.",
        opts,
        "Weeks are the seven days ending now, then the seven before. A next "
        "step counts when it names an experiment ('next --exp') that was "
        "done after the step was written. A swamp is 8 or more runs under "
        "one tag (or, untagged, one hypothesis) since the last takeaway "
        "about them, that takeaway (or the first of the runs) 3 or more "
        "days ago.",
        0,
    };
    struct view_opts o = { .metrics = VIEW_METRICS_NONE, .quiet_unknown = 1 };
    struct model_swamp sw[MAX_SWAMPS];
    struct model_week *w = NULL;
    struct view *v = NULL;
    char **ops = NULL;
    size_t ns;
    int nops;
    int rc = cli_parse(&cmd, argc, argv, &ops, &nops, 0, 0);

    if (rc)
        goto cleanup;
    if (weeks_n < 1 || weeks_n > 520) {
        rc = ll_error(LL_EUSAGE, "--weeks expects 1 to 520, not %lld",
                      (long long)weeks_n);
        goto cleanup;
    }
    rc = view_build(&v, app->store, &o);
    if (rc)
        goto cleanup;
    w = xcalloc((size_t)weeks_n, sizeof(*w));
    view_weeks(v, app->now, w, (size_t)weeks_n);
    ns = view_swamps(v, app->now, sw, MAX_SWAMPS);
    if (json)
        print_json(w, (size_t)weeks_n, sw, ns, app->now);
    else
        print_text(w, (size_t)weeks_n, sw, ns, app->now);

cleanup:
    free(w);
    view_free(v);
    free(ops);
    return rc == OPT_HELP ? 0 : rc;
}
