# SPDX-License-Identifier: MIT
"""The lablog Python package against the real lablog program."""
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import types
import unittest

import lablog

BIN = os.environ.get("LABLOG_BIN") or shutil.which("lablog")
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYDIR = os.path.join(TOP, "python")


class LogCase(unittest.TestCase):
    """Each test gets a fresh directory with a new log, and a clean
    environment (no LABLOG_EXP, LABLOG_DB pointing at the new log)."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="lablog-py-")
        self.db = os.path.join(self.dir, "lablog.db")
        self.saved = dict(os.environ)
        for k in ("LABLOG_EXP", "LABLOG_DB", "LABLOG_RUN", "LABLOG_ATTEMPT"):
            os.environ.pop(k, None)
        os.environ["LABLOG_BIN"] = BIN
        os.environ.setdefault("LABLOG_AUTHOR", "ada")
        self.cli("--db", self.db, "init", "--name", "py")

    def tearDown(self):
        os.environ.clear()
        os.environ.update(self.saved)
        shutil.rmtree(self.dir, ignore_errors=True)

    def cli(self, *args, check=True):
        p = subprocess.run([BIN] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, cwd=self.dir)
        if check and p.returncode != 0:
            raise AssertionError("lablog %s: %s" % (args, p.stderr.decode()))
        return p.stdout.decode()

    def exp(self, name):
        e = json.loads(self.cli("--db", self.db, "exp", "show", name,
                                "--json"))
        e["params"] = {p["key"]: p["value"] for p in e["params"]}
        return e

    def points(self, name, metric):
        doc = json.loads(self.cli("--db", self.db, "export", "--json"))
        for s in doc["series"]:
            if s["exp"] == name and s["metric"] == metric:
                return s["points"]
        return []

    def python(self, code, env=None, cwd=None):
        """Runs code in a fresh interpreter that imports the package from
        the source tree."""
        e = dict(os.environ)
        e["PYTHONPATH"] = PYDIR
        e.update(env or {})
        return subprocess.run([sys.executable, "-c", textwrap.dedent(code)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=e, cwd=cwd or self.dir)


class TestRun(LogCase):
    def test_start_log_note_finish(self):
        run = lablog.start("lr-3e-4", params={"lr": 3e-4, "seed": 0},
                           tags=["sweep"], db=self.db)
        for step in range(500):
            run.log({"loss": 1.0 / (step + 1), "acc": step / 500}, step=step)
        nid = run.note("Loss halves in 100 steps", takeaway=True)
        run.finish()
        e = self.exp("lr-3e-4")
        self.assertEqual(e["status"], "done")
        self.assertEqual(e["params"], {"lr": "0.0003", "seed": "0"})
        self.assertEqual(e["tags"], ["sweep"])
        loss = self.points("lr-3e-4", "loss")
        self.assertEqual(len(loss), 500)
        self.assertEqual(loss[1][:2], [1, 0.5])
        show = json.loads(self.cli("--db", self.db, "show", str(nid), "--json"))
        self.assertEqual(show["kind"], "note")
        self.assertTrue(show["data"]["takeaway"])
        self.assertEqual(show["exp"], "lr-3e-4")

    def test_values_that_are_not_plain_floats(self):
        class Scalar:  # like a numpy scalar or a 0-d tensor
            def __float__(self):
                return 2.5

        run = lablog.start("odd", db=self.db)
        run.log({"loss": float("nan")}, step=0)
        run.log({"loss": float("inf")}, step=1)
        run.log({"loss": Scalar()}, step=2)
        run.log({"loss": 7}, step=3)
        run.log({"loss": 8.0})  # the next step
        run.finish()
        values = [p[1] for p in self.points("odd", "loss")]
        self.assertEqual(values, ["NaN", "inf", 2.5, 7, 8])

    def test_points_are_visible_while_the_run_goes_on(self):
        run = lablog.start("live", db=self.db)
        run.log({"loss": 1.0}, step=0)
        deadline = time.time() + 30
        while time.time() < deadline and not self.points("live", "loss"):
            time.sleep(0.1)
        self.assertEqual(len(self.points("live", "loss")), 1)
        self.assertIsNone(run._child.poll())  # the same ingest, still going
        run.finish()

    def test_with_block_marks_failure(self):
        with self.assertRaises(ZeroDivisionError):
            with lablog.start("boom", db=self.db) as run:
                run.log({"loss": 1.0}, step=0)
                1 / 0
        e = self.exp("boom")
        self.assertEqual(e["status"], "failed")
        self.assertIn("ZeroDivisionError", e["history"][-1]["message"])
        self.assertEqual(len(self.points("boom", "loss")), 1)
        with lablog.start("ok", db=self.db):
            pass
        self.assertEqual(self.exp("ok")["status"], "done")

    def test_start_twice_continues_the_experiment(self):
        lablog.start("again", db=self.db, tags=["a"]).finish()
        run = lablog.start("again", db=self.db)
        run.log({"x": 1}, step=5)
        run.finish("abandoned")
        e = self.exp("again")
        self.assertEqual(e["status"], "abandoned")
        self.assertEqual([h["status"] for h in e["history"]],
                         ["running", "done", "running", "abandoned"])

    def test_dead_ingest_is_reported_once_and_the_script_goes_on(self):
        err = io.StringIO()
        run = lablog.Run("dead", db=self.db, _stream=err)
        run.log({"loss": 1.0}, step=0)
        run._child.send_signal(signal.SIGKILL)
        run._child.wait()
        for step in range(1, 2000):
            run.log({"loss": 1.0}, step=step)
        time.sleep(0.2)
        run.finish()
        report = err.getvalue()
        self.assertEqual(report.count("\n"), 1, report)
        self.assertIn("'dead'", report)
        self.assertIn("not logged", report)
        self.assertIn("exited with status -9", report)
        self.assertEqual(self.exp("dead")["status"], "done")

    def test_uncaught_exception_marks_failed_at_exit(self):
        p = self.python("""
            import lablog
            run = lablog.start("crash", db="lablog.db")
            run.log({"loss": 3.0}, step=0)
            raise RuntimeError("out of memory")
        """)
        self.assertNotEqual(p.returncode, 0)
        e = self.exp("crash")
        self.assertEqual(e["status"], "failed")
        self.assertIn("out of memory", e["history"][-1]["message"])
        self.assertEqual(len(self.points("crash", "loss")), 1)

    def test_forgotten_finish_still_delivers(self):
        p = self.python("""
            import lablog
            run = lablog.start("forgot", db="lablog.db")
            for i in range(1000):
                run.log({"loss": i}, step=i)
        """)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.exp("forgot")["status"], "done")
        self.assertEqual(len(self.points("forgot", "loss")), 1000)

    def test_joins_lablog_run(self):
        script = os.path.join(self.dir, "train.py")
        with open(script, "w") as f:
            f.write(textwrap.dedent("""
                import lablog
                run = lablog.start("ignored-name", params={"lr": 1})
                for step in range(10):
                    run.log({"loss": 10 - step}, step=step)
                run.finish()
                print("trained")
            """))
        env = dict(os.environ, PYTHONPATH=PYDIR)
        p = subprocess.run([BIN, "--db", self.db, "run", "--exp", "joined",
                            "--", sys.executable, script], cwd=self.dir,
                           env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"trained", p.stdout)
        e = self.exp("joined")
        self.assertEqual(e["status"], "done")
        self.assertEqual([h["status"] for h in e["history"]],
                         ["running", "done"])
        self.assertEqual(len(self.points("joined", "loss")), 10)
        self.assertNotIn("ignored-name", self.cli("--db", self.db, "exp", "list"))

    def test_missing_name_outside_lablog_run(self):
        with self.assertRaises(lablog.LablogError):
            lablog.start(db=self.db)


class TestCallbacks(LogCase):
    """The trainer adapters, with stand-in base classes of the same shape
    as transformers.TrainerCallback and lightning's Logger."""

    def setUp(self):
        super().setUp()
        self.saved_modules = dict(sys.modules)
        import lablog.callbacks as cb
        cb._made.clear()

    def tearDown(self):
        sys.modules.clear()
        sys.modules.update(self.saved_modules)
        super().tearDown()

    def test_hugging_face_trainer_callback(self):
        transformers = types.ModuleType("transformers")

        class TrainerCallback:  # the real one's methods all default to no-ops
            def on_train_begin(self, args, state, control, **kw): pass
            def on_log(self, args, state, control, **kw): pass
            def on_train_end(self, args, state, control, **kw): pass

        transformers.TrainerCallback = TrainerCallback
        sys.modules["transformers"] = transformers
        from lablog.callbacks import LablogCallback
        self.assertTrue(issubclass(LablogCallback, TrainerCallback))
        args = types.SimpleNamespace(run_name="out/sft run", learning_rate=5e-5,
                                     seed=42, num_train_epochs=1, db=None)
        state = types.SimpleNamespace(global_step=0, is_world_process_zero=True)
        cb = LablogCallback(tags=["sft"], db=self.db)
        # What transformers' CallbackHandler does in a training loop.
        cb.on_train_begin(args, state, None)
        for step in (10, 20, 30):
            state.global_step = step
            cb.on_log(args, state, None, logs={"loss": 1.0 / step,
                                               "learning_rate": 5e-5,
                                               "epoch": step / 30,
                                               "note": "text is skipped"})
        cb.on_evaluate(args, state, None, metrics={"eval_loss": 0.4})
        cb.on_train_end(args, state, None)
        e = self.exp("out-sft-run")
        self.assertEqual(e["status"], "done")
        self.assertEqual(e["params"]["learning_rate"], "5e-05")
        self.assertEqual(e["tags"], ["sft"])
        self.assertEqual([p[0] for p in self.points("out-sft-run", "loss")],
                         [10, 20, 30])
        self.assertEqual(self.points("out-sft-run", "eval_loss")[0][:2],
                         [30, 0.4])

    def test_lightning_logger(self):
        pkg = types.ModuleType("lightning")
        pytorch = types.ModuleType("lightning.pytorch")
        loggers = types.ModuleType("lightning.pytorch.loggers")
        utilities = types.ModuleType("lightning.pytorch.utilities")

        class Logger:  # lightning.pytorch.loggers.Logger's abstract shape
            def __init__(self): pass
            @property
            def name(self): raise NotImplementedError
            @property
            def version(self): raise NotImplementedError
            def log_metrics(self, metrics, step=None): raise NotImplementedError
            def log_hyperparams(self, params, *a, **k): raise NotImplementedError
            def finalize(self, status): pass

        loggers.Logger = Logger
        utilities.rank_zero_only = lambda fn: fn
        for m in (pkg, pytorch, loggers, utilities):
            sys.modules[m.__name__] = m
        pkg.pytorch = pytorch
        pytorch.loggers, pytorch.utilities = loggers, utilities
        from lablog.callbacks import LablogLogger
        self.assertTrue(issubclass(LablogLogger, Logger))
        logger = LablogLogger("pl-run", tags=["pl"], db=self.db)
        # What Lightning's Trainer does with its logger.
        logger.log_hyperparams({"lr": 1e-3, "model": {"width": 64}})
        for step in range(3):
            logger.log_metrics({"train_loss": 3.0 - step, "epoch": 0}, step=step)
        logger.finalize("success")
        self.assertEqual(logger.name, "lablog")
        self.assertEqual(logger.version, "pl-run")
        e = self.exp("pl-run")
        self.assertEqual(e["status"], "done")
        self.assertEqual(e["params"], {"lr": "0.001", "model/width": "64"})
        self.assertEqual(len(self.points("pl-run", "train_loss")), 3)
        failed = LablogLogger("pl-fail", db=self.db)
        failed.log_metrics({"x": 1.0}, step=0)
        failed.finalize("failed")
        self.assertEqual(self.exp("pl-fail")["status"], "failed")


class TestInstall(unittest.TestCase):
    def test_pip_install_into_a_venv_without_network(self):
        py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") \
            else sys.executable
        with tempfile.TemporaryDirectory() as d:
            venv = os.path.join(d, "venv")
            subprocess.run([py, "-m", "venv", venv], check=True)
            vpy = os.path.join(venv, "bin", "python")
            p = subprocess.run([vpy, "-m", "pip", "install", "--no-index",
                                "--quiet", "--disable-pip-version-check",
                                PYDIR], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, cwd=d)
            self.assertEqual(p.returncode, 0, p.stdout.decode())
            p = subprocess.run([vpy, "-c", "import lablog, lablog.callbacks; "
                                "print(lablog.__version__, lablog.__file__)"],
                               stdout=subprocess.PIPE, cwd=d, check=True)
            version, where = p.stdout.decode().split()
            self.assertEqual(version, lablog.__version__)
            self.assertTrue(where.startswith(venv), where)

    def test_make_install_copies_the_package(self):
        with tempfile.TemporaryDirectory() as d:
            site = os.path.join(d, "site")
            subprocess.run(["make", "-s", "-C", TOP, "install-python",
                            "PYTHON_SITEDIR=" + site, "PREFIX=/opt/x"],
                           check=True, stdout=subprocess.PIPE)
            p = subprocess.run([sys.executable, "-c", "import lablog._installed as i; "
                                "import lablog; print(i.BIN, lablog.__file__)"],
                               env=dict(os.environ, PYTHONPATH=site),
                               stdout=subprocess.PIPE, check=True, cwd=d)
            binary, where = p.stdout.decode().split()
            self.assertEqual(binary, "/opt/x/bin/lablog")
            self.assertTrue(where.startswith(site))


if __name__ == "__main__":
    unittest.main()
