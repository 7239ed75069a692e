/* SPDX-License-Identifier: MIT */
/*
 * Metric lines in a program's output, as `lablog run` reads them.
 *
 * Always recognised (a line may carry its metrics this way and still pass
 * through to the terminal unchanged):
 *
 *   lablog: loss=0.31 acc=0.9 step=100        key=value pairs after "lablog:"
 *   {"lablog": 1, "step": 100, "loss": 0.31}  a JSON object with "lablog"
 *
 * Opt-in, because ordinary output may look like them:
 *
 *   METRICLINE_JSON  any JSON object line: {"loss": 0.31, "_step": 7}
 *   METRICLINE_DICT  a Python dict repr, as Hugging Face's Trainer prints:
 *                    {'loss': 0.52, 'learning_rate': 3e-05, 'epoch': 1.0}
 *
 * The step is the first of "step", "global_step", "_step" present, else
 * "epoch" when it is a whole number, else counted (the next step of each
 * metric). Numbers only become points; strings, booleans and nested values
 * are ignored. A marked line that does not parse is an error (LL_EINPUT,
 * "stdout:LINE: ..."); an unmarked one that does not parse is just output.
 */
#ifndef LABLOG_INGEST_METRICLINE_H
#define LABLOG_INGEST_METRICLINE_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct ingest;

enum metricline_mode {
    METRICLINE_JSON = 1 << 0, /* any JSON object line */
    METRICLINE_DICT = 1 << 1  /* any Python dict repr line */
};

/*
 * Parses a --parse value: "json", "dict", or both ("json,dict"); "lablog"
 * (only the marked forms) is 0. Returns 0 and sets *modes_out, or LL_EUSAGE.
 */
int metricline_modes(const char *text, int *modes_out);

/*
 * Looks at one output line (no newline). When it is a metric line, adds its
 * points to in (for experiment exp) and sets *matched to 1. Returns 0, or
 * LL_EINPUT for a marked line that is malformed (nothing added). lineno is
 * for messages.
 */
int metricline_ingest(struct ingest *in, int64_t exp, int modes,
                      const char *line, size_t len, size_t lineno,
                      int *matched);

/*
 * Converts a Python literal dict (the repr of a dict of numbers, strings,
 * booleans, None, nan/inf, nested lists/tuples/dicts, and wrapped numbers
 * such as tensor(0.5) or np.float64(0.5)) to a JSON object text in out.
 * Returns 0, or -1 when the text is not such a dict.
 */
int metricline_pydict_to_json(struct buf *out, const char *text, size_t len);

#endif
