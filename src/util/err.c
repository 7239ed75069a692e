/* SPDX-License-Identifier: MIT */
/*
 * The process-wide error slot (see err.h). lablog is single-threaded, so one
 * slot is enough; a second ll_error() replaces the first, which is why
 * callers must propagate codes rather than report again.
 */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>

static char message[1024];
static int last_code;

int ll_error(int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    last_code = code;
    return code;
}

const char *ll_error_message(void)
{
    return message[0] ? message : "unknown error";
}

int ll_error_code(void)
{
    return last_code;
}

void ll_error_clear(void)
{
    message[0] = '\0';
    last_code = LL_OK;
}

void ll_warn(const char *fmt, ...)
{
    va_list ap;

    fputs("lablog: warning: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
