r"""Training toy models end to end: the loop, and the experiments behind `autograd-lite train`.

* `loop`: `fit`, the mini-batch loop every framework teaches, with progress and a clear
  stop when the loss diverges;
  `fit_steps`, makemore's loop of random batches.
* `experiment`: `TrainConfig`, `run` and friends: data, split, model, optimizer, scores.
* `diagnose`: `Diagnostics`, the health of every layer while it trains, with pictures.

Example:
    >>> from autograd_lite.train import default_config, run
    >>> result = run(default_config("moons", epochs=5), progress=False)
    >>> result.test_accuracy > 0.8
    True
"""

from .diagnose import ActivationRecord, Diagnostics, WeightRecord
from .experiment import (
    CNN_DEFAULTS,
    DATASETS,
    DEFAULTS,
    INITS,
    LINE_A,
    LINE_B,
    MODELS,
    OPTIMIZERS,
    SCHEDULES,
    TrainConfig,
    TrainResult,
    accuracy,
    build_model,
    build_optimizer,
    build_scheduler,
    choose,
    default_config,
    describe,
    fit_moons,
    load_dataset,
    percent,
    r2_score,
    run,
)
from .loop import History, TrainingDivergedError, fit, fit_steps

__all__ = [
    "CNN_DEFAULTS",
    "DATASETS",
    "DEFAULTS",
    "INITS",
    "LINE_A",
    "LINE_B",
    "MODELS",
    "OPTIMIZERS",
    "SCHEDULES",
    "ActivationRecord",
    "Diagnostics",
    "History",
    "TrainConfig",
    "TrainResult",
    "TrainingDivergedError",
    "WeightRecord",
    "accuracy",
    "build_model",
    "build_optimizer",
    "build_scheduler",
    "choose",
    "default_config",
    "describe",
    "fit",
    "fit_moons",
    "fit_steps",
    "load_dataset",
    "percent",
    "r2_score",
    "run",
]
