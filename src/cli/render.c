/* SPDX-License-Identifier: MIT */
/*
 * Loading the render plugin (plugin/plugin.h): lablog-render.so beside
 * the executable (the build tree) or in ../lib/lablog/ (installed), so
 * that commands which do not draw never load cairo, libharu and cmark.
 * The table it exports is checked before use; the plugin stays loaded for
 * the rest of the process.
 */
#include <dlfcn.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "plugin/plugin.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/version.h"

static const struct render_plugin *loaded;

int cli_render(const struct render_plugin **out, const char *command)
{
    static const char *const places[] = { "/lablog-render.so",
                                          "/../lib/lablog/lablog-render.so" };
    const struct render_plugin *rp;
    char exe[4096];
    struct buf path = BUF_INIT;
    void *plugin = NULL, *sym;
    ssize_t n;
    size_t i;

    *out = loaded;
    if (loaded)
        return 0;
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    exe[n > 0 ? n : 0] = '\0';
    if (strrchr(exe, '/'))
        *strrchr(exe, '/') = '\0';
    for (i = 0; !plugin && i < sizeof(places) / sizeof(places[0]); i++) {
        buf_reset(&path);
        buf_printf(&path, "%s%s", exe, places[i]);
        plugin = dlopen(path.ptr, RTLD_NOW | RTLD_LOCAL);
    }
    buf_release(&path);
    if (!plugin)
        return ll_error(LL_EIO, "cannot load lablog-render.so, needed by "
                        "'%s' (is lablog installed completely?): %s",
                        command, dlerror());
    sym = dlsym(plugin, RENDER_PLUGIN_SYMBOL);
    if (!sym)
        return ll_error(LL_EIO, "lablog-render.so has no '%s': not a lablog "
                        "render plugin", RENDER_PLUGIN_SYMBOL);
    rp = sym;
    if (rp->abi != RENDER_PLUGIN_ABI || rp->size != sizeof(*rp)
        || !rp->version || strcmp(rp->version, LABLOG_VERSION) != 0)
        return ll_error(LL_EIO, "lablog-render.so is from another build "
                        "(lablog %s, plugin ABI %u; this lablog is %s, ABI "
                        "%u): reinstall lablog", rp->version ? rp->version
                        : "?", rp->abi, LABLOG_VERSION, RENDER_PLUGIN_ABI);
    loaded = rp;
    *out = rp;
    return 0;
}

void cli_render_cleanup(void)
{
    if (loaded)
        loaded->cleanup();
}
