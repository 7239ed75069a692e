/* SPDX-License-Identifier: MIT */
/*
 * Tests for render/post against tests/slack_stub.py, a local stand-in for a
 * Slack incoming webhook (found through $LABLOG_TOP, default "."). Each case
 * starts its own stub on an ephemeral port and kills it afterwards. Every
 * error message is checked for the webhook's secret path.
 */
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "render/post.h"
#include "util/buf.h"
#include "util/err.h"

#define SECRET_PATH "/services/T000/B000/SECRETx9QzWebhookToken"

struct stub {
    pid_t pid;
    int port;
    char record[64]; /* file the stub appends request bodies to */
    char url[128];
};

static int read_port(int fd)
{
    char line[32];
    size_t n = 0;

    while (n < sizeof(line) - 1) {
        ssize_t r = read(fd, line + n, 1);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || line[n] == '\n')
            break;
        n++;
    }
    line[n] = '\0';
    return atoi(line);
}

/* Starts "python3 tests/slack_stub.py MODE RECORD MAX". Returns 0 when the
 * stub printed its port. */
static int stub_start(struct stub *s, const char *mode, int max_requests)
{
    const char *top = getenv("LABLOG_TOP");
    char script[1024], max[16];
    int fds[2], tmp;

    memset(s, 0, sizeof(*s));
    snprintf(s->record, sizeof(s->record), "/tmp/lablog-stub-XXXXXX");
    tmp = mkstemp(s->record);
    if (tmp < 0)
        return -1;
    close(tmp);
    snprintf(script, sizeof(script), "%s/tests/slack_stub.py",
             top ? top : ".");
    snprintf(max, sizeof(max), "%d", max_requests);
    if (pipe(fds) != 0)
        return -1;
    s->pid = fork();
    if (s->pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execlp("python3", "python3", script, mode, s->record, max,
               (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    s->port = s->pid > 0 ? read_port(fds[0]) : 0;
    close(fds[0]);
    snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d" SECRET_PATH,
             s->port);
    return s->port > 0 ? 0 : -1;
}

static void stub_stop(struct stub *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, NULL, 0);
    }
    unlink(s->record);
    s->pid = 0;
}

/* The first body the stub recorded, as the "text" of its JSON. */
static char *recorded_text(const struct stub *s)
{
    char line[4096];
    FILE *f = fopen(s->record, "r");
    json_t *doc, *text;
    char *out = NULL;

    if (!f)
        return NULL;
    if (!fgets(line, sizeof(line), f)) {
        fclose(f);
        return NULL;
    }
    fclose(f);
    doc = json_loads(line, 0, NULL);
    text = json_object_get(doc, "text");
    if (json_is_string(text))
        out = strdup(json_string_value(text));
    json_decref(doc);
    return out;
}

static int count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    int c, n = 0;

    if (!f)
        return -1;
    while ((c = fgetc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The one property every failure must have. */
static void no_secret(const char *msg)
{
    OK(strstr(msg, "SECRET") == NULL);
    OK(strstr(msg, "/services") == NULL);
    OK(strstr(msg, "T000") == NULL);
    OK(strstr(msg, "Webhook") == NULL);
}

static void test_success(void)
{
    const char *text = "Daily \"update\" \xe2\x80\x94 caf\xc3\xa9 \xe2\x9c\x93"
                       " \xf0\x9f\x9a\x80 &lt;!channel&gt; back\\slash\n"
                       "*bold* line\ttab";
    struct post_result res = POST_RESULT_INIT;
    struct stub s;
    char *got;

    if (stub_start(&s, "ok", 1) != 0) {
        OK(!"stub started");
        stub_stop(&s);
        return;
    }
    INT_EQ(post_slack(s.url, text, &res), 0);
    INT_EQ(res.http_status, 200);
    INT_EQ(res.attempts, 1);
    STR_EQ(res.body.ptr, "ok");
    got = recorded_text(&s); /* written before the stub answered */
    STR_EQ(got, text);
    free(got);
    stub_stop(&s);
    post_result_release(&res);
}

static void test_success_without_result(void)
{
    struct stub s;

    if (stub_start(&s, "ok", 1) != 0) {
        OK(!"stub started");
        stub_stop(&s);
        return;
    }
    INT_EQ(post_slack(s.url, "hello", NULL), 0);
    stub_stop(&s);
}

static void test_invalid_payload(void)
{
    struct post_result res = POST_RESULT_INIT;
    struct stub s;
    const char *msg;

    if (stub_start(&s, "bad", 1) != 0) {
        OK(!"stub started");
        stub_stop(&s);
        return;
    }
    INT_EQ(post_slack(s.url, "hello", &res), LL_EIO);
    msg = ll_error_message();
    OK(strstr(msg, "400") != NULL);
    OK(strstr(msg, "invalid_payload") != NULL);
    OK(strstr(msg, "http://127.0.0.1") != NULL);
    no_secret(msg);
    INT_EQ(res.http_status, 400);
    INT_EQ(res.attempts, 1);
    STR_EQ(res.body.ptr, "invalid_payload");
    stub_stop(&s);
    post_result_release(&res);
}

static void test_rate_limited_then_ok(void)
{
    struct post_result res = POST_RESULT_INIT;
    struct stub s;
    double t0;

    if (stub_start(&s, "ratelimit", 2) != 0) {
        OK(!"stub started");
        stub_stop(&s);
        return;
    }
    unsetenv("LABLOG_POST_MAX_WAIT");
    t0 = now();
    INT_EQ(post_slack(s.url, "hello", &res), 0);
    OK(now() - t0 >= 0.9); /* waited for Retry-After: 1 */
    INT_EQ(res.attempts, 2);
    INT_EQ(res.http_status, 200);
    INT_EQ(count_lines(s.record), 2);
    stub_stop(&s);
    post_result_release(&res);
}

static void test_rate_limit_wait_capped(void)
{
    struct post_result res = POST_RESULT_INIT;
    struct stub s;
    double t0;

    if (stub_start(&s, "ratelimit", 2) != 0) {
        OK(!"stub started");
        stub_stop(&s);
        return;
    }
    setenv("LABLOG_POST_MAX_WAIT", "0", 1);
    t0 = now();
    INT_EQ(post_slack(s.url, "hello", &res), 0);
    OK(now() - t0 < 0.9);
    INT_EQ(res.attempts, 2);
    unsetenv("LABLOG_POST_MAX_WAIT");
    stub_stop(&s);
    post_result_release(&res);
}

/* A second 429 is not retried again. */
static void test_rate_limited_twice(void)
{
    struct post_result res = POST_RESULT_INIT;
    struct stub s;
    const char *msg;

    if (stub_start(&s, "limited", 3) != 0) {
        OK(!"stub started");
        stub_stop(&s);
        return;
    }
    setenv("LABLOG_POST_MAX_WAIT", "0", 1);
    INT_EQ(post_slack(s.url, "hello", &res), LL_EIO);
    INT_EQ(res.attempts, 2);
    INT_EQ(res.http_status, 429);
    INT_EQ(count_lines(s.record), 2);
    msg = ll_error_message();
    OK(strstr(msg, "429") != NULL);
    OK(strstr(msg, "rate_limited") != NULL);
    no_secret(msg);
    unsetenv("LABLOG_POST_MAX_WAIT");
    stub_stop(&s);
    post_result_release(&res);
}

static void test_timeout(void)
{
    struct post_result res = POST_RESULT_INIT;
    struct stub s;
    const char *msg;
    double t0;

    if (stub_start(&s, "slow", 1) != 0) {
        OK(!"stub started");
        stub_stop(&s);
        return;
    }
    setenv("LABLOG_POST_TIMEOUT_MS", "300", 1);
    t0 = now();
    INT_EQ(post_slack(s.url, "hello", &res), LL_EIO);
    OK(now() - t0 < 5.0);
    msg = ll_error_message();
    OK(strstr(msg, "timed out") != NULL);
    OK(strstr(msg, "Slack webhook") != NULL);
    no_secret(msg);
    INT_EQ(res.http_status, 0);
    INT_EQ(res.attempts, 1);
    unsetenv("LABLOG_POST_TIMEOUT_MS");
    stub_stop(&s);
    post_result_release(&res);
}

/* Slack's answer is quoted bounded, printable and without the path, even
 * when the server echoes the path back. */
static void test_error_body_redacted(void)
{
    struct post_result res = POST_RESULT_INIT;
    struct stub s;
    const char *msg;
    size_t i;
    int printable = 1;

    if (stub_start(&s, "echo", 1) != 0) {
        OK(!"stub started");
        stub_stop(&s);
        return;
    }
    INT_EQ(post_slack(s.url, "hello", &res), LL_EIO);
    msg = ll_error_message();
    OK(strstr(msg, "404") != NULL);
    OK(strstr(msg, "no_service") != NULL);
    OK(strstr(msg, "/***") != NULL);
    OK(strlen(msg) < 400);
    for (i = 0; msg[i]; i++)
        printable &= msg[i] >= 0x20 && msg[i] < 0x7f;
    OK(printable);
    no_secret(msg);
    INT_EQ(res.http_status, 404);
    OK(res.body.len <= POST_BODY_MAX);
    stub_stop(&s);
    post_result_release(&res);
}

static int closed_port(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static void test_connection_refused(void)
{
    struct post_result res = POST_RESULT_INIT;
    char url[160];
    const char *msg;

    snprintf(url, sizeof(url), "http://127.0.0.1:%d" SECRET_PATH,
             closed_port());
    INT_EQ(post_slack(url, "hello", &res), LL_EIO);
    msg = ll_error_message();
    OK(strstr(msg, "connect") != NULL);
    no_secret(msg);
    INT_EQ(res.http_status, 0);
    post_result_release(&res);
}

struct refusal {
    const char *url;
    const char *text;
    const char *says; /* expected in the message */
};

/* Rejected before anything is sent (no server listens for these). */
static void test_refused_inputs(void)
{
    static const struct refusal cases[] = {
        { "http://hooks.slack.com" SECRET_PATH, "hi", "https://" },
        { "ftp://127.0.0.1" SECRET_PATH, "hi", "https://" },
        { "file:///services/T000/B000/SECRET", "hi", "https://" },
        { "not a url" SECRET_PATH, "hi", "not a valid URL" },
        { "", "hi", "not a valid URL" },
        { "https://hooks.slack.com" SECRET_PATH, "", "empty" },
        { "https://hooks.slack.com" SECRET_PATH, "bad \xff byte",
          "UTF-8 (byte 4)" },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct post_result res = POST_RESULT_INIT;
        const char *msg;

        INT_EQ(post_slack(cases[i].url, cases[i].text, &res), LL_EINPUT);
        msg = ll_error_message();
        if (!strstr(msg, cases[i].says))
            fprintf(stderr, "case %zu: \"%s\"\n", i, msg);
        OK(strstr(msg, cases[i].says) != NULL);
        no_secret(msg);
        INT_EQ(res.attempts, 0);
        post_result_release(&res);
    }
}

int main(void)
{
    RUN(test_refused_inputs);
    RUN(test_success);
    RUN(test_success_without_result);
    RUN(test_invalid_payload);
    RUN(test_rate_limited_then_ok);
    RUN(test_rate_limit_wait_capped);
    RUN(test_rate_limited_twice);
    RUN(test_timeout);
    RUN(test_error_body_redacted);
    RUN(test_connection_refused);
    post_cleanup();
    return harness_finish("test_post");
}
