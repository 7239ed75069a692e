# SPDX-License-Identifier: MIT
"""Benchmark of the Python package: N run.log() calls of 4 metrics into a
fresh log (default 1,000,000), timing the calls alone and until every
point is committed (run.finish()).

    python3 tests/bench/python_log.py [N]     (make bench runs it)
"""
import os
import subprocess
import sys
import tempfile
import time

top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(top, "python"))
os.environ.setdefault("LABLOG_BIN", os.path.join(top, "build", "lablog"))
import lablog  # noqa: E402

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
with tempfile.TemporaryDirectory() as d:
    db = os.path.join(d, "lablog.db")
    subprocess.run([os.environ["LABLOG_BIN"], "--db", db, "init", "--name",
                    "bench"], check=True, capture_output=True)
    run = lablog.start("bench", db=db)
    t0 = time.perf_counter()
    c0 = time.process_time()
    for step in range(n):
        run.log({"loss": 1.0 / (step + 1), "acc": step / n, "lr": 3e-4,
                 "grad_norm": 0.5}, step=step)
    calls = time.perf_counter() - t0
    cpu = time.process_time() - c0
    run.finish()
    total = time.perf_counter() - t0
    points = subprocess.run(["sqlite3", db, "select count(*) from point"],
                            capture_output=True, text=True).stdout.strip()
load = os.getloadavg()[0]
print("python run.log: %d calls of 4 metrics: %.2f s in the calls (%.2f us "
      "each; %.2f s of this process's CPU), %.2f s until all %s points were "
      "committed; load average %.1f on %d cores"
      % (n, calls, calls / n * 1e6, cpu, total, points, load,
         os.cpu_count()))
