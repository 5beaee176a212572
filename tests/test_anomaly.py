"""`ag.detect_anomaly`: the op and the line that made the first NaN or infinity.

Forward (an op's output) and backward (the gradient a step passes on), on Tensors and
Values; and nothing at all when every number is finite, or when a non-finite number
came in from outside rather than being made by an op.
"""

from __future__ import annotations

import inspect
import warnings
from typing import Any

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.grad_mode import _State
from autograd_lite.tangent import noted

HERE = __file__


def here() -> int:
    """The line number of the caller's next line."""
    frame = inspect.currentframe()
    assert frame is not None
    assert frame.f_back is not None
    return frame.f_back.f_lineno + 1


@pytest.fixture(autouse=True)
def _quiet() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's own divide-by-zero notes
        yield


def training_step(W: ag.Tensor, X: np.ndarray, onehot: np.ndarray) -> Any:
    logits = ag.Tensor(X) @ W
    probs = logits.softmax(axis=1)
    loss = -(probs.log() * onehot).sum() / len(X)
    loss.backward()
    return loss


def test_log_of_an_underflowed_softmax_names_log_its_input_and_both_lines() -> None:
    rng = np.random.default_rng(0)
    W = ag.Tensor(rng.normal(size=(5, 4)) * 400, requires_grad=True)  # huge logits
    X, onehot = rng.normal(size=(8, 5)), np.eye(4)[rng.integers(0, 4, 8)]
    loss = training_step(W, X, onehot)
    assert not np.isfinite(loss.data)  # without the mode: a NaN loss, and no clue
    with ag.detect_anomaly(), pytest.raises(FloatingPointError) as caught:
        training_step(W, X, onehot)
    message = str(caught.value)
    source = inspect.getsource(training_step).splitlines()
    softmax_line = training_step.__code__.co_firstlineno + next(
        i for i, line in enumerate(source) if "softmax(axis=1)" in line
    )
    log_line = training_step.__code__.co_firstlineno + next(
        i for i, line in enumerate(source) if "probs.log()" in line
    )
    assert message.startswith("detect_anomaly: log made -inf from finite inputs, at [")
    assert "out = log(x), ∂out/∂x = 1/x" in message
    assert "input x = 0.0 at [" in message
    assert f"made by exp at {HERE}:{softmax_line}, in training_step" in message
    assert f"log was called at {HERE}:{log_line}, in training_step" in message
    assert "probs.log()" in message
    assert "log_softmax" in message  # the hint


def test_backward_names_the_op_its_formula_the_element_and_the_line() -> None:
    x = ag.Tensor([1.0, 0.0, 4.0], requires_grad=True)
    with ag.detect_anomaly():
        line = here()
        y = (x.sqrt() * 3.0).sum()
        with pytest.raises(FloatingPointError) as caught:
            y.backward()
    message = str(caught.value)
    assert message.startswith("detect_anomaly: in the backward pass, sqrt passed inf to its "
                              "input x, at [1] (1 of 3 elements are not finite)")  # fmt: skip
    assert "∂out/∂x = 1/(2 sqrt(x))" in message
    assert "input x = 0.0 at [1] (shape (3,))" in message
    assert f"sqrt was called at {HERE}:{line}" in message


def test_values_forward_and_backward() -> None:
    big = ag.Value(1e200)
    with ag.detect_anomaly():
        line = here() + 1
        with pytest.raises(FloatingPointError, match=r"mul made inf from finite inputs") as c:
            big * 1e200
        assert f"{HERE}:{line}" in str(c.value)
        v = ag.Value(0.0)
        line = here()
        y = v.sqrt() * 2.0
        with pytest.raises(FloatingPointError, match=r"sqrt passed inf to its input x") as c:
            y.backward()
        assert f"sqrt was called at {HERE}:{line}" in str(c.value)


def test_nothing_happens_without_a_nan() -> None:
    rng = np.random.default_rng(1)
    X, W0 = rng.normal(size=(6, 3)), rng.normal(size=(3, 2))

    def step() -> tuple[float, np.ndarray, float]:
        W = ag.Tensor(W0, requires_grad=True)
        loss = (ag.Tensor(X) @ W).tanh().log_softmax(axis=1).sum()
        loss.backward()
        v = ag.Value(0.5)
        s = (v * v).sin()
        s.backward()
        return loss.item(), W.grad, v.grad

    plain = step()
    with ag.detect_anomaly():
        checked = step()
    assert plain[0] == checked[0]
    np.testing.assert_array_equal(plain[1], checked[1])
    assert plain[2] == checked[2]
    assert not _State.anomaly


def test_a_non_finite_input_is_not_the_ops_fault() -> None:
    with ag.detect_anomaly():
        masked = ag.Tensor([0.0, -np.inf, 1.0]) + ag.Tensor([1.0, 2.0, 3.0], requires_grad=True)
        assert ag.where(np.array([True, False]), ag.Tensor([1.0, 2.0]), -np.inf).data[1] < 0
        masked.exp().sum().backward()  # exp(-inf) = 0: finite gradients


def test_the_mode_nests_is_restored_and_decorates() -> None:
    @ag.detect_anomaly()
    def inside() -> bool:
        return _State.anomaly

    assert inside()
    assert not _State.anomaly
    with ag.detect_anomaly():
        with ag.detect_anomaly():
            pass
        assert _State.anomaly
        with pytest.raises(FloatingPointError):
            ag.Tensor([0.0]).log()
        assert _State.anomaly
    assert not _State.anomaly


def test_outside_the_mode_the_ops_make_nodes_without_any_check() -> None:
    from autograd_lite import tensor, value

    assert value._node is value._record
    assert tensor._make is tensor._record
    with ag.detect_anomaly():
        assert value._node is value._checked_node
        with ag.detect_anomaly():
            pass
        assert tensor._make is tensor._checked_make
    assert value._node is value._record
    assert tensor._make is tensor._record


def test_lines_are_recorded_only_in_the_mode() -> None:
    x = ag.Tensor([1.0], requires_grad=True)
    outside = x * 2
    with pytest.raises(AttributeError):
        outside._notes  # noqa: B018
    with ag.detect_anomaly():
        inside = x * 2
    assert noted(inside, "line")[0] == HERE


def test_create_graph_and_functions_in_the_mode() -> None:
    class Reciprocal(ag.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return 1.0 / x

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            (x,) = ctx.saved_tensors
            return -g / (x * x)

    class NumpyReciprocal(Reciprocal):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return np.reciprocal(x.data)

    zero = ag.Tensor([0.0, 1.0], requires_grad=True)
    with ag.detect_anomaly():
        assert ag.grad(ag.grad(lambda t: t**3))(2.0) == 12.0
        with pytest.raises(FloatingPointError, match="rdiv made inf") as caught:
            Reciprocal.apply(zero)  # the op inside forward is checked too
        assert "in forward: `return 1.0 / x`" in str(caught.value)
        with pytest.raises(FloatingPointError, match="NumpyReciprocal made inf"):
            NumpyReciprocal.apply(zero)


def test_the_modes_belong_to_the_thread_that_opens_them() -> None:
    """Anomaly mode and a forward pass in one thread: another thread's ops are not
    checked and get no tangents (the constructors are swapped for all, but read the
    flags of their own thread)."""
    import threading

    from autograd_lite.forward import forward_pass

    opened, done = threading.Event(), threading.Event()
    seen: dict[str, Any] = {}

    def other() -> None:
        opened.wait()
        zero = ag.Tensor([0.0], requires_grad=True)
        seen["log"] = zero.log().data[0]  # -inf, and no error in this thread
        seen["notes"] = getattr(zero * 2.0, "_notes", None)
        done.set()

    thread = threading.Thread(target=other)
    thread.start()
    with ag.detect_anomaly(), forward_pass(nested=False):
        opened.set()
        done.wait()
        with pytest.raises(FloatingPointError):
            ag.Tensor([0.0], requires_grad=True).log()
    thread.join()
    assert seen == {"log": -np.inf, "notes": None}
