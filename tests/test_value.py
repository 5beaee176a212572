"""Value: closed forms, the chain rule on shared nodes, higher order, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import Value


def grad_at(f, x0: float) -> float:  # type: ignore[no-untyped-def]
    x = Value(x0)
    f(x).backward()
    return x.grad


def test_source_note_examples_done_right() -> None:
    # d/dx 3x^2 = 6x: 6 at x = 1 (the note's stated point) and 12 at x = 2 (its code's).
    assert grad_at(lambda x: 3 * x**2, 1.0) == 6.0
    assert grad_at(lambda x: 3 * x**2, 2.0) == 12.0
    # d/dx e^(x^2) = 2x e^(x^2): 6 e^9 at x = 3, not the 6e that e*x*x gives.
    assert grad_at(lambda x: (x**2).exp(), 3.0) == pytest.approx(6 * math.exp(9), rel=1e-15)
    assert grad_at(lambda x: (x**2).exp(), 3.0) == pytest.approx(48618.5036, abs=1e-4)
    assert grad_at(lambda x: math.e * x * x, 3.0) == pytest.approx(6 * math.e)


def test_shared_node_receives_the_sum_of_its_contributions() -> None:
    x = Value(3.0)
    y = x * x + x  # x used three times: 2x + 1
    y.backward()
    assert x.grad == 7.0
    a = Value(2.0)
    b = a * 3
    c = b * b + b.tanh() * b  # b shared across branches
    c.backward()
    tb = math.tanh(6.0)
    assert b.grad == pytest.approx(2 * 6 + (1 - tb**2) * 6 + tb)
    assert a.grad == pytest.approx(3 * b.grad)


def test_numbers_on_either_side() -> None:
    x = Value(2.0)
    exprs = [1 + x, x + 1, 1 - x, x - 1, 3 * x, x * 3, 1 / x, x / 4, 2**x, x**2, -x]
    assert [e.data for e in exprs] == [3, 3, -1, 1, 6, 6, 0.5, 0.5, 4, 4, -2]
    assert (np.float64(2.0) * x).data == 4.0  # NumPy scalars defer to Value
    assert isinstance(np.float32(2.0) + x, Value)
    for expr, want in [(2**x, 4 * math.log(2)), (1 / x, -0.25), (1 - x, -1.0)]:
        x.grad = 0.0
        expr.backward()
        assert x.grad == pytest.approx(want)


def test_value_power_of_value() -> None:
    x, y = Value(2.0), Value(3.0)
    z = x**y
    z.backward()
    assert z.data == 8.0
    assert x.grad == pytest.approx(3 * 4.0)
    assert y.grad == pytest.approx(8.0 * math.log(2.0))


def test_backward_accumulates_without_double_counting() -> None:
    x = Value(1.5)
    y = (x * 2) * 3  # dy/dx = 6; an intermediate node must not push its old grad again
    y.backward()
    y.backward()
    assert x.grad == 12.0
    assert y.grad == 2.0


def test_every_node_keeps_its_grad() -> None:
    x = Value(0.5, label="x")
    h = x.tanh()
    y = h * 2
    y.backward()
    assert y.grad == 1.0
    assert h.grad == 2.0
    assert x.grad == pytest.approx(2 * (1 - math.tanh(0.5) ** 2))


def test_second_and_third_derivatives_with_create_graph() -> None:
    x = Value(2.0)
    (x**3).backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Value)
    assert first.data == 12.0  # 3x^2
    x.grad = 0.0
    first.backward(create_graph=True)
    second = x.grad
    assert second.data == 12.0  # 6x
    x.grad = 0.0
    second.backward()
    assert x.grad == 6.0  # d3/dx3 x^3


@pytest.mark.parametrize(
    ("f", "d2"),
    [
        (lambda x: x.tanh(), lambda t: -2 * math.tanh(t) * (1 - math.tanh(t) ** 2)),
        (lambda x: x.sin() * x.cos(), lambda t: -2 * math.sin(2 * t)),
        (lambda x: (1 + x * x).log(), lambda t: (2 - 2 * t * t) / (1 + t * t) ** 2),
        (lambda x: x.sigmoid(), lambda t: (s := 1 / (1 + math.exp(-t))) * (1 - s) * (1 - 2 * s)),
        (lambda x: x.sqrt(), lambda t: -0.25 * t**-1.5),
        (lambda x: 2**x, lambda t: math.log(2) ** 2 * 2**t),
    ],
)
def test_second_derivative_closed_forms(f, d2) -> None:  # type: ignore[no-untyped-def]
    x = Value(0.7)
    f(x).backward(create_graph=True)
    g = x.grad
    x.grad = 0.0
    g.backward()
    assert x.grad == pytest.approx(d2(0.7), rel=1e-12)


def test_sigmoid_is_stable_for_large_inputs() -> None:
    for big in (800.0, -800.0, 1e6, -1e6):
        x = Value(big)
        y = x.sigmoid()
        y.backward()
        assert y.data == (1.0 if big > 0 else 0.0)
        assert x.grad == 0.0
    assert Value(-30.0).sigmoid().data == pytest.approx(math.exp(-30) / (1 + math.exp(-30)))


def test_kinks_follow_the_documented_convention() -> None:
    for op in ("relu", "abs"):
        x = Value(0.0)
        getattr(x, op)().backward()
        assert x.grad == 0.0, op  # relu'(0) = 0 and sign(0) = 0, as in PyTorch
    x = Value(-2.0)
    x.abs().backward()
    assert x.grad == -1.0


def test_bad_input_names_what_was_given() -> None:
    with pytest.raises(TypeError, match=r"got str 'abc'"):
        Value("abc")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"ag\.Tensor"):
        Value([1.0, 2.0])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"ag.Tensor\(v.data\)"):
        Value(1.0) + ag.Tensor([1.0])
    with pytest.raises(TypeError, match=r"t.item\(\)"):
        ag.Tensor([1.0]) * Value(1.0)
    with pytest.raises(TypeError, match="mul: cannot combine a Value with str"):
        Value(1.0) * "2"  # type: ignore[operator]


def test_domain_errors_name_the_op_and_value() -> None:
    with pytest.raises(ValueError, match=r"log: got x = -1.0"):
        Value(-1.0).log()
    with pytest.raises(ValueError, match=r"log: got x = 0.0"):
        ag.log(0.0)
    with pytest.raises(ValueError, match=r"sqrt: got x = -4.0"):
        Value(-4.0).sqrt()
    with pytest.raises(ValueError, match=r"pow: -8.0 \*\* 0.5 is not a real number"):
        Value(-8.0) ** 0.5
    with pytest.raises(ZeroDivisionError, match=r"div: 1.0 / 0.0"):
        Value(1.0) / 0
    with pytest.raises(OverflowError, match="exp"):
        Value(1000.0).exp()
    x = Value(0.0)
    y = x.sqrt()
    with pytest.raises(ZeroDivisionError, match=r"derivative of sqrt .* infinite at x = 0.0"):
        y.backward()


def test_no_grad_records_nothing_as_context_and_decorator() -> None:
    w = Value(2.0)
    with ag.no_grad():
        y = w * 3
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()
    assert y._parents == ()
    assert y._op is None

    @ag.no_grad()
    def predict(v: Value) -> Value:
        return v.tanh() + 1

    assert predict(w)._parents == ()
    with pytest.raises(KeyError), ag.no_grad():
        raise KeyError  # the mode is restored even when an exception escapes
    assert ag.is_grad_enabled()


def test_conversions_and_repr() -> None:
    v = Value(2.5, label="w")
    assert float(v) == 2.5
    assert repr(v) == "Value('w', data=2.5, grad=0)"
    assert Value(3) > 2
    assert Value(1) <= Value(1)
    assert isinstance(Value(np.float32(1.5)).data, float)


def test_functions_accept_values_numbers_and_arrays() -> None:
    assert ag.tanh(0.5) == math.tanh(0.5)
    assert isinstance(ag.tanh(1), float)
    np.testing.assert_allclose(ag.exp(np.array([0.0, 1.0])), [1.0, math.e])
    assert isinstance(ag.sigmoid(Value(0.0)), Value)
    assert isinstance(ag.sqrt(ag.Tensor([4.0])), ag.Tensor)
    with pytest.raises(TypeError, match=r"np\.asarray"):
        ag.exp([1.0, 2.0])


def test_repeated_derivatives_of_powers_end_in_constants_at_zero() -> None:
    # d3/dx3 x^2 = 0 everywhere, including x = 0, where 0 * x**-1 would be undefined.
    assert ag.grad(ag.grad(ag.grad(lambda x: x**2)))(0.0) == 0.0
    assert ag.derivative(lambda x: x**2, 0.0, n=3) == 0.0
    assert ag.derivative(lambda x: x**3, 0.0, n=3) == 6.0


def test_gradient_graphs_carry_no_zero_or_one_nodes() -> None:
    x = ag.Value(0.5)
    y = x.tanh()
    y.backward(create_graph=True)
    g = x.grad
    assert g._op.name == "rsub"  # 1 - y*y itself (a constant minus a node), not 0 + 1 * (…)
    assert g.data == pytest.approx(1 - math.tanh(0.5) ** 2)


def test_a_value_formats_and_converts_as_its_number() -> None:
    v = ag.Value(-2.75)
    assert f"{v:.1f}" == "-2.8"
    assert f"{v}" == repr(v)
    assert int(v) == -2
