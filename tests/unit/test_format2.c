/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of log format 2: both canonical encodings against fixed
 * vectors (the bytes are built here by the test's own encoder, the hashes
 * are written out), copy detection starting a new origin, and the fold
 * order: the same entries arriving in several orders give the same view
 * and the same feed bytes.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "store/canon.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sha256.h"
#include "view/view.h"

/* ---- the test's own encoder ------------------------------------------ */

static void put_be64(struct buf *b, uint64_t v)
{
    int i;

    for (i = 7; i >= 0; i--)
        buf_putc(b, (char)((v >> (i * 8)) & 0xff));
}

static void put_field(struct buf *b, const char *s)
{
    put_be64(b, strlen(s));
    buf_puts(b, s);
}

static void hex_of(char out[65], const void *bytes, size_t len)
{
    unsigned char d[SHA256_LEN];

    sha256_bytes(d, bytes, len);
    sha256_hex(out, d);
}

static void test_entry_vectors(void)
{
    static const char *const fields[] = {
        "0123456789ABCDEFGHJKMNPQRS", "2", "01M7W2Y7M1X3ABCDEFGHJKMNPQ",
        "1795165200001", "1795165200000", "ada", "note",
        "01M7W2Y7M0GV1CJDQQF7X047PY", "", "", "Loss halves in 100 steps.",
        "{\"takeaway\":true}",
    };
    unsigned char prev[SHA256_LEN], got[SHA256_LEN];
    struct entry e;
    struct buf bytes = BUF_INIT;
    char hex[65];
    size_t i;

    /* Format 2: prev || "lablog-entry-2\0" || field(...) ... */
    memset(prev, 0x11, sizeof(prev));
    buf_put(&bytes, (const char *)prev, sizeof(prev));
    buf_put(&bytes, "lablog-entry-2", 15); /* with its NUL */
    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        put_field(&bytes, fields[i]);
    INT_EQ(bytes.len, 297);
    hex_of(hex, bytes.ptr, bytes.len);
    STR_EQ(hex, "397e995af29b160e89450f5b0caa8df2aacbf19d9632094e19ebce062cd5d85e");

    memset(&e, 0, sizeof(e));
    strcpy(e.origin, fields[0]);
    e.seq = 2;
    strcpy(e.uid, fields[2]);
    e.hlc = 1795165200001;
    e.ts = 1795165200000;
    e.author = "ada";
    e.kind = ENTRY_NOTE;
    e.exp_uid = fields[7];
    e.ref_uid = "";
    e.title = "";
    e.body = fields[10];
    e.data = fields[11];
    e.exp = 99; /* local ids are never hashed */
    e.id = 12;
    canon_entry_hash(got, prev, &e);
    sha256_hex(hex, got);
    STR_EQ(hex, "397e995af29b160e89450f5b0caa8df2aacbf19d9632094e19ebce062cd5d85e");
    /* An unknown kind is hashed as its text. */
    e.kind = ENTRY_UNKNOWN;
    e.kind_name = "x-future";
    canon_entry_hash(got, prev, &e);
    sha256_hex(hex, got);
    STR_EQ(hex, "30eca6ab808b78eb2baa7da435b3a4605903f09878a66c24751df8eb37a8faf1");

    /* Format 1, entry 1 of tests/fixtures/format1.sql (written by the
     * format-1 code): id, uid, ts, author, kind, exp, ref, title, body,
     * data after 32 zero bytes and "lablog-entry-1\0". */
    buf_reset(&bytes);
    memset(prev, 0, sizeof(prev));
    buf_put(&bytes, (const char *)prev, sizeof(prev));
    buf_put(&bytes, "lablog-entry-1", 15);
    put_field(&bytes, "1");
    put_field(&bytes, "01M7W2Y7M0B6GVWG8XTDMRTCN4");
    put_field(&bytes, "1795165200000");
    put_field(&bytes, "ada");
    put_field(&bytes, "project");
    put_field(&bytes, "");
    put_field(&bytes, "");
    put_field(&bytes, "f1");
    put_field(&bytes, "format-1 fixture");
    put_field(&bytes, "{}");
    hex_of(hex, bytes.ptr, bytes.len);
    STR_EQ(hex, "85fd9e9cd325125dde5552ab198ad1f3f017ac122095a8cca04e80f2d6d5d551");
    memset(&e, 0, sizeof(e));
    e.seq = 1;
    strcpy(e.uid, "01M7W2Y7M0B6GVWG8XTDMRTCN4");
    e.ts = 1795165200000;
    e.author = "ada";
    e.kind = ENTRY_PROJECT;
    e.title = "f1";
    e.body = "format-1 fixture";
    e.data = "{}";
    canon_entry_hash_v1(got, prev, &e, 0, 0);
    sha256_hex(hex, got);
    STR_EQ(hex, "85fd9e9cd325125dde5552ab198ad1f3f017ac122095a8cca04e80f2d6d5d551");
    buf_release(&bytes);
}

static void put_double(struct buf *b, double v)
{
    uint64_t bits;

    memcpy(&bits, &v, sizeof(bits));
    put_be64(b, bits);
}

static void test_point_vectors(void)
{
    static const char exp[] = "01M7W2Y7M0GV1CJDQQF7X047PY";
    static const char att[] = "01M7W2Y7M02K0TVVH3F7V9XMWT";
    struct buf bytes = BUF_INIT;
    unsigned char d[SHA256_LEN];
    struct sha256 h;
    char hex[65];

    /* Format 2: field(exp) field(metric) field(attempt) step value ts. */
    put_field(&bytes, exp);
    put_field(&bytes, "loss");
    put_field(&bytes, att);
    put_be64(&bytes, 3);
    put_double(&bytes, 0.5);
    put_be64(&bytes, 1795165200000);
    put_field(&bytes, exp);
    put_field(&bytes, "loss");
    put_field(&bytes, att);
    put_be64(&bytes, 4);
    put_be64(&bytes, 0x7ff8000000000000); /* every NaN */
    put_be64(&bytes, 1795165200001);
    hex_of(hex, bytes.ptr, bytes.len);
    STR_EQ(hex, "b5a54105f175873a8bc4aa9178772523dcd6293437cc0ec6eeee5b197d616be9");
    sha256_init(&h);
    canon_point(&h, exp, "loss", att, 3, 0.5, 1795165200000);
    canon_point(&h, exp, "loss", att, 4, -NAN, 1795165200001);
    sha256_final(&h, d);
    sha256_hex(hex, d);
    STR_EQ(hex, "b5a54105f175873a8bc4aa9178772523dcd6293437cc0ec6eeee5b197d616be9");

    /* Format 1: the digest of batch 5 of the fixture (exp seq 2). */
    buf_reset(&bytes);
    put_be64(&bytes, 2);
    put_field(&bytes, "loss");
    put_be64(&bytes, 0);
    put_double(&bytes, 2.0);
    put_be64(&bytes, 1795165200000);
    put_be64(&bytes, 2);
    put_field(&bytes, "loss");
    put_be64(&bytes, 1);
    put_double(&bytes, 1.0);
    put_be64(&bytes, 1795165200000);
    hex_of(hex, bytes.ptr, bytes.len);
    STR_EQ(hex, "2257941252b967967df3c022749eff13c380e2290dcaf46e7df5cf21962f3f68");
    sha256_init(&h);
    canon_point_v1(&h, 2, "loss", 0, 2.0, 1795165200000);
    canon_point_v1(&h, 2, "loss", 1, 1.0, 1795165200000);
    sha256_final(&h, d);
    sha256_hex(hex, d);
    STR_EQ(hex, "2257941252b967967df3c022749eff13c380e2290dcaf46e7df5cf21962f3f68");
    buf_release(&bytes);
}

/* ---- replicas ---------------------------------------------------------- */

static char dir[64];

static void path_in(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", dir, name);
}

static int64_t add(struct store *s, enum entry_kind kind, int64_t ts,
                   int64_t exp, int64_t ref, const char *title,
                   const char *body)
{
    struct entry e;

    memset(&e, 0, sizeof(e));
    e.kind = kind;
    e.ts = ts;
    e.author = "ada";
    e.exp = exp;
    e.ref = ref;
    e.title = title;
    e.body = body;
    OK(store_begin_write(s) == 0);
    INT_EQ(store_append(s, &e), 0);
    INT_EQ(store_commit(s), 0);
    return e.id;
}

static void copy_file(const char *from, const char *to)
{
    struct buf b = BUF_INIT;
    char chunk[8192];
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    size_t n;

    OK(in && out);
    while (in && (n = fread(chunk, 1, sizeof(chunk), in)) > 0)
        buf_put(&b, chunk, n);
    if (out)
        fwrite(b.ptr, 1, b.len, out);
    if (in)
        fclose(in);
    if (out)
        fclose(out);
    buf_release(&b);
}

static int count_origin(void *ctx, const struct store_origin *o)
{
    (void)o;
    (*(int *)ctx)++;
    return 0;
}

static void feed_of(struct store *s, struct buf *out)
{
    FILE *f = tmpfile();
    char chunk[4096];
    size_t n;

    INT_EQ(store_feed_write(s, f), 0);
    rewind(f);
    buf_reset(out);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_put(out, chunk, n);
    fclose(f);
}

/* The lines of a feed after its header, as offsets into text. */
struct lines {
    const char *ptr[64];
    size_t len[64];
    size_t n;
};

static void split(struct lines *l, const struct buf *feed)
{
    const char *p = strchr(feed->ptr, '\n') + 1; /* skip the header */

    while (*p && l->n < 64) {
        const char *nl = strchr(p, '\n');

        l->ptr[l->n] = p;
        l->len[l->n++] = (size_t)(nl - p) + 1;
        p = nl + 1;
    }
}

/* What a reader sees: experiments and their status, notes as they read
 * now, open and done next steps, open blockers, in view order. */
static void describe(struct store *s, struct buf *out)
{
    struct view_opts o = { .metrics = VIEW_METRICS_NONE };
    struct view *v = NULL;
    size_t i;

    buf_reset(out);
    INT_EQ(view_build(&v, s, &o), 0);
    if (!v)
        return;
    for (i = 0; i < v->nexps; i++)
        buf_printf(out, "exp %s %s\n", v->exps[i].name, v->exps[i].status);
    for (i = 0; i < v->notes.len; i++)
        buf_printf(out, "note %s%s\n", v->notes.items[i]->text,
                   v->notes.items[i]->amended ? " (amended)" : "");
    for (i = 0; i < v->next_open.len; i++)
        buf_printf(out, "next %s\n", v->next_open.items[i]->text);
    for (i = 0; i < v->next_done.len; i++)
        buf_printf(out, "done %s\n", v->next_done.items[i]->text);
    for (i = 0; i < v->blockers_open.len; i++)
        buf_printf(out, "block %s\n", v->blockers_open.items[i]->text);
    view_free(v);
}

/* Imports lines (a header first) into a new log; returns it open. */
static struct store *arrive(const char *name, const struct buf *header,
                            const struct lines *l, const size_t *order)
{
    struct store_import_stats st;
    struct store *s = NULL;
    char path[128];
    FILE *f = tmpfile();
    size_t i;

    path_in(path, sizeof(path), name);
    INT_EQ(store_open(&s, path, STORE_CREATE), 0);
    fwrite(header->ptr, 1, header->len, f);
    for (i = 0; i < l->n; i++)
        fwrite(l->ptr[order[i]], 1, l->len[order[i]], f);
    rewind(f);
    INT_EQ(store_feed_import(s, f, name, NULL, &st), 0);
    INT_EQ(st.entries, l->n);
    fclose(f);
    return s;
}

static void test_copies_and_fold_order(void)
{
    struct store *a = NULL, *b = NULL, *c;
    struct buf fa = BUF_INIT, fb = BUF_INIT, header = BUF_INIT;
    struct buf want = BUF_INIT, got = BUF_INIT, feed0 = BUF_INIT,
               feed = BUF_INIT;
    struct lines la = { 0 }, lb = { 0 }, all = { 0 };
    char pa[128], pb[128], name[32];
    size_t order[64], i, k;
    int64_t exp, note, next;
    int origins = 0;
    unsigned seed = 12345;

    snprintf(dir, sizeof(dir), "/tmp/lablog-test-fmt2-XXXXXX");
    OK(mkdtemp(dir) != NULL);
    path_in(pa, sizeof(pa), "a.db");
    path_in(pb, sizeof(pb), "b.db");
    INT_EQ(store_open(&a, pa, STORE_CREATE), 0);
    add(a, ENTRY_PROJECT, 1000, 0, 0, "p", "");
    exp = add(a, ENTRY_EXP, 1000, 0, 0, "e", "");
    note = add(a, ENTRY_NOTE, 1000, exp, 0, "", "n1");
    next = add(a, ENTRY_NEXT, 1000, 0, 0, "", "x");
    store_close(a);
    copy_file(pa, pb);

    /* Both replicas go on; B's file is a copy, so it becomes a new
     * origin. B's writes come later in hlc, whatever their wall clock. */
    INT_EQ(store_open(&a, pa, STORE_WRITE), 0);
    INT_EQ(store_open(&b, pb, STORE_WRITE), 0);
    add(a, ENTRY_STATUS, 5000, exp, 0, "done", "");
    add(a, ENTRY_AMEND, 6000, 0, note, "", "n1 amended by A");
    add(a, ENTRY_BLOCK, 6500, 0, 0, "", "gpu");
    add(b, ENTRY_STATUS, 7000, exp, 0, "failed", "");
    add(b, ENTRY_AMEND, 3000, 0, note, "", "n1 amended by B");
    add(b, ENTRY_DONE, 8000, 0, next, "", "");
    INT_EQ(store_origins(a, count_origin, &origins), 0);
    INT_EQ(origins, 1);
    origins = 0;
    INT_EQ(store_origins(b, count_origin, &origins), 0);
    INT_EQ(origins, 2);
    feed_of(a, &fa);
    feed_of(b, &fb);
    store_close(a);
    store_close(b);

    /* Every entry once: A's, then B's that A lacks (its origin entry and
     * its three). Per origin, lines keep their order. */
    split(&la, &fa);
    split(&lb, &fb);
    INT_EQ(la.n, 7);
    INT_EQ(lb.n, 8);
    all = la;
    for (i = 4; i < lb.n; i++) {
        all.ptr[all.n] = lb.ptr[i];
        all.len[all.n++] = lb.len[i];
    }
    buf_put(&header, fa.ptr, (size_t)(strchr(fa.ptr, '\n') - fa.ptr) + 1);

    for (k = 0; k < 6; k++) {
        size_t na = 0, nb = 4;

        /* k = 0: A then B; 1: B then A; then random interleavings that
         * keep each origin's order (the shared prefix first). */
        for (i = 0; i < all.n; i++) {
            int take_a;

            if (k == 0)
                take_a = na < 7;
            else if (k == 1)
                take_a = na < 4 || nb >= 8;
            else {
                seed = seed * 1103515245 + 12345;
                take_a = na < 4 || nb >= 8 || (na < 7 && (seed >> 16) % 2);
            }
            order[i] = take_a ? na++ : 7 + (nb++ - 4);
        }
        snprintf(name, sizeof(name), "c%zu.db", k);
        c = arrive(name, &header, &all, order);
        describe(c, &got);
        feed_of(c, &feed);
        if (k == 0) {
            buf_puts(&want, got.ptr);
            buf_puts(&feed0, feed.ptr);
        }
        STR_EQ(got.ptr, want.ptr);
        OK(strcmp(feed.ptr, feed0.ptr) == 0);
        store_close(c);
    }
    /* The fold order decides, not arrival or wall clock: B's failure and
     * B's amendment (later hlc) win. */
    OK(strstr(want.ptr, "exp e failed\n") != NULL);
    OK(strstr(want.ptr, "note n1 amended by B (amended)\n") != NULL);
    OK(strstr(want.ptr, "done x\n") != NULL);
    OK(strstr(want.ptr, "block gpu\n") != NULL);

    buf_release(&fa);
    buf_release(&fb);
    buf_release(&header);
    buf_release(&want);
    buf_release(&got);
    buf_release(&feed0);
    buf_release(&feed);
    {
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        OK(system(cmd) == 0);
    }
}

int main(void)
{
    RUN(test_entry_vectors);
    RUN(test_point_vectors);
    RUN(test_copies_and_fold_order);
    return harness_finish("test_format2");
}
