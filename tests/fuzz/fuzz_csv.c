/* SPDX-License-Identifier: MIT */
/* CSV: the first line is the header, every later line a row of it; each
 * cell is also parsed as a number on its own. */
#include <string.h>

#include "fuzz.h"
#include "ingest/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct csv_parser *p = csv_new();
    const char *s = (const char *)data, *end = s + size;
    size_t lineno = 0;
    int have_header = 0;

    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);

        lineno++;
        if (!have_header) {
            have_header = csv_parse_header(p, s, len, "fuzz", lineno) == 0;
            if (have_header) {
                size_t i;

                for (i = 0; i < csv_column_count(p); i++)
                    FUZZ_CHECK(csv_column_name(p, i) != NULL);
            }
        } else {
            const struct csv_cell *cells;
            size_t n, i;
            double v;

            if (csv_parse_row(&cells, &n, p, s, len, "fuzz", lineno) == 0) {
                FUZZ_CHECK(n <= csv_column_count(p));
                for (i = 0; i < n; i++) {
                    FUZZ_CHECK(cells[i].text
                               && strlen(cells[i].text) == cells[i].len);
                    if (cells[i].kind == CSV_NUMBER)
                        FUZZ_CHECK(csv_parse_number(&v, cells[i].text,
                                                    cells[i].len) == 1);
                }
            }
        }
        s += len + (nl != NULL);
    }
    csv_free(p);
    return 0;
}
