"""`ag.Function`: ops with a hand-written backward, on Values and Tensors.

A correct one passes gradcheck (first and second order), a wrong one is caught with the
input and the Function named, a backward of the wrong shape or count raises a sentence,
and one written with the library's ops differentiates again (create_graph, nested
transforms, forward mode by transposing it).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.graph import topological_order
from autograd_lite.viz.names import names_of


class Softplus(ag.Function):
    """log(1 + exp(x)), with sigmoid as its derivative."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return ag.softplus(x)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return g * ag.sigmoid(x)


class Linear(ag.Function):
    """x @ W + b, with a scale that is a plain number (no gradient)."""

    @staticmethod
    def forward(ctx: Any, x: Any, W: Any, b: Any, scale: float) -> Any:
        ctx.save_for_backward(x, W)
        ctx.scale = scale
        return (x @ W + b) * scale

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, W = ctx.saved_tensors
        g = g * ctx.scale
        return g @ W.T, x.T @ g, g.sum(axis=0), None


class WrongLinear(Linear):
    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, W = ctx.saved_tensors
        g = g * ctx.scale
        return g @ W.T, x.T @ g * 1.01, g.sum(axis=0), None  # W's gradient 1% off


class Product3(ag.Function):
    """a b c, three Values in."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any, c: Any) -> Any:
        ctx.save_for_backward(a, b, c)
        return a * b * c

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b, c = ctx.saved_tensors
        return g * b * c, g * a * c, g * a * b


rng = np.random.default_rng(3)
X, W, B = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)


def test_a_correct_function_passes_gradcheck() -> None:
    assert ag.gradcheck(lambda x, w, b: Linear.apply(x, w, b, 2.0).tanh().sum(), X, W, B)
    assert ag.gradcheck(Softplus.apply, np.array([-1.0, 0.5, 2.0]), second_order=True)
    assert ag.gradcheck(Softplus.apply, 0.3, second_order=True)
    assert ag.gradcheck(Product3.apply, 1.5, -2.0, 0.5, second_order=True)


def test_a_wrong_backward_is_caught_with_the_input_and_the_function_named() -> None:
    with pytest.raises(AssertionError, match=r"input 1 .*WrongLinear") as caught:
        ag.gradcheck(lambda x, w, b: WrongLinear.apply(x, w, b, 2.0).sum(), X, W, B)
    assert "input 0" not in str(caught.value)


def test_second_derivatives_through_a_differentiable_backward() -> None:
    # softplus'' = sigmoid' = s (1 - s)
    s = 1 / (1 + np.exp(-0.7))
    assert ag.grad(ag.grad(Softplus.apply))(0.7) == pytest.approx(s * (1 - s))
    assert ag.grad(ag.grad(ag.grad(Softplus.apply)))(0.7) == pytest.approx(
        s * (1 - s) * (1 - 2 * s)
    )
    x = np.array([-1.0, 0.0, 2.0])
    sig = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(ag.hessian(lambda t: Softplus.apply(t).sum())(x),
                               np.diag(sig * (1 - sig)))  # fmt: skip
    v = ag.Value(0.7)
    Softplus.apply(v).backward(create_graph=True)
    first = v.grad
    v.grad = 0.0
    first.backward()
    assert v.grad == pytest.approx(s * (1 - s))


def test_on_values_with_three_inputs_and_the_fast_backward() -> None:
    a, b, c = ag.Value(2.0, label="a"), ag.Value(3.0, label="b"), ag.Value(4.0, label="c")
    y = Product3.apply(a, b, c) * a
    y.backward()
    assert (a.grad, b.grad, c.grad) == (48.0, 16.0, 12.0)
    assert ag.grad(Product3.apply, argnums=(0, 1, 2))(2.0, 3.0, 4.0) == (12.0, 8.0, 6.0)
    assert names_of(topological_order(y))[y] == "Product3(a, b, c)*a"
    assert "Product3" in ag.viz.to_dot(y)
    assert "Product3" in str(ag.viz.explain(y))


def test_drawn_with_its_class_name_on_tensors() -> None:
    x = ag.Tensor(X, requires_grad=True, label="x")
    out = Linear.apply(x, ag.Tensor(W, label="W"), ag.Tensor(B, label="b"), 1.0)
    assert out._op.name == "Linear"
    assert names_of(topological_order(out))[out] == "Linear(x, W, b)"
    dot = ag.viz.to_dot(out.sum())
    assert "Linear" in dot


def test_wrong_count_and_wrong_shape_raise_sentences() -> None:
    class TooFew(ag.Function):
        @staticmethod
        def forward(ctx: Any, x: Any, y: Any) -> Any:
            return x * y

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g

    class BadShape(ag.Function):
        @staticmethod
        def forward(ctx: Any, x: Any, w: Any) -> Any:
            return x * w

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g, g.sum(axis=0)  # shape (3,), but w has shape (2, 1)

    x = ag.Tensor(np.ones((2, 3)), requires_grad=True)
    count = r"TooFew.backward returned 1 gradient\(s\), but forward takes 2 input"
    with pytest.raises(RuntimeError, match=count):
        TooFew.apply(x, x).sum().backward()
    w = ag.Tensor(np.ones((2, 1)), requires_grad=True)
    shape = r"BadShape.backward: the gradient for input 1 \(w\) has shape \(3,\), but that input"
    with pytest.raises(RuntimeError, match=shape):
        BadShape.apply(x, w).sum().backward()

    class ArrayGrad(ag.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * 2

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return np.ones(3)

    value = r"input 0 \(x\) has shape \(3,\), but that input is a Value; return a number"
    with pytest.raises(RuntimeError, match=value):
        ArrayGrad.apply(ag.Value(1.0)).backward()


def test_a_broadcast_gradient_is_summed_back_as_pytorch_does() -> None:
    class AddBias(ag.Function):
        @staticmethod
        def forward(ctx: Any, x: Any, b: Any) -> Any:
            return x + b

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g, g  # b's gradient has x's shape: summed over the batch

    b = ag.Tensor(np.zeros(3), requires_grad=True)
    AddBias.apply(ag.Tensor(np.ones((4, 3))), b).sum().backward()
    np.testing.assert_array_equal(b.grad, [4.0, 4.0, 4.0])


def test_several_outputs_and_constants() -> None:
    class SinCos(ag.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return ag.sin(x), ag.cos(x)

        @staticmethod
        def backward(ctx: Any, g_sin: Any, g_cos: Any) -> Any:
            (x,) = ctx.saved_tensors
            return g_sin * ag.cos(x) - g_cos * ag.sin(x)

    x = ag.Tensor([0.3, 1.2], requires_grad=True)
    s, c = SinCos.apply(x)
    (s * 2.0 + c).sum().backward()
    np.testing.assert_allclose(x.grad, 2 * np.cos(x.data) - np.sin(x.data))
    only_cos = ag.grad(lambda t: SinCos.apply(t)[1])(0.5)
    assert only_cos == pytest.approx(-np.sin(0.5))


def test_backward_gets_nodes_and_forward_records_nothing() -> None:
    seen: dict[str, Any] = {}

    class Spy(ag.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            inside = x * 2
            seen["recorded"] = inside.requires_grad
            seen["needs"] = ctx.needs_input_grad
            return inside

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            seen["g"] = type(g)
            return g * 2

    out = Spy.apply(ag.Tensor([1.0], requires_grad=True))
    out.sum().backward()
    assert seen == {"recorded": False, "needs": (True,), "g": ag.Tensor}
    with ag.no_grad():
        assert not Spy.apply(ag.Tensor([1.0], requires_grad=True)).requires_grad
    assert Spy.apply(ag.Value(1.0))._op is not None


def test_forward_mode_by_its_jvp_or_by_transposing_backward() -> None:
    x = np.array([-1.0, 0.5])
    sig = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(ag.jacfwd(Softplus.apply)(x), np.diag(sig))  # transposed

    class SoftplusJvp(Softplus):
        @staticmethod
        def jvp(ctx: Any, t: Any) -> Any:
            (x,) = ctx.saved_tensors
            return t * ag.sigmoid(x)

    np.testing.assert_allclose(ag.jacfwd(SoftplusJvp.apply)(x), np.diag(sig))
    assert ag.jvp(SoftplusJvp.apply, (0.0,), (2.0,))[1] == pytest.approx(1.0)

    class NumpyBackward(ag.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * 2

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return np.asarray(g) * 2  # plain arrays: fine for backward, not for forward mode

    with pytest.raises(NotImplementedError, match="NumpyBackward: forward mode needs"):
        ag.jacfwd(NumpyBackward.apply)(x)
    np.testing.assert_allclose(ag.jacrev(NumpyBackward.apply)(x), 2 * np.eye(2))


def test_backward_runs_once_per_node_and_its_result_is_not_kept() -> None:
    """jacfwd of a Function without a jvp transposes backward: once for all n directions.
    After a backward pass the node keeps no gradients: a second pass recomputes them."""
    calls = []

    class Counted(Softplus):
        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            calls.append(1)
            return Softplus.backward(ctx, g)

    x = np.array([-1.0, 0.5, 2.0, 0.0, 3.0])
    sig = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(ag.jacfwd(Counted.apply)(x), np.diag(sig))
    assert len(calls) == 1

    a, b = ag.Value(2.0), ag.Value(3.0)
    y = Product3.apply(a, b, ag.Value(4.0))
    y.backward()
    assert y._ctx[0].last is None  # served to all three inputs, then dropped
    y.backward()  # the same graph again: the gradients add up, recomputed
    assert (a.grad, b.grad) == (24.0, 16.0)


def test_misuse_is_explained() -> None:
    with pytest.raises(TypeError, match="subclass"):
        ag.Function.apply(1.0)

    class NumberOfTensor(ag.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return 1.0

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g

    with pytest.raises(TypeError, match="returned a number, but it takes Tensors"):
        NumberOfTensor.apply(ag.Tensor([1.0]))
    with pytest.raises(TypeError, match=r"NumberOfTensor\(\.\.\.\): .* NumberOfTensor\.apply"):
        NumberOfTensor(ag.Tensor([1.0]))  # the older PyTorch spelling

    class ForwardOnly(ag.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * 2

    with pytest.raises(TypeError, match=r"ForwardOnly\.apply: ForwardOnly has no backward"):
        ForwardOnly.apply(ag.Tensor([1.0], requires_grad=True))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_torch_parity(dtype: Any) -> None:
    torch = pytest.importorskip("torch")

    class TorchLinear(torch.autograd.Function):  # type: ignore[misc]
        @staticmethod
        def forward(ctx: Any, x: Any, W: Any, b: Any) -> Any:
            ctx.save_for_backward(x, W)
            return x @ W + b

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            x, W = ctx.saved_tensors
            return g @ W.T, x.T @ g, g.sum(dim=0)

    arrays = [a.astype(dtype) for a in (X, W, B)]
    ours = [ag.Tensor(a, requires_grad=True) for a in arrays]
    Linear.apply(*ours, 1.0).tanh().sum().backward()
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    TorchLinear.apply(*theirs).tanh().sum().backward()
    for a, b in zip(ours, theirs):
        assert a.grad.dtype == dtype
        np.testing.assert_allclose(a.grad, b.grad.numpy(), rtol=1e-5)
