r"""Training toy models end to end: the loop, and the experiments behind `autograd-lite train`.

* `loop`: `fit`, the mini-batch loop every framework teaches, with progress and a clear
  stop when the loss diverges.
* `experiment`: `TrainConfig`, `run` and friends: data, split, model, optimizer, scores.

Example:
    >>> from autograd_lite.train import default_config, run
    >>> result = run(default_config("moons", epochs=5), progress=False)
    >>> result.test_accuracy > 0.8
    True
"""

from .experiment import (
    DATASETS,
    DEFAULTS,
    LINE_A,
    LINE_B,
    OPTIMIZERS,
    TrainConfig,
    TrainResult,
    accuracy,
    build_model,
    build_optimizer,
    choose,
    default_config,
    describe,
    fit_moons,
    load_dataset,
    percent,
    r2_score,
    run,
)
from .loop import History, TrainingDivergedError, fit

__all__ = [
    "DATASETS",
    "DEFAULTS",
    "LINE_A",
    "LINE_B",
    "OPTIMIZERS",
    "History",
    "TrainConfig",
    "TrainResult",
    "TrainingDivergedError",
    "accuracy",
    "build_model",
    "build_optimizer",
    "choose",
    "default_config",
    "describe",
    "fit",
    "fit_moons",
    "load_dataset",
    "percent",
    "r2_score",
    "run",
]
