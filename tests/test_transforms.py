"""The transforms compose: every pair of them, against central differences.

Each transform T maps f to a function whose value at x is a linear function of the
Jacobian $J_f(x)$: `jacfwd` and `jacrev` give J itself, `jvp` gives $J v$, `vjp` gives
$u^T J$, `elementwise_grad` and the gradient of a sum give $1^T J$. So T1(T2(f)) can be
checked without trusting either: compute G = T2(f) (itself checked against the same
linear function of a central-difference Jacobian of f), take the central-difference
Jacobian of G, and apply T1's linear function to it.

Also: keyword arguments, pytrees of arrays, `has_aux`, `vjp` with several outputs.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd_lite as ag

Fn = Callable[[Any], Any]
A = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]])


def pattern(shape: tuple[int, ...]) -> np.ndarray:
    """A fixed cotangent or direction of a given shape (no zeros, no symmetry)."""
    return np.cos(np.arange(1, int(np.prod(shape, dtype=int)) + 1)).reshape(shape)


def shape_of(y: Any) -> tuple[int, ...]:
    return tuple(np.shape(y.data if isinstance(y, (ag.Tensor, ag.Value)) else y))


# name: (the transform, the same as a linear function of J (out.shape + x.shape))
TRANSFORMS: dict[str, tuple[Callable[[Fn], Fn], Callable[[np.ndarray, tuple[int, ...]], Any]]] = {
    "jacfwd": (ag.jacfwd, lambda J, xs: J),
    "jacrev": (ag.jacrev, lambda J, xs: J),
    "jvp": (
        lambda f: lambda x: ag.jvp(f, (x,), (pattern(shape_of(x)),))[1],
        lambda J, xs: np.tensordot(J, pattern(xs), axes=len(xs)),
    ),
    "vjp": (
        lambda f: lambda x: ag.vjp(f, x)[1](pattern(shape_of(f(x))))[0],
        lambda J, xs: np.tensordot(pattern(J.shape[: J.ndim - len(xs)]), J,
                                   axes=J.ndim - len(xs)),
    ),
    "elementwise_grad": (
        ag.elementwise_grad,
        lambda J, xs: J.reshape(-1, *xs).sum(axis=0),
    ),
    "grad of sum": (
        lambda f: ag.grad(lambda x: f(x).sum()),
        lambda J, xs: J.reshape(-1, *xs).sum(axis=0),
    ),
}  # fmt: skip

FUNCTIONS: dict[str, Fn] = {
    "R3 -> R2": lambda x: ag.tanh(ag.Tensor(A) @ x) + x[:2] ** 2 * x[2],
    "R3 -> R3": lambda x: ag.sin(x) * ag.exp(x).sum(),
    "R3 -> R": lambda x: (x**3).sum() + ag.exp(x[0] * x[1]),
}
X = np.array([0.3, -0.8, 0.5])


def numeric_jacobian(g: Fn, x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Central differences of g (called on plain arrays) in float64: out.shape + x.shape."""
    columns = []
    for i in range(x.size):
        step = np.zeros_like(x)
        step.flat[i] = eps
        up = np.asarray(g(x + step), dtype=np.float64)
        down = np.asarray(g(x - step), dtype=np.float64)
        columns.append((up - down) / (2 * eps))
    stacked = np.stack(columns, axis=-1)
    return stacked.reshape(stacked.shape[:-1] + x.shape)


def plain(f: Fn) -> Fn:
    """f on plain arrays: its output's data."""

    def run(x: np.ndarray) -> np.ndarray:
        out = f(ag.Tensor(x))
        return np.asarray(out.data if isinstance(out, ag.Tensor) else out)

    return run


@pytest.mark.parametrize("fname", list(FUNCTIONS))
@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_each_transform_against_central_differences(name: str, fname: str) -> None:
    transform, reference = TRANSFORMS[name]
    f = FUNCTIONS[fname]
    got = transform(f)(X)
    want = reference(numeric_jacobian(plain(f), X), X.shape)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


PAIRS = list(itertools.product(TRANSFORMS, TRANSFORMS))


@pytest.mark.parametrize("fname", list(FUNCTIONS))
@pytest.mark.parametrize(("outer", "inner"), PAIRS, ids=[f"{a}({b})" for a, b in PAIRS])
def test_every_composition_of_two_transforms(outer: str, inner: str, fname: str) -> None:
    g = TRANSFORMS[inner][0](FUNCTIONS[fname])
    got = TRANSFORMS[outer][0](g)(X)
    want = TRANSFORMS[outer][1](numeric_jacobian(g, X), X.shape)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_the_composition_check_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """A forward mode that drops a term of the product rule is caught in compositions."""
    from autograd_lite import rules as R

    monkeypatch.setattr(R.MUL, "partials", (lambda x, y, out: y, lambda x, y, out: 0.0 * x))
    with pytest.raises(AssertionError):
        test_every_composition_of_two_transforms("jacfwd", "jacrev", "R3 -> R2")


def test_hessians_and_third_derivatives() -> None:
    f = lambda x: (x**3).sum() + ag.exp(x[0] * x[1])  # noqa: E731
    x = X
    e = math.exp(x[0] * x[1])
    H = np.diag(6 * x)
    H[0, 0] += x[1] ** 2 * e
    H[1, 1] += x[0] ** 2 * e
    H[0, 1] = H[1, 0] = e * (1 + x[0] * x[1])
    hessians = [ag.hessian, lambda f: ag.jacfwd(ag.jacrev(f)), lambda f: ag.jacrev(ag.jacrev(f)),
                lambda f: ag.jacobian(ag.jacobian(f)), lambda f: ag.jacfwd(ag.jacfwd(f)),
                lambda f: ag.jacrev(ag.jacfwd(f))]  # fmt: skip
    for hessian in hessians:
        np.testing.assert_allclose(hessian(f)(x), H, rtol=1e-12)
    assert ag.grad(ag.grad(ag.grad(lambda t: t**4)))(2.0) == 48.0
    assert ag.jacfwd(ag.jacfwd(ag.jacfwd(lambda t: t**4)))(2.0) == 48.0
    third = np.einsum("i,ij,ik->ijk", 24 * x, np.eye(3), np.eye(3))
    np.testing.assert_allclose(ag.jacfwd(ag.hessian(lambda t: (t**4).sum()))(x), third)


def test_transforms_of_scalars_return_floats() -> None:
    assert ag.jacfwd(ag.sin)(0.0) == 1.0
    assert ag.jacrev(ag.sin)(0.0) == 1.0
    assert ag.jvp(ag.sin, (0.0,), (2.0,)) == (0.0, 2.0)
    assert ag.elementwise_grad(ag.sin)(0.0) == 1.0
    out, vjp_fn = ag.vjp(lambda a, b: a * b, 2.0, 3.0)
    assert (out, vjp_fn(1.0)) == (6.0, (3.0, 2.0))


# ---------------------------------------------------------------- keywords, pytrees, has_aux


def test_keyword_arguments_are_passed_through() -> None:
    assert ag.grad(lambda a, b=1.0: a * b)(2.0, b=3.0) == 3.0
    assert ag.value_and_grad(lambda a, *, scale: a * scale)(2.0, scale=5.0) == (10.0, 5.0)
    x = np.array([1.0, 2.0])
    np.testing.assert_allclose(ag.jacfwd(lambda t, c: t * c)(x, c=3.0), 3 * np.eye(2))
    np.testing.assert_allclose(ag.jacrev(lambda t, c: t * c)(x, c=3.0), 3 * np.eye(2))
    np.testing.assert_allclose(ag.elementwise_grad(lambda t, p: t**p)(x, p=2.0), 2 * x)


def test_gradients_of_pytrees_have_their_structure() -> None:
    params = {"W": np.array([[1.0, 2.0], [3.0, 4.0]]), "b": (np.array([0.5, -0.5]), 2.0)}
    x = np.array([1.0, -1.0])

    def loss(p: dict[str, Any], x: np.ndarray) -> Any:
        W, (b, c) = p["W"], p["b"]
        return (ag.tanh(W @ x + b) * c).sum()

    g = ag.grad(loss)(params, x)
    assert set(g) == {"W", "b"}
    assert isinstance(g["b"], tuple)
    assert isinstance(g["b"][1], float)
    assert g["W"].shape == (2, 2)
    h = np.tanh(params["W"] @ x + params["b"][0])
    np.testing.assert_allclose(g["W"], np.outer(2.0 * (1 - h**2), x))
    np.testing.assert_allclose(g["b"][0], 2.0 * (1 - h**2))
    assert g["b"][1] == pytest.approx(h.sum())
    _, gx = ag.grad(loss, argnums=(0, 1))(params, x)
    np.testing.assert_allclose(gx, params["W"].T @ (2.0 * (1 - h**2)))
    assert ag.grad(lambda p: p[0] * p[1][0])([2.0, [3.0]]) == [3.0, [2.0]]
    assert ag.grad(lambda p, x: x)({}, 1.0) == {}
    nested = ag.grad(lambda x: ag.grad(lambda p: p["a"] * p["a"] * x)({"a": x})["a"])(3.0)
    assert nested == 12.0  # d/dx (2 a x) at a = x: 4x


def test_has_aux_returns_the_auxiliary_data() -> None:
    def loss(w: Any) -> tuple[Any, Any]:
        pred = w * 3.0
        return (pred - 1.0) ** 2, {"pred": pred, "note": "ok"}

    g, aux = ag.grad(loss, has_aux=True)(1.0)
    assert g == 12.0
    assert aux == {"pred": 3.0, "note": "ok"}  # nodes come out as numbers
    (value, aux), g = ag.value_and_grad(loss, has_aux=True)(1.0)
    assert (value, g, aux["pred"]) == (4.0, 12.0, 3.0)
    t_aux = ag.grad(lambda t: ((t**2).sum(), t * 2), has_aux=True)(np.ones(2))[1]
    assert isinstance(t_aux, np.ndarray)
    with pytest.raises(TypeError, match="pair"):
        ag.grad(lambda w: w * 2.0, has_aux=True)(1.0)
    with pytest.raises(TypeError, match="has_aux=True"):
        ag.grad(loss)(1.0)


def test_vjp_with_several_outputs_and_calls() -> None:
    x = np.array([1.0, 2.0])
    out, vjp_fn = ag.vjp(lambda t: {"sq": t**2, "sum": t.sum()}, x)
    np.testing.assert_allclose(out["sq"], x**2)
    (g,) = vjp_fn({"sq": np.array([1.0, 0.0]), "sum": np.array(1.0)})
    np.testing.assert_allclose(g, [3.0, 1.0])
    (g,) = vjp_fn({"sq": np.array([0.0, 1.0]), "sum": np.array(0.0)})
    np.testing.assert_allclose(g, [0.0, 4.0])
    with pytest.raises(ValueError, match="shape"):
        vjp_fn({"sq": np.ones(3), "sum": np.array(0.0)})
    with pytest.raises(ValueError, match="part"):
        vjp_fn(np.ones(2))


def test_jvp_of_pytrees_and_its_errors() -> None:
    primal = {"a": np.array([1.0, 2.0]), "b": 3.0}
    out, tangent = ag.jvp(lambda p: p["a"] * p["b"], (primal,), ({"a": np.ones(2), "b": 1.0},))
    np.testing.assert_allclose(out, [3.0, 6.0])
    np.testing.assert_allclose(tangent, [4.0, 5.0])
    with pytest.raises(TypeError, match="tuple"):
        ag.jvp(ag.sin, 1.0, 1.0)
    with pytest.raises(ValueError, match="shaped like its primal"):
        ag.jvp(lambda p: p["a"], (primal,), ({"a": np.ones(2)},))
    with pytest.raises(ValueError, match="shape"):
        ag.jvp(ag.sin, (np.ones(2),), (np.ones(3),))
    square = ag.Tensor(np.ones((2, 2)), requires_grad=True)  # as many numbers, other shape
    with pytest.raises(ValueError, match=r"tangent has shape \(2, 2\) but its primal has"):
        ag.jvp(ag.sin, (np.ones(4),), (square,))


def test_a_constant_output_has_zero_derivatives() -> None:
    x = np.ones(2)
    np.testing.assert_array_equal(ag.jacfwd(lambda t: ag.Tensor(np.ones(3)))(x), np.zeros((3, 2)))
    np.testing.assert_array_equal(ag.jacrev(lambda t: ag.Tensor(np.ones(3)))(x), np.zeros((3, 2)))
    assert ag.jvp(lambda t: ag.Tensor(np.ones(3)), (x,), (x,))[1].tolist() == [0.0] * 3


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (
            lambda: ag.grad(6.0),
            r"grad: expected a function, got 6\.0 \(float\).*ag\.grad\(f\)\(x\)",
        ),
        (lambda: ag.value_and_grad(6.0), r"value_and_grad: expected a function"),
        (lambda: ag.jacobian(np.ones(2)), r"jacrev: expected a function, got array"),
        (lambda: ag.jacfwd(6.0), r"jacfwd: expected a function"),
        (lambda: ag.hessian(6.0), r"hessian: expected a function"),
        (lambda: ag.hvp(6.0), r"hvp: expected a function.*ag\.hvp\(f\)\(x, v\)"),
        (lambda: ag.elementwise_grad(6.0), r"elementwise_grad: expected a function"),
        (lambda: ag.vjp(6.0, 1.0), r"vjp: expected a function.*ag\.vjp\(f, x\)"),
        (lambda: ag.jvp(6.0, (1.0,), (1.0,)), r"jvp: expected a function"),
        (lambda: ag.checkpoint(6.0, 1.0), r"checkpoint: expected a function"),
        (lambda: ag.gradcheck(6.0, 1.0), r"gradcheck: expected a function"),
        (lambda: ag.derivative(6.0, 1.0), r"derivative: expected a function"),
    ],
)
def test_a_value_passed_for_the_function_is_refused_with_the_right_call(
    call: Callable[[], Any], words: str
) -> None:
    """The slip `ag.grad(f(x))` for `ag.grad(f)(x)`: named when the transform is made,
    not later as "'float' object is not callable"."""
    with pytest.raises(TypeError, match=words):
        call()


def test_a_number_taken_from_a_node_inside_a_transform_is_reported() -> None:
    """`math.sin(x)` inside `ag.grad` used to give 0.0 silently (the number has no
    derivative); `x * math.exp(x)` a gradient missing a term. JAX refuses both."""
    import math
    import warnings

    here = __file__
    with pytest.raises(TypeError, match=r"grad: f turned its input into a plain number at .*"):
        ag.grad(lambda x: math.sin(x))(0.5)
    with pytest.warns(UserWarning, match=r"grad: f turned a node into a plain number") as seen:
        assert ag.grad(lambda x: x * math.exp(x))(0.5) == pytest.approx(math.exp(0.5))
    assert seen[0].filename == here  # shown at the user's line, not inside the package
    with pytest.raises(TypeError, match=r"jvp: f turned its input"):
        ag.jvp(lambda x: math.sin(x), (0.5,), (1.0,))
    with pytest.raises(TypeError, match=r"vjp: f turned its input"):
        ag.vjp(lambda t: float(t.sum()), np.ones(2))
    for transform in (ag.jacrev, ag.jacfwd, ag.elementwise_grad):
        with pytest.warns(UserWarning, match=r"f turned a node into a plain number"):
            transform(lambda x: x * math.cos(x))(0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reading the number on purpose, or comparing: quiet
        assert ag.grad(lambda x, y: x * y if x > y else y)(0.5, 0.2) == 0.2
        assert ag.grad(lambda x: x * x if x.data > 0 else -x)(0.5) == 1.0
        assert (
            ag.grad(lambda t: (t * t).sum() if t.sum().item() > 0 else t.sum())(np.ones(2))[0] == 2
        )
        assert float(ag.Value(2.0)) == 2.0  # outside every transform


def test_a_number_taken_inside_a_training_loop_is_reported_once_per_line() -> None:
    import warnings

    step = ag.grad(lambda x: (float(x), x * x)[1])  # a print of float(loss), say
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("default")
        for _ in range(3):
            assert step(0.5) == 1.0
    assert len([w for w in seen if "plain number" in str(w.message)]) == 1
