# SPDX-License-Identifier: MIT
"""Log a training or evaluation script into a lablog research log.

    import lablog

    run = lablog.start("lr-3e-4", params={"lr": 3e-4, "seed": 0},
                       tags=["sweep"])
    for step in range(n):
        run.log({"loss": loss, "acc": acc}, step=step)
    run.note("Loss halves in 100 steps", takeaway=True)
    run.finish()

or, so that an exception marks the experiment failed::

    with lablog.start("lr-3e-4") as run:
        ...

Under ``lablog run`` (which sets LABLOG_DB and LABLOG_EXP) the script joins
that run: its points go to the run's experiment and ``lablog run`` records
the status when the script exits. Otherwise start() creates the experiment
(or continues one of that name) and marks it running; finish() marks it
done, or failed.

How points travel: run.log() formats one JSON line and appends it to a
list in memory; it never waits for the disk or the log. A background
thread writes the lines to ONE long-lived ``lablog ingest`` process over a
pipe, which commits them in batches (by size, idle time and age), so they
are visible to ``lablog exp show`` within about a second. If that process
dies, the script keeps running; the points it could not take are counted
and reported once, on stderr, when the run finishes.

The ``lablog`` program is found as $LABLOG_BIN, else ``lablog`` on PATH,
else where ``make install`` put it.
"""
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

__version__ = "0.1.0"
__all__ = ["start", "Run", "LablogError", "find_binary", "__version__"]

# Lines waiting for the writer thread beyond this are dropped (and counted):
# memory stays bounded if the ingest process stalls.
MAX_PENDING = 4_000_000


class LablogError(Exception):
    """A lablog command failed; the message is its error line."""


def find_binary():
    """The lablog executable to run: $LABLOG_BIN, PATH, the installed one."""
    env = os.environ.get("LABLOG_BIN")
    if env:
        return env
    found = shutil.which("lablog")
    if found:
        return found
    try:
        from lablog import _installed  # written by make install
        if os.path.exists(_installed.BIN):
            return _installed.BIN
    except ImportError:
        pass
    raise LablogError("cannot find the lablog program: put it on PATH or "
                      "set LABLOG_BIN")


def _param_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _number(value):
    """json.dumps' fallback for numbers that are not float or int (numpy
    scalars, 0-d tensors): their float value."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


_encode = json.JSONEncoder(default=_number, allow_nan=True,
                           separators=(",", ":")).encode
_plain_types = {float, int}
_templates = {}


def _template(keys):
    """'{"step":%d,"loss":%r,...}\n' for these keys; repr() of a finite
    float or an int is valid JSON."""
    t = '{"step":%d' + "".join(",%s:%%r" % json.dumps(str(k)).replace("%", "%%")
                               for k in keys) + "}\n"
    if len(_templates) < 1000:
        _templates[keys] = t
    return t


def _slow_line(metrics, step):
    """Any values (NaN, numpy scalars, nested dicts): through json."""
    text = _encode(metrics)
    if step is None:
        return text + "\n"
    if len(text) <= 2:
        return None
    return '{"step":%d,%s\n' % (step, text[1:])


class Run:
    """One experiment being logged. Made by start(); see the module doc."""

    def __init__(self, name, *, params=None, tags=None, hypothesis=None,
                 db=None, binary=None, confirm=False, _stream=None):
        self._bin = binary or find_binary()
        self._env = dict(os.environ)
        if db is not None:
            self._env["LABLOG_DB"] = os.path.abspath(db)
        self._stderr = _stream if _stream is not None else sys.stderr
        joined = os.environ.get("LABLOG_EXP") and db is None and \
            os.environ.get("LABLOG_DB")
        self.joined = bool(joined)
        if self.joined:
            self.name = os.environ["LABLOG_EXP"]
            self.attempt = os.environ.get("LABLOG_ATTEMPT")
            self.run_id = os.environ.get("LABLOG_RUN")
        else:
            if not name:
                raise LablogError("lablog.start() needs an experiment name "
                                  "(or run the script under 'lablog run')")
            self.name = name
            self.attempt = self.run_id = None
            self._create(params or {}, tags or [], hypothesis, confirm)
        self.finished = False
        self.status = None
        self._lines = []          # formatted lines not yet handed over
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = False
        self._dead = None         # why the ingest process stopped taking lines
        self._sent = 0            # lines written to the pipe
        self._lost = 0            # lines that could not be written
        self._logged = 0          # run.log() calls
        self._err = tempfile.TemporaryFile()
        self._child = subprocess.Popen(
            [self._bin, "ingest", "--exp", self.name, "--format", "jsonl",
             "--quiet", "--skip-bad", "-"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=self._err, env=self._env, close_fds=True)
        self._writer = threading.Thread(target=self._write_loop,
                                        name="lablog-writer", daemon=True)
        self._writer.start()
        _live_runs.append(self)

    # ---- the lablog commands ---------------------------------------------

    def _cli(self, *args, stdin=None, check=True):
        p = subprocess.run([self._bin] + list(args), input=stdin,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=self._env)
        if check and p.returncode != 0:
            err = p.stderr.decode("utf-8", "replace").strip().splitlines()
            raise LablogError(err[-1] if err else "lablog %s failed (exit %d)"
                              % (args[0], p.returncode))
        return p

    def _create(self, params, tags, hypothesis, confirm):
        exists = self._cli("exp", "show", self.name, check=False)
        if exists.returncode != 0:
            args = ["exp", "new", self.name]
            for k in sorted(params):
                args += ["--param", "%s=%s" % (k, _param_text(params[k]))]
            for t in tags:
                args += ["--tag", str(t)]
            if hypothesis:
                args += ["--hypothesis", hypothesis]
            if confirm:
                args.append("--confirm")
            self._cli(*args)
        self._cli("exp", "start", self.name)

    # ---- metrics ---------------------------------------------------------

    def log(self, metrics, step=None):
        """Logs numeric values at one step (None: the next step of each
        metric). Returns at once; NaN and inf are data. Nested dicts become
        "a/b" names."""
        self._logged += 1
        keys = tuple(metrics)
        # Fast path: plain int/float values, one cached template per key set.
        if step is not None and _plain_types.issuperset(map(type, metrics.values())):
            template = _templates.get(keys)
            if template is None:
                template = _template(keys)
            text = template % (step, *metrics.values())
            if "nan" in text or "inf" in text:
                text = _slow_line(metrics, step)
        else:
            text = _slow_line(metrics, step)
        if text is None:
            return
        lines = self._lines
        lines.append(text)
        if len(lines) > MAX_PENDING:
            with self._lock:
                self._lost += len(self._lines) - MAX_PENDING
                del self._lines[MAX_PENDING:]

    def _take(self):
        with self._lock:
            lines, self._lines = self._lines, []
        return lines

    def _write_loop(self):
        pipe = self._child.stdin
        while True:
            self._wake.wait(0.05)
            self._wake.clear()
            lines = self._take()
            if lines and self._dead is None:
                try:
                    pipe.write("".join(lines).encode("utf-8", "replace"))
                    pipe.flush()
                    self._sent += len(lines)
                except (OSError, ValueError) as e:
                    self._dead = "the ingest process stopped reading (%s)" % (
                        getattr(e, "strerror", None) or e)
                    self._lost += len(lines)
            elif lines:
                self._lost += len(lines)
            if self._stop and not self._lines:
                break

    # ---- notes and the end -----------------------------------------------

    def note(self, text, takeaway=False):
        """Records an observation (Markdown) about this experiment; with
        takeaway=True it is marked a takeaway. Returns the entry id."""
        args = ["note", "--exp", self.name, "-"]
        if takeaway:
            args.append("--takeaway")
        p = self._cli(*args, stdin=text.encode("utf-8"))
        return int(p.stdout.decode().strip() or 0)

    def finish(self, status="done", message=None):
        """Hands over every point, waits for the ingest process, reports
        lost points once, and marks the experiment done (or status:
        "failed", "abandoned"). Under 'lablog run' the status is left to
        it. Safe to call twice."""
        if self.finished:
            return
        self.finished = True
        self.status = status
        self._stop = True
        self._wake.set()
        self._writer.join()
        try:
            self._child.stdin.close()
        except OSError:
            pass
        rc = self._child.wait()
        self._err.seek(0)
        err = self._err.read().decode("utf-8", "replace").strip()
        self._err.close()
        self.summary = _summary(err)
        problems = []
        if self._lost:
            problems.append("%d of %d run.log() calls were not logged (%s)"
                            % (self._lost, self._logged, self._dead or
                               "too many lines waiting"))
        if rc != 0:
            last = [l for l in err.splitlines() if l.strip()]
            problems.append("the ingest process exited with status %d%s"
                            % (rc, (": " + last[-1]) if last else ""))
        elif self.summary.get("skipped") or self.summary.get("conflicts"):
            problems.append("%d lines skipped, %d conflicting points not "
                            "written" % (self.summary.get("skipped", 0),
                                         self.summary.get("conflicts", 0)))
        if problems:
            self._stderr.write("lablog: '%s': %s\n"
                               % (self.name, "; ".join(problems)))
            self._stderr.flush()
        if self in _live_runs:
            _live_runs.remove(self)
        if self.joined:
            return
        verb = {"done": "done", "failed": "fail", "abandoned": "abandon"}
        args = ["exp", verb.get(status, "done"), self.name]
        if message:
            args += ["-m", message]
        try:
            self._cli(*args)
        except LablogError as e:
            self._stderr.write("lablog: could not mark '%s' %s: %s\n"
                               % (self.name, status, e))

    def fail(self, message=None):
        """finish() with status failed."""
        self.finish("failed", message)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None or (issubclass(exc_type, SystemExit)
                                and exc.code in (None, 0)):
            self.finish()
        elif issubclass(exc_type, KeyboardInterrupt):
            self.finish("abandoned", "interrupted")
        else:
            self.finish("failed", "%s: %s" % (exc_type.__name__, exc))
        return False

    @property
    def lost(self):
        """Lines that could not be handed to the ingest process."""
        return self._lost


def _summary(err):
    """The counts of ingest's last line: "ingest: 5 points written, 0
    duplicates, 0 conflicts, 0 lines skipped"."""
    out = {}
    for line in err.splitlines():
        if line.startswith("ingest: ") and "points written" in line:
            for part in line[len("ingest: "):].split(", "):
                words = part.split()
                if len(words) >= 2 and words[0].isdigit():
                    out[words[-1]] = int(words[0])
    return out


def start(name=None, *, params=None, tags=None, hypothesis=None, db=None,
          confirm=False):
    """Starts (or, under 'lablog run', joins) an experiment and returns its
    Run. params: a dict (values as text), tags: a list of names, db: the
    log file (default: $LABLOG_DB, else lablog.db here or above)."""
    return Run(name, params=params, tags=tags, hypothesis=hypothesis, db=db,
               confirm=confirm)


# Runs not finished when the interpreter exits are finished then: done,
# or failed when an uncaught exception is ending the script.
_live_runs = []
_uncaught = []
_previous_hook = sys.excepthook


def _excepthook(exc_type, exc, tb):
    _uncaught.append((exc_type, exc))
    _previous_hook(exc_type, exc, tb)


sys.excepthook = _excepthook


@atexit.register
def _finish_all():
    for run in list(_live_runs):
        if _uncaught:
            t, e = _uncaught[-1]
            run.finish("failed", "%s: %s" % (t.__name__, e))
        else:
            run.finish()
