"""ag.nn: modules, layers, scalar models, losses, and models that learn."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import central_difference

import autograd_lite as ag
from autograd_lite import nn
from autograd_lite.data import make_line, make_moons, train_test_split

# ---------------------------------------------------------------- Module


class Affine(nn.Module):
    def __init__(self) -> None:
        self.a = ag.Value(2.0)
        self.b = ag.Value(1.0)

    def forward(self, x: float) -> ag.Value:
        return self.a * x + self.b


class Tied(nn.Module):
    """Two layers sharing one weight, plus a list of modules and a nested list."""

    def __init__(self) -> None:
        self.first = nn.Linear(3, 3, seed=0)
        self.second = nn.Linear(3, 3, seed=1)
        self.second.weight = self.first.weight  # tied: one parameter, listed once
        self.blocks = [nn.Linear(3, 2, seed=2), [nn.Linear(2, 1, seed=3)]]
        self.scale = ag.Value(0.5)
        self.cache = ag.Tensor([1.0]) * 2.0  # not a parameter: no grad
        self.training_steps = 0


def test_named_parameters_walk_attributes_in_order_and_dedupe() -> None:
    names = [name for name, _ in Tied().named_parameters()]
    assert names == [  # each module's own parameters first, then its sub-modules' (PyTorch)
        "scale",
        "first.weight",
        "first.bias",
        "second.bias",
        "blocks.0.weight",
        "blocks.0.bias",
        "blocks.1.0.weight",
        "blocks.1.0.bias",
    ]
    model = Tied()
    assert len({id(p) for p in model.parameters()}) == len(model.parameters()) == 8


def test_non_leaf_tensors_and_values_are_not_parameters() -> None:
    class Holder(nn.Module):
        def __init__(self) -> None:
            w = ag.Tensor([1.0], requires_grad=True)
            self.w = w
            self.out = w * 2.0  # an intermediate result kept by mistake
            self.v = ag.Value(1.0)
            self.v_out = self.v * 3.0

    assert [name for name, _ in Holder().named_parameters()] == ["w", "v"]


def test_call_is_forward_and_missing_forward_says_what_to_do() -> None:
    assert Affine()(3.0).data == 7.0

    class Empty(nn.Module):
        pass

    with pytest.raises(NotImplementedError, match="define `def forward"):
        Empty()(1.0)


def test_zero_grad_sets_tensor_grads_to_none_and_value_grads_to_zero() -> None:
    model = Tied()
    x = ag.Tensor(np.ones((1, 3)))
    y = model.blocks[1][0](model.blocks[0](model.second(model.first(x)))) * model.scale.data
    y.sum().backward()
    (model.scale * 2.0).backward()
    assert model.first.weight.grad is not None
    assert model.scale.grad == 2.0
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters() if isinstance(p, ag.Tensor))
    assert model.scale.grad == 0.0


def test_train_and_eval_reach_every_submodule() -> None:
    model = nn.MLP(2, [4], 1, seed=0)
    assert model.eval() is model
    assert [m.training for m in model.modules()] == [False] * 4
    model.train()
    assert all(m.training for m in model.modules())


def test_module_without_init_works_micrograd_style() -> None:
    assert Affine().training is True
    assert [n for n, _ in Affine().named_parameters()] == ["a", "b"]


def test_repr_reads_like_pytorch() -> None:
    assert repr(nn.MLP(2, [16], 3, activation="tanh", seed=0)) == (
        "MLP(\n"
        "  (0): Linear(in_features=2, out_features=16, bias=True)\n"
        "  (1): Tanh()\n"
        "  (2): Linear(in_features=16, out_features=3, bias=True)\n"
        ")"
    )
    nested = nn.Sequential(nn.Sequential(nn.Linear(1, 1, bias=False, seed=0)), nn.ReLU())
    assert repr(nested) == (
        "Sequential(\n"
        "  (0): Sequential(\n"
        "    (0): Linear(in_features=1, out_features=1, bias=False)\n"
        "  )\n"
        "  (1): ReLU()\n"
        ")"
    )


# ---------------------------------------------------------------- state dicts


def test_state_dict_holds_copies_and_values_as_0d_arrays() -> None:
    model = Tied()
    state = model.state_dict()
    assert state["scale"].shape == ()
    assert state["scale"].dtype == np.float64
    state["first.weight"][...] = 0.0
    assert np.any(model.first.weight.data != 0.0)


def test_state_dict_round_trip() -> None:
    source, target = nn.MLP(2, [8, 8], 3, seed=0), nn.MLP(2, [8, 8], 3, seed=1)
    assert target.load_state_dict(source.state_dict()) == ([], [])
    x = np.random.default_rng(0).standard_normal((5, 2))
    np.testing.assert_array_equal(target(x).data, source(x).data)
    values = nn.ValueMLP(2, [3, 1], seed=0)
    copy = nn.ValueMLP(2, [3, 1], seed=1)
    copy.load_state_dict(values.state_dict())
    assert [p.data for p in copy.parameters()] == [p.data for p in values.parameters()]


def test_mismatched_load_names_key_and_shapes_and_changes_nothing() -> None:
    model = nn.MLP(2, [4], 1, seed=0)
    before = model.state_dict()
    state = nn.MLP(2, [5], 1, seed=1).state_dict()
    state["0.bias"] = model.state_dict()["0.bias"] + 1.0  # a good key, listed first
    with pytest.raises(ValueError, match="nothing was changed") as info:
        model.load_state_dict(state)
    message = str(info.value)
    assert "'0.weight': shape (5, 2) given, but the model's parameter has shape (4, 2)" in message
    assert "'2.weight': shape (1, 5) given" in message
    assert "(1, 4)" in message
    for name, array in model.state_dict().items():
        np.testing.assert_array_equal(array, before[name])


def test_missing_and_unexpected_keys_are_listed() -> None:
    model = nn.Linear(2, 1, seed=0)
    with pytest.raises(ValueError, match=r"missing key\(s\): 'bias'") as info:
        model.load_state_dict({"weight": np.zeros((1, 2)), "extra": np.zeros(3)})
    assert "unexpected key(s): 'extra'" in str(info.value)
    assert np.any(model.weight.data != 0.0)
    result = model.load_state_dict({"weight": np.zeros((1, 2)), "extra": 1.0}, strict=False)
    assert result.missing_keys == ["bias"]
    assert result.unexpected_keys == ["extra"]
    assert np.all(model.weight.data == 0.0)


def test_dtypes_may_widen_but_never_narrow_or_change_kind() -> None:
    model = nn.Linear(2, 1, seed=0)
    model.load_state_dict({"weight": np.ones((1, 2), np.float32), "bias": np.ones(1)})
    assert model.weight.dtype == np.float64
    assert np.all(model.weight.data == 1.0)
    with pytest.raises(ValueError, match=r"'weight': dtype int64 given.*float64"):
        model.load_state_dict({"weight": np.ones((1, 2), np.int64), "bias": np.ones(1)})
    small = nn.Linear(2, 1, seed=0, dtype=np.float32)
    with pytest.raises(
        ValueError, match=r"dtype float64 given, but the model's parameter is float32"
    ):
        small.load_state_dict({"weight": np.ones((1, 2)), "bias": np.ones(1, np.float32)})


# ---------------------------------------------------------------- layers


def test_linear_matches_pytorch_layout_and_formula() -> None:
    layer = nn.Linear(3, 2, seed=0)
    assert layer.weight.shape == (2, 3)
    assert layer.bias is not None
    assert layer.bias.shape == (2,)
    x = np.arange(12.0).reshape(4, 3)
    np.testing.assert_allclose(layer(x).data, x @ layer.weight.data.T + layer.bias.data)
    assert layer(ag.Tensor([1.0, 2.0, 3.0])).shape == (2,)
    assert nn.Linear(3, 2, bias=False, seed=0).bias is None


def test_linear_initialisation_is_uniform_within_one_over_sqrt_fan_in() -> None:
    layer = nn.Linear(100, 200, seed=0)
    for p in (layer.weight.data, layer.bias.data):  # type: ignore[union-attr]
        assert np.abs(p).max() <= 0.1
        assert np.abs(p).max() > 0.09  # spread over the whole interval
    assert abs(layer.weight.data.mean()) < 0.005
    np.testing.assert_array_equal(
        nn.Linear(3, 2, seed=7).weight.data, nn.Linear(3, 2, seed=7).weight.data
    )
    assert (
        nn.Linear(2, 2, dtype=np.float32, seed=0)(np.ones((1, 2), np.float32)).dtype == np.float32
    )


def test_linear_refuses_wrong_input_width_and_bad_sizes() -> None:
    with pytest.raises(
        ValueError,
        match=r"Linear\(in_features=3, .*\): expected input of shape \(N, 3\), got \(4, 2\); "
        r"set in_features=2",
    ):
        nn.Linear(3, 2, seed=0)(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="out_features must be at least 1, got 0"):
        nn.Linear(3, 0)
    with pytest.raises(TypeError, match="in_features must be an int"):
        nn.Linear(2.5, 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="seed must be an int"):
        nn.Linear(2, 1, seed="zero")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("layer", "fn"), [(nn.ReLU(), np.maximum), (nn.Tanh(), None), (nn.Sigmoid(), None)]
)
def test_activations_work_on_tensors_values_and_arrays(layer: nn.Module, fn: object) -> None:
    x = np.array([-2.0, 0.0, 3.0])
    reference = {"ReLU": np.maximum(x, 0.0), "Tanh": np.tanh(x), "Sigmoid": 1 / (1 + np.exp(-x))}
    expected = reference[type(layer).__name__]
    np.testing.assert_allclose(layer(ag.Tensor(x)).data, expected)
    np.testing.assert_allclose(layer(x), expected)
    assert math.isclose(layer(ag.Value(3.0)).data, expected[2])


def test_sequential_names_by_position_and_indexes() -> None:
    model = nn.Sequential(nn.Linear(2, 3, seed=0), nn.ReLU(), nn.Linear(3, 1, seed=1))
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert len(model) == 3
    assert isinstance(model[1], nn.ReLU)
    assert isinstance(model[-1], nn.Linear)
    assert len(model[:2]) == 2
    with pytest.raises(IndexError, match=r"Sequential: index 3 is out of range for its 3 layer"):
        model[3]
    assert model(np.zeros((4, 2))).shape == (4, 1)
    with pytest.raises(TypeError, match=r"layer 1 is type .*create an instance, e.g. ReLU\(\)"):
        nn.Sequential(nn.Linear(2, 2), nn.ReLU)  # type: ignore[arg-type]


def test_mlp_builds_the_layers_asked_for() -> None:
    model = nn.MLP(4, [8, 6], 3, activation=nn.Sigmoid, seed=0)
    assert [type(m).__name__ for m in model] == [
        "Linear",
        "Sigmoid",
        "Linear",
        "Sigmoid",
        "Linear",
    ]
    assert model.sizes == (4, 8, 6, 3)
    assert sum(p.data.size for p in model.parameters()) == 4 * 8 + 8 + 8 * 6 + 6 + 6 * 3 + 3
    assert isinstance(nn.MLP(2, 5, 1)[1], nn.ReLU)  # an int: one hidden layer
    assert len(nn.MLP(2, [], 1)) == 1  # no hidden layer: a linear model
    a, b = nn.MLP(2, [8], 2, seed=3), nn.MLP(2, [8], 2, seed=3)
    for (_, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(p.data, q.data)


def test_mlp_refuses_bad_arguments_with_the_choices() -> None:
    with pytest.raises(
        ValueError, match="unknown activation 'swish'; choose one of relu, tanh, sigmoid, gelu"
    ):
        nn.MLP(2, [4], 1, activation="swish")
    with pytest.raises(ValueError, match=r"hidden_sizes\[1\] must be at least 1, got 0"):
        nn.MLP(2, [4, 0], 1)
    with pytest.raises(TypeError, match="hidden_sizes must be a list"):
        nn.MLP(2, "16,16", 1)  # type: ignore[arg-type]


# ---------------------------------------------------------------- scalar models


def test_value_mlp_has_micrograds_shape_and_order() -> None:
    model = nn.ValueMLP(3, [4, 4, 1], seed=0)
    params = model.parameters()
    assert len(params) == 41
    assert all(isinstance(p, ag.Value) for p in params)
    first = model.layers[0].neurons[0]
    assert params[:4] == [*first.w, first.b]  # micrograd: w then b, neuron by neuron
    out = model([2.0, 3.0, -1.0])
    assert isinstance(out, ag.Value)  # one output: a Value, not a list
    hidden = model.layers[0]([2.0, 3.0, -1.0])
    assert isinstance(hidden, list)
    assert len(hidden) == 4
    assert all(h.data >= 0.0 for h in hidden)  # ReLU
    assert repr(model.layers[2]) == "Layer(4 -> 1, linear)"
    assert repr(first) == "Neuron(3, relu)"


def test_neuron_computes_bias_plus_weighted_sum() -> None:
    n = nn.Neuron(2, nonlin=False, seed=0)
    n.w[0].data, n.w[1].data, n.b.data = 2.0, -1.0, 0.5
    out = n([ag.Value(3.0), 4.0])
    assert out.data == 2.5
    out.backward()
    assert (n.w[0].grad, n.w[1].grad, n.b.grad) == (3.0, 4.0, 1.0)
    with pytest.raises(ValueError, match="got 3 inputs but the neuron has 2 weights"):
        n([1.0, 2.0, 3.0])


def test_a_scalar_subclass_overriding_forward_is_called() -> None:
    class TanhNeuron(nn.Neuron):
        def forward(self, x: list[float]) -> ag.Value:
            return super().forward(x).tanh()

    neuron = TanhNeuron(2, nonlin=False, seed=0)
    expected = math.tanh(neuron.b.data + sum(w.data for w in neuron.w))
    assert math.isclose(neuron([1.0, 1.0]).data, expected)


def test_value_mlp_learns_moons() -> None:
    X, y = make_moons(100, noise=0.1, seed=0)
    model = nn.ValueMLP(2, [16, 1], seed=1)
    opt = ag.optim.Adam(model.parameters(), lr=0.1)  # 99-100% by step 60 for seeds 0-3
    targets = [float(t) for t in y]
    inputs = [list(map(float, row)) for row in X]
    for _ in range(60):
        logits = [model(x) for x in inputs]
        loss = nn.binary_cross_entropy_with_logits(logits, targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
    accuracy = np.mean([(model(x).data > 0) == t for x, t in zip(inputs, y)])
    assert accuracy >= 0.95


# ---------------------------------------------------------------- losses


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_cross_entropy_equals_numpy_reference_value_and_gradient() -> None:
    rng = np.random.default_rng(0)
    z, labels = rng.standard_normal((6, 4)), np.array([0, 3, 1, 1, 2, 0])
    logits = ag.Tensor(z, requires_grad=True)
    loss = nn.cross_entropy(logits, labels)
    reference = -np.mean(np.log(_softmax(z))[np.arange(6), labels])
    assert math.isclose(loss.item(), reference, rel_tol=1e-12)
    loss.backward()
    onehot = np.eye(4)[labels]
    np.testing.assert_allclose(logits.grad, (_softmax(z) - onehot) / 6, atol=1e-15)

    def f(a: np.ndarray) -> float:
        return float(nn.cross_entropy(ag.Tensor(a), labels).item())

    np.testing.assert_allclose(logits.grad, central_difference(f, z)[0], atol=1e-8)
    per_sample = nn.cross_entropy(ag.Tensor(z), labels, reduction="none")
    np.testing.assert_allclose(per_sample.data, -np.log(_softmax(z))[np.arange(6), labels])
    assert math.isclose(
        nn.cross_entropy(ag.Tensor(z), labels, reduction="sum").item(), 6 * reference
    )


def test_cross_entropy_is_finite_for_huge_logits() -> None:
    logits = ag.Tensor([[1000.0, -1000.0, 0.0], [0.0, 0.0, 2000.0]], requires_grad=True)
    loss = nn.cross_entropy(logits, [1, 2])
    assert math.isclose(loss.item(), 1000.0)  # (2000 + 0) / 2
    loss.backward()
    assert np.all(np.isfinite(logits.grad))


def test_cross_entropy_takes_one_sample_and_whole_float_labels() -> None:
    z = np.array([1.0, 2.0, 0.5])
    one = nn.cross_entropy(ag.Tensor(z), 1).item()
    assert math.isclose(one, -np.log(_softmax(z[None]))[0, 1])
    assert nn.cross_entropy(ag.Tensor(z[None]), np.array([1.0])).item() == one


@pytest.mark.parametrize(
    ("shape", "labels", "message"),
    [
        ((4, 3), [0, 1, 2], r"logits have shape \(4, 3\), so targets must have shape \(4,\)"),
        ((4, 3), [[0], [1], [2], [0]], r"got shape \(4, 1\); use y.reshape\(-1\)"),
        ((4, 3), [0, 1, 3, 0], r"label 3 is out of range for logits with 3 classes"),
        ((4, 3), [0, -1, 2, 0], r"label -1 is out of range"),
        ((4, 3), [0.5, 1, 2, 0], r"integer class labels, got dtype float64 with value 0.5"),
        ((2, 3, 4), [0, 1], r"logits must have shape \(N, C\).*\(2, 3, 4\)"),
    ],
)
def test_cross_entropy_errors_name_the_shapes(
    shape: tuple[int, ...], labels: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        nn.cross_entropy(ag.Tensor(np.zeros(shape)), labels)


def test_cross_entropy_refuses_values_and_bad_reductions() -> None:
    with pytest.raises(TypeError, match="takes a Tensor of logits"):
        nn.cross_entropy([ag.Value(1.0)], [0])
    with pytest.raises(ValueError, match="unknown reduction 'avg'; choose one of mean, sum, none"):
        nn.cross_entropy(ag.Tensor(np.zeros((1, 2))), [0], reduction="avg")


def test_bce_with_logits_equals_the_formula_and_its_gradient_is_sigmoid_minus_y() -> None:
    z = np.array([-800.0, -3.0, -0.5, 0.0, 0.0, 0.7, 4.0, 800.0])
    y = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 0.3, 1.0, 0.0])
    logits = ag.Tensor(z, requires_grad=True)
    loss = nn.binary_cross_entropy_with_logits(logits, y)
    reference = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    assert math.isclose(loss.item(), reference.mean(), rel_tol=1e-12)
    loss.backward()
    sigmoid = np.exp(-np.logaddexp(0.0, -z))
    np.testing.assert_allclose(logits.grad, (sigmoid - y) / len(z), atol=1e-15)
    assert logits.grad[3] == 0.5 / len(z)  # exact at z = 0, where relu'/abs' would say 0


def test_bce_with_logits_on_values_matches_tensors() -> None:
    z, y = [-2.0, 0.0, 1.5], [0.0, 1.0, 1.0]
    values = [ag.Value(v) for v in z]
    loss = nn.binary_cross_entropy_with_logits(values, y)
    loss.backward()
    tensor = ag.Tensor(z, requires_grad=True)
    reference = nn.binary_cross_entropy_with_logits(tensor, y)
    reference.backward()
    assert math.isclose(loss.data, reference.item(), rel_tol=1e-14)
    np.testing.assert_allclose([v.grad for v in values], tensor.grad, rtol=1e-14)
    with pytest.raises(
        ValueError, match=r"targets must lie in \[0, 1\].*found -1.0.*\(y \+ 1\) / 2"
    ):
        nn.binary_cross_entropy_with_logits(ag.Tensor([1.0, 2.0]), [-1.0, 1.0])


def test_mse_loss_on_tensors_and_values() -> None:
    pred = ag.Tensor([1.0, 2.0, 4.0], requires_grad=True)
    loss = nn.mse_loss(pred, [1.0, 0.0, 1.0])
    assert loss.item() == 13.0 / 3
    loss.backward()
    np.testing.assert_allclose(pred.grad, [0.0, 4.0 / 3, 2.0])
    values = [ag.Value(1.0), ag.Value(2.0), ag.Value(4.0)]
    scalar = nn.mse_loss(values, [1.0, 0.0, 1.0])
    scalar.backward()
    assert math.isclose(scalar.data, 13.0 / 3)
    assert math.isclose(values[1].grad, 4.0 / 3)
    assert nn.mse_loss(ag.Value(3.0), 1.0).data == 4.0
    assert nn.mse_loss(pred, [1.0, 0.0, 1.0], reduction="sum").item() == 13.0


def test_mse_loss_refuses_a_column_against_a_row() -> None:
    with pytest.raises(
        ValueError, match=r"shape \(5, 1\) but target has shape \(5,\).*reshape\(-1\)"
    ):
        nn.mse_loss(ag.Tensor(np.zeros((5, 1))), np.zeros(5))
    with pytest.raises(ValueError, match="2 predictions but 3 targets"):
        nn.mse_loss([ag.Value(1.0), ag.Value(2.0)], [1.0, 2.0, 3.0])


# ---------------------------------------------------------------- models that learn


def test_linear_regression_recovers_polyfit() -> None:
    X, y = make_line(200, a=-1.5, b=0.7, noise=0.3, seed=0)
    model = nn.Linear(1, 1, seed=0)
    opt = ag.optim.SGD(model.parameters(), lr=0.5)
    target = y.reshape(-1, 1)
    for _ in range(500):
        loss = nn.mse_loss(model(X), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
    a, b = np.polyfit(X[:, 0], y, 1)
    assert abs(model.weight.data[0, 0] - a) < 1e-3
    assert abs(model.bias.data[0] - b) < 1e-3  # type: ignore[union-attr]


def test_logistic_regression_separates_two_blobs() -> None:
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(-2.0, 0.7, (100, 2)), rng.normal(2.0, 0.7, (100, 2))])
    y = np.repeat([0.0, 1.0], 100)
    model = nn.Linear(2, 1, seed=0)
    for p in model.parameters():  # from zero, where relu/abs subgradients would mislead
        p.data[...] = 0.0
    opt = ag.optim.SGD(model.parameters(), lr=0.5)
    for _ in range(100):
        loss = nn.binary_cross_entropy_with_logits(model(X).reshape(-1), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with ag.no_grad():
        predicted = model(X).data[:, 0] > 0
    assert np.all(predicted == (y == 1.0))


def _train_classifier(
    model: nn.Module, X: np.ndarray, y: np.ndarray, epochs: int, lr: float
) -> None:
    opt = ag.optim.Adam(model.parameters(), lr=lr)
    loader = ag.data.DataLoader(X, y, batch_size=32, seed=0)
    for _ in range(epochs):
        for xb, yb in loader:
            loss = nn.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()


def test_tensor_mlp_reaches_97_percent_test_accuracy_on_moons() -> None:
    X, y = make_moons(1000, noise=0.1, seed=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=0)
    model = nn.MLP(2, [16, 16], 2, seed=0)
    _train_classifier(model, X_train, y_train, epochs=30, lr=0.01)
    with ag.no_grad():
        accuracy = np.mean(model(X_test).data.argmax(axis=1) == y_test)
    assert accuracy >= 0.97


def test_mlp_reaches_96_percent_test_accuracy_on_digits() -> None:
    pytest.importorskip("sklearn")
    X, y = ag.data.load_digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=0, stratify=y)
    model = nn.MLP(64, [128], 10, seed=0)
    _train_classifier(model, X_train, y_train, epochs=15, lr=0.003)
    with ag.no_grad():
        accuracy = np.mean(model(X_test).data.argmax(axis=1) == y_test)
    assert accuracy >= 0.96


# ---------------------------------------------------------------- PyTorch parity


def test_state_dicts_port_to_and_from_pytorch() -> None:
    torch = pytest.importorskip("torch")
    ours = nn.MLP(3, [5], 2, activation="tanh", seed=0)
    theirs = torch.nn.Sequential(
        torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2)
    ).double()
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((4, 3))
    np.testing.assert_allclose(
        theirs(torch.from_numpy(x)).detach().numpy(), ours(x).data, rtol=1e-12
    )
    labels = np.array([0, 1, 1, 0])
    reference = torch.nn.functional.cross_entropy(
        theirs(torch.from_numpy(x)), torch.from_numpy(labels)
    )
    assert math.isclose(nn.cross_entropy(ours(x), labels).item(), reference.item(), rel_tol=1e-12)
    z = torch.tensor([-3.0, 0.0, 2.5], dtype=torch.float64)
    t = torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64)
    expected = torch.nn.functional.binary_cross_entropy_with_logits(z, t).item()
    assert math.isclose(
        nn.binary_cross_entropy_with_logits(ag.Tensor(z.numpy()), t.numpy()).item(), expected
    )
