r"""Check a `Neuron`, a `Layer` and an `MLP` written by the learner on `Value`s.

The interface is micrograd's lecture's: `Neuron(nin)` called on a list of `nin` numbers
returns $\tanh(b + \sum_i w_i x_i)$, `Layer(nin, nout)` returns the list of its neurons'
outputs, `MLP(nin, nouts)` chains layers (tanh in every layer); each has `parameters()`,
the weights of a neuron before its bias, neuron after neuron, layer after layer.

The check rebuilds the same network from the learner's own parameter values with the
engine's ops, and compares the output and, after `backward()`, every parameter's grad;
central differences (as `ag.gradcheck`) confirm the input gradients.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from ..gradcheck import gradcheck
from ..value import Value
from .result import Result, close, fmt, name_of, run

_X = (0.5, -1.5, 2.0)


def _reference(params: Sequence[Any], nin: int, nouts: Sequence[int], x: Sequence[Any]) -> Any:
    """The network's outputs from a flat list of parameter values (Values or floats)."""
    k = 0
    acts = list(x)
    for nout in nouts:
        outs = []
        for _ in range(nout):
            w, b = params[k : k + nin], params[k + nin]
            k += nin + 1
            total = b
            for wi, xi in zip(w, acts):
                total = total + wi * xi
            outs.append(total.tanh() if isinstance(total, Value) else np.tanh(total))
        acts, nin = outs, nout
    return acts


def _outputs(out: Any) -> list[Any] | None:
    """The learner's output as a list (a single Value counts as a list of one)."""
    if isinstance(out, Value):
        return [out]
    if isinstance(out, (list, tuple)) and all(isinstance(o, Value) for o in out):
        return list(out)
    return None


def _check(
    answer: Callable[..., Any], args: tuple[Any, ...], nin: int, nouts: Sequence[int]
) -> Result:
    exercise = name_of(answer)
    call = f"{exercise}({', '.join(map(repr, args))})"
    model, problem = run(answer, *args)
    if problem:
        return Result(exercise, False, f"{call}: {problem}")
    params, problem = run(model.parameters)
    if problem:
        return Result(exercise, False, f"{call}.parameters(): {problem}")
    sizes = [nin, *nouts]
    wanted = sum((a + 1) * b for a, b in pairwise(sizes))
    if not isinstance(params, (list, tuple)) or len(params) != wanted:
        count = len(params) if isinstance(params, (list, tuple)) else type(params).__name__
        return Result(
            exercise,
            False,
            f"{call}.parameters() gave {count}, but it has {wanted} parameters: each neuron's "
            f"{nin if len(nouts) == 1 else 'nin'} weights and its bias",
        )
    if not all(isinstance(p, Value) for p in params):
        bad = next(p for p in params if not isinstance(p, Value))
        return Result(
            exercise,
            False,
            f"{call}.parameters() holds {type(bad).__name__} {bad!r:.40}; every parameter must "
            "be a Value, so that backward() can give it a grad",
        )
    values = [p.data for p in params]
    out, problem = run(model, [*_X[:nin]])
    if problem:
        return Result(exercise, False, f"{call} on {list(_X[:nin])}: {problem}")
    outs = _outputs(out)
    if outs is None or len(outs) != nouts[-1]:
        return Result(
            exercise,
            False,
            f"{call} on {list(_X[:nin])} returned {out!r:.60}; expected "
            f"{'one Value' if nouts[-1] == 1 else f'a list of {nouts[-1]} Values'}",
        )
    expected = _reference(values, nin, nouts, _X[:nin])
    for i, (o, e) in enumerate(zip(outs, expected)):
        if not close(o.data, e):
            which = "" if len(outs) == 1 else f"output {i} "
            return Result(
                exercise,
                False,
                f"{call} on {list(_X[:nin])} gave {which}{fmt(o.data)}, but tanh(b + Σ w·x) "
                f"with its own parameters is {fmt(e)}; check the sum, the bias and the tanh",
            )
    # Gradients: the learner's graph against the engine's, from the same numbers.
    for p in params:
        p.grad = 0.0
    total = outs[0]
    for o in outs[1:]:
        total = total + o
    total.backward()
    ref_params = [Value(v) for v in values]
    ref_total = sum(_reference(ref_params, nin, nouts, _X[:nin]), Value(0.0))
    ref_total.backward()
    for j, (p, r) in enumerate(zip(params, ref_params)):
        if not close(p.grad, r.grad):
            cause = (
                "the output does not reach it through the graph: was .data used in the forward "
                "pass, or a new Value made from a number?"
                if p.grad == 0
                else "is one parameter used twice, or a different one than parameters() lists?"
            )
            return Result(
                exercise,
                False,
                f"after backward() on the sum of {call}'s outputs, parameter {j} "
                f"({p.label or 'unlabelled'}, data {fmt(p.data)}) has grad {fmt(p.grad)}, but "
                f"the chain rule gives {fmt(r.grad)}; {cause}",
            )

    def of_inputs(*xs: Any) -> Any:
        result = _outputs(model(list(xs)))
        assert result is not None
        return sum(result, Value(0.0))

    gradcheck(of_inputs, *_X[:nin])
    return Result(
        exercise,
        True,
        f"{wanted} parameters; the output and every parameter's grad agree with the engine",
    )


def check_neuron(answer: Callable[[int], Any]) -> Result:
    r"""Check a `Neuron` class: `Neuron(3)([x0, x1, x2])` is $\tanh(b + \sum_i w_i x_i)$.

    Args:
        answer: the learner's class (or any function `nin -> neuron`).

    Returns:
        A `Result`: parameter count and type, the output, and every grad after backward.

    Example:
        >>> import random
        >>> import autograd_lite as ag
        >>> from autograd_lite import exercises as ex
        >>> class Neuron:
        ...     def __init__(self, nin):
        ...         self.w = [ag.Value(random.uniform(-1, 1)) for _ in range(nin)]
        ...         self.b = ag.Value(0.0)
        ...     def __call__(self, x):
        ...         return sum((wi * xi for wi, xi in zip(self.w, x)), self.b).tanh()
        ...     def parameters(self):
        ...         return self.w + [self.b]
        >>> ex.check_neuron(Neuron).passed
        True
    """
    return _check(answer, (3,), 3, [1])


def check_layer(answer: Callable[[int, int], Any]) -> Result:
    """Check a `Layer` class: `Layer(3, 2)` returns the list of its 2 neurons' outputs.

    Args:
        answer: the learner's class.

    Returns:
        A `Result`, as `check_neuron`'s.
    """
    return _check(answer, (3, 2), 3, [2])


def check_mlp(answer: Callable[[int, list[int]], Any]) -> Result:
    """Check an `MLP` class: `MLP(3, [4, 4, 1])`, tanh in every layer, one output Value.

    Args:
        answer: the learner's class.

    Returns:
        A `Result`, as `check_neuron`'s.
    """
    return _check(answer, (3, [4, 4, 1]), 3, [4, 4, 1])
