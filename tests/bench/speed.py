#!/usr/bin/env python3
"""`make bench`, issue 13's rows: each lablog figure next to its peer,
measured in the same run, interleaved (A B A B ...), median with min-max.

  ingest 1M points (JSONL, CSV)  vs  a raw prepared INSERT of the same rows
                                     into the same point table (same key)
  one `lablog metric`            vs  one `sqlite3` CLI insert (WAL)
  line chart 4 x 250k, 4 x 1M    vs  matplotlib (Agg), the same noisy
                                     points loaded from a .npz file
  a deck                         vs  matplotlib PdfPages of as many pages,
                                     with as many charts of the same points

Wall time is what a user waits for; CPU and peak RSS are printed too (the
machine is shared: compare the ratios, not the absolute figures).
matplotlib comes from Debian (python3-matplotlib, BENCH_PKGS): it is run
with the first of python3 / /usr/bin/python3 that can import it.

  daily, slides, log, exp show on a large log (2,000 runs, 10M points, a
  year; built once into build/bench-cache/)  vs  the same on a small log

    python3 tests/bench/speed.py [ingest|metric|plot|deck|period ...]
"""
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LABLOG = os.path.join(TOP, "build", "lablog")
RAW = os.path.join(TOP, "build", "tests", "bench", "raw_insert")
ENV = dict(os.environ, LABLOG_AUTHOR="bench", TZ="UTC")
for k in ("LABLOG_DB", "LABLOG_EXP", "LABLOG_HOST", "LABLOG_ATTEMPT"):
    ENV.pop(k, None)
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def measure(args, setup=None, cwd=None):
    """Runs args once (setup() first, untimed); returns (wall s, cpu s,
    peak RSS MiB) from wait4. The peak RSS is GNU time's (%M): a child
    forked from this Python process would count the parent's pages it
    carried until exec."""
    if setup:
        setup()
    cmd = [GNU_TIME, "-f", "@@rss %M"] + list(args) if GNU_TIME else args
    t = time.perf_counter()
    p = subprocess.Popen(cmd, env=ENV, cwd=cwd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    err = p.stderr.read().decode(errors="replace")
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.stderr.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit("bench: %s failed (%d): %s" % (args[0], p.returncode, err))
    rss = ru.ru_maxrss / 1024.0
    for line in err.splitlines():
        if line.startswith("@@rss "):
            rss = int(line.split()[1]) / 1024.0
    return wall, ru.ru_utime + ru.ru_stime, rss


class Stats:
    def __init__(self, name):
        self.name = name
        self.wall, self.cpu, self.rss = [], [], []

    def add(self, m):
        self.wall.append(m[0])
        self.cpu.append(m[1])
        self.rss.append(m[2])

    def med(self):
        return statistics.median(self.wall)

    def text(self, unit="s"):
        f = 1000.0 if unit == "ms" else 1.0
        return ("%.2f %s (%.2f-%.2f), CPU %.2f, %.0f MiB"
                % (self.med() * f, unit, min(self.wall) * f,
                   max(self.wall) * f, statistics.median(self.cpu) * f,
                   max(self.rss)))


def interleaved(a, b, rounds=ROUNDS):
    """a and b are (name, args, setup); runs A B A B ... and returns the
    two Stats."""
    sa, sb = Stats(a[0]), Stats(b[0])
    for _ in range(rounds):
        sa.add(measure(a[1], a[2]))
        sb.add(measure(b[1], b[2]))
    return sa, sb


def row(work, sa, sb, ratio, goal, unit="s", rate=False):
    ok = ratio >= goal if rate else ratio <= goal
    print("%s\n  %-14s %s\n  %-14s %s\n  -> %.2f x %s (goal %s %.2f: %s)"
          % (work, sa.name, sa.text(unit), sb.name, sb.text(unit), ratio,
             "the rate" if rate else "the time", ">=" if rate else "<=",
             goal, "met" if ok else "NOT met"))
    sys.stdout.flush()


def lablog(db, *args):
    subprocess.run([LABLOG, "--db", db] + list(args), check=True, env=ENV,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def fresh_log(path, exps=("e",)):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    lablog(path, "init", "--name", "bench")
    for e in exps:
        lablog(path, "exp", "new", e)


def has_mpl(py):
    return subprocess.run([py, "-c", "import matplotlib, numpy"],
                          stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0


def find_mpl_python():
    """This python when it has matplotlib (and numpy); else Debian's, which
    python3-matplotlib installs into: the bench re-runs itself with it."""
    if has_mpl(sys.executable):
        return sys.executable
    if os.path.exists("/usr/bin/python3") and has_mpl("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    return None


# ---- ingest ------------------------------------------------------------

def bench_ingest(d):
    n = 1_000_000
    jsonl, csv = os.path.join(d, "points.jsonl"), os.path.join(d, "points.csv")
    with open(jsonl, "w") as j, open(csv, "w") as c:
        c.write("step,loss,acc\n")
        for s in range(n // 2):
            v = 1.0 / (s + 1)
            j.write('{"step": %d, "loss": %r, "acc": %r}\n' % (s, v, v))
            c.write("%d,%r,%r\n" % (s, v, v))
    db, rawdb = os.path.join(d, "i.db"), os.path.join(d, "r.db")
    raw = ("raw INSERT", [RAW, rawdb, "2", str(n)], lambda: fresh_log(rawdb))
    for name, path in (("JSONL", jsonl), ("CSV", csv)):
        ours = ("lablog ingest", [LABLOG, "--db", db, "ingest", "--exp", "e",
                                  path], lambda: fresh_log(db))
        sa, sb = interleaved(ours, raw)
        row("ingest of %d points, %s (points/s: lablog %.0fk, raw %.0fk)"
            % (n, name, n / sa.med() / 1e3, n / sb.med() / 1e3),
            sa, sb, sb.med() / sa.med(), 1.0, rate=True)
    # The same file again: every point a duplicate, nothing written.
    again = Stats("re-ingest")
    for _ in range(3):
        again.add(measure([LABLOG, "--db", db, "ingest", "--exp", "e", csv]))
    print("  re-ingest of the same %d points (all duplicates): %s"
          % (n, again.text()))


# ---- metric ------------------------------------------------------------

def bench_metric(d):
    db, cdb = os.path.join(d, "m.db"), os.path.join(d, "c.db")
    fresh_log(db)
    subprocess.run(["sqlite3", cdb, "PRAGMA journal_mode = WAL; CREATE TABLE "
                    "m(exp TEXT, name TEXT, step INTEGER, value REAL, "
                    "PRIMARY KEY(exp, name, step))"], check=True,
                   stdout=subprocess.DEVNULL)
    sa, sb = Stats("lablog metric"), Stats("sqlite3 CLI")
    for i in range(60):
        v = 1.0 / (i + 1)
        sa.add(measure([LABLOG, "--db", db, "metric", "--exp", "e",
                        "loss=%r" % v, "acc=0.5"]))
        sb.add(measure(["sqlite3", cdb, "PRAGMA synchronous = NORMAL; "
                        "INSERT INTO m VALUES ('e', 'loss', %d, %r); "
                        "INSERT INTO m VALUES ('e', 'acc', %d, 0.5)"
                        % (i, v, i)]))
    row("one metric call, 2 values (60 calls each)", sa, sb,
        sa.med() / sb.med(), 1.0, unit="ms")


# ---- plots -------------------------------------------------------------

MPL_LINE = r'''
import sys
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
d = np.load(sys.argv[1])
fig, ax = plt.subplots(figsize=(14.4, 8.1), dpi=100)
for k in range(int(sys.argv[3])):
    ax.plot(d["x%d" % k], d["y%d" % k], label="s%d" % k, linewidth=1.6)
ax.set_title("loss"); ax.set_xlabel("step"); ax.set_ylabel("loss")
ax.grid(alpha=0.3); ax.legend()
fig.savefig(sys.argv[2])
'''


def noisy(per, k, rng):
    """A loss curve with noise, as training loss looks."""
    return [2.3 / (1 + s / (per / 50 * (k + 1))) + 0.1 * rng.gauss(0, 1)
            for s in range(per)]


def plot_log(d, per, series=4):
    """A log of `series` experiments of `per` noisy points, and the same
    points as a .npz file for matplotlib."""
    db = os.path.join(d, "plot%d.db" % per)
    exps = ["s%d" % k for k in range(series)]
    fresh_log(db, exps)
    rng = random.Random(per)
    arrays = {}
    for k in range(series):
        ys = noisy(per, k, rng)
        path = os.path.join(d, "s%d.jsonl" % k)
        with open(path, "w") as f:
            for s, y in enumerate(ys):
                f.write('{"step": %d, "loss": %.6g}\n' % (s, y))
        lablog(db, "ingest", "--exp", exps[k], path)
        os.remove(path)
        arrays["x%d" % k] = list(range(per))
        arrays["y%d" % k] = [float("%.6g" % y) for y in ys]
    return db, exps, arrays


def save_npz(path, arrays):
    import numpy as np
    np.savez(path, **{k: np.asarray(v, dtype=float) for k, v in arrays.items()})


def bench_plot(d, py):
    for per, goal in ((250_000, 0.5), (1_000_000, 0.4)):
        db, exps, arrays = plot_log(d, per)
        npz = os.path.join(d, "plot%d.npz" % per)
        save_npz(npz, arrays)
        del arrays
        script = os.path.join(d, "mpl_line.py")
        with open(script, "w") as f:
            f.write(MPL_LINE)
        ours = ("lablog plot", [LABLOG, "--db", db, "plot", "--exp",
                                ",".join(exps), "--metric", "loss", "-o",
                                os.path.join(d, "ours.png")], None)
        peer = ("matplotlib", [py, script, npz, os.path.join(d, "mpl.png"),
                               str(len(exps))], None)
        sa, sb = interleaved(ours, peer)
        row("line chart, %d noisy series x %d points -> 1440x810 PNG"
            % (len(exps), per), sa, sb, sa.med() / sb.med(), goal)
        os.remove(db)


# ---- deck --------------------------------------------------------------

MPL_DECK = r'''
import sys
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages
d = np.load(sys.argv[1])
pages, charts = int(sys.argv[3]), int(sys.argv[4])
chart_pages = (charts + 1) // 2
with PdfPages(sys.argv[2]) as pdf:
    for p in range(pages):
        fig = plt.figure(figsize=(13.33, 7.5))
        fig.text(0.05, 0.92, "Slide %d" % (p + 1), fontsize=24,
                 weight="bold")
        if p >= pages - chart_pages:
            c = p - (pages - chart_pages)
            for i, m in enumerate(("loss", "acc")):
                if 2 * c + i >= charts:
                    break
                ax = fig.add_axes([0.05, 0.1 + 0.42 * (1 - i), 0.5, 0.33])
                ax.plot(d["x"], d["%s%d" % (m, c % 16)], linewidth=1.2,
                        label=m)
                ax.set_title(m); ax.set_xlabel("step"); ax.legend()
                ax.grid(alpha=0.3)
            fig.text(0.6, 0.7, "Metric  Last  Best  Points\nloss ...\nacc ...",
                     fontsize=12, family="monospace")
        else:
            for i in range(10):
                fig.text(0.06, 0.8 - 0.06 * i,
                         "- a takeaway or a decision, line %d" % i,
                         fontsize=16)
        pdf.savefig(fig)
        plt.close(fig)
'''


def bench_deck(d, py):
    """A week of 16 experiments with 2 metrics of 20k noisy points each;
    the peer draws as many pages and charts of the same points."""
    db = os.path.join(d, "deck.db")
    fresh_log(db, ())
    rng = random.Random(7)
    arrays = {"x": list(range(20000))}
    for k in range(16):
        name = "idea%d" % k
        lablog(db, "exp", "new", name, "--param", "knob%d=on" % k, "--tag",
               "t%d" % k, "--hypothesis", "knob %d helps" % k)
        lablog(db, "exp", "start", name)
        loss = noisy(20000, k % 4, rng)
        acc = [1 - v / 3 + 0.01 * rng.gauss(0, 1) for v in loss]
        path = os.path.join(d, "e.jsonl")
        with open(path, "w") as f:
            for s in range(20000):
                f.write('{"step": %d, "loss": %.5f, "acc": %.5f}\n'
                        % (s, loss[s], acc[s]))
        lablog(db, "ingest", "--exp", name, path)
        lablog(db, "exp", "done", name)
        lablog(db, "note", "--exp", name, "knob %d: loss falls steadily" % k)
        arrays["loss%d" % k] = [float("%.5f" % v) for v in loss]
        arrays["acc%d" % k] = [float("%.5f" % v) for v in acc]
    lablog(db, "note", "--takeaway", "knob 3 is the one")
    lablog(db, "decide", "keep knob 3")
    lablog(db, "next", "try warmup")
    npz = os.path.join(d, "deck.npz")
    save_npz(npz, arrays)
    deck = os.path.join(d, "deck.pdf")
    subprocess.run([LABLOG, "--db", db, "slides", "-o", deck], check=True,
                   env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    info = subprocess.run(["pdfinfo", deck], capture_output=True, text=True)
    pages = int([l.split()[-1] for l in info.stdout.splitlines()
                 if l.startswith("Pages:")][0])
    imgs = subprocess.run(["pdfimages", "-list", deck], capture_output=True,
                          text=True).stdout.splitlines()[2:]
    charts = len(imgs)
    script = os.path.join(d, "mpl_deck.py")
    with open(script, "w") as f:
        f.write(MPL_DECK)
    ours = ("lablog slides", [LABLOG, "--db", db, "slides", "-o", deck], None)
    peer = ("matplotlib", [py, script, npz, os.path.join(d, "mpl.pdf"),
                           str(pages), str(charts)], None)
    sa, sb = interleaved(ours, peer)
    row("deck of %d pages, %d charts of 20k points (PdfPages: the same)"
        % (pages, charts), sa, sb, sa.med() / sb.med(), 0.25)


# ---- the cost of a period (issue 9, section 2) -------------------------

PERIOD_END = "2026-11-30T12:00:00Z"
DAY_MS = 86_400_000


def iso(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms / 1000))


def period_log(path, nexps, days, per):
    """nexps experiments spread over `days` days up to PERIOD_END (5
    entries each and `per` noisy points of 2 metrics), as `lablog` writes
    them at those times (LABLOG_NOW)."""
    end = int(time.mktime(time.strptime(PERIOD_END, "%Y-%m-%dT%H:%M:%SZ"))
              - time.timezone) * 1000
    fresh_log(path, ())
    rng = random.Random(nexps)
    src = path + ".jsonl"
    for k in range(nexps):
        at = end - int((nexps - k) * days * DAY_MS / nexps)
        name = "run%04d" % k
        env = dict(ENV, LABLOG_NOW=iso(at))

        def cli(*args):
            subprocess.run([LABLOG, "--db", path] + list(args), check=True,
                           env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        cli("exp", "new", name, "--tag", "g%d" % (k // 8), "--param",
            "lr=%g" % (1e-4 * (1 + k % 8)), "--param", "seed=%d" % (k % 2))
        cli("exp", "start", name)
        with open(src, "w") as f:
            for s_ in range(per):
                loss = 2.3 / (1 + s_ / 500) + 0.05 * rng.gauss(0, 1)
                f.write('{"step": %d, "loss": %.5f, "acc": %.5f}\n'
                        % (s_, loss, 1 - loss / 3))
        cli("ingest", "--exp", name, src)
        cli("exp", "done", name)
        cli("note", "--exp", name, "run %d: loss %.3f at the end" % (k, loss))
    os.remove(src)


def bench_period(d):
    """daily / slides of the last week, log --since yesterday and exp show
    on a large log (2,000 experiments, 10M points over a year; built once
    into build/bench-cache/) against the same on a small one (20
    experiments of the last week, 100k points), in the same run."""
    cache = os.path.join(TOP, "build", "bench-cache")
    os.makedirs(cache, exist_ok=True)
    large = os.path.join(cache, "period-large.db")
    if not os.path.exists(large):
        print("  building the large log once (%s): a few minutes" % large)
        sys.stdout.flush()
        period_log(large + ".tmp", 2000, 365, 2500)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(large + ".tmp" + suffix):
                os.rename(large + ".tmp" + suffix, large + suffix)
    global ENV
    small = os.path.join(d, "period-small.db")
    period_log(small, 20, 7, 2500)
    env_now = dict(ENV, LABLOG_NOW=PERIOD_END)
    week = iso(int(time.mktime(time.strptime(PERIOD_END,
                                             "%Y-%m-%dT%H:%M:%SZ"))
                   - time.timezone) * 1000 - 7 * DAY_MS)[:10]
    saved, ENV = ENV, env_now
    try:
        for what, args, goal in (
                ("daily of the last week", ["daily", "--since", week], 3.0),
                ("slides of the last week", ["slides", "--since", week, "-o",
                                             os.path.join(d, "w.pdf")], 3.0),
                ("log --since yesterday", ["log", "--since", "yesterday"],
                 2.0),
                ("exp show (the newest run)", ["exp", "show", "LAST"], 2.0)):
            def argv(db, last):
                return [LABLOG, "--db", db] + [last if a == "LAST" else a
                                               for a in args]
            sa, sb = interleaved(("large log", argv(large, "run1999"), None),
                                 ("small log", argv(small, "run0019"), None))
            row("%s: 2,000 runs / 10M points / a year against 20 runs / "
                "100k points" % what, sa, sb, sa.med() / sb.med(), goal)
    finally:
        ENV = saved


def main():
    if not os.path.exists(RAW):
        sys.exit("bench: build %s first (make bench)" % RAW)
    which = sys.argv[1:] or ["ingest", "metric", "plot", "deck", "period"]
    py = find_mpl_python()
    print("issue 13: lablog next to its peers, %d interleaved rounds "
          "(median, min-max; CPU median; peak RSS)" % ROUNDS)
    with tempfile.TemporaryDirectory() as d:
        if "ingest" in which:
            bench_ingest(d)
        if "metric" in which:
            if shutil.which("sqlite3"):
                bench_metric(d)
            else:
                print("one metric call: no sqlite3 CLI to compare with")
        if "period" in which:
            bench_period(d)
        for w, fn in (("plot", bench_plot), ("deck", bench_deck)):
            if w not in which:
                continue
            if not py:
                print("%s: matplotlib is not installed (make bench installs "
                      "python3-matplotlib)" % w)
                continue
            fn(d, py)


if __name__ == "__main__":
    main()
