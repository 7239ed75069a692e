/* SPDX-License-Identifier: MIT */
/*
 * The one error convention of lablog.
 *
 * Functions that can fail return int: 0 on success, a negative LL_E* code on
 * failure. The function that detects the failure records a message once, with
 * ll_error(), which also returns the code:
 *
 *     return ll_error(LL_EINPUT, "%s:%zu: expected a number", file, line);
 *
 * Callers propagate the code unchanged and never overwrite the message. The
 * CLI prints it as the single line "lablog: error: <message>".
 *
 * Messages start lowercase, have no trailing full stop, quote user values,
 * and never contain secrets (webhook URLs) or SQL text.
 */
#ifndef LABLOG_UTIL_ERR_H
#define LABLOG_UTIL_ERR_H

enum ll_code {
    LL_OK = 0,
    LL_ERR = -1,       /* generic failure */
    LL_EUSAGE = -2,    /* bad command line: exit status 2 */
    LL_ENOTFOUND = -3, /* unknown id, experiment, file */
    LL_EINPUT = -4,    /* bad user data (a line, a value, a template) */
    LL_ECONFLICT = -5, /* e.g. a metric point with a different value */
    LL_EBUSY = -6,     /* database locked past the busy timeout */
    LL_EDB = -7,       /* any other SQLite failure */
    LL_EIO = -8        /* reading or writing a file failed */
};

/* Records the message (printf-style) and returns code. */
int ll_error(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The last recorded message, or "unknown error" when none was recorded.
 * Borrowed: valid until the next ll_error() or ll_error_clear(). */
const char *ll_error_message(void);

/* The code passed with the last message (LL_OK when none). */
int ll_error_code(void);

void ll_error_clear(void);

/* Prints "lablog: warning: <message>" on stderr. */
void ll_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
