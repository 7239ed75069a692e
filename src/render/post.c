/* SPDX-License-Identifier: MIT */
/*
 * The Slack incoming-webhook POST (see post.h for the policy).
 *
 * The only file that includes libcurl. What matters here is what never
 * happens: CURLOPT_VERBOSE is never set (it prints the secret path),
 * CURLOPT_FAILONERROR is never set (it throws away Slack's error body), and
 * no message is built from the URL except its scheme and host. Text quoted
 * from curl or from Slack goes through quote(), which cuts the URL's path
 * out and keeps only printable ASCII.
 */
#include "render/post.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/err.h"
#include "util/utf8.h"

#define CONNECT_TIMEOUT_MS 5000L
#define TOTAL_TIMEOUT_MS 15000L
#define MAX_WAIT_S 60L
#define QUOTE_MAX 200

static int curl_ready; /* curl_global_init() succeeded and is not undone */

/*
 * libcurl is loaded when a post is made, not when lablog starts: with its
 * TLS, HTTP/2, IDN and LDAP dependencies it would double the start-up time
 * of every command, including the `lablog metric` calls in training loops.
 */
static struct {
    void *handle;
    CURLcode (*global_init)(long flags);
    void (*global_cleanup)(void);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
    CURLcode (*easy_perform)(CURL *curl);
    CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
    void (*easy_cleanup)(CURL *curl);
    const char *(*easy_strerror)(CURLcode code);
    void (*free)(void *p);
    struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
    void (*slist_free_all)(struct curl_slist *l);
    CURLU *(*url)(void);
    void (*url_cleanup)(CURLU *u);
    CURLUcode (*url_get)(const CURLU *u, CURLUPart what, char **part,
                         unsigned int flags);
    CURLUcode (*url_set)(CURLU *u, CURLUPart what, const char *part,
                         unsigned int flags);
} api;

/* Resolves one symbol into *slot; returns 0, or -1 when it is missing. */
static int load_symbol(void *slot, const char *symbol)
{
    void *p = dlsym(api.handle, symbol);

    memcpy(slot, &p, sizeof(p));
    return p ? 0 : -1;
}

static int load_curl(void)
{
    static const char *const names[] = { "libcurl.so.4", "libcurl.so" };
    size_t i;
    int bad = 0;

    if (api.handle)
        return 0;
    for (i = 0; i < 2 && !api.handle; i++)
        api.handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!api.handle)
        return ll_error(LL_EIO, "cannot load libcurl (install libcurl4): %s",
                        dlerror());
    bad |= load_symbol(&api.global_init, "curl_global_init");
    bad |= load_symbol(&api.global_cleanup, "curl_global_cleanup");
    bad |= load_symbol(&api.easy_init, "curl_easy_init");
    bad |= load_symbol(&api.easy_setopt, "curl_easy_setopt");
    bad |= load_symbol(&api.easy_perform, "curl_easy_perform");
    bad |= load_symbol(&api.easy_getinfo, "curl_easy_getinfo");
    bad |= load_symbol(&api.easy_cleanup, "curl_easy_cleanup");
    bad |= load_symbol(&api.easy_strerror, "curl_easy_strerror");
    bad |= load_symbol(&api.free, "curl_free");
    bad |= load_symbol(&api.slist_append, "curl_slist_append");
    bad |= load_symbol(&api.slist_free_all, "curl_slist_free_all");
    bad |= load_symbol(&api.url, "curl_url");
    bad |= load_symbol(&api.url_cleanup, "curl_url_cleanup");
    bad |= load_symbol(&api.url_get, "curl_url_get");
    bad |= load_symbol(&api.url_set, "curl_url_set");
    if (bad) {
        dlclose(api.handle);
        api.handle = NULL;
        return ll_error(LL_EIO, "libcurl is too old (7.62 or later needed)");
    }
    return 0;
}

/* What the checks and the messages need from the webhook URL. */
struct target {
    char *scheme;       /* "https", or "http" for loopback; api.free() */
    char *host;         /* host as curl parsed it; api.free() */
    int loopback;       /* host is 127.0.0.1, [::1] or localhost */
    const char *secret; /* the URL from its path on: never printed */
    size_t secret_len;  /* its length */
    const char *token;  /* the last path segment (the webhook's key) */
    size_t token_len;   /* its length */
};

static void target_release(struct target *t)
{
    api.free(t->scheme);
    api.free(t->host);
    memset(t, 0, sizeof(*t));
}

static int is_loopback(const char *host)
{
    return strcmp(host, "127.0.0.1") == 0 || strcmp(host, "[::1]") == 0 ||
           strcasecmp(host, "localhost") == 0;
}

/* The part of the URL after the authority (path, query and fragment), and
 * the last segment of the path on its own, in case a server quotes only
 * that. */
static void find_secret(struct target *t, const char *url)
{
    const char *p = strstr(url, "://");
    size_t path_len;

    p = p ? p + 3 : url;
    p += strcspn(p, "/?#");
    t->secret = p;
    t->secret_len = strlen(p);
    path_len = strcspn(p, "?#");
    while (path_len && p[path_len - 1] == '/')
        path_len--;
    t->token = p + path_len;
    while (t->token > p && t->token[-1] != '/')
        t->token--;
    t->token_len = (size_t)(p + path_len - t->token);
}

/* The length of the secret or token starting at s, or 0. Needles shorter
 * than 6 bytes are ignored: they would match ordinary words. */
static size_t secret_at(const struct target *t, const char *s, size_t len)
{
    if (t->secret_len >= 6 && len >= t->secret_len &&
        memcmp(s, t->secret, t->secret_len) == 0)
        return t->secret_len;
    if (t->token_len >= 6 && len >= t->token_len &&
        memcmp(s, t->token, t->token_len) == 0)
        return t->token_len;
    return 0;
}

static int check_url(struct target *t, const char *url)
{
    CURLU *u = api.url();
    int rc = 0;

    memset(t, 0, sizeof(*t));
    if (!u)
        abort(); /* out of memory, as xmalloc would */
    if (api.url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) ||
        api.url_get(u, CURLUPART_SCHEME, &t->scheme, 0)) {
        rc = ll_error(LL_EINPUT, "the Slack webhook URL is not a valid URL");
        goto cleanup;
    }
    if (api.url_get(u, CURLUPART_HOST, &t->host, 0) != CURLUE_OK)
        t->host = NULL; /* "file:///x" has none */
    t->loopback = t->host && is_loopback(t->host);
    if (strcmp(t->scheme, "https") != 0 &&
        !(strcmp(t->scheme, "http") == 0 && t->loopback)) {
        rc = ll_error(LL_EINPUT, "the Slack webhook URL must start with "
                                 "https:// (http is allowed only for "
                                 "127.0.0.1 and localhost)");
        goto cleanup;
    }
    if (!t->host) {
        rc = ll_error(LL_EINPUT, "the Slack webhook URL has no host");
        goto cleanup;
    }
    find_secret(t, url);
cleanup:
    api.url_cleanup(u);
    if (rc)
        target_release(t);
    return rc;
}

/* Appends s to out for a message: every occurrence of the URL's secret
 * part or of its last segment becomes a slash and three asterisks,
 * trailing whitespace is dropped, bytes outside printable ASCII show as
 * '?', and at most QUOTE_MAX bytes are kept. */
static void quote(struct buf *out, const char *s, size_t len,
                  const struct target *t)
{
    struct buf tmp = BUF_INIT;
    size_t i = 0, n;

    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
                   s[len - 1] == '\r' || s[len - 1] == '\n'))
        len--;
    while (i < len) {
        size_t hit = secret_at(t, s + i, len - i);

        if (hit) {
            buf_puts(&tmp, "/***");
            i += hit;
            continue;
        }
        buf_putc(&tmp, s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?');
        i++;
    }
    n = tmp.len;
    if (n == 0)
        buf_puts(out, "(empty answer)");
    else if (n > QUOTE_MAX)
        buf_printf(out, "%.*s...", QUOTE_MAX, tmp.ptr);
    else
        buf_put(out, tmp.ptr, n);
    buf_release(&tmp);
}

/* A numeric environment setting within [min, max], or def when unset or
 * not a number. */
static long env_long(const char *name, long def, long min, long max)
{
    const char *v = getenv(name);
    char *end;
    long n;

    if (!v || !*v)
        return def;
    errno = 0;
    n = strtol(v, &end, 10);
    if (errno || *end || n < min)
        return def;
    return n > max ? max : n;
}

static void sleep_seconds(long s)
{
    struct timespec ts = { s, 0 };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static size_t collect(char *data, size_t size, size_t nmemb, void *userp)
{
    struct buf *body = userp;
    size_t n = size * nmemb;
    size_t room = body->len < POST_BODY_MAX ? POST_BODY_MAX - body->len : 0;

    buf_put(body, data, n < room ? n : room);
    return n; /* the rest is read and dropped, not an error */
}

static int global_init(void)
{
    if (curl_ready)
        return 0;
    if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return ll_error(LL_EIO, "cannot initialise libcurl");
    curl_ready = 1;
    return 0;
}

/* The JSON body {"text": text}; caller frees with free(). */
static int build_body(char **out, const char *text)
{
    size_t len = strlen(text);
    size_t bad = utf8_invalid_at(text, len);
    json_t *obj;

    *out = NULL;
    if (len == 0)
        return ll_error(LL_EINPUT, "refusing to post an empty message to "
                                   "the Slack webhook");
    if (bad < len)
        return ll_error(LL_EINPUT, "the message is not valid UTF-8 "
                                   "(byte %zu)", bad);
    obj = json_pack("{s:s%}", "text", text, len);
    if (obj)
        *out = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    if (!*out)
        abort(); /* jansson fails only on out-of-memory here */
    return 0;
}

static void set_options(CURL *h, const struct target *t, const char *url,
                        const char *body, struct curl_slist *headers,
                        char *errbuf, struct buf *resp)
{
    long total = env_long("LABLOG_POST_TIMEOUT_MS", TOTAL_TIMEOUT_MS, 1,
                          TOTAL_TIMEOUT_MS * 4);
    const char *proto = t->loopback ? "http,https" : "https";

    api.easy_setopt(h, CURLOPT_URL, url);
    api.easy_setopt(h, CURLOPT_PROTOCOLS_STR, proto);
    api.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    api.easy_setopt(h, CURLOPT_POSTFIELDS, body);
    api.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                     (curl_off_t)strlen(body));
    api.easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    api.easy_setopt(h, CURLOPT_USERAGENT, "lablog");
    api.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    api.easy_setopt(h, CURLOPT_TIMEOUT_MS, total);
    api.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     total < CONNECT_TIMEOUT_MS ? total : CONNECT_TIMEOUT_MS);
    api.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    api.easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    api.easy_setopt(h, CURLOPT_WRITEDATA, resp);
    if (t->loopback)
        api.easy_setopt(h, CURLOPT_NOPROXY, "*");
}

/* One request. Returns 0 when an HTTP answer arrived (any status), else
 * LL_EIO with curl's reason. */
static int send_once(CURL *h, const struct target *t, char *errbuf,
                     struct post_result *res, long *retry_after)
{
    struct buf msg = BUF_INIT;
    curl_off_t wait = 0;
    CURLcode cc;
    int rc;

    buf_reset(&res->body);
    res->http_status = 0;
    res->attempts++;
    errbuf[0] = '\0';
    cc = api.easy_perform(h);
    if (cc != CURLE_OK) {
        const char *why = errbuf[0] ? errbuf : api.easy_strerror(cc);

        quote(&msg, why, strlen(why), t);
        rc = ll_error(LL_EIO, "posting to the Slack webhook at %s://%s "
                              "failed: %s", t->scheme, t->host, msg.ptr);
        buf_release(&msg);
        return rc;
    }
    api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &res->http_status);
    api.easy_getinfo(h, CURLINFO_RETRY_AFTER, &wait);
    *retry_after = wait > 0 ? (wait > MAX_WAIT_S ? MAX_WAIT_S : (long)wait)
                            : 1;
    return 0;
}

static int answer_error(const struct target *t, const struct post_result *res)
{
    struct buf msg = BUF_INIT;
    int rc;

    quote(&msg, res->body.ptr, res->body.len, t);
    rc = ll_error(LL_EIO, "the Slack webhook at %s://%s answered HTTP %ld%s: "
                          "%s", t->scheme, t->host, res->http_status,
                  res->attempts > 1 ? " (after a retry)" : "", msg.ptr);
    buf_release(&msg);
    return rc;
}

int post_slack(const char *webhook_url, const char *text,
               struct post_result *res)
{
    struct post_result own = POST_RESULT_INIT;
    struct target t;
    char errbuf[CURL_ERROR_SIZE];
    struct curl_slist *headers = NULL;
    char *body = NULL;
    CURL *h = NULL;
    long wait = 0;
    int rc;

    if (!res)
        res = &own;
    res->http_status = 0;
    res->attempts = 0;
    buf_reset(&res->body);
    memset(&t, 0, sizeof(t));
    rc = load_curl();
    if (rc)
        goto cleanup;
    rc = check_url(&t, webhook_url);
    if (rc)
        goto cleanup;
    rc = build_body(&body, text);
    if (rc)
        goto cleanup;
    rc = global_init();
    if (rc)
        goto cleanup;
    h = api.easy_init();
    headers = api.slist_append(NULL, "Content-Type: application/json; "
                                      "charset=utf-8");
    if (!h || !headers) {
        rc = ll_error(LL_EIO, "cannot initialise libcurl");
        goto cleanup;
    }
    set_options(h, &t, webhook_url, body, headers, errbuf, &res->body);
    rc = send_once(h, &t, errbuf, res, &wait);
    if (rc == 0 && res->http_status == 429) {
        sleep_seconds(env_long("LABLOG_POST_MAX_WAIT", wait, 0, wait));
        rc = send_once(h, &t, errbuf, res, &wait);
    }
    if (rc == 0 && res->http_status != 200)
        rc = answer_error(&t, res);
cleanup:
    if (api.handle) {
        api.easy_cleanup(h);
        api.slist_free_all(headers);
        target_release(&t);
    }
    free(body);
    post_result_release(&own);
    return rc;
}

void post_result_release(struct post_result *res)
{
    buf_release(&res->body);
    res->http_status = 0;
    res->attempts = 0;
}

void post_cleanup(void)
{
    if (curl_ready)
        api.global_cleanup();
    curl_ready = 0;
    if (api.handle)
        dlclose(api.handle);
    api.handle = NULL;
}
