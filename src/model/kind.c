/* SPDX-License-Identifier: MIT */
/*
 * The table of entry kinds (see kind.h). One row per kind: everything else
 * that needs to know what a kind is -- the store's names, the fold, the
 * reply commands, log, help -- reads it here.
 */
#include "model/kind.h"

#include <string.h>

#define ITEMS_AMENDED                                                    \
    (KIND_BIT(ENTRY_NOTE) | KIND_BIT(ENTRY_NEXT) | KIND_BIT(ENTRY_BLOCK)  \
     | KIND_BIT(ENTRY_ASK) | KIND_BIT(ENTRY_ANSWER)                      \
     | KIND_BIT(ENTRY_DECIDE) | KIND_BIT(ENTRY_EXP))
#define ITEMS_RETRACTED                                                  \
    (KIND_BIT(ENTRY_NOTE) | KIND_BIT(ENTRY_NEXT) | KIND_BIT(ENTRY_BLOCK)  \
     | KIND_BIT(ENTRY_ASK) | KIND_BIT(ENTRY_ANSWER)                      \
     | KIND_BIT(ENTRY_DECIDE) | KIND_BIT(ENTRY_ATTACH)                   \
     | KIND_BIT(ENTRY_METRICS) | KIND_BIT(ENTRY_METRIC_INFO))

/* name, noun, article, plural, role, refs, closed, payload */
static const struct kind_info kinds[ENTRY_KIND_COUNT] = {
    [ENTRY_PROJECT] = { "project", "project", "a", "projects", KIND_RECORD,
                        0, NULL, "title: name; body: goal" },
    [ENTRY_EXP] = { "exp", "experiment", "an", "experiments", KIND_RECORD, 0,
                    NULL, "title: name; body: hypothesis; params {K: V}, "
                    "tags [T], mode explore|confirm, seed_params [K]" },
    [ENTRY_STATUS] = { "status", "status change", "a", "status changes",
                       KIND_RECORD, 0, NULL, "exp; title: planned|running|"
                       "done|failed|abandoned; body: message; running: "
                       "command, cwd, host, pid, pid_start, boot_id, "
                       "heartbeat_s, total, git {commit, dirty}, slurm "
                       "{job_id, array_task_id, nodelist, partition}, "
                       "cuda_visible_devices; end: exit, signal, "
                       "signal_name, forwarded, duration_ms, tail {sha256, "
                       "lines, bytes}" },
    [ENTRY_NOTE] = { "note", "note", "a", "notes", KIND_ITEM, 0, NULL,
                     "body: Markdown; exp; takeaway" },
    [ENTRY_METRICS] = { "metrics", "metrics batch", "a", "metrics batches",
                        KIND_RECORD, 0, NULL, "exp; points, digest, exps "
                        "[id] when it covers several" },
    [ENTRY_NEXT] = { "next", "next step", "a", "next steps", KIND_ITEM, 0,
                     "done", "body: Markdown; exp; priority 1-3, minutes" },
    [ENTRY_DONE] = { "done", "done mark", "a", "done marks", KIND_CLOSES,
                     KIND_BIT(ENTRY_NEXT), NULL, "ref: the next step; body: "
                     "message" },
    [ENTRY_BLOCK] = { "block", "blocker", "a", "blockers", KIND_ITEM, 0,
                      "resolved", "body: Markdown; exp" },
    [ENTRY_UNBLOCK] = { "unblock", "resolution", "a", "resolutions",
                        KIND_CLOSES, KIND_BIT(ENTRY_BLOCK), NULL,
                        "ref: the blocker; body: message" },
    [ENTRY_ASK] = { "ask", "question", "a", "questions", KIND_ITEM, 0,
                    "answered", "body: Markdown; exp" },
    [ENTRY_ANSWER] = { "answer", "answer", "an", "answers", KIND_CLOSES,
                       KIND_BIT(ENTRY_ASK), NULL, "ref: the question; body: "
                       "the answer" },
    [ENTRY_DECIDE] = { "decide", "decision", "a", "decisions", KIND_ITEM, 0,
                       NULL, "body: Markdown; exp" },
    [ENTRY_AMEND] = { "amend", "amendment", "an", "amendments", KIND_AMENDS,
                      ITEMS_AMENDED, NULL, "ref: the entry; body: its new "
                      "text" },
    [ENTRY_RETRACT] = { "retract", "retraction", "a", "retractions",
                        KIND_RETRACTS, ITEMS_RETRACTED, NULL, "ref: the "
                        "entry; body: why" },
    [ENTRY_ATTACH] = { "attach", "attachment", "an", "attachments",
                       KIND_ITEM, 0, NULL, "body: caption; exp; sha256, "
                       "name, size" },
    [ENTRY_UPDATE] = { "update", "daily update", "a", "daily updates",
                       KIND_RECORD, 0, NULL, "body: the text; format, "
                       "posted, since" },
    [ENTRY_DECK] = { "deck", "deck", "a", "decks", KIND_RECORD, 0, NULL,
                     "title; body; since, until, pages, file, presented" },
    [ENTRY_METRIC_INFO] = { "metric-info", "metric declaration", "a",
                            "metric declarations", KIND_RECORD, 0, NULL,
                            "title: the metric; direction higher|lower, "
                            "chance, bookkeeping, primary, n_from, reset" },
    [ENTRY_SAMPLES] = { "samples", "samples set", "a", "samples sets",
                        KIND_RECORD, 0, NULL, "title: file name; body: "
                        "caption; exp; attempt, digest, fields, format, "
                        "name, pieces, rows, scored, sha256, size" },
    [ENTRY_TAG] = { "tag", "tag change", "a", "tag changes", KIND_RECORD, 0,
                    NULL, "exp; title: \"+t -u\"; add [T], remove [T]" },
    [ENTRY_ORIGIN] = { "origin", "origin record", "an", "origin records",
                       KIND_RECORD, 0, NULL, "title; host; parent, "
                       "parent_seq, parent_head (a copy); format_from (a "
                       "migrated log)" },
    [ENTRY_HEARTBEAT] = { "heartbeat", "heartbeat", "a", "heartbeats",
                          KIND_RECORD, 0, NULL, "exp; ref: the run's running "
                          "status entry (written every 30 s while a run "
                          "commits nothing else)" },
    [ENTRY_UNKNOWN] = { NULL, "entry of an unknown kind", "an",
                        "entries of unknown kinds", KIND_RECORD, 0, NULL,
                        "kept verbatim" },
};

const struct kind_info *kind_info(enum entry_kind kind)
{
    if ((unsigned)kind >= ENTRY_KIND_COUNT)
        return &kinds[ENTRY_UNKNOWN];
    return &kinds[kind];
}

const char *entry_kind_name(enum entry_kind kind)
{
    const char *name = kind_info(kind)->name;

    return name ? name : "?";
}

int entry_kind_parse(const char *name)
{
    int k;

    for (k = 0; k < ENTRY_KIND_COUNT; k++)
        if (kinds[k].name && strcmp(kinds[k].name, name) == 0)
            return k;
    return -1;
}

int kind_may_refer(enum entry_kind reply, enum entry_kind target)
{
    return (unsigned)target < ENTRY_KIND_COUNT
           && (kind_info(reply)->refs & KIND_BIT(target)) != 0;
}

unsigned kind_referrers(enum entry_kind target)
{
    unsigned bits = 0;
    int k;

    for (k = 0; k < ENTRY_KIND_COUNT; k++)
        if (kind_may_refer((enum entry_kind)k, target))
            bits |= KIND_BIT(k);
    return bits;
}

const char *kind_names_list(void)
{
    static char list[256];
    size_t len = 0;
    int k;

    if (list[0])
        return list;
    for (k = 0; k < ENTRY_KIND_COUNT; k++) {
        const char *name = kinds[k].name;
        size_t n;

        if (!name)
            continue;
        n = strlen(name);
        if (len + n + 3 >= sizeof(list))
            break;
        if (len) {
            memcpy(list + len, ", ", 2);
            len += 2;
        }
        memcpy(list + len, name, n);
        len += n;
    }
    list[len] = '\0';
    return list;
}
