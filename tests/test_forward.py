"""Forward mode for every rule of the table, against reverse mode and central differences.

Driven by `RULES`: each elementwise rule (whose local derivative is what forward mode
multiplies by) and each structural rule (with its own `jvp`) gets a directional derivative
by `ag.jvp` compared with a central difference along the same direction, and a full
Jacobian by `ag.jacfwd` (all directions at once, through the batch axis) compared with
`ag.jacrev`. Then second derivatives through the tangents, and the shapes that the batch
axis makes delicate (array indices separated by slices, matmul of every rank).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from test_rules import apply, ids, sample

import autograd_lite as ag
from autograd_lite import rules as R
from autograd_lite.tangent import Level, note, noted

ELEMENTWISE = [rule for rule in R.RULES if rule.elementwise]
STRUCTURAL = [rule for rule in R.RULES if not rule.elementwise and rule is not R.FROM_VALUE]
SCALAR = [rule for rule in ELEMENTWISE if rule.scalar is not None]


def directional_difference(f: Callable[..., Any], xs: list[np.ndarray], vs: list[np.ndarray],
                           eps: float = 1e-6) -> np.ndarray:  # fmt: skip
    """$(f(x + \\epsilon v) - f(x - \\epsilon v)) / 2\\epsilon$ in float64."""
    up = f(*[x + eps * v for x, v in zip(xs, vs)])
    down = f(*[x - eps * v for x, v in zip(xs, vs)])
    return (np.asarray(up, dtype=np.float64) - np.asarray(down, dtype=np.float64)) / (2 * eps)


def rule_inputs(rule: R.Rule, rng: np.random.Generator) -> tuple[list[np.ndarray], Any]:
    if rule.elementwise:
        shapes: list[tuple[int, ...]] = [(3, 1, 4), (2, 4)][: len(rule.example.inputs)]
        arrays = [sample(d, rng, s) for d, s in zip(rule.example.inputs, shapes)]
        consts = rule.example.consts
        if rule is R.WHERE:
            consts = (rng.random((3, 1, 4)) > 0.5, -3.0)
        return arrays, consts
    return [rng.normal(size=s) for s in rule.example.inputs], rule.example.consts


def test_every_rule_has_forward_mode() -> None:
    """An elementwise rule's partials are its forward mode; a structural rule needs a jvp."""
    for rule in R.RULES:
        if rule.elementwise:
            assert len(rule.partials) == rule.arity, rule.name  # type: ignore[attr-defined]
        else:
            assert callable(getattr(rule, "jvp", None)), f"{rule.name} has no jvp"


@pytest.mark.parametrize("rule", ELEMENTWISE + STRUCTURAL, ids=ids(ELEMENTWISE + STRUCTURAL))
def test_jvp_matches_central_difference_and_jacfwd_matches_jacrev(rule: R.Rule) -> None:
    rng = np.random.default_rng(len(rule.name) + 20)
    arrays, consts = rule_inputs(rule, rng)
    directions = [rng.normal(size=a.shape) for a in arrays]

    def f(*xs: Any) -> Any:
        return apply(rule, [x if isinstance(x, ag.Tensor) else ag.Tensor(x) for x in xs],
                     consts)  # fmt: skip

    def plain(*xs: np.ndarray) -> np.ndarray:
        return f(*xs).data

    out, tangent = ag.jvp(f, tuple(arrays), tuple(directions))
    np.testing.assert_allclose(out, plain(*arrays))
    want = directional_difference(plain, arrays, directions)
    np.testing.assert_allclose(tangent, want, rtol=1e-6, atol=1e-8)
    argnums = tuple(range(len(arrays)))
    forward = ag.jacfwd(f, argnums)(*arrays)
    reverse = ag.jacrev(f, argnums)(*arrays)
    for a, b in zip(forward, reverse):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("rule", SCALAR, ids=ids(SCALAR))
def test_value_jvp_matches_reverse_mode(rule: R.Rule) -> None:
    rng = np.random.default_rng(len(rule.name) + 21)
    point = [float(sample(d, rng, ())) for d in rule.example.inputs]

    def f(*xs: Any) -> Any:
        nodes = [x if isinstance(x, ag.Value) else ag.Value(x) for x in xs]
        return apply(rule, nodes, rule.example.consts)

    for i in range(len(point)):
        tangents = tuple(1.0 if k == i else 0.0 for k in range(len(point)))
        value, tangent = ag.jvp(f, tuple(point), tangents)
        assert value == f(*[ag.Value(p) for p in point]).data
        assert tangent == pytest.approx(ag.grad(f, argnums=i)(*point), rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("rule", [r for r in SCALAR if r.arity == 2], ids=ids(
    [r for r in SCALAR if r.arity == 2]))  # fmt: skip
def test_value_jvp_where_one_input_has_no_tangent(rule: R.Rule) -> None:
    """The other input is a node of f's surroundings: made before the pass, by an op
    (so it never met a forward mode) or as a plain Value; only one input moves."""
    rng = np.random.default_rng(len(rule.name) + 23)
    point = [float(sample(d, rng, ())) for d in rule.example.inputs]
    for i in range(2):
        made_by_an_op = ag.Value(point[1 - i]) * 1.0
        for other in (made_by_an_op, ag.Value(point[1 - i])):

            def f(x: Any, other: Any = other, i: int = i) -> Any:
                return apply(rule, [x, other] if i == 0 else [other, x], rule.example.consts)

            value, tangent = ag.jvp(f, (point[i],), (1.0,))
            assert value == f(ag.Value(point[i])).data
            assert tangent == pytest.approx(ag.grad(f)(point[i]), rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("rule", SCALAR, ids=ids(SCALAR))
def test_value_jvp_short_path_equals_the_general_one(rule: R.Rule) -> None:
    """A plain jvp on Values takes `value._checked_node`'s short path; under
    `detect_anomaly` the same jvp goes through `tangent.push`. Bit for bit the same,
    with every input moving and with only the first one."""
    rng = np.random.default_rng(len(rule.name) + 24)
    point = tuple(float(sample(d, rng, ())) for d in rule.example.inputs)
    fixed = [ag.Value(p) * 1.0 for p in point]  # nodes made before the pass

    def f(*xs: Any) -> Any:
        return apply(rule, [*xs, *fixed[len(xs) :]], rule.example.consts)

    for moving in {len(point), 1}:
        args, tangents = point[:moving], tuple(0.5 + k for k in range(moving))
        short = ag.jvp(f, args, tangents)
        with ag.detect_anomaly():
            general = ag.jvp(f, args, tangents)
        assert short == general


@pytest.mark.parametrize("rule", ELEMENTWISE, ids=ids(ELEMENTWISE))
def test_tensor_jvp_short_path_equals_the_general_one(rule: R.Rule) -> None:
    """A plain jvp on arrays takes `tensor._checked_make`'s written-out step; under
    `detect_anomaly` the same jvp goes through `tangent.push`. Bit for bit the same, on
    shapes that broadcast, with every input moving, only the first, and only the last
    (the others nodes made before the pass)."""
    rng = np.random.default_rng(len(rule.name) + 25)
    arrays, consts = rule_inputs(rule, rng)
    fixed = [ag.Tensor(a) * 1.0 for a in arrays]

    def first(*xs: Any) -> Any:
        return apply(rule, [*xs, *fixed[len(xs) :]], consts)

    def last(x: Any) -> Any:
        return apply(rule, [*fixed[:-1], x], consts)

    calls = [(first, arrays), (first, arrays[:1]), (last, arrays[-1:])]
    for f, args in calls:
        tangents = tuple(rng.normal(size=a.shape) for a in args)
        short = ag.jvp(f, tuple(args), tangents)[1]
        with ag.detect_anomaly():
            general = ag.jvp(f, tuple(args), tangents)[1]
        assert short.shape == general.shape == np.broadcast_shapes(*[a.shape for a in arrays])
        np.testing.assert_array_equal(short, general)


def test_one_note_is_a_pair_several_a_dict_and_each_reads_back() -> None:
    node, level, other = ag.Value(1.0), Level(False), Level(False)
    assert noted(node, level) is None
    note(node, level, 2.0)
    assert node._notes == (level, 2.0)  # one note: a pair (`tangent.note`)
    note(node, level, 3.0)
    assert node._notes == (level, 3.0)
    note(node, "line", ("f.py", 7))
    note(node, other, 4.0)
    assert type(node._notes) is dict
    assert (noted(node, level), noted(node, "line"), noted(node, other)) == (3.0, ("f.py", 7), 4.0)
    assert noted(node, Level(False)) is None


@pytest.mark.parametrize("kind", ["Value", "Tensor"])
def test_the_short_path_reads_a_tangent_among_several_notes(kind: str) -> None:
    """In a plain jvp a tangent is the node's one note, a pair; a node made under
    `detect_anomaly` inside f carries its line too (a dict), and once the mode is closed
    the written-out constructors must still find its tangent."""

    def f(x: Any) -> Any:
        with ag.detect_anomaly():
            x = x * 1.0
        assert type(x._notes) is dict
        return (x * x).tanh() * x

    point = 0.4 if kind == "Value" else np.array([0.4, -1.2])
    value, tangent = ag.jvp(f, (point,), (np.ones_like(point) if kind == "Tensor" else 1.0,))
    u = np.tanh(np.square(point))
    np.testing.assert_allclose(value, u * point, rtol=1e-15)
    np.testing.assert_allclose(tangent, (1 - u**2) * 2 * point * point + u, rtol=1e-14)


@pytest.mark.parametrize("anomaly", [False, True], ids=["plain", "general"])
def test_jvp_leaves_the_given_tangent_alone(anomaly: bool) -> None:
    """A jvp's tangents are shaped like their primals, the caller's array the first of
    them: no step may add into it, and the tangent returned is a copy."""
    x, v = np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, 3.0])

    def f(x: Any) -> Any:
        return ((x + 0.0) + x * 2.0) * x + x

    with ag.detect_anomaly() if anomaly else contextlib.nullcontext():
        _, tangent = ag.jvp(f, (x,), (v,))
        identity = ag.jvp(lambda x: x, (x,), (v,))[1]
    np.testing.assert_array_equal(v, [1.0, 2.0, 3.0])
    np.testing.assert_allclose(tangent, (6 * x + 1) * v)  # f = 3 x^2 + x
    assert identity is not v
    np.testing.assert_array_equal(identity, v)


def test_jvp_records_what_f_records_under_enable_grad() -> None:
    """A plain jvp records nothing, but f may turn recording back on: the tangents stay
    right and the graph made there is whole."""

    def f(x: Any) -> Any:
        with ag.enable_grad():
            y = ag.tanh(x * x)
            product = y._x  # recorded: tanh's input is x * x, whose input is x
            assert product is not None
            assert product._x is x
        return y * 3.0

    value, tangent = ag.jvp(f, (0.7,), (1.0,))
    assert value == pytest.approx(3 * np.tanh(0.49))
    assert tangent == pytest.approx(3 * (1 - np.tanh(0.49) ** 2) * 1.4, rel=1e-12)


@pytest.mark.parametrize("rule", ELEMENTWISE + STRUCTURAL, ids=ids(ELEMENTWISE + STRUCTURAL))
def test_forward_mode_records_a_differentiable_tangent(rule: R.Rule) -> None:
    """jacrev(jacfwd(g)) with g = sum(rule(...)^2): the tangents themselves are
    differentiated, so every jvp is written with recorded ops."""
    rng = np.random.default_rng(len(rule.name) + 22)
    arrays, consts = rule_inputs(rule, rng)
    x = arrays[0]

    def g(t: Any) -> Any:
        xs = [t, *[ag.Tensor(a) for a in arrays[1:]]]
        return (apply(rule, xs, consts) ** 2).sum()

    mixed = ag.jacrev(ag.jacfwd(g))(x)
    reverse = ag.jacrev(ag.jacrev(g))(x)
    np.testing.assert_allclose(mixed, reverse, rtol=1e-9, atol=1e-9)


def test_a_wrong_jvp_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(R.CUMSUM, "jvp", lambda ts, xs, c, out: ts[0])
    with pytest.raises(AssertionError):
        test_jvp_matches_central_difference_and_jacfwd_matches_jacrev(R.CUMSUM)


def test_a_wrong_local_derivative_is_caught_in_forward_mode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(R.TANH, "partials", (lambda x, c, out: 1.0 + out * out,))
    with pytest.raises(AssertionError):
        test_jvp_matches_central_difference_and_jacfwd_matches_jacrev(R.TANH)


# Shapes that the batch axis of the tangents makes delicate.
CASES: dict[str, tuple[Callable[[Any], Any], tuple[int, ...]]] = {
    "separated array indices": (lambda t: t[np.array([0, 2, 1]), :, np.array([1, 0, 1])],
                                (3, 2, 2)),
    "array index then slice": (lambda t: t[np.array([[0, 1], [1, 0]]), 1:], (2, 3)),
    "boolean mask": (lambda t: t[t.data > 0], (3, 4)),
    "ellipsis and newaxis": (lambda t: t[..., None, 1], (2, 3)),
    "vector @ matrix": (lambda t: t[0] @ t, (3, 3)),
    "matrix @ vector": (lambda t: t @ t[:, 0], (3, 3)),
    "vector @ vector": (lambda t: (t @ t).reshape(1), (4,)),
    "batched @ matrix": (lambda t: t @ t[0], (2, 3, 3)),
    "matrix @ batched": (lambda t: t[0] @ t, (2, 3, 3)),
    "vector @ batched": (lambda t: t[0, 0] @ t, (2, 3, 3)),
    "batched @ vector": (lambda t: t @ t[0, 0], (2, 3, 3)),
    "sum over all, keepdims": (lambda t: t.sum(keepdims=True) * t, (2, 3)),
    "max with ties": (lambda t: (t * 0 + ag.Tensor([1.0, 3.0, 3.0])).max() * t, (3,)),
    "prod with a zero": (lambda t: (t * ag.Tensor([1.0, 0.0, 1.0])).prod(), (3,)),
    "roll flattened": (lambda t: t.roll(2), (2, 3)),
    "cumsum flattened": (lambda t: t.cumsum(), (2, 3)),
    "flip negative axis": (lambda t: t.flip(-1) * t, (2, 3)),
    "broadcast up": (lambda t: ag.tensor.R.broadcast_to(t, (2, 3, 4)), (3, 1)),
    "scatter at repeated index": (lambda t: t[np.array([0, 0, 1])] * 2.0, (2, 3)),
    "einsum of three": (lambda t: ag.einsum("ij,jk,k->i", t, t, t[0]), (3, 3)),
    "concatenate with a constant": (lambda t: ag.concatenate([t, ag.Tensor(np.ones(2)), t]), (2,)),
    "stack, split, pad": (lambda t: ag.stack(ag.split(t.pad(1), 2)) ** 2, (2, 2)),
    "mean, var, logsumexp": (lambda t: t.var(axis=0) + t.logsumexp(axis=1).mean(), (3, 3)),
    "softmax": (lambda t: t.softmax(axis=0), (3, 2)),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_jacfwd_matches_jacrev_on_delicate_shapes(name: str) -> None:
    fn, shape = CASES[name]
    x = np.random.default_rng(5).normal(size=shape)
    forward, reverse = ag.jacfwd(fn)(x), ag.jacrev(fn)(x)
    np.testing.assert_allclose(forward, reverse, rtol=1e-12, atol=1e-12)
    v = np.random.default_rng(6).normal(size=shape)
    _, tangent = ag.jvp(fn, (x,), (v,))
    np.testing.assert_allclose(tangent, np.tensordot(reverse, v, axes=v.ndim), atol=1e-12)


def test_float32_stays_float32() -> None:
    x = np.array([0.5, -1.0], dtype=np.float32)
    out, tangent = ag.jvp(lambda t: ag.tanh(t) * 2, (x,), (np.ones(2, dtype=np.float32),))
    assert out.dtype == tangent.dtype == np.float32
    assert ag.jacfwd(ag.tanh)(x).dtype == np.float32


def test_values_stacked_into_a_tensor() -> None:
    """A Value's tangent becomes that of a 0-d Tensor (`ag.stack` of Values)."""
    jac = ag.jacfwd(lambda a: ag.stack([a, a * a, ag.sin(a)]))(0.5)
    np.testing.assert_allclose(jac, [1.0, 1.0, np.cos(0.5)])


def test_jvp_adds_into_a_product_it_made_never_into_a_tangent_used_again() -> None:
    """A step may add the second term into its own product, not into an input's tangent:
    here a's tangent is b's first term (add's local derivative is 1) and is used again."""
    x = np.array([0.5, -1.0, 2.0])
    v = np.array([1.0, 2.0, 3.0])
    given = v.copy()

    def f(h: Any) -> Any:
        a = h * h
        b = a + h
        return b * a + b  # h^4 + h^3 + h^2 + h

    _, t = ag.jvp(f, (x,), (v,))
    np.testing.assert_allclose(t, (4 * x**3 + 3 * x**2 + 2 * x + 1) * v, rtol=1e-14)
    np.testing.assert_array_equal(v, given)
