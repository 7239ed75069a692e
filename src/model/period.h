/* SPDX-License-Identifier: MIT */
/*
 * Periods: the one place that says which stretch of time each document
 * covers by default, and what a valid period is.
 *
 *   daily    from just after the last recorded update (`daily --post` or
 *            `--record`), else from the start of the previous working day
 *   slides   from the end of the last deck recorded as presented
 *            (`slides --record`) on an earlier day, else from the start of
 *            the day a week back; so rendering the deck again, recorded or
 *            not, the same day gives the same period
 *   report   the whole log
 *
 * Periods are [since, until): since inclusive, until exclusive; 0 means
 * no bound. Times are UTC milliseconds; days are local days.
 */
#ifndef LABLOG_MODEL_PERIOD_H
#define LABLOG_MODEL_PERIOD_H

#include <stdint.h>

/* Days a deck looks back when no deck was recorded. */
#define PERIOD_DECK_DAYS 7

/* The daily's default start, given the ts of the last recorded update (0
 * when none) and now. */
int64_t period_daily_since(int64_t now, int64_t last_update);

/* Decks recorded before this time count for a deck ending at end (until,
 * or now): the start of end's day. */
int64_t period_deck_cutoff(int64_t end);

/* The deck's default start, given where the last counted recorded deck
 * ended (0 when none) and the deck's end. */
int64_t period_deck_since(int64_t end, int64_t last_deck_until);

/* Checks since < until when both are bounds: 0, or LL_EUSAGE with "the
 * period is empty: --since is not before --until". */
int period_check(int64_t since, int64_t until);

#endif
