/* SPDX-License-Identifier: MIT */
/*
 * Tests of ingest/jsonl: values and their kinds, Python's NaN/Infinity,
 * number edge cases, string escapes, every error message with its column,
 * nested values, duplicate keys, and the parse throughput (printed).
 */
#include "harness.h"

#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "ingest/jsonl.h"
#include "util/err.h"

static struct jsonl_parser *parser;
static const struct jsonl_field *fields;
static size_t count;

static int parse(const char *line)
{
    return jsonl_parse(&fields, &count, parser, line, strlen(line), "m.jsonl",
                       4);
}

/* Parses line and returns the field named key, failing the test if the
 * line does not parse. */
static const struct jsonl_field *field_of(const char *line, const char *key)
{
    int rc = parse(line);

    INT_EQ(rc, 0);
    if (rc != 0) {
        fprintf(stderr, "  line: %s\n  error: %s\n", line,
                ll_error_message());
        return NULL;
    }
    return jsonl_find(parser, key);
}

/* Expects line to fail with message want (without the "m.jsonl:4: "). */
static void expect_error(const char *line, size_t len, const char *want)
{
    char full[512];
    int rc = jsonl_parse(&fields, &count, parser, line, len, "m.jsonl", 4);

    snprintf(full, sizeof(full), "m.jsonl:4: %s", want);
    INT_EQ(rc, LL_EINPUT);
    if (rc == LL_EINPUT)
        STR_EQ(ll_error_message(), full);
    else
        fprintf(stderr, "  line: %.*s\n", (int)len, line);
}

static void fails(const char *line, const char *want)
{
    expect_error(line, strlen(line), want);
}

static void test_typical(void)
{
    const struct jsonl_field *f;

    INT_EQ(parse("{\"step\": 123, \"loss\": 0.123456, \"acc\": 0.9, "
                 "\"exp\": \"run-1\", \"ok\": true, \"bad\": false, "
                 "\"note\": null}"),
           0);
    INT_EQ(count, 7);
    STR_EQ(fields[0].key, "step");
    INT_EQ(fields[0].key_len, 4);
    INT_EQ(fields[0].kind, JSONL_NUMBER);
    INT_EQ(fields[0].is_int, 1);
    INT_EQ(fields[0].i64, 123);
    DBL_EQ(fields[0].num, 123, 0);
    INT_EQ(fields[0].column, 10);
    STR_EQ(fields[1].key, "loss");
    INT_EQ(fields[1].is_int, 0);
    DBL_EQ(fields[1].num, 0.123456, 0);
    INT_EQ(fields[1].column, 23);
    DBL_EQ(fields[2].num, 0.9, 0);
    INT_EQ(fields[3].kind, JSONL_STRING);
    STR_EQ(fields[3].str, "run-1");
    INT_EQ(fields[3].str_len, 5);
    INT_EQ(fields[4].kind, JSONL_TRUE);
    INT_EQ(fields[5].kind, JSONL_FALSE);
    INT_EQ(fields[6].kind, JSONL_NULL);
    OK(fields[6].str == NULL);

    f = jsonl_find(parser, "exp");
    OK(f == &fields[3]);
    OK(jsonl_find(parser, "missing") == NULL);
    OK(jsonl_find(parser, "ste") == NULL);

    /* A second line replaces everything. */
    f = field_of("{\"exp\":\"b\"}", "exp");
    INT_EQ(count, 1);
    OK(f && strcmp(f->str, "b") == 0);
    OK(jsonl_find(parser, "step") == NULL);

    /* After a failed parse there is nothing to find. */
    fails("{\"exp\":\"c\",",
          "expected a string key at column 12 (end of line)");
    OK(jsonl_find(parser, "exp") == NULL);
}

static void test_whitespace_and_empty(void)
{
    INT_EQ(parse(" \t{ \"a\" :\t1 ,\"b\":2 } \t"), 0);
    INT_EQ(count, 2);
    INT_EQ(fields[0].column, 11);
    INT_EQ(parse("{}"), 0);
    INT_EQ(count, 0);
    INT_EQ(parse("{ }  "), 0);
    INT_EQ(count, 0);
    /* The line need not be NUL-terminated: only len bytes count. */
    INT_EQ(jsonl_parse(&fields, &count, parser, "{\"a\":12}garbage", 8,
                       "m.jsonl", 4),
           0);
    DBL_EQ(fields[0].num, 12, 0);
    expect_error("{\"a\":12}", 6,
                 "expected ',' or '}' at column 7 (end of line)");
}

/* Python's json.dumps writes NaN, Infinity and -Infinity. */
static void test_non_finite(void)
{
    INT_EQ(parse("{\"loss\": NaN, \"a\": Infinity, \"b\": -Infinity}"), 0);
    INT_EQ(fields[0].kind, JSONL_NUMBER);
    OK(isnan(fields[0].num));
    INT_EQ(fields[0].is_int, 0);
    OK(isinf(fields[1].num) && fields[1].num > 0);
    OK(isinf(fields[2].num) && fields[2].num < 0);
    INT_EQ(fields[2].column, 35);
    fails("{\"a\": nan}", "expected a value at column 7");
    fails("{\"a\": -NaN}", "invalid number at column 7");
    fails("{\"a\": infinity}", "expected a value at column 7");
    fails("{\"a\": Inf}", "expected a value at column 7");
    fails("{\"a\": NaNx}", "expected ',' or '}' at column 10");
    fails("{\"a\": +Infinity}", "expected a value at column 7");
}

static double num_of(const char *literal)
{
    char line[1200];
    const struct jsonl_field *f;

    snprintf(line, sizeof(line), "{\"v\":%s}", literal);
    f = field_of(line, "v");
    return f ? f->num : -12345.0;
}

static void test_numbers(void)
{
    const struct jsonl_field *f;
    char digits[400], line[420];

    DBL_EQ(num_of("0"), 0, 0);
    OK(signbit(num_of("-0")));
    DBL_EQ(num_of("-0.0"), 0, 0);
    DBL_EQ(num_of("1.5"), 1.5, 0);
    DBL_EQ(num_of("-2.25e2"), -225, 0);
    DBL_EQ(num_of("1E+3"), 1000, 0);
    DBL_EQ(num_of("1e-3"), 0.001, 0);
    DBL_EQ(num_of("0.000123"), 0.000123, 0);
    DBL_EQ(num_of("123.456e-2"), 1.23456, 0);
    DBL_EQ(num_of("1e308"), 1e308, 0);
    DBL_EQ(num_of("1.7976931348623157e308"), DBL_MAX, 0);
    DBL_EQ(num_of("4.9e-324"), 4.9e-324, 0);
    DBL_EQ(num_of("1e-400"), 0, 0);
    /* Overflow becomes infinity, as in Python's json.loads. */
    DBL_EQ(num_of("1e309"), INFINITY, 0);
    DBL_EQ(num_of("-1e309"), -INFINITY, 0);
    DBL_EQ(num_of("1e99999999999"), INFINITY, 0);
    DBL_EQ(num_of("3.14159265358979323846264338327950288"), 3.141592653589793,
           0);
    DBL_EQ(num_of("0.30000000000000004"), 0.30000000000000004, 0);

    /* Integers keep their exact value within int64. */
    f = field_of("{\"step\": 9007199254740993}", "step");
    OK(f && f->is_int && f->i64 == INT64_C(9007199254740993));
    OK(f && f->num == 9007199254740992.0);
    f = field_of("{\"step\": 9223372036854775807}", "step");
    OK(f && f->is_int && f->i64 == INT64_MAX);
    f = field_of("{\"step\": -9223372036854775808}", "step");
    OK(f && f->is_int && f->i64 == INT64_MIN);
    f = field_of("{\"step\": 9223372036854775808}", "step");
    OK(f && !f->is_int && f->num == 9223372036854775808.0);
    f = field_of("{\"step\": 123456789012345678901234567890}", "step");
    OK(f && !f->is_int && f->num == 1.2345678901234568e29);
    fails("{\"step\": 00}", "invalid number (leading zero) at column 10");
    f = field_of("{\"step\": 1e3}", "step");
    OK(f && !f->is_int && f->num == 1000);
    f = field_of("{\"step\": 1.0}", "step");
    OK(f && !f->is_int);
    f = field_of("{\"step\": -0}", "step");
    OK(f && f->is_int && f->i64 == 0);

    fails("{\"a\":01}", "invalid number (leading zero) at column 6");
    fails("{\"a\":-}", "invalid number at column 6");
    fails("{\"a\":-x}", "invalid number at column 6");
    fails("{\"a\":1.}", "invalid number at column 6");
    fails("{\"a\":1.e5}", "invalid number at column 6");
    fails("{\"a\":1e}", "invalid number at column 6");
    fails("{\"a\":1e+}", "invalid number at column 6");
    fails("{\"a\":.5}", "expected a value at column 6");
    fails("{\"a\":+1}", "expected a value at column 6");
    fails("{\"a\":0x10}", "expected ',' or '}' at column 7");
    fails("{\"a\":1.5.2}", "expected ',' or '}' at column 9");
    fails("{\"a\":12", "expected ',' or '}' at column 8 (end of line)");

    /* Huge fields: 256 characters pass, 257 fail. */
    memset(digits, '1', 256);
    digits[256] = '\0';
    DBL_EQ(num_of(digits), 1.1111111111111111e255, 1e240);
    snprintf(line, sizeof(line), "{\"a\":-%s}", digits);
    fails(line, "number too long at column 6");
}

/* Every double printed with 17 or fewer digits parses to the same value
 * strtod() gives: the fast path must round correctly. */
static void test_number_round_trip(void)
{
    char text[400], line[440];
    const struct jsonl_field *f;
    union {
        double d;
        uint64_t u;
    } v;
    int i, k, bad = 0;

    srand(11);
    for (i = 0; i < 40000; i++) {
        v.u = ((uint64_t)rand() << 42) ^ ((uint64_t)rand() << 21) ^
              (uint64_t)rand();
        if (i % 2)
            v.d = (double)rand() / RAND_MAX * pow(10, rand() % 40 - 20);
        if (!isfinite(v.d))
            continue;
        for (k = 0; k < 4; k++) {
            if (k == 0)
                snprintf(text, sizeof(text), "%.17g", v.d);
            else if (k == 1)
                snprintf(text, sizeof(text), "%.15g", v.d);
            else if (k == 2)
                snprintf(text, sizeof(text), "%.6g", v.d);
            else
                snprintf(text, sizeof(text), "%.3f", v.d);
            if (strlen(text) > 256) /* "number too long", tested above */
                continue;
            snprintf(line, sizeof(line), "{\"v\":%s}", text);
            if (parse(line) != 0) {
                bad++;
                continue;
            }
            f = &fields[0];
            if (f->num != strtod(text, NULL) ||
                signbit(f->num) != signbit(strtod(text, NULL)))
                bad++;
        }
    }
    INT_EQ(bad, 0);
}

static void test_strings(void)
{
    const struct jsonl_field *f;

    f = field_of("{\"s\": \"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t end\"}", "s");
    OK(f && strcmp(f->str, "q\" b\\ s/ \b\f\n\r\t end") == 0);
    f = field_of("{\"s\": \"\\u00e9\\u00E9 \\u20ac \\u0041\"}", "s");
    OK(f && strcmp(f->str, "\xc3\xa9\xc3\xa9 \xe2\x82\xac A") == 0);
    /* A surrogate pair is one 4-byte character. */
    f = field_of("{\"s\": \"\\ud83d\\ude00!\"}", "s");
    OK(f && strcmp(f->str, "\xf0\x9f\x98\x80!") == 0);
    OK(f && f->str_len == 5);
    f = field_of("{\"s\": \"\\uDBFF\\uDFFF\"}", "s");
    OK(f && strcmp(f->str, "\xf4\x8f\xbf\xbf") == 0);
    /* Raw UTF-8 passes through, keys are decoded too. */
    f = field_of("{\"caf\\u00e9\": "
                 "\"\xe5\xad\xa6\xe7\xbf\x92 \xf0\x9f\x98\x80\"}",
                 "caf\xc3\xa9");
    OK(f && strcmp(f->str, "\xe5\xad\xa6\xe7\xbf\x92 \xf0\x9f\x98\x80") == 0);
    f = field_of("{\"\": \"\"}", "");
    OK(f && f->str_len == 0 && f->key_len == 0 && f->str[0] == '\0');

    fails("{\"a\":\"x", "unterminated string starting at column 6");
    fails("{\"a", "unterminated string starting at column 2");
    fails("{\"a\":\"x\\", "unterminated string starting at column 6");
    fails("{\"a\":\"\\q\"}", "invalid escape at column 7");
    fails("{\"a\":\"\\x41\"}", "invalid escape at column 7");
    fails("{\"a\":\"\\u12\"}", "invalid \\u escape at column 7");
    fails("{\"a\":\"\\u12g4\"}", "invalid \\u escape at column 7");
    fails("{\"a\":\"\\u12", "invalid \\u escape at column 7");
    fails("{\"a\":\"\\ud800\"}",
          "unpaired surrogate in \\u escape at column 7");
    fails("{\"a\":\"\\ud800x\"}",
          "unpaired surrogate in \\u escape at column 7");
    fails("{\"a\":\"\\udc00\\ud800\"}",
          "unpaired surrogate in \\u escape at column 7");
    fails("{\"a\":\"ok\\ud800\\u0041\"}",
          "unpaired surrogate in \\u escape at column 9");
    fails("{\"a\":\"\\u0000\"}", "\\u0000 in string at column 7");
    fails("{\"a\":\"x\ty\"}", "control character in string at column 8");
    fails("{\"a\":\"x\ny\"}", "control character in string at column 8");
    expect_error("{\"a\":\"x\0\"}", 10, "NUL byte in string at column 8");
    expect_error("{\"a\":1}\0", 8,
                 "unexpected text after the object at column 8");
}

static void test_invalid_utf8(void)
{
    fails("{\"a\":\"\xff\"}", "invalid UTF-8 at column 7");
    fails("{\"a\":\"ok\xc3\"}", "invalid UTF-8 at column 9");
    /* an overlong form, then an encoded surrogate */
    fails("{\"a\":\"\xc0\xaf\"}", "invalid UTF-8 at column 7");
    fails("{\"a\":\"\xed\xa0\x80\"}", "invalid UTF-8 at column 7");
    fails("{\"a\":\"\xf4\x90\x80\x80\"}", "invalid UTF-8 at column 7");
    fails("{\"\x80\":1}", "invalid UTF-8 at column 3");
    fails("{\"a\":1} \xe9", "invalid UTF-8 at column 9");
}

static void test_structure_errors(void)
{
    fails("", "not a JSON object");
    fails("   ", "not a JSON object");
    fails("[1, 2]", "not a JSON object");
    fails("42", "not a JSON object");
    fails("\"a\"", "not a JSON object");
    fails("{", "expected a string key or '}' at column 2 (end of line)");
    fails("{,}", "expected a string key or '}' at column 2");
    fails("{a:1}", "expected a string key or '}' at column 2");
    fails("{'a':1}", "expected a string key or '}' at column 2");
    fails("{\"a\" 1}", "expected ':' at column 6");
    fails("{\"a\"", "expected ':' at column 5 (end of line)");
    fails("{\"a\":}", "expected a value at column 6");
    fails("{\"a\":", "expected a value at column 6 (end of line)");
    fails("{\"a\":1,}", "expected a string key at column 8");
    fails("{\"a\":1, }", "expected a string key at column 9");
    fails("{\"a\":1,,\"b\":2}", "expected a string key at column 8");
    fails("{\"a\":1 \"b\":2}", "expected ',' or '}' at column 8");
    fails("{\"a\":1;\"b\":2}", "expected ',' or '}' at column 7");
    fails("{\"a\":1} x", "unexpected text after the object at column 9");
    fails("{\"a\":1}{}", "unexpected text after the object at column 8");
    fails("{\"a\":1},", "unexpected text after the object at column 8");
    fails("{}x", "unexpected text after the object at column 3");
    fails("{\"a\":tru}", "expected a value at column 6");
    fails("{\"a\":truex}", "expected ',' or '}' at column 10");
    fails("{\"a\":True}", "expected a value at column 6");
    fails("{\"a\":None}", "expected a value at column 6");
    fails("{\"a\":nul", "expected a value at column 6");
}

static void test_nested(void)
{
    const struct jsonl_field *f;
    char line[512];
    int i, n;

    f = field_of("{\"cfg\": {\"lr\": [1, 2.5, {\"x\": \"y\\n\"}], \"e\": {}}, "
                 "\"step\": 3, \"tags\": [ ]}",
                 "cfg");
    INT_EQ(count, 3);
    OK(f && f->kind == JSONL_OTHER);
    OK(f && strcmp(f->str,
                   "{\"lr\": [1, 2.5, {\"x\": \"y\\n\"}], \"e\": {}}") == 0);
    OK(f && f->column == 9);
    f = jsonl_find(parser, "tags");
    OK(f && f->kind == JSONL_OTHER && strcmp(f->str, "[ ]") == 0);
    f = jsonl_find(parser, "step");
    OK(f && f->kind == JSONL_NUMBER && f->i64 == 3);

    /* Nested values are validated all the same. */
    fails("{\"a\":[1,2,]}", "expected a value at column 11");
    fails("{\"a\":[1 2]}", "expected ',' or ']' at column 9");
    fails("{\"a\":[}", "expected a value at column 7");
    fails("{\"a\":[", "expected a value at column 7 (end of line)");
    fails("{\"a\":{\"b\":1,}}", "expected a string key at column 13");
    fails("{\"a\":{\"b\" 1}}", "expected ':' at column 11");
    fails("{\"a\":{1:2}}", "expected a string key or '}' at column 7");
    fails("{\"a\":{\"b\":1]}", "expected ',' or '}' at column 12");
    fails("{\"a\":[\"\\q\"]}", "invalid escape at column 8");
    fails("{\"a\":[01]}", "invalid number (leading zero) at column 7");
    fails("{\"a\":[NaN, -Infinity, nan]}", "expected a value at column 23");

    /* 64 levels (the object and 63 arrays) pass; 65 fail. */
    for (n = 63; n <= 64; n++) {
        i = snprintf(line, sizeof(line), "{\"a\":");
        memset(line + i, '[', (size_t)n);
        memset(line + i + n, ']', (size_t)n);
        snprintf(line + i + 2 * n, sizeof(line) - (size_t)(i + 2 * n), "}");
        if (n == 63)
            INT_EQ(parse(line), 0);
        else
            fails(line, "nesting deeper than 64 levels at column 69");
    }
}

static void test_duplicates(void)
{
    char line[20000], key[200];
    const struct jsonl_field *f;
    size_t len = 0;
    int i, bad = 0;

    fails("{\"a\":1,\"a\":2}", "duplicate key 'a' at column 8");
    fails("{\"a\":1,\"b\":2,\"\\u0061\":3}", "duplicate key 'a' at column 14");
    fails("{\"a\\nb\":1,\"a\\nb\":[]}", "duplicate key 'a?b' at column 11");
    memset(key, 'k', 100);
    key[100] = '\0';
    snprintf(line, sizeof(line), "{\"%s\":1,\"%s\":2}", key, key);
    fails(line, "duplicate key "
                "'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
                "...' at column 107");

    /* Many keys: the table grows, lookups still work. */
    line[len++] = '{';
    for (i = 0; i < 1000; i++)
        len += (size_t)snprintf(line + len, sizeof(line) - len,
                                "%s\"key%d\":%d", i ? "," : "", i, i);
    line[len++] = '}';
    line[len] = '\0';
    INT_EQ(parse(line), 0);
    INT_EQ(count, 1000);
    for (i = 0; i < 1000; i++) {
        snprintf(key, sizeof(key), "key%d", i);
        f = jsonl_find(parser, key);
        if (!f || f->i64 != i)
            bad++;
    }
    INT_EQ(bad, 0);
    OK(jsonl_find(parser, "key1000") == NULL);
    snprintf(line + len - 1, sizeof(line) - len + 1, ",\"key999\":0}");
    snprintf(key, sizeof(key), "duplicate key 'key999' at column %zu",
             len + 1);
    fails(line, key);
    /* Small lines afterwards still work. */
    f = field_of("{\"x\":1,\"y\":2}", "y");
    OK(f && f->i64 == 2);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) +
           (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* 1,000,000 typical lines; prints the rate (not asserted, beyond every
 * line parsing). */
static void test_throughput(void)
{
    enum { DISTINCT = 1000, ROUNDS = 1000 };
    static char lines[DISTINCT][96];
    static size_t lens[DISTINCT];
    struct timespec t0;
    double secs, sum = 0;
    int i, r, bad = 0;

    for (i = 0; i < DISTINCT; i++)
        lens[i] = (size_t)snprintf(lines[i], sizeof(lines[i]),
                                   "{\"step\": %d, \"loss\": 0.%06d, \"acc\": "
                                   "0.9, \"exp\": \"run-1\"}",
                                   i * 10 + 123, 123456 + i);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (r = 0; r < ROUNDS; r++) {
        for (i = 0; i < DISTINCT; i++) {
            if (jsonl_parse(&fields, &count, parser, lines[i], lens[i],
                            "bench.jsonl", (size_t)i) != 0 ||
                count != 4)
                bad++;
            else
                sum += fields[1].num;
        }
    }
    secs = seconds_since(&t0);
    INT_EQ(bad, 0);
    OK(sum > 0);
    printf("jsonl throughput: %d lines in %.3f s = %.0f lines/s\n",
           DISTINCT * ROUNDS, secs, DISTINCT * ROUNDS / secs);
}

int main(void)
{
    parser = jsonl_new();
    RUN(test_typical);
    RUN(test_whitespace_and_empty);
    RUN(test_non_finite);
    RUN(test_numbers);
    RUN(test_number_round_trip);
    RUN(test_strings);
    RUN(test_invalid_utf8);
    RUN(test_structure_errors);
    RUN(test_nested);
    RUN(test_duplicates);
    RUN(test_throughput);
    jsonl_free(parser);
    jsonl_free(NULL);
    return harness_finish("test_jsonl");
}
