# SPDX-License-Identifier: MIT
"""Runs the Python package's tests (tests/python/test_*.py) and prints
"NAME: N passed, N failed" for tests/run.sh.

    python3 tests/python/run.py NAME
"""
import os
import sys
import unittest

here = os.path.dirname(os.path.abspath(__file__))
top = os.path.dirname(os.path.dirname(here))
sys.path.insert(0, os.path.join(top, "python"))
sys.path.insert(0, here)
name = sys.argv[1] if len(sys.argv) > 1 else "python"
suite = unittest.defaultTestLoader.discover(here, pattern="test_*.py")
result = unittest.TextTestRunner(stream=sys.stdout, verbosity=1).run(suite)
failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
passed = result.testsRun - failed - len(result.skipped)
# A skipped test is not allowed: count it as a failure.
failed += len(result.skipped)
print("%s: %d passed, %d failed" % (name, passed, failed))
sys.exit(1 if failed else 0)
