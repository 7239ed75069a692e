# SPDX-License-Identifier: MIT
"""Thin adapters for common trainers. Each one only turns the trainer's
calls into lablog.start(), Run.log() and Run.finish().

Hugging Face transformers::

    from lablog.callbacks import LablogCallback
    trainer = Trainer(..., callbacks=[LablogCallback(tags=["sft"])])

  on_train_begin starts the experiment (named after args.run_name, with the
  main TrainingArguments as params), on_log and on_evaluate log the numeric
  values at state.global_step, on_train_end finishes it. Only the main
  process (state.is_world_process_zero) logs.

PyTorch Lightning::

    from lablog.callbacks import LablogLogger
    trainer = L.Trainer(logger=LablogLogger("lr-3e-4", tags=["sweep"]))

  log_hyperparams starts the experiment with the hyperparameters as params
  (flattened, "a/b"), log_metrics logs at the given step, finalize finishes
  it ("success" is done, anything else failed). Only rank zero logs.

Under `lablog run` both join the run's experiment, as lablog.start() does.
The classes are built on first use from the installed library's base class
(transformers.TrainerCallback; lightning.pytorch.loggers.Logger or
pytorch_lightning.loggers.Logger), so importing this module needs neither.
"""
import importlib
import numbers
import re

import lablog

__all__ = ["LablogCallback", "LablogLogger"]


def _name(text):
    """An experiment name from free text: letters, digits, '-', '_', '.'."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", str(text)).strip("-.")
    return name[:100] or "run"


def _numeric(values):
    """The plain numbers of a dict (bools and text left out)."""
    out = {}
    for k, v in (values or {}).items():
        if isinstance(v, bool):
            continue
        if isinstance(v, numbers.Number):
            out[str(k)] = v
        elif hasattr(v, "item"):  # 0-d tensors and numpy scalars
            try:
                out[str(k)] = float(v.item())
            except (TypeError, ValueError):
                pass
    return out


def _flatten(params, prefix=""):
    out = {}
    for k, v in (params or {}).items():
        key = "%s%s" % (prefix, k)
        if isinstance(v, dict):
            out.update(_flatten(v, key + "/"))
        else:
            out[key] = v
    return out


def _import_first(*paths):
    """The first attribute that imports, of "module:attr" paths."""
    errors = []
    for path in paths:
        module, attr = path.split(":")
        try:
            return getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as e:
            errors.append(str(e))
    raise ImportError("none of %s could be imported (%s)"
                      % (", ".join(paths), "; ".join(errors)))


# Hugging Face ----------------------------------------------------------

HF_PARAMS = ("learning_rate", "per_device_train_batch_size",
             "gradient_accumulation_steps", "num_train_epochs", "max_steps",
             "weight_decay", "warmup_steps", "warmup_ratio",
             "lr_scheduler_type", "seed")


def _make_callback():
    base = _import_first("transformers:TrainerCallback")

    class LablogCallback(base):
        """A transformers TrainerCallback that logs into lablog."""

        def __init__(self, name=None, params=None, tags=None, db=None):
            super().__init__()
            self.name, self.params, self.tags, self.db = name, params, tags, db
            self.run = None

        def _main(self, state):
            return getattr(state, "is_world_process_zero", True)

        def on_train_begin(self, args, state, control, **kwargs):
            if self.run is not None or not self._main(state):
                return
            params = {}
            for key in HF_PARAMS:
                value = getattr(args, key, None)
                if value is not None:
                    params[key] = value
            params.update(self.params or {})
            name = self.name or _name(getattr(args, "run_name", None)
                                      or "hf-train")
            self.run = lablog.start(name, params=params, tags=self.tags,
                                    db=self.db)

        def on_log(self, args, state, control, logs=None, **kwargs):
            if self.run is None or not self._main(state):
                return
            values = _numeric(logs)
            if values:
                self.run.log(values, step=state.global_step)

        def on_evaluate(self, args, state, control, metrics=None, **kwargs):
            self.on_log(args, state, control, logs=metrics)

        def on_train_end(self, args, state, control, **kwargs):
            if self.run is not None:
                self.run.finish()

    return LablogCallback


# PyTorch Lightning -----------------------------------------------------

def _make_logger():
    base = _import_first("lightning.pytorch.loggers:Logger",
                         "pytorch_lightning.loggers:Logger")
    try:
        rank_zero_only = _import_first(
            "lightning.pytorch.utilities:rank_zero_only",
            "pytorch_lightning.utilities:rank_zero_only")
    except ImportError:
        def rank_zero_only(fn):
            return fn

    class LablogLogger(base):
        """A Lightning logger that logs into lablog."""

        def __init__(self, name=None, params=None, tags=None, db=None):
            super().__init__()
            self._exp_name = name
            self._params, self._tags, self._db = params, tags, db
            self._run = None

        @property
        def name(self):
            return "lablog"

        @property
        def version(self):
            return self._run.name if self._run else (self._exp_name or "0")

        @property
        def experiment(self):
            """The lablog Run (started on first use)."""
            if self._run is None:
                self._start({})
            return self._run

        def _start(self, params):
            merged = dict(_flatten(params))
            merged.update(self._params or {})
            self._run = lablog.start(self._exp_name or "lightning",
                                     params=merged, tags=self._tags,
                                     db=self._db)

        @rank_zero_only
        def log_hyperparams(self, params, *args, **kwargs):
            if not isinstance(params, dict):
                params = vars(params) if hasattr(params, "__dict__") else {}
            if self._run is None:
                self._start(params)

        @rank_zero_only
        def log_metrics(self, metrics, step=None):
            values = _numeric(metrics)
            if values:
                self.experiment.log(values, step=step)

        @rank_zero_only
        def finalize(self, status):
            if self._run is not None:
                if status in ("success", "finished"):
                    self._run.finish()
                else:
                    self._run.finish("failed", "trainer status: %s" % status)

    return LablogLogger


_factories = {"LablogCallback": _make_callback, "LablogLogger": _make_logger}
_made = {}


def __getattr__(name):
    if name not in _factories:
        raise AttributeError(name)
    if name not in _made:
        _made[name] = _factories[name]()
    return _made[name]
