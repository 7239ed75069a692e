/* SPDX-License-Identifier: MIT */
/*
 * A thin connection to a PostgreSQL hub, through libpq loaded on demand.
 *
 * libpq is dlopen()ed by pq_connect(), not linked: only push, pull, sync and
 * hub commands ever load it, so `lablog metric` in a training loop keeps its
 * cost, and a machine without libpq5 gets one clear line instead of a
 * binary that does not start.
 *
 * Secrets: the connection URL may carry a password. No message made here
 * contains the URL; text quoted from libpq or the server is cut to its first
 * line, kept to printable ASCII and has every occurrence of the password
 * (raw and percent-decoded) replaced by "***" before it reaches ll_error().
 * Credentials from PGPASSFILE, ~/.pgpass or a service file work as in every
 * libpq program, because libpq reads them itself.
 *
 * Errors follow util/err.h: 0 on success, LL_EIO when libpq cannot be
 * loaded or the server cannot be reached, LL_EDB for a failed statement.
 */
#ifndef LABLOG_SYNC_PQ_H
#define LABLOG_SYNC_PQ_H

#include <stddef.h>
#include <stdint.h>

struct pq;        /* an open connection */
struct pq_result; /* the rows of one statement */

/* Does url name a PostgreSQL hub ("postgresql://" or "postgres://")? */
int pq_is_url(const char *url);

/* Does url carry a password (user:password@ or password=)? */
int pq_url_has_password(const char *url);

/*
 * Connects to url, giving up after timeout_s seconds (0: libpq's default),
 * and sets search_path to the hub's schema. *out is the caller's, closed
 * with pq_close().
 */
int pq_connect(struct pq **out, const char *url, int timeout_s);

/* Closes the connection (rolling back an open transaction). NULL is ok. */
void pq_close(struct pq *c);

/* Runs sql, which may hold several statements and no parameters. what
 * names the step in the message on failure ("cannot create the schema"). */
int pq_exec(struct pq *c, const char *sql, const char *what);

/*
 * Runs one statement with text parameters ($1, $2, ...; a NULL value is
 * SQL NULL) and keeps its rows in *out (the caller's, pq_result_free()).
 */
int pq_query(struct pq *c, struct pq_result **out, const char *sql,
             int nparams, const char *const *params, const char *what);

/* The same for a statement whose rows are not wanted. */
int pq_query_exec(struct pq *c, const char *sql, int nparams,
                  const char *const *params, const char *what);

size_t pq_rows(const struct pq_result *r);
/* The text of a value, "" for NULL; borrowed from r. */
const char *pq_value(const struct pq_result *r, size_t row, int col);
int pq_is_null(const struct pq_result *r, size_t row, int col);
/* A value as an integer (0 for NULL or text that is not one). */
int64_t pq_int(const struct pq_result *r, size_t row, int col);
void pq_result_free(struct pq_result *r);

/*
 * COPY ... FROM STDIN: pq_copy_begin() runs the COPY statement, then any
 * number of pq_copy_put() (rows in COPY text format), then pq_copy_end()
 * which reports whether the server took them.
 */
int pq_copy_begin(struct pq *c, const char *copy_sql, const char *what);
int pq_copy_put(struct pq *c, const char *data, size_t len);
int pq_copy_end(struct pq *c);

/* The server's host or socket directory and database, for messages. */
const char *pq_where(const struct pq *c);

#endif
