/* SPDX-License-Identifier: MIT */
/*
 * Tests of ingest/csv: headers, quoting, cell kinds, numbers (nan/inf in
 * any case), TensorBoard's export header, and every error message.
 */
#include "harness.h"

#include <stdlib.h>

#include "ingest/csv.h"
#include "util/err.h"

static struct csv_parser *parser;
static const struct csv_cell *cells;
static size_t count;

static int row(const char *line)
{
    return csv_parse_row(&cells, &count, parser, line, strlen(line),
                         "m.csv", 7);
}

static int header(const char *line)
{
    return csv_parse_header(parser, line, strlen(line), "m.csv", 1);
}

static void expect_row_error(const char *line, size_t len, const char *want)
{
    char full[512];
    int rc = csv_parse_row(&cells, &count, parser, line, len, "m.csv", 7);

    snprintf(full, sizeof(full), "m.csv:7: %s", want);
    INT_EQ(rc, LL_EINPUT);
    if (rc == LL_EINPUT)
        STR_EQ(ll_error_message(), full);
}

static void row_fails(const char *line, const char *want)
{
    expect_row_error(line, strlen(line), want);
}

static void test_header_and_rows(void)
{
    INT_EQ(header("step,loss,acc,exp"), 0);
    INT_EQ(csv_column_count(parser), 4);
    STR_EQ(csv_column_name(parser, 0), "step");
    STR_EQ(csv_column_name(parser, 3), "exp");
    INT_EQ(csv_format(parser), CSV_FORMAT_PLAIN);

    INT_EQ(row("1,0.52,0.81,run-1"), 0);
    INT_EQ(count, 4);
    INT_EQ(cells[0].kind, CSV_NUMBER);
    DBL_EQ(cells[0].num, 1, 0);
    STR_EQ(cells[0].text, "1");
    INT_EQ(cells[1].kind, CSV_NUMBER);
    DBL_EQ(cells[1].num, 0.52, 0);
    INT_EQ(cells[1].column, 3);
    INT_EQ(cells[3].kind, CSV_TEXT);
    STR_EQ(cells[3].text, "run-1");
    INT_EQ(cells[3].len, 5);
    INT_EQ(cells[3].column, 13);

    /* Empty cells are missing values, also "" and blanks. */
    INT_EQ(row("2,,\"\",  "), 0);
    INT_EQ(count, 4);
    INT_EQ(cells[1].kind, CSV_EMPTY);
    INT_EQ(cells[2].kind, CSV_EMPTY);
    INT_EQ(cells[3].kind, CSV_EMPTY);
    STR_EQ(cells[3].text, "");
    INT_EQ(row(",,,"), 0);
    INT_EQ(cells[0].kind, CSV_EMPTY);
    INT_EQ(cells[3].kind, CSV_EMPTY);

    row_fails("1,2,3", "expected 4 fields as in the header, found 3");
    row_fails("1,2,3,4,5", "expected 4 fields as in the header, found 5");
    row_fails("", "expected 4 fields as in the header, found 1");
    row_fails("1,2,3,4,", "expected 4 fields as in the header, found 5");

    /* Hand-written spacing. */
    INT_EQ(header(" step , loss,\tacc ,exp"), 0);
    STR_EQ(csv_column_name(parser, 0), "step");
    STR_EQ(csv_column_name(parser, 2), "acc");
    INT_EQ(row(" 3 , 0.5 ,\t1e-3\t, run 2 "), 0);
    DBL_EQ(cells[0].num, 3, 0);
    DBL_EQ(cells[2].num, 0.001, 0);
    STR_EQ(cells[3].text, "run 2");
    INT_EQ(cells[3].column, 19);
}

static void test_quoting(void)
{
    INT_EQ(header("a,b,c"), 0);
    INT_EQ(row("\"run-1, retry\",\"say \"\"hi\"\"\",\"\"\"\""), 0);
    INT_EQ(count, 3);
    STR_EQ(cells[0].text, "run-1, retry");
    INT_EQ(cells[0].kind, CSV_TEXT);
    STR_EQ(cells[1].text, "say \"hi\"");
    STR_EQ(cells[2].text, "\"");
    INT_EQ(cells[2].len, 1);
    /* Quoted numbers are numbers; spaces inside quotes are kept. */
    INT_EQ(row("\"1.5\", \"2\" ,\" 3\""), 0);
    INT_EQ(cells[0].kind, CSV_NUMBER);
    DBL_EQ(cells[0].num, 1.5, 0);
    INT_EQ(cells[1].kind, CSV_NUMBER);
    INT_EQ(cells[1].column, 8);
    INT_EQ(cells[2].kind, CSV_TEXT);
    STR_EQ(cells[2].text, " 3");
    INT_EQ(row("\xc3\xa9t\xc3\xa9,\"\xe2\x82\xac\",x"), 0);
    STR_EQ(cells[0].text, "\xc3\xa9t\xc3\xa9");
    STR_EQ(cells[1].text, "\xe2\x82\xac");

    row_fails("\"abc,1,2", "unterminated quoted field starting at column 1 "
                           "(records spanning lines are not supported)");
    row_fails("1,\"a\"\"", "unterminated quoted field starting at column 3 "
                           "(records spanning lines are not supported)");
    row_fails("1,2,  \"x", "unterminated quoted field starting at column 7 "
                           "(records spanning lines are not supported)");
    row_fails("ab\"c\",1,2", "quote inside an unquoted field at column 3");
    row_fails("1,2,3\"", "quote inside an unquoted field at column 6");
    row_fails("\"a\"b,1,2", "expected ',' after the closing quote at column 4");
    row_fails("\"a\" b,1,2",
              "expected ',' after the closing quote at column 5");
}

static double num_of(const char *text)
{
    double v = -12345;

    if (!csv_parse_number(&v, text, strlen(text)))
        return -99999;
    return v;
}

static void test_numbers(void)
{
    double v;

    DBL_EQ(num_of("0"), 0, 0);
    DBL_EQ(num_of("-2.5"), -2.5, 0);
    DBL_EQ(num_of("+3"), 3, 0);
    DBL_EQ(num_of(".5"), 0.5, 0);
    DBL_EQ(num_of("5."), 5, 0);
    DBL_EQ(num_of("1e3"), 1000, 0);
    DBL_EQ(num_of("1E-3"), 0.001, 0);
    DBL_EQ(num_of("007"), 7, 0);
    DBL_EQ(num_of("1e309"), INFINITY, 0);
    DBL_EQ(num_of("1700000000.123"), 1700000000.123, 0);
    DBL_EQ(num_of("nan"), NAN, 0);
    DBL_EQ(num_of("NaN"), NAN, 0);
    DBL_EQ(num_of("-nan"), NAN, 0);
    DBL_EQ(num_of("NAN"), NAN, 0);
    DBL_EQ(num_of("inf"), INFINITY, 0);
    DBL_EQ(num_of("-inf"), -INFINITY, 0);
    DBL_EQ(num_of("+Inf"), INFINITY, 0);
    DBL_EQ(num_of("Infinity"), INFINITY, 0);
    DBL_EQ(num_of("-Infinity"), -INFINITY, 0);
    DBL_EQ(num_of("INFINITY"), INFINITY, 0);

    OK(!csv_parse_number(&v, "", 0));
    OK(!csv_parse_number(&v, "-", 1));
    OK(!csv_parse_number(&v, ".", 1));
    OK(!csv_parse_number(&v, "1e", 2));
    OK(!csv_parse_number(&v, "1e+", 3));
    OK(!csv_parse_number(&v, "0x10", 4));
    OK(!csv_parse_number(&v, "1,5", 3));
    OK(!csv_parse_number(&v, " 1", 2));
    OK(!csv_parse_number(&v, "1 ", 2));
    OK(!csv_parse_number(&v, "infinit", 7));
    OK(!csv_parse_number(&v, "nan(1)", 6));
    OK(!csv_parse_number(&v, "--1", 3));
    OK(!csv_parse_number(&v, "1.2.3", 5));
    OK(!csv_parse_number(&v, "NA", 2));
    OK(!csv_parse_number(&v, "None", 4));
    /* Only len bytes count. */
    OK(csv_parse_number(&v, "12abc", 2) && v == 12);

    INT_EQ(header("x"), 0);
    INT_EQ(row("nan"), 0);
    INT_EQ(cells[0].kind, CSV_NUMBER);
    OK(isnan(cells[0].num));
    INT_EQ(row("-Infinity"), 0);
    DBL_EQ(cells[0].num, -INFINITY, 0);
    INT_EQ(row("0x1A"), 0);
    INT_EQ(cells[0].kind, CSV_TEXT);
    /* With one column an empty line is one missing value. */
    INT_EQ(row(""), 0);
    INT_EQ(count, 1);
    INT_EQ(cells[0].kind, CSV_EMPTY);
}

static void test_tensorboard(void)
{
    INT_EQ(header("Wall time,Step,Value"), 0);
    INT_EQ(csv_format(parser), CSV_FORMAT_TENSORBOARD);
    INT_EQ(row("1700000000.5123,100,0.25"), 0);
    DBL_EQ(cells[CSV_TB_WALL_TIME].num, 1700000000.5123, 0);
    DBL_EQ(cells[CSV_TB_STEP].num, 100, 0);
    DBL_EQ(cells[CSV_TB_VALUE].num, 0.25, 0);
    INT_EQ(header("\"Wall time\",\"Step\",\"Value\""), 0);
    INT_EQ(csv_format(parser), CSV_FORMAT_TENSORBOARD);
    INT_EQ(header("wall time, step, value"), 0);
    INT_EQ(csv_format(parser), CSV_FORMAT_TENSORBOARD);
    INT_EQ(header("Wall time,Step,Value,Extra"), 0);
    INT_EQ(csv_format(parser), CSV_FORMAT_PLAIN);
    INT_EQ(header("Walltime,Step,Value"), 0);
    INT_EQ(csv_format(parser), CSV_FORMAT_PLAIN);
}

static void test_header_details(void)
{
    /* pandas writes an unnamed index column. */
    INT_EQ(header(",step,loss"), 0);
    INT_EQ(csv_column_count(parser), 3);
    STR_EQ(csv_column_name(parser, 0), "");
    INT_EQ(header(",,x"), 0);
    INT_EQ(csv_column_count(parser), 3);
    /* Excel's byte order mark is skipped; columns still count bytes. */
    INT_EQ(header("\xef\xbb\xbfstep,loss"), 0);
    STR_EQ(csv_column_name(parser, 0), "step");
    INT_EQ(csv_parse_header(parser, "\xef\xbb\xbf\"a", 5, "m.csv", 1),
           LL_EINPUT);
    STR_EQ(ll_error_message(),
           "m.csv:1: unterminated quoted field starting at column 4 (records "
           "spanning lines are not supported)");

    INT_EQ(header("step,loss,step"), LL_EINPUT);
    STR_EQ(ll_error_message(), "m.csv:1: duplicate column name 'step'");
    INT_EQ(csv_column_count(parser), 0); /* the old header is gone */
    INT_EQ(header("a,\"a\""), LL_EINPUT);
    INT_EQ(header("a\"b"), LL_EINPUT);
    STR_EQ(ll_error_message(),
           "m.csv:1: quote inside an unquoted field at column 2");
    /* Without a header, rows of any width parse. */
    INT_EQ(row("1,2,3"), 0);
    INT_EQ(count, 3);
    INT_EQ(row("1"), 0);
    INT_EQ(count, 1);
}

static void test_bad_bytes(void)
{
    INT_EQ(header("a,b"), 0);
    row_fails("1,\xff", "invalid UTF-8 at column 3");
    row_fails("\"\xc3\",1", "invalid UTF-8 at column 2");
    row_fails("1,\xed\xa0\x80", "invalid UTF-8 at column 3");
    expect_row_error("1,a\0b", 5, "NUL byte at column 4");
    INT_EQ(csv_parse_header(parser, "a,\xc0\x80", 4, "m.csv", 1), LL_EINPUT);
    STR_EQ(ll_error_message(), "m.csv:1: invalid UTF-8 at column 3");
}

/* Reuse across lines of very different sizes. */
static void test_reuse(void)
{
    char *line = malloc(200001);
    size_t i;

    INT_EQ(header("a,b"), 0);
    for (i = 0; i < 200000; i++)
        line[i] = i == 100000 ? ',' : 'x';
    line[200000] = '\0';
    INT_EQ(row(line), 0);
    INT_EQ(cells[0].len, 100000);
    INT_EQ(cells[1].len, 99999);
    INT_EQ(row("1,2"), 0);
    STR_EQ(cells[1].text, "2");
    free(line);
}

int main(void)
{
    parser = csv_new();
    RUN(test_header_and_rows);
    RUN(test_quoting);
    RUN(test_numbers);
    RUN(test_tensorboard);
    RUN(test_header_details);
    RUN(test_bad_bytes);
    RUN(test_reuse);
    csv_free(parser);
    csv_free(NULL);
    return harness_finish("test_csv");
}
