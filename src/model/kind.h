/* SPDX-License-Identifier: MIT */
/*
 * Entry kinds: the one table of what each kind of entry is, read by the
 * store (names), the view's fold (what an entry changes), the commands
 * that refer to earlier entries (which kinds they may name), `log`, the
 * JSON writers and --help.
 *
 * A kind's stored name is what the log file holds; the names are an
 * interface and never change. An entry whose stored name this build does
 * not know is ENTRY_UNKNOWN: it is kept and shown with its stored name
 * (struct entry's kind_name), and changes nothing in the view.
 *
 * Legend of the table (kind.c): name, noun, plural, what an entry of the
 * kind does (a record of state, an item people follow, or a reply that
 * closes, amends or retracts the entry it refers to), which kinds a reply
 * may refer to, the word for an item once closed, and the payload (the
 * keys of its data object) as documentation.
 */
#ifndef LABLOG_MODEL_KIND_H
#define LABLOG_MODEL_KIND_H

/* Entry kinds. Order is not stored; names are (kind_info()->name). */
enum entry_kind {
    ENTRY_PROJECT,     /* init: title = project name, body = goal */
    ENTRY_EXP,         /* an experiment: title = name, body = hypothesis */
    ENTRY_STATUS,      /* status change of exp: title = new status */
    ENTRY_NOTE,        /* an observation; data.takeaway marks a takeaway */
    ENTRY_METRICS,     /* a batch of metric points; data.points, .digest */
    ENTRY_NEXT,        /* a proposed next step; data.priority, .minutes */
    ENTRY_DONE,        /* ref = the next step done */
    ENTRY_BLOCK,       /* a blocker */
    ENTRY_UNBLOCK,     /* ref = the blocker resolved */
    ENTRY_ASK,         /* a question for the meeting */
    ENTRY_ANSWER,      /* ref = the question answered */
    ENTRY_DECIDE,      /* a decision */
    ENTRY_AMEND,       /* ref = the entry whose text this replaces */
    ENTRY_RETRACT,     /* ref = the entry withdrawn; body = why */
    ENTRY_ATTACH,      /* a stored file; data.sha256, .name, .size */
    ENTRY_UPDATE,      /* a daily update that was posted or recorded */
    ENTRY_DECK,        /* a slide deck that was produced */
    ENTRY_METRIC_INFO, /* what a metric means: title = metric name */
    ENTRY_SAMPLES,     /* model outputs: pieces in the sample table */
    ENTRY_TAG,         /* tags of exp changed: data.add, data.remove */
    ENTRY_ORIGIN,      /* first entry of a copied or migrated replica's
                          origin: data.host, .parent, .parent_seq, ... */
    ENTRY_HEARTBEAT,   /* a silent run is alive; ref = its running entry */
    ENTRY_UNKNOWN,     /* a kind this build does not know (kept verbatim) */
    ENTRY_KIND_COUNT
};

/* What an entry of a kind does. */
enum kind_role {
    KIND_RECORD,  /* state of the project (project, exp, status, ...) */
    KIND_ITEM,    /* something people follow: note, next, block, ... */
    KIND_CLOSES,  /* a reply that closes its ref (done, unblock, answer) */
    KIND_AMENDS,  /* a reply that replaces its ref's text */
    KIND_RETRACTS /* a reply that withdraws its ref */
};

#define KIND_BIT(k) (1u << (unsigned)(k))

struct kind_info {
    const char *name;    /* stored name ("next"); NULL for ENTRY_UNKNOWN */
    const char *noun;    /* "next step" */
    const char *article; /* "a" or "an", for "a next step" */
    const char *plural;  /* "next steps" */
    enum kind_role role;
    unsigned refs;       /* replies: KIND_BIT()s of the kinds it may refer
                            to; 0 otherwise */
    const char *closed;  /* items a reply closes: "done", "resolved",
                            "answered"; NULL otherwise */
    const char *payload; /* its data keys, for people */
};

/* The row of kind; ENTRY_UNKNOWN's row for anything out of range. */
const struct kind_info *kind_info(enum entry_kind kind);

/* The stored name of a kind ("note"); "?" for ENTRY_UNKNOWN. */
const char *entry_kind_name(enum entry_kind kind);

/* Parses a stored name; returns the kind, or -1 when name is not one. */
int entry_kind_parse(const char *name);

/* Whether an entry of kind reply may refer to an entry of kind target. */
int kind_may_refer(enum entry_kind reply, enum entry_kind target);

/* The replies that may refer to target, as KIND_BIT()s. */
unsigned kind_referrers(enum entry_kind target);

/* The stored names of every known kind, ", "-separated, for help and
 * messages ("project, exp, status, ..."). Static storage. */
const char *kind_names_list(void);

#endif
