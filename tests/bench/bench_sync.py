#!/usr/bin/env python3
"""`make bench`, the sync part: merging replicas, pulling a feed directory
and pushing to / pulling from a PostgreSQL hub, each next to a peer
measured in the same run, interleaved (A B A B ...), medians with min-max.

The hub figures need a PostgreSQL server: this script starts a throwaway
one (initdb + pg_ctl as 'nobody' when run as root, Unix socket only,
fsync off) and stops it at the end.
"""
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LABLOG = os.path.join(TOP, "build", "lablog")
N = int(os.environ.get("BENCH_SYNC_POINTS", "1000000"))
ROUNDS = 3
ENV = dict(os.environ, LABLOG_AUTHOR="bench", TZ="UTC")
for k in ("LABLOG_DB", "LABLOG_EXP", "LABLOG_HOST"):
    ENV.pop(k, None)


def run(args, env=None, **kw):
    p = subprocess.run(args, env=env or ENV, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True, **kw)
    if p.returncode:
        sys.exit("%s: exit %d\n%s" % (" ".join(args), p.returncode,
                                      p.stderr[-2000:]))


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def rate_line(label, n, times, base=None):
    med = statistics.median(times)
    s = "  %-44s %10.0f points/s  (%.0f-%.0f)" % (
        label, n / med, n / max(times), n / min(times))
    if base:
        s += "  %.2f x" % (statistics.median(base) / med)
    print(s)


def host_env(host):
    return dict(ENV, LABLOG_HOST=host)


def write_points(path, n, exp):
    with open(path, "w") as f:
        for s in range(n // 2):
            v = 1.0 / (s + 1) + (s % 7) * 1e-3
            f.write('{"step": %d, "loss": %r, "acc": %r}\n' % (s, v, 1 - v))


def make_log(d, name, host, points_file):
    db = os.path.join(d, name)
    for suf in ("", "-wal", "-shm"):
        if os.path.exists(db + suf):
            os.remove(db + suf)
    e = host_env(host)
    run([LABLOG, "--db", db, "init", "--name", "bench"], env=e)
    run([LABLOG, "--db", db, "exp", "new", "e"], env=e)
    if points_file:
        run([LABLOG, "--db", db, "ingest", "--exp", "e", points_file], env=e)
    return db


def bench_merge(d):
    pts = os.path.join(d, "p.jsonl")
    write_points(pts, N, "e")
    src = make_log(d, "src.db", "node17", pts)
    ingest, merge = [], []
    for _ in range(ROUNDS):
        dst = make_log(d, "dst.db", "laptop", None)
        ingest.append(timed(lambda: run([LABLOG, "--db", dst, "ingest", "--exp", "e", pts],
                                        env=host_env("laptop"))))
        dst = make_log(d, "dst.db", "laptop", None)
        merge.append(timed(lambda: run([LABLOG, "--db", dst, "merge", src],
                                       env=host_env("laptop"))))
    print("merge of a replica holding %d new points (%d rounds, interleaved)" % (N, ROUNDS))
    rate_line("lablog ingest of the same points (peer)", N, ingest)
    rate_line("lablog merge OTHER.db", N, merge, ingest)


def bench_pull_dir(d):
    spool = os.path.join(d, "spool")
    shutil.rmtree(spool, ignore_errors=True)
    per = N // 4
    pts = os.path.join(d, "q.jsonl")
    write_points(pts, per, "e")
    for i in range(4):
        db = make_log(d, "n%d.db" % i, "node%d" % i, pts)
        run([LABLOG, "--db", db, "push", "dir:" + spool], env=host_env("node%d" % i))
    allpts = os.path.join(d, "all.jsonl")
    write_points(allpts, N, "e")
    ingest, pull = [], []
    for _ in range(ROUNDS):
        dst = make_log(d, "dst.db", "laptop", None)
        ingest.append(timed(lambda: run([LABLOG, "--db", dst, "ingest", "--exp", "e", allpts],
                                        env=host_env("laptop"))))
        dst = make_log(d, "dst.db", "laptop", None)
        pull.append(timed(lambda: run([LABLOG, "--db", dst, "pull", "dir:" + spool],
                                      env=host_env("laptop"))))
    print("pull of a feed directory, 4 origins x %d points" % per)
    rate_line("lablog ingest of as many points (peer)", N, ingest)
    rate_line("lablog pull dir:", N, pull, ingest)


class Postgres:
    def __init__(self):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not bins:
            raise RuntimeError("PostgreSQL is not installed (make deps)")
        self.bin = bins[-1]
        self.dir = tempfile.mkdtemp(prefix="lablog-bench-pg.")
        self.as_user = []
        if os.getuid() == 0:
            self.as_user = ["runuser", "-u", "nobody", "--"]
            shutil.chown(self.dir, "nobody")
        run(self.as_user + [self.bin + "/initdb", "-D", self.dir + "/data", "-U", "postgres",
                            "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"])
        run(self.as_user + [self.bin + "/pg_ctl", "-D", self.dir + "/data", "-l",
                            self.dir + "/log", "-o",
                            "-c listen_addresses='' -c unix_socket_directories='%s' "
                            "-c fsync=off -c synchronous_commit=off" % self.dir, "-w", "start"])
        self.url = "postgresql://postgres@/postgres?host=" + self.dir

    def psql(self, sql, out=False):
        r = subprocess.run(["psql", "-X", "-q", "-At", "-h", self.dir, "-U", "postgres",
                            "-d", "postgres", "-c", sql], check=True, capture_output=True,
                           text=True)
        return r.stdout.strip()

    def stop(self):
        subprocess.run(self.as_user + [self.bin + "/pg_ctl", "-D", self.dir + "/data",
                                       "-m", "immediate", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)


def bench_hub(d):
    pg = Postgres()
    try:
        pts = os.path.join(d, "h.jsonl")
        write_points(pts, N, "e")
        src = make_log(d, "hsrc.db", "laptop", pts)
        rows = os.path.join(d, "rows.copy")
        with open(rows, "w") as f:
            for s in range(N // 2):
                v = 1.0 / (s + 1) + (s % 7) * 1e-3
                f.write("1\t1\t%d\t%r\t0\n1\t2\t%d\t%r\t0\n" % (s, v, s, 1 - v))
        copy, push, pull = [], [], []
        size = 0
        for r in range(ROUNDS):
            pg.psql("DROP SCHEMA IF EXISTS lablog CASCADE; DROP TABLE IF EXISTS copy_peer")
            run([LABLOG, "hub", "init", pg.url])
            pg.psql("CREATE TABLE copy_peer (LIKE lablog.point INCLUDING ALL)")
            copy.append(timed(lambda: run(["psql", "-X", "-q", "-h", pg.dir, "-U", "postgres",
                                           "-d", "postgres", "-c",
                                           "\\copy copy_peer FROM '%s'" % rows])))
            push.append(timed(lambda: run([LABLOG, "--db", src, "push", pg.url],
                                          env=host_env("laptop"))))
            dst = make_log(d, "hdst.db", "desk", None)
            pull.append(timed(lambda: run([LABLOG, "--db", dst, "pull", pg.url],
                                          env=host_env("desk"))))
            size = int(pg.psql("SELECT pg_total_relation_size('lablog.entry') + "
                               "pg_total_relation_size('lablog.point') + "
                               "pg_total_relation_size('lablog.series')"))
        print("PostgreSQL hub, %d points (%d rounds, interleaved)" % (N, ROUNDS))
        rate_line("plain COPY of the point rows (peer)", N, copy)
        rate_line("lablog push postgresql://", N, push, copy)
        rate_line("lablog pull postgresql:// into an empty replica", N, pull, copy)
        print("  hub bytes per point (entries, points, series, with indexes): %.0f" % (size / N))
    finally:
        pg.stop()


CHILD = r"""
import sys, time
rate, secs = int(sys.argv[1]), float(sys.argv[2])
t0 = time.monotonic()
for i in range(int(rate * secs)):
    print("lablog: loss=%r step=%d" % (1.0 / (i + 1), i), flush=True)
    wait = t0 + (i + 1) / rate - time.monotonic()
    if wait > 0:
        time.sleep(wait)
"""


def cpu_of(args, env):
    """CPU seconds (user + system) of a command and its children."""
    before = os.times()
    run(args, env=env)
    after = os.times()
    return (after.children_user - before.children_user
            + after.children_system - before.children_system)


def bench_spool(d):
    """lablog run of a child printing 1k metric lines/s, with and without
    LABLOG_SPOOL: lablog's own CPU (the child's, measured alone in the same
    rounds, taken off)."""
    rate, secs = 1000, float(os.environ.get("BENCH_SPOOL_SECONDS", "10"))
    child = os.path.join(d, "child.py")
    with open(child, "w") as f:
        f.write(CHILD)
    home = make_log(d, "home.db", "laptop", None)
    spool = os.path.join(d, "job-spool")
    out = subprocess.run([LABLOG, "--db", home, "env", "--exp", "e",
                          "--spool", spool], env=host_env("laptop"),
                         check=True, capture_output=True, text=True).stdout
    job = dict(host_env("node9"))
    for kv in out.strip().split(","):
        k, v = kv.split("=", 1)
        job[k] = v
    cmd = [sys.executable, child, str(rate), str(secs)]
    alone, plain, spooled = [], [], []
    for r in range(ROUNDS):
        alone.append(cpu_of(cmd, ENV))
        db = os.path.join(d, "plain%d.db" % r)
        run([LABLOG, "--db", db, "init"], env=host_env("node9"))
        plain.append(cpu_of([LABLOG, "--db", db, "run", "--exp", "e",
                             "--no-tty", "--"] + cmd, host_env("node9")))
        # The job's replica made beforehand, as the plain one is: what is
        # measured is the pushes during the run.
        jdb = os.path.join(d, "job%d.db" % r)
        run([LABLOG, "--db", jdb, "init"], env=host_env("node9"))
        run([LABLOG, "--db", jdb, "pull", "dir:" + spool], env=host_env("node9"))
        spooled.append(cpu_of([LABLOG, "--db", jdb, "run", "--no-tty", "--"]
                              + cmd, job))
    own_plain = [p - a for p, a in zip(plain, alone)]
    own_spool = [s - a for s, a in zip(spooled, alone)]
    print("lablog run, a child printing %d metric lines/s for %.0f s "
          "(%d rounds, interleaved; CPU seconds of lablog, the child's taken off)"
          % (rate, secs, ROUNDS))
    for label, xs in (("without LABLOG_SPOOL (peer)", own_plain),
                      ("with LABLOG_SPOOL (feed appended per batch)", own_spool)):
        print("  %-44s %8.3f s  (%.3f-%.3f)" % (label, statistics.median(xs),
                                                min(xs), max(xs)))
    print("  ratio %.2f x" % (statistics.median(own_spool)
                              / max(statistics.median(own_plain), 1e-6)))


def main():
    if not os.path.exists(LABLOG):
        sys.exit("build lablog first (make)")
    d = tempfile.mkdtemp(prefix="lablog-bench-sync.")
    try:
        bench_merge(d)
        bench_pull_dir(d)
        bench_hub(d)
        bench_spool(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
