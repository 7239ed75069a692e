/* SPDX-License-Identifier: MIT */
/*
 * Posting a message to a Slack incoming webhook (libcurl).
 *
 * The request is POST {"text": TEXT} (JSON built with jansson) with
 * "Content-Type: application/json; charset=utf-8". Slack answers HTTP 200
 * with the plain-text body "ok"; errors are plain strings such as
 * "invalid_payload" or "no_service" (API-NOTES.md B3).
 *
 * The webhook URL is a secret: no message recorded here ever contains it or
 * its path. Errors name "the Slack webhook" and its scheme and host only,
 * and anything quoted from curl or from Slack has the URL's path cut out.
 * libcurl's verbose mode, which would print the path, is never enabled.
 *
 * Policy:
 *  - https only. Plain http is accepted only when the host is 127.0.0.1,
 *    ::1 or localhost, so tests can talk to a local stub; such requests
 *    also bypass any proxy from the environment.
 *  - Timeouts: 5 s to connect, 15 s in total. LABLOG_POST_TIMEOUT_MS (a
 *    positive number of milliseconds) replaces the total, and caps the
 *    connect timeout, for tests.
 *  - HTTP 429: wait for Retry-After seconds (1 when absent), at most 60 s,
 *    or at most LABLOG_POST_MAX_WAIT seconds when that is set (tests set 0
 *    or 1), then send once more. Nothing else is retried: webhooks are not
 *    idempotent, so a retry after a timeout could post twice.
 *  - Redirects are not followed.
 *
 * Slack truncates text beyond 40,000 characters; callers keep messages
 * short (the daily update aims for a few thousand).
 */
#ifndef LABLOG_RENDER_POST_H
#define LABLOG_RENDER_POST_H

#include "util/buf.h"

/* Bytes of a response body kept in post_result.body. */
#define POST_BODY_MAX 1024

struct post_result {
    long http_status; /* status of the last response; 0 when none came */
    struct buf body;  /* that response's body, at most POST_BODY_MAX bytes */
    int attempts;     /* requests sent: 1, or 2 after a 429 */
};

#define POST_RESULT_INIT { 0, BUF_INIT, 0 }

/*
 * Posts text (NUL-terminated, valid UTF-8, not empty) to the webhook.
 *
 * res must be initialised with POST_RESULT_INIT (or used before); its
 * fields are overwritten, the body's memory reused. It may be NULL when the
 * caller does not care. Release it with post_result_release().
 *
 * Returns 0 when Slack answered HTTP 200. Otherwise returns, with a one-line
 * message recorded by ll_error():
 *   LL_EINPUT  the URL is not an https URL (or http to a loopback host),
 *              or text is empty or not valid UTF-8; nothing was sent;
 *   LL_EIO     the transfer failed (the message quotes curl's error text:
 *              cannot connect, timed out, TLS) or Slack answered another
 *              status (the message has the status and up to 200 bytes of
 *              Slack's answer, made printable, e.g. "HTTP 400:
 *              invalid_payload").
 *
 * Initialises libcurl on first use (curl_global_init); see post_cleanup().
 */
int post_slack(const char *webhook_url, const char *text,
               struct post_result *res);

/* Frees the body held by res; res returns to POST_RESULT_INIT. */
void post_result_release(struct post_result *res);

/* Calls curl_global_cleanup() if post_slack() initialised libcurl. Call it
 * once at exit (leak checkers otherwise report libcurl's global state).
 * post_slack() may be called again afterwards. */
void post_cleanup(void);

#endif
