/* SPDX-License-Identifier: MIT */
/*
 * Template lookup (see templates.h for the search order) and rendering with
 * partials resolved along the same path.
 */
#include "render/templates.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/err.h"
#include "util/xalloc.h"

#ifndef LABLOG_TEMPLATE_DIR
#define LABLOG_TEMPLATE_DIR "/usr/local/share/lablog/templates"
#endif

/* The search folders, in order (templates.h, steps 2-6). */
struct search_path {
    char *dirs[6];
    size_t len;
};

static void path_add(struct search_path *sp, struct buf *dir)
{
    if (dir->len)
        sp->dirs[sp->len++] = buf_detach(dir, NULL);
}

/* The folder holding the running binary, or "" when unknown (not Linux). */
static void exe_dir(struct buf *out)
{
    char path[4096];
    ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
    char *slash;

    if (n <= 0)
        return;
    path[n] = '\0';
    slash = strrchr(path, '/');
    if (slash)
        buf_put(out, path, (size_t)(slash - path));
}

static void search_path_init(struct search_path *sp)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    const char *env = getenv("LABLOG_TEMPLATES");
    struct buf dir = BUF_INIT, exe = BUF_INIT;

    sp->len = 0;
    if (xdg && xdg[0] == '/')
        buf_printf(&dir, "%s/lablog/templates", xdg);
    else if (home && *home)
        buf_printf(&dir, "%s/.config/lablog/templates", home);
    path_add(sp, &dir);
    if (env && *env)
        buf_puts(&dir, env);
    path_add(sp, &dir);
    exe_dir(&exe);
    if (exe.len)
        buf_printf(&dir, "%s/../share/lablog/templates", exe.ptr);
    path_add(sp, &dir);
    buf_puts(&dir, LABLOG_TEMPLATE_DIR);
    path_add(sp, &dir);
    if (exe.len)
        buf_printf(&dir, "%s/../templates", exe.ptr);
    path_add(sp, &dir);
    buf_release(&exe);
}

static void search_path_release(struct search_path *sp)
{
    size_t i;

    for (i = 0; i < sp->len; i++)
        free(sp->dirs[i]);
    sp->len = 0;
}

/* Reads path into out. Returns 0, LL_ENOTFOUND when it does not exist (no
 * message: the caller decides), or LL_EIO / LL_EINPUT with a message. */
static int read_template(struct buf *out, const char *path)
{
    FILE *f = fopen(path, "rb");
    char chunk[8192];
    size_t n;
    int rc = 0;

    if (!f) {
        if (errno == ENOENT || errno == ENOTDIR)
            return LL_ENOTFOUND;
        return ll_error(LL_EIO, "cannot read template '%s': %s", path,
                        strerror(errno));
    }
    while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        buf_put(out, chunk, n);
        if (out->len > TEMPLATES_MAX_SIZE)
            rc = ll_error(LL_EINPUT, "template '%s' is larger than %d bytes",
                          path, TEMPLATES_MAX_SIZE);
    }
    if (rc == 0 && ferror(f))
        rc = ll_error(LL_EIO, "cannot read template '%s': %s", path,
                      strerror(errno));
    if (rc == 0 && memchr(out->ptr, '\0', out->len))
        rc = ll_error(LL_EINPUT, "template '%s' holds a NUL byte", path);
    fclose(f);
    return rc;
}

/* Looks for name in dir first (when not NULL), then along the path. On
 * success t holds the file. LL_ENOTFOUND without a message when absent. */
static int find_template(struct template_file *t, const char *dir,
                         const char *name)
{
    struct search_path sp;
    struct buf path = BUF_INIT;
    size_t i;
    int rc = LL_ENOTFOUND;

    search_path_init(&sp);
    for (i = 0; rc == LL_ENOTFOUND && i <= sp.len; i++) {
        const char *d = i == 0 ? dir : sp.dirs[i - 1];

        if (!d)
            continue;
        buf_reset(&path);
        buf_printf(&path, "%s/%s", d, name);
        buf_reset(&t->text);
        rc = read_template(&t->text, path.ptr);
    }
    if (rc == 0)
        t->path = buf_detach(&path, NULL);
    buf_release(&path);
    search_path_release(&sp);
    return rc;
}

static int not_found(const char *name)
{
    struct search_path sp;
    struct buf where = BUF_INIT;
    size_t i;
    int rc;

    search_path_init(&sp);
    for (i = 0; i < sp.len; i++)
        buf_printf(&where, "%s%s", i ? ", " : "", sp.dirs[i]);
    rc = ll_error(LL_ENOTFOUND, "template '%s' not found (looked in %s)",
                  name, where.ptr);
    buf_release(&where);
    search_path_release(&sp);
    return rc;
}

int templates_load(struct template_file *out, const char *name,
                   const char *file)
{
    int rc;

    if (file) {
        rc = read_template(&out->text, file);
        if (rc == LL_ENOTFOUND)
            rc = ll_error(LL_EIO, "cannot read template '%s': %s", file,
                          strerror(ENOENT));
        if (rc == 0)
            out->path = xstrdup(file);
        return rc;
    }
    rc = find_template(out, NULL, name);
    return rc == LL_ENOTFOUND ? not_found(name) : rc;
}

void templates_release(struct template_file *t)
{
    free(t->path);
    t->path = NULL;
    buf_release(&t->text);
}

/* ---- partials ---------------------------------------------------------- */

struct partials {
    char *dir;                   /* folder of the main template */
    struct template_file *items; /* loaded so far; live until the end */
    size_t len, cap;
};

/* Partial names become file names: keep them to one plain component. */
static int valid_partial_name(const char *name)
{
    const char *p;

    if (!*name || *name == '.' || strlen(name) > 100)
        return 0;
    for (p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
              || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'
              || *p == '.'))
            return 0;
    return 1;
}

static int load_partial(void *ctx, const char *name, const char **text_out,
                        size_t *len_out)
{
    struct partials *ps = ctx;
    struct template_file *t;
    struct buf file = BUF_INIT;
    int rc;

    if (!valid_partial_name(name))
        return ll_error(LL_EINPUT, "invalid partial name '%.60s' (use "
                        "letters, digits, '-', '_' and '.')", name);
    XGROW(ps->items, ps->len + 1, ps->cap);
    t = &ps->items[ps->len];
    t->path = NULL;
    buf_init(&t->text);
    buf_printf(&file, "%s.mustache", name);
    rc = find_template(t, ps->dir, file.ptr);
    buf_release(&file);
    if (rc) {
        templates_release(t);
        return rc; /* LL_ENOTFOUND: renders as nothing, as the spec says */
    }
    ps->len++;
    *text_out = t->text.ptr;
    *len_out = t->text.len;
    return 0;
}

int templates_render(struct buf *out, const struct template_file *t,
                     json_t *ctx, tmpl_escape_fn *escape)
{
    struct partials ps = { NULL, NULL, 0, 0 };
    struct tmpl_opts o;
    const char *slash = strrchr(t->path, '/');
    size_t i;
    int rc;

    ps.dir = slash ? xstrndup(t->path, (size_t)(slash - t->path))
                   : xstrdup(".");
    o.escape = escape;
    o.partial = load_partial;
    o.partial_ctx = &ps;
    o.name = t->path;
    rc = tmpl_render(out, t->text.ptr, t->text.len, ctx, &o);
    for (i = 0; i < ps.len; i++)
        templates_release(&ps.items[i]);
    free(ps.items);
    free(ps.dir);
    return rc;
}
