#!/bin/sh
# The Python package (python/lablog): its tests are in tests/python/ and
# print this script's summary line.
. "$LABLOG_TOP/tests/cli/lib.sh"
python3 "$LABLOG_TOP/tests/python/run.py" "$test_name"
