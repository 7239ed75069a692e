#!/usr/bin/env python3
"""`make bench`: lablog's speed next to baselines measured in the same run.

    python3 tests/bench/bench.py [ingest samples metric run latency stress plot deck]
    (or BENCH_ONLY=run,latency; BENCH_REPEAT=N for the medians)

The machine is shared and noisy, so every figure is the median of several
runs, and the ratios matter more than the absolute numbers.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")  # as in the Makefile
LABLOG = os.path.join(TOP, BUILD, "lablog")
RAW = os.path.join(TOP, BUILD, "tests", "bench", "raw_insert")
N = 1_000_000
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
ENV = dict(os.environ, LABLOG_AUTHOR="bench", TZ="UTC")
ENV.pop("LABLOG_DB", None)
ENV.pop("LABLOG_EXP", None)


def run(args, **kw):
    subprocess.run(args, check=True, env=ENV, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, **kw)


def timed(args, **kw):
    t = time.perf_counter()
    run(args, **kw)
    return time.perf_counter() - t


def fresh_log(d, name):
    path = os.path.join(d, name)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    run([LABLOG, "--db", path, "init", "--name", "bench"])
    run([LABLOG, "--db", path, "exp", "new", "e"])
    return path


def median_time(make_args, repeat=REPEAT, setup=None):
    times = []
    for _ in range(repeat):
        args = make_args(setup() if setup else None)
        times.append(timed(args))
    return statistics.median(times)


def write_inputs(d):
    jsonl = os.path.join(d, "points.jsonl")
    csv = os.path.join(d, "points.csv")
    with open(jsonl, "w") as j, open(csv, "w") as c:
        c.write("step,loss,acc\n")
        for s in range(N // 2):
            v = 1.0 / (s + 1)
            j.write('{"step": %d, "loss": %r, "acc": %r}\n' % (s, v, v))
            c.write("%d,%r,%r\n" % (s, v, v))
    return jsonl, csv


def bench_ingest(d):
    jsonl, csv = write_inputs(d)
    db = os.path.join(d, "b.db")
    raw = median_time(lambda _: [RAW, db, "2", str(N)], setup=lambda: fresh_log(d, "b.db"))
    ing_j = median_time(lambda _: [LABLOG, "--db", db, "ingest", "--exp", "e", jsonl],
                        setup=lambda: fresh_log(d, "b.db"))
    ing_c = median_time(lambda _: [LABLOG, "--db", db, "ingest", "--exp", "e", csv],
                        setup=lambda: fresh_log(d, "b.db"))
    print("ingest of %d points (median of %d runs)" % (N, REPEAT))
    print("  raw prepared INSERT, same tables  %9.0f points/s  (baseline)" % (N / raw))
    print("  lablog ingest JSONL               %9.0f points/s  %.2f x baseline" % (N / ing_j, raw / ing_j))
    print("  lablog ingest CSV                 %9.0f points/s  %.2f x baseline" % (N / ing_c, raw / ing_c))


def bench_metric(d):
    db = fresh_log(d, "m.db")
    times = []
    for i in range(200):
        t = time.perf_counter()
        run([LABLOG, "--db", db, "metric", "--exp", "e", "loss=%f" % (1 / (i + 1)), "acc=0.5"])
        times.append(time.perf_counter() - t)
    spawn = []
    for i in range(50):
        t = time.perf_counter()
        run(["true"])
        spawn.append(time.perf_counter() - t)
    print("lablog metric, 200 calls: median %.2f ms, p90 %.2f ms (spawning 'true': %.2f ms)"
          % (statistics.median(times) * 1e3, sorted(times)[179] * 1e3,
             statistics.median(spawn) * 1e3))


def bench_plot(d):
    db = fresh_log(d, "p.db")
    per = 1_000_000
    data = os.path.join(d, "series.dat")
    for k in range(4):
        run([LABLOG, "--db", db, "exp", "new", "s%d" % k])
    gen = os.path.join(d, "gen.jsonl")
    with open(gen, "w") as f, open(data, "w") as g:
        import math
        for s in range(per):
            vals = [2 / (1 + s / (20000 * (k + 1))) + 0.05 * math.sin(s / 50 + k) for k in range(4)]
            for k in range(4):
                f.write('{"exp": "s%d", "step": %d, "loss": %.5f}\n' % (k, s, vals[k]))
            g.write("%d %.5f %.5f %.5f %.5f\n" % (s, *vals))
    run([LABLOG, "--db", db, "ingest", gen])
    out = os.path.join(d, "c.png")
    ours = median_time(lambda _: [LABLOG, "--db", db, "plot", "--exp", "s0,s1,s2,s3",
                                  "--metric", "loss", "-o", out])
    print("line chart, 4 series x %d points -> 1440x810 PNG: lablog plot %.2f s (median of %d)"
          % (per, ours, REPEAT))
    if shutil.which("gnuplot"):
        script = os.path.join(d, "c.gp")
        with open(script, "w") as f:
            f.write('set terminal pngcairo size 1440,810\nset output "%s"\n'
                    'plot for [i=2:5] "%s" using 1:i with lines title columnhead(i)\n'
                    % (os.path.join(d, "g.png"), data))
        gp = median_time(lambda _: ["gnuplot", script], repeat=REPEAT)
        print("  gnuplot pngcairo, same data from a text file: %.2f s  -> lablog takes %.2f x gnuplot's time"
              % (gp, ours / gp))
    else:
        print("  (gnuplot not installed: no baseline)")


def bench_deck(d):
    help_text = subprocess.run([LABLOG, "help"], capture_output=True, text=True).stdout
    if "  slides " not in help_text:
        print("slides: not available in this build")
        return
    sample = os.path.join(d, "sample")
    env = dict(ENV, PATH=os.path.dirname(LABLOG) + ":" + ENV["PATH"])
    subprocess.run(["sh", os.path.join(TOP, "samples", "build.sh"), sample], check=True,
                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = os.path.join(sample, "lablog.db")
    deck = os.path.join(d, "deck.pdf")
    t = median_time(lambda _: [LABLOG, "--db", db, "slides", "--since", "2026-11-13",
                               "--until", "2026-11-21", "-o", deck])
    print("sample deck (slides with plots): %.2f s (median of %d)" % (t, REPEAT))


SAMPLES = 100_000


def write_samples(d):
    """100k rows of about 2 KB: id, prompt, response, score, one more field."""
    import random
    rng = random.Random(0)
    words = ("the model answers the question about the plot with a long and "
             "careful chain of thought before it settles on ").split()
    path = os.path.join(d, "samples.jsonl")
    with open(path, "w") as f:
        for i in range(SAMPLES):
            prompt = " ".join(rng.choice(words) for _ in range(140))
            response = " ".join(rng.choice(words) for _ in range(220))
            f.write('{"id": "ex-%d", "prompt": "%s", "response": "%s", '
                    '"score": %.4f, "temperature": 0.7}\n'
                    % (i, prompt, response, rng.random()))
    return path


def peak_rss_mb(args):
    """Runs args under /usr/bin/time -v; returns (seconds, peak RSS in MB)."""
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v"] + args, env=ENV, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    secs = time.perf_counter() - t
    for line in p.stderr.splitlines():
        if "Maximum resident set size" in line:
            return secs, int(line.split()[-1]) / 1024
    return secs, float("nan")


def cpu_time(args, repeat=5):
    """Median user+system CPU seconds of a command: on a loaded shared
    machine the wall time mostly measures the neighbours."""
    import resource
    cpus = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        run(args)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime
                    + after.ru_stime - before.ru_stime)
    return statistics.median(cpus)


def spread(xs, fmt="%.2f"):
    """ "median (min-max)" of a list of numbers."""
    return (fmt + " (" + fmt + "-" + fmt + ")") % (statistics.median(xs), min(xs), max(xs))


def notes_during_add(d, path):
    """Writes a note every 50 ms while a samples add runs: the add holds the
    write lock only to move its staged rows in, so the slowest note is
    about that long, not the whole add."""
    db = fresh_log(d, "c.db")
    lat = []
    add = subprocess.Popen([LABLOG, "--db", db, "samples", "add", "--exp",
                            "e", path], env=ENV, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    t0 = time.perf_counter()
    while add.poll() is None:
        lat.append(timed([LABLOG, "--db", db, "note", "meanwhile"]))
        time.sleep(0.05)
    total = time.perf_counter() - t0
    if add.wait() != 0:
        raise SystemExit("bench: samples add failed")
    return total, lat


def bench_samples(d):
    path = write_samples(d)
    size = os.path.getsize(path)
    points = os.path.join(d, "same-n-points.jsonl")
    with open(points, "w") as f:
        for s in range(SAMPLES):
            f.write('{"step": %d, "loss": %r}\n' % (s, 1.0 / (s + 1)))
    have_time = os.path.exists("/usr/bin/time")
    adds, rss, ings = [], [], []
    # Interleaved: each add is followed by an ingest of as many points, so
    # both see the same load on this shared machine.
    for _ in range(REPEAT):
        db = fresh_log(d, "s.db")
        if have_time:
            secs, mb = peak_rss_mb([LABLOG, "--db", db, "samples", "add",
                                    "--exp", "e", path])
            rss.append(mb)
        else:
            secs = timed([LABLOG, "--db", db, "samples", "add", "--exp", "e",
                          path])
        adds.append(secs)
        fresh_log(d, "i.db")
        ings.append(timed([LABLOG, "--db", os.path.join(d, "i.db"), "ingest",
                           "--exp", "e", points]))
    db = os.path.join(d, "s.db")
    show = lambda *a: [LABLOG, "--db", db, "samples", "show", "e"] + list(a)
    worst = [timed(show("--worst", "10")) for _ in range(5)]
    rand = [timed(show("--random", "10", "--seed", "1")) for _ in range(5)]
    worst_cpu = cpu_time(show("--worst", "10"))
    ver = [timed([LABLOG, "--db", db, "verify"]) for _ in range(REPEAT)]
    during, lat = notes_during_add(d, path)
    plain = [timed([LABLOG, "--db", os.path.join(d, "c.db"), "note", "after"])
             for _ in range(10)]
    rates = [SAMPLES / t for t in adds]
    prates = [SAMPLES / t for t in ings]
    print("samples add of %d rows (%.0f MB, ~%d B a row), %d runs interleaved "
          "with ingest; median (min-max)" % (SAMPLES, size / 1e6,
                                             size // SAMPLES, REPEAT))
    print("  lablog samples add              %s rows/s  (%s s, %.0f MB/s%s)"
          % (spread(rates, "%.0f"), spread(adds), size / 1e6 / statistics.median(adds),
             ", peak RSS %.0f MB" % max(rss) if rss else ""))
    print("  lablog ingest, %d points     %s points/s  (%s s)"
          % (SAMPLES, spread(prates, "%.0f"), spread(ings)))
    print("  samples show --worst 10         %s s wall, %.3f s CPU  (goal < 0.2 s)"
          % (spread(worst, "%.3f"), worst_cpu))
    print("  samples show --random 10        %s s" % spread(rand, "%.3f"))
    print("  verify (every sample re-hashed) %s s" % spread(ver))
    print("  notes written during one add (%.1f s): %d, latency %s s "
          "(a note alone: %s s)" % (during, len(lat),
                                    spread(lat, "%.3f") if lat else "-",
                                    spread(plain, "%.3f")))


def write_output(path, lines, metric_every):
    """A training log: every metric_every-th line a metric line."""
    with open(path, "w") as f:
        for i in range(lines):
            if metric_every and i % metric_every == 0:
                f.write("lablog: loss=%.6f acc=%.4f step=%d\n"
                        % (1.0 / (i + 1), i / lines, i // metric_every))
            else:
                f.write("epoch 3 batch %7d | lr 3.0e-04 | 412.7 samples/s | "
                        "grad_norm 1.234\n" % i)


def pipe_once(stages):
    """Wall time of a pipeline: each stage's stdout is the next one's
    stdin, the last one's drained by a cat."""
    t = time.perf_counter()
    procs = []
    stdin = subprocess.DEVNULL
    chain = stages + [["cat"]]
    for i, args in enumerate(chain):
        p = subprocess.Popen(args, stdin=stdin,
                             stdout=subprocess.DEVNULL if i == len(chain) - 1
                             else subprocess.PIPE,
                             stderr=subprocess.DEVNULL, env=ENV)
        if i:
            stdin.close()
        stdin = p.stdout
        procs.append(p)
    for p in procs:
        p.wait()
    return time.perf_counter() - t


def spread(xs):
    """median (min-max)"""
    return statistics.median(xs), min(xs), max(xs)


def bench_run(d):
    """lablog run passing a child's output through (and parsing it), against
    the same output through cat: `cat F | cat` (the output alone) and
    `cat F | cat | cat` (a pass-through stage where lablog run is one).
    The three are timed in turn, REPEAT times, so they share the load."""
    lines = 1_000_000
    print("lablog run pass-through, %d lines, median (min-max) of %d, in lines/s:"
          % (lines, REPEAT))
    for label, every in (("plain output, no metric lines", 0),
                         ("1 metric line in 10 (2 points each)", 10),
                         ("every line a metric line (2 points each)", 1)):
        src = os.path.join(d, "out-%d.txt" % every)
        write_output(src, lines, every)
        t = {"cat": [], "cat|cat": [], "run": []}
        for _ in range(REPEAT):
            db = fresh_log(d, "r.db")
            t["cat"].append(pipe_once([["cat", src]]))
            t["cat|cat"].append(pipe_once([["cat", src], ["cat"]]))
            t["run"].append(pipe_once([[LABLOG, "--db", db, "run", "--exp", "e",
                                        "--", "cat", src]]))
        print("  %s:" % label)
        for k in ("cat", "cat|cat", "run"):
            med, lo, hi = spread(t[k])
            print("    %-8s %10.0f (%.0f-%.0f)" % (k, lines / med, lines / hi, lines / lo))
        print("    run / cat: %.2f x, run / cat|cat: %.2f x (medians)"
              % (statistics.median(t["cat"]) / statistics.median(t["run"]),
                 statistics.median(t["cat|cat"]) / statistics.median(t["run"])))
    db = fresh_log(d, "r.db")
    med, lo, hi = spread([pipe_once([[LABLOG, "--db", db, "run", "--exp", "e",
                                      "--", "true"]]) for _ in range(REPEAT)])
    print("  fixed cost, lablog run -- true: %.0f ms (%.0f-%.0f)"
          % (med * 1e3, lo * 1e3, hi * 1e3))


LATENCY_CHILD = r"""
import sys, time
rate, seconds = float(sys.argv[1]), float(sys.argv[2])
n = int(rate * seconds)
burst = max(1, int(rate / 1000))          # lines per 1 ms tick
printed = [0.0] * n
start = time.monotonic()
i = 0
while i < n:
    due = start + i / rate
    now = time.monotonic()
    if now < due:
        time.sleep(due - now)
    for _ in range(min(burst, n - i)):
        sys.stdout.write("lablog: lat=%d step=%d\n" % (i, i))
        i += 1
    sys.stdout.flush()
    t = time.monotonic()
    for k in range(i - burst if i >= burst else 0, i):
        printed[k] = t
with open(sys.argv[3], "w") as f:
    f.write("\n".join("%.6f" % t for t in printed))
"""


def bench_latency(d):
    """From a line printed by the child to its point being readable by
    another process (polling the log every 5 ms), at three output rates."""
    import sqlite3
    child = os.path.join(d, "lat.py")
    with open(child, "w") as f:
        f.write(LATENCY_CHILD)
    print("latency, line printed -> point readable by a reader:")
    for rate, seconds in ((10, 10), (1000, 5), (100000, 3)):
        db = fresh_log(d, "l.db")
        times = os.path.join(d, "printed.txt")
        p = subprocess.Popen([LABLOG, "--db", db, "run", "--exp", "e", "--no-tty", "--",
                              "python3", child, str(rate), str(seconds), times],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        n = int(rate * seconds)
        seen = [0.0] * n
        upto = 0
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=10)
        while upto < n:
            try:
                row = con.execute("select max(p.step) from point p join series s"
                                  " on s.id = p.series where s.name = 'lat'").fetchone()
            except sqlite3.Error:
                row = None
            t = time.monotonic()
            top = row[0] if row and row[0] is not None else -1
            while upto <= top and upto < n:
                seen[upto] = t
                upto += 1
            if p.poll() is not None and upto < n and top < upto:
                if p.returncode != 0:
                    break
            time.sleep(0.005)
        p.wait()
        con.close()
        printed = [float(x) for x in open(times).read().split()]
        lat = sorted(seen[i] - printed[i] for i in range(min(upto, len(printed))))
        if len(lat) < n:
            print("  %6d lines/s: only %d of %d points seen" % (rate, len(lat), n))
            continue
        print("  %6d lines/s for %ds: p50 %4.0f ms, p99 %4.0f ms, max %4.0f ms"
              % (rate, seconds, lat[len(lat) // 2] * 1e3,
                 lat[int(len(lat) * 0.99)] * 1e3, lat[-1] * 1e3))


def bench_stress(d):
    """The issue's scenario: 8 runs printing a metric line every 5 ms for
    20 s, notes and metrics from two shells every 100 ms, daily/report in a
    loop."""
    work = os.path.join(d, "stress")
    os.mkdir(work)
    t = time.perf_counter()
    r = subprocess.run(["sh", os.path.join(TOP, "tests", "cli", "live_stress.sh"),
                        LABLOG, "8", "4000", "5"], cwd=work, env=ENV,
                       capture_output=True, text=True)
    print("8 runs x 4000 lines every 5 ms + notes/metrics + readers (%.0f s): %s"
          % (time.perf_counter() - t, (r.stdout + r.stderr).strip().splitlines()[-1]))


SECTIONS = {"ingest": bench_ingest, "samples": bench_samples,
            "metric": bench_metric, "run": bench_run,
            "latency": bench_latency, "stress": bench_stress,
            "plot": bench_plot, "deck": bench_deck}


def interleaved(cmds, repeat=5):
    """Runs each command of cmds (name -> args) once per round, round
    after round, so the machine's load falls on all of them alike; returns
    name -> (median, min, max) seconds."""
    times = {name: [] for name in cmds}
    for _ in range(repeat):
        for name, args in cmds.items():
            times[name].append(timed(args))
    return {name: (statistics.median(t), min(t), max(t))
            for name, t in times.items()}


def show(label, stats_, base=None):
    med, lo, hi = stats_
    line = "  %-44s %7.3f s (min %.3f, max %.3f)" % (label, med, lo, hi)
    if base:
        line += "  %.2f x" % (med / base[0])
    print(line)


def bench_compare(d):
    """compare over 2,000 experiments next to exp list of the same log;
    plot --group-by over 30 runs x 100k points next to a plain plot of the
    same points (all in one interleaved run)."""
    db = fresh_log(d, "cmp.db")
    lrs = ["1e-5", "3e-5", "1e-4", "3e-4", "1e-3"]
    n = 2000
    with open(os.path.join(d, "cmp.jsonl"), "w") as f:
        for i in range(n):
            lr, seed, tag = lrs[i % 5], (i // 5) % 4, "t%d" % (i // 20)
            run([LABLOG, "--db", db, "exp", "new", "c%d" % i, "--param",
                 "lr=" + lr, "--param", "seed=%d" % seed, "--tag", tag]
                + (["--confirm"] if i % 2 else []))
            for step in range(10):
                f.write('{"exp": "c%d", "step": %d, "accuracy": %.4f, '
                        '"loss": %.4f, "n_examples": 500}\n'
                        % (i, step, 0.5 + 0.01 * (i % 5) + 0.001 * step,
                           1.0 - 0.05 * step))
    run([LABLOG, "--db", db, "ingest", os.path.join(d, "cmp.jsonl")])
    pdb = fresh_log(d, "grp.db")
    per = 100_000
    with open(os.path.join(d, "grp.jsonl"), "w") as f:
        for k in range(30):
            run([LABLOG, "--db", pdb, "exp", "new", "g%d" % k, "--param",
                 "lr=%s" % lrs[k % 5], "--param", "seed=%d" % (k // 5),
                 "--tag", "grp"])
        for s in range(per):
            for k in range(30):
                f.write('{"exp": "g%d", "step": %d, "loss": %.5f}\n'
                        % (k, s, 2 / (1 + s / (2000 * (k % 5 + 1)))))
    run([LABLOG, "--db", pdb, "ingest", os.path.join(d, "grp.jsonl")])
    exps = ",".join("g%d" % k for k in range(30))
    png = os.path.join(d, "g.png")
    r = interleaved({
        "list": [LABLOG, "--db", db, "exp", "list"],
        "compare": [LABLOG, "--db", db, "compare", "c*"],
        "compare_json": [LABLOG, "--db", db, "compare", "c*", "--baseline",
                         "c0", "--json"],
        "plot": [LABLOG, "--db", pdb, "plot", "--exp", exps, "--metric",
                 "loss", "-o", png],
        "group": [LABLOG, "--db", pdb, "plot", "--exp", exps, "--metric",
                  "loss", "--group-by", "lr", "-o", png],
        "group_bar": [LABLOG, "--db", pdb, "plot", "--exp", exps, "--metric",
                      "loss", "--group-by", "lr", "--bar", "last", "-o", png],
    })
    print("compare and grouped plots (interleaved, median of 5 with min-max)")
    show("exp list, 2,000 experiments", r["list"])
    show("compare c* (2,000 runs, 500 settings)", r["compare"], r["list"])
    show("compare c* --baseline c0 --json", r["compare_json"], r["list"])
    show("plot, 30 runs x 100k points", r["plot"])
    show("plot --group-by lr (mean lines, bands)", r["group"], r["plot"])
    show("plot --group-by lr --bar last, same runs", r["group_bar"], r["plot"])


SECTIONS["compare"] = bench_compare


def main():
    if not os.path.exists(RAW):
        sys.exit("bench: build %s first (make bench)" % RAW)
    # ingest, metric, plot and deck against their peers, interleaved, are
    # tests/bench/speed.py's (make bench runs it first); these rows stay
    # for a section asked by name (plot's gnuplot peer, on a smooth
    # curve, flatters lablog).
    chosen = sys.argv[1:] or [k for k in SECTIONS
                              if k not in ("ingest", "metric", "plot",
                                           "deck")]
    with tempfile.TemporaryDirectory() as d:
        only = os.environ.get("BENCH_ONLY")
        if only:
            chosen = only.split(",")
        for name in chosen:
            SECTIONS[name](d)


if __name__ == "__main__":
    main()
