#!/usr/bin/env python3
"""Waits until a metric point printed by a running producer is readable.

    visible.py MODE DB METRIC STEP -- PRODUCER-PIPELINE...   (not used)
    producer: visible.py produce FORMAT      prints a point every 100 ms
    reader:   visible.py read DB METRIC STEP waits for the point

The producer prints METRIC=i at step i every 100 ms (FORMAT kv: "lablog:
vis=i step=i"; json: {"step": i, "vis": i}), records the last step printed
in the file "printed" and stops when the file "stop" exists. The reader
polls DB (read-only, as any reader) until step STEP of METRIC is there,
then prints "seen STEP printed P" (P: the producer's last step then) and
creates "stop". Both give up after 60 s (exit 124), so a point that never
becomes visible while the producer runs fails the test without any
threshold on how fast it is.
"""
import os
import sqlite3
import sys
import time


def produce(fmt):
    i = 0
    deadline = time.time() + 60
    while not os.path.exists("stop") and time.time() < deadline:
        if fmt == "json":
            print('{"step": %d, "vis": %d}' % (i, i), flush=True)
        else:
            print("lablog: vis=%d step=%d" % (i, i), flush=True)
        with open("printed.tmp", "w") as f:
            f.write(str(i))
        os.rename("printed.tmp", "printed")
        i += 1
        time.sleep(0.1)


def read(db, metric, step):
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=5)
            row = con.execute(
                "select max(p.step) from point p join series s on s.id = p.series"
                " where s.name = ?", (metric,)).fetchone()
            con.close()
        except sqlite3.Error:
            row = None
        if row and row[0] is not None and row[0] >= step:
            printed = int(open("printed").read()) if os.path.exists("printed") else -1
            open("stop", "w").close()
            print("seen %d printed %d" % (step, printed))
            return 0
        time.sleep(0.02)
    open("stop", "w").close()
    print("timed out")
    return 124


if sys.argv[1] == "produce":
    produce(sys.argv[2])
else:
    sys.exit(read(sys.argv[2], sys.argv[3], int(sys.argv[4])))
