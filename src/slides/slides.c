/* SPDX-License-Identifier: MIT */
/*
 * The deck's slides other than the results: the title, the empty period,
 * the agenda, the lists (TL;DR, next steps, questions, blockers) and the
 * appendix table of the other experiments touched in the period.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view/context.h"
#include "slides/deck_impl.h"
#include "util/buf.h"
#include "util/timeutil.h"
#include "util/xalloc.h"
#include "view/insight.h"

/* ---- title, empty period ------------------------------------------------ */

void slide_title(struct deck *d)
{
    const struct view *v = d->v;
    struct box b = { MARGIN + 24, 360, BODY_W - 48, 110, 40, &INK };
    char date[TIME_DATE_SIZE];
    struct buf line = BUF_INIT;
    double y;

    draw_add_page(d);
    draw_rect(d, &ACCENT, 0, 0, 14, PAGE_H);
    if (v->project && strcmp(d->title, v->project) != 0)
        draw_text_line(d, MD_BOLD, 16, &ACCENT, b.x, 388, b.w, v->project);
    y = b.top - draw_plain(d, d->title, MD_BOLD, &b) - 14;
    buf_printf(&line, "Weekly meeting \xc2\xb7 %s", d->period);
    draw_text_line(d, 0, 20, &MUTED, b.x, y - 20, b.w, line.ptr);
    y -= 20 * LEAD + 16;
    if (v->goal && *v->goal) {
        struct box g = { b.x, y, b.w * 0.8, 16 * LEAD * 3, 16, &INK };
        struct md_doc doc = { 0 };

        md_parse(&doc, v->goal, strlen(v->goal));
        y -= draw_doc(d, &doc, &g, 1) + 16;
        md_doc_release(&doc);
    }
    buf_reset(&line);
    buf_printf(&line, "%s \xc2\xb7 %s", d->o->author ? d->o->author : "",
               time_format_date(date, d->o->now));
    draw_text_line(d, MD_BOLD, 16, &INK, b.x, 70, b.w, line.ptr);
    deck_bookmark(d, NULL, d->title);
    buf_release(&line);
}

void slide_empty(struct deck *d)
{
    const struct view *v = d->v;
    struct box b = { MARGIN, BODY_TOP - 60, BODY_W, BODY_H, 24, &INK };
    struct buf text = BUF_INIT;

    draw_new_slide(d, "Nothing to report", 0);
    deck_bookmark(d, NULL, "Nothing to report");
    if (strcmp(d->since, d->until) == 0)
        buf_printf(&text, "No logged activity on %s.", d->since);
    else
        buf_printf(&text, "No logged activity between %s and %s.",
                   d->since, d->until);
    b.top -= draw_plain(d, text.ptr, MD_BOLD, &b) + 18;
    buf_reset(&text);
    buf_printf(&text, "Open: %zu next step%s, %zu question%s, %zu "
               "blocker%s.", v->next_open.len,
               v->next_open.len == 1 ? "" : "s", v->questions_open.len,
               v->questions_open.len == 1 ? "" : "s",
               v->blockers_open.len, v->blockers_open.len == 1 ? "" : "s");
    b.size = 18;
    b.color = &MUTED;
    draw_plain(d, text.ptr, 0, &b);
    buf_release(&text);
}

/* ---- agenda ------------------------------------------------------------- */

void slide_agenda(struct deck *d, const struct agenda *a)
{
    double avail = BODY_H, row = fmin(34, avail / (double)(a->n + 1.5));
    double size = fmin(TEXT_SIZE, row / 1.6), y = BODY_TOP;
    char when[32], mins[32];
    int at = 0;
    size_t i;

    draw_new_slide(d, "Agenda", 0);
    deck_bookmark(d, NULL, "Agenda");
    for (i = 0; i < a->n; i++, y -= row) {
        int m = a->items[i].minutes;

        snprintf(when, sizeof(when), "%d:%02d", at / 60, at % 60);
        snprintf(mins, sizeof(mins), "%d min", m);
        at += m;
        if (i % 2 == 0)
            draw_rect(d, &ZEBRA, MARGIN, y - row + 0.2 * size, BODY_W, row);
        draw_text(d, 0, size, &MUTED, MARGIN + 8, y - row + 0.65 * size,
                  when, strlen(when));
        draw_text_line(d, 0, size, &INK, MARGIN + 90,
                       y - row + 0.65 * size, BODY_W - 220, a->labels[i]);
        draw_text(d, MD_BOLD, size, &ACCENT, PAGE_W - MARGIN - 8
                  - draw_text_width(d, MD_BOLD, size, mins),
                  y - row + 0.65 * size, mins, strlen(mins));
    }
    draw_hline(d, &RULE, 0.8, MARGIN, PAGE_W - MARGIN, y + 0.2 * size);
    if (d->plan.nappendix) {
        char more[96];

        snprintf(more, sizeof(more), "Appendix: %zu more experiment%s, "
                 "one line each", d->plan.nappendix,
                 d->plan.nappendix == 1 ? "" : "s");
        draw_text(d, ST_MUTED, size * 0.85, &INK, MARGIN + 90,
                  y - row + 0.65 * size, more, strlen(more));
    }
}

/* ---- lists -------------------------------------------------------------- */

/* Appends "1 note" / "3 notes" after a separator; nothing for 0. */
static void count_word(struct buf *out, size_t n, const char *one,
                       const char *many)
{
    if (n)
        buf_printf(out, "%s%zu %s", out->len ? " \xc2\xb7 " : "", n,
                   n == 1 ? one : many);
}

/* "12 experiments touched: 10 finished, 1 failed · 9 notes · ..." */
static void period_stats(struct buf *out, const struct view *v)
{
    size_t i, done = 0, failed = 0;

    for (i = 0; i < v->nexps; i++) {
        const struct view_exp *x = &v->exps[i];

        if (!x->ended_in_period)
            continue;
        done += strcmp(x->status, EXP_DONE) == 0;
        failed += strcmp(x->status, EXP_FAILED) == 0;
    }
    count_word(out, v->ntouched, "experiment", "experiments");
    if (v->ntouched)
        buf_printf(out, " touched (%zu finished, %zu failed)", done, failed);
    count_word(out, v->notes.len, "note", "notes");
    count_word(out, v->takeaways.len, "takeaway", "takeaways");
    count_word(out, v->decisions.len, "decision", "decisions");
    count_word(out, v->next_done.len, "next step done", "next steps done");
    count_word(out, v->questions_answered.len, "question answered",
               "questions answered");
}

void slide_tldr(struct deck *d)
{
    const struct view *v = d->v;
    struct list_style ls = { TEXT_SIZE, 0, 0, NULL };
    struct items l = { 0 };
    struct buf stats = BUF_INIT;
    size_t i;

    period_stats(&stats, v);
    ls.note = stats.ptr;
    for (i = 0; i < v->takeaways.len; i++) {
        const struct view_item *vi = v->takeaways.items[i];
        struct item *it = items_add(&l, "\xe2\x80\xa2", &ACCENT);

        md_parse(&it->doc, vi->text, strlen(vi->text));
        item_exp_suffix(it, vi);
    }
    for (i = 0; i < v->decisions.len; i++) {
        const struct view_item *vi = v->decisions.items[i];
        struct item *it = items_add(&l, "\xe2\x9c\x93", &CONFIRM);
        struct buf s = BUF_INIT;

        buf_puts(&s, "**Decided:** ");
        buf_puts(&s, vi->text);
        md_parse(&it->doc, s.ptr, s.len);
        buf_release(&s);
    }
    /* How fast the loop turns, and where it is stuck: last, so the
     * week's own news leads. */
    {
        int64_t end = v->until ? v->until : d->o->now;
        struct model_week w[2];
        struct model_swamp sw[2];
        size_t ns = view_swamps(v, end, sw, 2), k;
        struct buf s = BUF_INIT;
        struct item *it;

        if (!l.n) {
            it = items_add(&l, "\xe2\x80\xa2", &MUTED);
            buf_puts(&s, "No takeaways were marked in this period "
                     "(`lablog note --takeaway`).");
            md_parse(&it->doc, s.ptr, s.len);
        }
        for (k = 0; k < ns; k++) {
            it = items_add(&l, "!", &DANGER);
            buf_reset(&s);
            buf_puts(&s, "**Swamp:** ");
            view_swamp_text(&s, &sw[k], end);
            md_parse(&it->doc, s.ptr, s.len);
        }
        view_weeks(v, end, w, 2);
        it = items_add(&l, "\xe2\x80\xa2", &MUTED);
        buf_reset(&s);
        buf_puts(&s, "**Velocity:** ");
        view_velocity_text(&s, w, 2);
        md_parse(&it->doc, s.ptr, s.len);
        buf_release(&s);
    }
    slide_items(d, "TL;DR", &l, &ls,
                "No takeaways were marked in this period "
                "('lablog note --takeaway').");
    items_release(&l);
    buf_release(&stats);
}

/* Who raised it and when, and what it is about. */
static void owner_meta(struct item *it, const struct view_item *vi)
{
    char date[TIME_DATE_SIZE];

    buf_printf(&it->meta, "%s\n%s", vi->author,
               time_format_date(date, vi->ts));
    if (vi->exp)
        buf_printf(&it->meta, "\nre: %s", vi->exp->name);
}

static const struct rgb *priority_color(int p)
{
    return p <= 1 ? &DANGER : p == 2 ? &EXPLORE : &MUTED;
}

void slide_next(struct deck *d)
{
    const struct view *v = d->v;
    struct list_style ls = { TEXT_SIZE, 200, 0, NULL };
    struct items l = { 0 };
    char marker[16];
    size_t i;

    for (i = 0; i < v->next_open.len; i++) {
        const struct view_item *vi = v->next_open.items[i];
        struct item *it;

        snprintf(marker, sizeof(marker), "%d.", (int)(i + 1));
        it = items_add(&l, marker, &INK);
        md_parse(&it->doc, vi->text, strlen(vi->text));
        if (vi->minutes > 0)
            snprintf(it->pill, sizeof(it->pill), "P%d \xc2\xb7 %d min",
                     vi->priority, vi->minutes);
        else
            snprintf(it->pill, sizeof(it->pill), "P%d", vi->priority);
        it->pill_color = priority_color(vi->priority);
        buf_puts(&it->meta, vi->author);
        if (vi->exp)
            buf_printf(&it->meta, "\nfrom %s", vi->exp->name);
    }
    slide_items(d, "Next steps", &l, &ls,
                "No open next steps ('lablog next TEXT --priority 1').");
    items_release(&l);
}

void slide_questions(struct deck *d)
{
    const struct view *v = d->v;
    struct list_style ls = { TEXT_SIZE, 200, 0, NULL };
    struct items l = { 0 };
    size_t i;

    for (i = 0; i < v->questions_open.len; i++) {
        const struct view_item *vi = v->questions_open.items[i];
        struct item *it = items_add(&l, "?", &ACCENT);

        md_parse(&it->doc, vi->text, strlen(vi->text));
        owner_meta(it, vi);
    }
    slide_items(d, "Questions for the meeting", &l, &ls, "");
    items_release(&l);
}

void slide_blockers(struct deck *d)
{
    const struct view *v = d->v;
    struct list_style ls = { TEXT_SIZE, 200, 0, NULL };
    struct items l = { 0 };
    char date[TIME_DATE_SIZE];
    size_t i;

    for (i = 0; i < v->blockers_open.len; i++) {
        const struct view_item *vi = v->blockers_open.items[i];
        struct item *it = items_add(&l, "!", &DANGER);

        md_parse(&it->doc, vi->text, strlen(vi->text));
        snprintf(it->pill, sizeof(it->pill), "open");
        it->pill_color = &DANGER;
        owner_meta(it, vi);
    }
    for (i = 0; i < v->blockers_resolved.len; i++) {
        const struct view_item *vi = v->blockers_resolved.items[i];
        struct item *it = items_add(&l, "\xe2\x9c\x93", &CONFIRM);
        struct buf s = BUF_INIT;

        md_parse(&it->doc, vi->text, strlen(vi->text));
        if (*vi->closed_text) {
            buf_printf(&s, " \xe2\x86\x92 %s", vi->closed_text);
            md_append(&it->doc, s.ptr, ST_MUTED);
        }
        snprintf(it->pill, sizeof(it->pill), "resolved");
        it->pill_color = &CONFIRM;
        buf_printf(&it->meta, "%s", time_format_date(date, vi->closed_ts));
        buf_release(&s);
    }
    slide_items(d, "Blockers", &l, &ls, "No blockers.");
    items_release(&l);
}

/* ---- appendix ----------------------------------------------------------- */

void slide_appendix(struct deck *d)
{
    static const char *head[] = { "Experiment", "Status", "Params",
                                  "Key results" };
    static const int right[] = { 0, 0, 0, 0 };
    const struct plan *p = &d->plan;
    double rh = TABLE_SIZE * 1.75;
    size_t per = (size_t)floor(BODY_H / rh) - 1, i, page;
    struct buf title = BUF_INIT;

    /* Runs still going, or lost, first: they need a decision. */
    for (i = 0, page = 0; i < p->nappendix; i++) {
        if (context_exp_live(p->appendix[i])) {
            const struct view_exp *x = p->appendix[i];

            memmove(&p->appendix[page + 1], &p->appendix[page],
                    (i - page) * sizeof(*p->appendix));
            p->appendix[page++] = x;
        }
    }
    for (page = 0, i = 0; i < p->nappendix; page++) {
        struct table t;
        size_t end = i + per < p->nappendix ? i + per : p->nappendix;

        table_init(&t, head, 4, right, 3);
        for (; i < end; i++) {
            const struct view_exp *x = p->appendix[i];
            char *params = context_distinct_params_max(d->v, x, 4);
            char *key = context_key_results(d->v, x);
            const char *cells[4];
            int styles[4] = { MD_BOLD, 0, 0, 0 };

            cells[0] = x->name;
            cells[1] = context_exp_event(d->v, x);
            cells[2] = params;
            cells[3] = key;
            styles[1] = strcmp(x->status, EXP_FAILED) == 0
                                || strcmp(x->status, EXP_LOST) == 0
                            ? ST_DANGER : 0;
            table_row(&t, cells, styles);
            free(params);
            free(key);
        }
        buf_reset(&title);
        layout_page_title(&title, "Appendix: other experiments", page);
        draw_new_slide(d, title.ptr, 0);
        if (page == 0)
            deck_bookmark(d, NULL, "Appendix");
        draw_table(d, &t, MARGIN, BODY_TOP, BODY_W, BODY_H, TABLE_SIZE);
        table_release(&t);
    }
    buf_release(&title);
}

/* ---- runs to look at ---------------------------------------------------- */

/* Lines of a failed run's output shown on the slide. */
#define RUN_TAIL_LINES 8

static int needs_a_look(const struct view_exp *x)
{
    return x->touched
           && (context_exp_live(x)
               || view_exp_has_tail(x));
}

/* One run: a header line, its progress or why it is lost, and the end of
 * its output. Returns the height it takes (draw 0: measures only). */
static double run_block(struct deck *d, const struct view_exp *x, double top,
                        int draw)
{
    double size = TABLE_SIZE, lead = size * LEAD, y = top - size * ASCENT;
    struct buf head = BUF_INIT, tail = BUF_INIT;
    char *progress = context_progress_text(x);
    const char *line;
    int running = strcmp(x->status, EXP_RUNNING) == 0;

    buf_printf(&head, "%s: %s", x->name, context_exp_event(d->v, x));
    if (x->live.lost_reason)
        buf_printf(&head, " (%s)", x->live.lost_reason);
    if (draw)
        draw_text_line(d, MD_BOLD | (running ? 0 : ST_DANGER), size + 1,
                       &INK, MARGIN, y, BODY_W, head.ptr);
    y -= lead * 1.1;
    if (*progress) {
        if (draw)
            draw_text_line(d, ST_MUTED, size, &MUTED, MARGIN + 12, y,
                           BODY_W - 12, progress);
        y -= lead;
    }
    view_exp_tail(d->v, x, RUN_TAIL_LINES, &tail);
    for (line = tail.ptr; *line;) {
        size_t n = strcspn(line, "\n");
        char *one = xstrndup(line, n);

        if (draw)
            draw_text_line(d, MD_CODE, size - 1, &INK, MARGIN + 12, y,
                           BODY_W - 12, one);
        free(one);
        y -= lead;
        line += n + (line[n] == '\n');
    }
    free(progress);
    buf_release(&head);
    buf_release(&tail);
    return top - y + lead * 0.4;
}

void slide_runs(struct deck *d)
{
    const struct view *v = d->v;
    struct buf title = BUF_INIT;
    double top = 0;
    size_t pass, i, page = 0;
    int open = 0;

    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < v->nexps; i++) {
            const struct view_exp *x = &v->exps[i];
            double h;

            if (!needs_a_look(x) || context_exp_live(x) != (pass == 0))
                continue;
            h = run_block(d, x, BODY_TOP, 0);
            if (!open || top - h < BODY_BOTTOM) {
                buf_reset(&title);
                layout_page_title(&title, "Appendix: runs to look at",
                                  page++);
                draw_new_slide(d, title.ptr, 0);
                top = BODY_TOP;
                open = 1;
            }
            top -= run_block(d, x, top, 1);
        }
    }
    buf_release(&title);
}

int slides_have_runs(const struct view *v)
{
    size_t i;

    for (i = 0; i < v->nexps; i++)
        if (needs_a_look(&v->exps[i]))
            return 1;
    return 0;
}
