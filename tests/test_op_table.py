"""Every place that knows an op agrees with its entry in the table.

An op is its entry in `autograd_lite.rules` (a `Rule` or a `Composite`) plus one short
method per node class that has it. These tests walk the table and fail when a method,
an `ag.*` function, Taylor mode, NumPy dispatch, the command line's formulas, the
visualizer's names, the rule page or an op list in the docs disagrees with it, or when
one of those knows an op the table does not.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import dispatch, expr
from autograd_lite import functions as F
from autograd_lite import rules as R
from autograd_lite.taylor import Series, _Tape
from autograd_lite.viz.names import names_of, op_symbol

ROOT = Path(__file__).resolve().parents[1]
CLASSES = {"Value": ag.Value, "Tensor": ag.Tensor, "Series": Series}
OPS = list(R.OPS)


def ids(ops: list[Any]) -> list[str]:
    return [op.name for op in ops]


def inputs_for(op: Any, kind: str) -> list[Any]:
    """Nodes of class `kind` at a point of the op's example domain."""
    example = op.example if isinstance(op, R.Rule) else R.Example("positive")
    rng = np.random.default_rng(0)
    made = []
    for domain in example.inputs:
        if not isinstance(domain, str):  # a structural op's input shape
            made.append(ag.Tensor(rng.normal(size=domain), requires_grad=True))
            continue
        lo, hi = R.DOMAINS[domain]
        x = float(rng.uniform(lo, hi))
        if kind == "Value":
            made.append(ag.Value(x))
        elif kind == "Series":
            made.append(Series.variable(x, _Tape(2)))
        else:
            made.append(ag.Tensor(np.full((3, 1, 4), x), requires_grad=True))
    return made


# Methods and functions whose arguments are not (inputs..., *constants).
SPECIAL_CALLS = {
    "pad": lambda t, c: t.pad(c[0], constant_values=c[1]),
    "__getitem__": lambda t, c: t[c],
}


def call_method(op: R.Rule, nodes: list[Any]) -> Any:
    method, consts = op.names.method, op.example.consts
    assert method is not None
    if method in SPECIAL_CALLS:
        return SPECIAL_CALLS[method](nodes[0], consts)
    bound = getattr(nodes[0], method)
    if len(nodes) > 1:
        return bound(*nodes[1:])
    if consts is None:
        return bound()
    return bound(*consts) if isinstance(consts, tuple) else bound(consts)


def top_rules(out: Any) -> set[Any]:
    """The op that made `out`, and for a sum of two selects (ag.where) both of them."""
    found = {out._op}
    if out._op is R.ADD:
        found |= {p._op for p in out._parents}
    return found


# ---------------------------------------------------------------- methods on node classes


RULES_WITH_METHODS = [r for r in R.RULES if r.names.method and r.names.on]


@pytest.mark.parametrize("rule", RULES_WITH_METHODS, ids=ids(RULES_WITH_METHODS))
def test_each_method_the_table_names_exists_and_records_its_rule(rule: R.Rule) -> None:
    for kind in rule.names.on:
        cls = CLASSES[kind]
        assert hasattr(cls, rule.names.method), f"{kind}.{rule.names.method} is missing"  # type: ignore[arg-type]
        out = call_method(rule, inputs_for(rule, kind))
        assert out._op is rule, f"{kind}.{rule.names.method} records {out._op}, not {rule}"


COMPOSITES_WITH_METHODS = [c for c in R.COMPOSITES if c.names.method]


@pytest.mark.parametrize("op", COMPOSITES_WITH_METHODS, ids=ids(COMPOSITES_WITH_METHODS))
def test_each_composed_method_calls_its_composition(op: R.Composite) -> None:
    for kind in op.names.on:
        method = getattr(CLASSES[kind], op.names.method)  # type: ignore[arg-type]
        source = inspect.getsource(method)
        assert f"R.{op.name.upper()}(" in source, f"{kind}.{op.names.method} bypasses the table"


def test_taylor_support_is_what_the_table_says() -> None:
    for op in OPS:
        if op.names.method and op.names.on:
            assert ("Series" in op.names.on) == op.taylor, op.name


def test_node_classes_use_no_rule_outside_the_table() -> None:
    """A `R.NAME` in the node classes or in `ag.*` names an entry of the table."""
    table = set(map(id, OPS))
    for module in ("value.py", "tensor.py", "taylor.py", "functions.py"):
        source = (ROOT / "autograd_lite" / module).read_text(encoding="utf-8")
        for name in set(re.findall(r"\bR\.([A-Z][A-Z0-9_]*)\b", source)):
            assert id(getattr(R, name)) in table, f"{module} uses R.{name}, not in the table"


# ---------------------------------------------------------------- ag.* functions

FUNCTION_CALLS = {
    "where": lambda f, xs, c: f(c[0], xs[0], c[1]),
    "concatenate": lambda f, xs, c: f(xs, c[0]),
    "einsum": lambda f, xs, c: f(c, *xs),
    "clip": lambda f, xs, c: f(xs[0], *c),
}
RULES_WITH_FUNCTIONS = [r for r in R.RULES if r.names.function]


@pytest.mark.parametrize("rule", RULES_WITH_FUNCTIONS, ids=ids(RULES_WITH_FUNCTIONS))
def test_each_function_the_table_names_records_its_rule(rule: R.Rule) -> None:
    function = getattr(ag, rule.names.function)  # type: ignore[arg-type]
    kinds = [k for k in rule.names.on if k != "Series"] or ["Tensor"]
    for kind in kinds:
        nodes = inputs_for(rule, kind)
        consts = rule.example.consts
        if rule.name in FUNCTION_CALLS:
            out = FUNCTION_CALLS[rule.name](function, nodes, consts)
        elif consts is None or len(nodes) > 1:
            out = function(*nodes)
        else:
            out = function(nodes[0], consts)
        assert rule in top_rules(out), f"ag.{rule.names.function} does not record {rule.name}"


def test_every_public_function_belongs_to_an_op() -> None:
    named = {op.names.function for op in OPS}
    public = {
        name
        for name, obj in vars(F).items()
        if inspect.isfunction(obj) and obj.__module__ == F.__name__
    }
    assert {name for name in public if not name.startswith("_")} == named - {None}
    for name in named - {None}:
        assert getattr(ag, name) is getattr(F, name)  # type: ignore[arg-type]


# ---------------------------------------------------------------- NumPy dispatch


def test_every_numpy_counterpart_dispatches_to_its_op() -> None:
    table = dispatch.table()
    for op in OPS:
        for numpy_function in op.names.numpy:
            assert numpy_function in table, f"np.{numpy_function.__name__} ({op.name})"
    t = ag.Tensor(np.full((3, 3), 0.5), requires_grad=True)
    with np.errstate(all="ignore"):  # arccosh(0.5) is nan: only the recording matters here
        _dispatch_each_ufunc(t)


def _dispatch_each_ufunc(t: ag.Tensor) -> None:
    for rule in R.RULES:
        for numpy_function in rule.names.numpy:
            if isinstance(numpy_function, np.ufunc) and numpy_function.nin == 1:
                assert numpy_function(t)._op is rule, numpy_function.__name__
            elif isinstance(numpy_function, np.ufunc):
                assert rule in top_rules(numpy_function(t, t)), numpy_function.__name__


# ---------------------------------------------------------------- the command line


def test_the_cli_functions_are_the_tables() -> None:
    wanted = [op.names.cli for op in OPS if op.names.cli and op.names.cli.isidentifier()]
    assert list(expr.FUNCTIONS) == wanted
    for op in OPS:
        if op.names.cli and op.names.cli.isidentifier():
            low, _ = expr.arity(op.names.cli)
            args = ", ".join(["x"] + ["0.5"] * (low - 1))
            tree = expr.parse(f"{op.names.cli}({args})")
            x = inputs_for(op, "Value")[0] if isinstance(op, R.Rule) else ag.Value(0.7)
            value = expr.evaluate(tree, {"x": x})
            assert isinstance(value, ag.Value), op.name
            if isinstance(op, R.Rule):
                assert value._op is op, op.name


def test_every_operator_of_a_scalar_op_is_accepted_by_the_cli() -> None:
    for rule in R.RULES:
        cli = rule.names.cli
        if cli and not cli.isidentifier() and "Value" in rule.names.on:
            text = f"{cli}x" if rule.name == "neg" else f"x {cli} y"
            value = expr.evaluate(expr.parse(text), {"x": ag.Value(0.7), "y": ag.Value(1.3)})
            assert value._op is rule, text


def test_the_cli_page_lists_the_tables_functions() -> None:
    page = (ROOT / "docs" / "guides" / "cli.md").read_text(encoding="utf-8")
    assert f"`{' '.join(expr.FUNCTIONS)}`" in page


# ---------------------------------------------------------------- the visualizer and the docs


@pytest.mark.parametrize("rule", R.RULES, ids=ids(R.RULES))
def test_the_visualizer_writes_each_op_as_the_table_says(rule: R.Rule) -> None:
    kind = "Value" if "Value" in rule.names.on else "Tensor"
    nodes = inputs_for(rule, kind)
    if rule is R.FROM_VALUE:
        out = ag.Tensor._of_value(ag.Value(1.0))
    elif getattr(rule, "variadic", False):
        out = ag.tensor.nary(rule, nodes, rule.example.consts)
    elif len(nodes) == 1:
        out = nodes[0]._unary(rule, rule.example.consts)
    else:
        out = nodes[0]._binary(rule, nodes[1])
    symbol = (
        rule.show.symbol.strip()[:1] if rule.show.form == "index" else rule.show.symbol.strip()
    )
    assert symbol in op_symbol(rule, out._ctx)
    for node in out._parents:
        node.label = "a"
    from autograd_lite.graph import topological_order

    assert symbol in names_of(topological_order(out))[out]


BINARY = [r for r in R.RULES if r.elementwise and len(r.partials) == 2]


@pytest.mark.parametrize("rule", BINARY, ids=ids(BINARY))
def test_a_two_input_op_with_a_number_writes_the_number(rule: R.Rule) -> None:
    """`x OP 2.5` keeps 2.5 as the op's constant, not as a node: the name of the node
    (and every formula that names it) must still show it (`logaddexp(x, 2.5)`)."""
    from autograd_lite.graph import topological_order

    x = ag.Value(0.75, label="x")
    out = x._binary(rule, 2.5)
    assert out._parents == (x,)
    assert out._ctx == 2.5
    assert "2.5" in names_of(topological_order(out))[out]


def test_where_writes_which_way_its_condition_selects() -> None:
    """`ag.where(cond, 2, t)` takes t where cond is False: its node must not read as
    `where(t, cond, 2)`, which says the opposite."""
    from autograd_lite.graph import topological_order

    t = ag.Tensor([0.5, 1.0], label="t", requires_grad=True)
    cond = np.array([True, False])
    for out, want in (
        (ag.where(cond, t, 2.0), "where(t, cond, 2)"),
        (ag.where(cond, 2.0, t), "where(t, ~cond, 2)"),
    ):
        assert names_of(topological_order(out))[out] == want


def test_the_readme_counts_the_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    elementwise = sum(1 for r in R.RULES if r.elementwise)
    structural = len(R.RULES) - elementwise
    said = f"{elementwise} elementwise and {structural} structural rules, {len(R.COMPOSITES)}"
    assert said in readme
