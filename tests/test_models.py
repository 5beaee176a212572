"""The toy models (CNN, bigram, MLP, Transformer), their training runs in small, sampling,
and the command line: `train --dataset digits --model cnn`, `train --dataset names`,
`sample`. Full-length figures live in `bench/`; these runs are short, with fixed seeds."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.cli import main
from autograd_lite.data import Vocabulary
from autograd_lite.models import Transformer, bigram_model, mlp_model, sample
from autograd_lite.train import default_config, run
from autograd_lite.train.language import (
    language_config,
    load_language_model,
    run_language,
    save_language_model,
)

rng = np.random.default_rng(0)


def cli(capsys: Any, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as stop:
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------ the models themselves


def test_transformer_is_causal() -> None:
    """Changing a later character never changes the predictions at earlier positions."""
    model = Transformer(27, 16, n_layer=2, n_head=4, n_embd=32, seed=0, dtype=np.float64)
    x = rng.integers(0, 27, (2, 10))
    changed = x.copy()
    changed[:, 6:] = rng.integers(0, 27, (2, 4))
    a, b = model(x).data, model(changed).data
    np.testing.assert_allclose(a[:, :6], b[:, :6], rtol=1e-12)
    assert not np.allclose(a[:, 6:], b[:, 6:])


def test_transformer_gradients_match_central_differences() -> None:
    model = Transformer(5, 4, n_layer=1, n_head=2, n_embd=4, seed=0, dtype=np.float64)
    x, y = rng.integers(0, 5, (2, 4)), rng.integers(0, 5, (2, 4))
    weight = model.blocks[0].attn.c_attn.weight

    def loss(w: ag.Tensor) -> ag.Tensor:
        weight.data[...] = w.data
        return ag.nn.cross_entropy(model(x).reshape(-1, 5), y.reshape(-1))

    computed = ag.Tensor(weight.data.copy(), requires_grad=True)
    ag.nn.cross_entropy(model(x).reshape(-1, 5), y.reshape(-1)).backward()
    analytic = weight.grad.copy()
    numeric = np.zeros_like(analytic)
    base = computed.data.copy()
    for index in np.ndindex(*base.shape):
        for sign in (1, -1):
            shifted = base.copy()
            shifted[index] += sign * 1e-6
            numeric[index] += sign * loss(ag.Tensor(shifted)).item() / 2e-6
    weight.data[...] = base
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


def test_the_names_transformer_has_between_0_1_and_0_2_million_parameters() -> None:
    config = language_config("transformer")
    model = Transformer(27, config.block_size, config.n_layer, config.n_head, config.n_embd)
    count = sum(p.data.size for p in model.parameters())
    assert 100_000 <= count <= 200_000
    assert config.block_size == 16


def test_kaiming_init_scales_the_first_layer_and_quiets_the_last() -> None:
    model = mlp_model(27, block_size=3, n_embd=10, n_hidden=200, kaiming=True, seed=0)
    first, last = model[2], model[len(model) - 1]
    assert abs(first.weight.data.std() * 30**0.5 - 5 / 3) < 0.05
    assert np.all(last.bias.data == 0.0)
    logits = model(rng.integers(0, 27, (64, 3))).data
    # Predictions start close to uniform: the loss is near log(27), not far above it.
    loss = ag.nn.cross_entropy(logits, rng.integers(0, 27, 64)).item()
    assert abs(loss - np.log(27)) < 0.1


def test_sample_is_repeatable_and_stops_at_the_end_token() -> None:
    vocab = Vocabulary("ab")
    model = bigram_model(len(vocab), seed=0)
    model[0].weight.data[...] = np.log(
        np.array([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5], [1.0, 0.0, 0.0]]) + 1e-12
    )  # . -> a; a -> . or b; b -> .
    names = sample(model, vocab, block_size=1, n=20, seed=0)
    assert set(names) <= {"a", "ab"}
    assert names == sample(model, vocab, block_size=1, n=20, seed=0)
    tf = Transformer(len(vocab), 4, n_layer=1, n_head=1, n_embd=8, seed=0)
    assert all(len(n) <= 3 for n in sample(tf, vocab, block_size=4, n=10, seed=0))


# ------------------------------------------------------------------ short training runs


def test_a_short_mlp_run_learns_names() -> None:
    result = run_language(language_config("mlp", steps=2000), progress=False)
    assert result.test_loss < 2.6  # uniform guessing: log 27 = 3.30
    assert len(result.samples) == 10
    assert all(re.fullmatch("[a-z]*", name) for name in result.samples)


def test_a_short_batchnorm_run_uses_running_statistics_at_test_time() -> None:
    result = run_language(
        language_config("mlp", steps=1000, batchnorm=True, init="kaiming"), progress=False
    )
    bn = result.model[3]
    assert isinstance(bn, ag.nn.BatchNorm1d)
    assert int(bn.num_batches_tracked) == 1000
    assert result.test_loss < 2.7


@pytest.mark.slow
def test_a_short_transformer_run_learns_names() -> None:
    config = language_config("transformer", steps=150, n_layer=1, n_embd=32, batch_size=32)
    result = run_language(config, progress=False)
    assert result.test_loss < 2.6


def test_a_short_cnn_run_classifies_digits() -> None:
    pytest.importorskip("sklearn")
    result = run(default_config("digits", model="cnn", epochs=4), progress=False)
    assert result.test_accuracy is not None
    assert result.test_accuracy > 0.9


def test_saved_language_models_sample_again(tmp_path: Path) -> None:
    result = run_language(language_config("bigram", steps=100), progress=False)
    path = str(tmp_path / "bigram.npz")
    save_language_model(result, path)
    model, vocab, config = load_language_model(path)
    assert vocab.chars == result.vocab.chars
    assert config == result.config
    for mine, theirs in zip(model.parameters(), result.model.parameters()):
        np.testing.assert_array_equal(mine.data, theirs.data)
    ag.load(bigram_model(27), path)  # a plain load ignores the metadata


# ------------------------------------------------------------------ the command line


def test_train_names_ends_with_the_test_loss_and_ten_names(capsys: Any, tmp_path: Path) -> None:
    path = tmp_path / "names.npz"
    code, out, err = cli(
        capsys, "train", "--dataset", "names", "--model", "bigram", "--steps", "200",
        "--save", str(path),
    )  # fmt: skip
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[0].startswith("training a bigram model, 729 parameters, on names")
    assert re.fullmatch(r"test loss \d\.\d{4}", lines[-11])
    assert all(re.fullmatch("[a-z]*", name) for name in lines[-10:])
    code, out, err = cli(capsys, "sample", str(path), "-n", "20", "--seed", "1")
    assert code == 0, err
    assert len(out.splitlines()) == 20
    assert out == cli(capsys, "sample", str(path), "-n", "20", "--seed", "1")[1]


def test_train_digits_with_the_cnn_ends_with_the_test_accuracy(capsys: Any) -> None:
    pytest.importorskip("sklearn")
    code, out, err = cli(capsys, "train", "--dataset", "digits", "--model", "cnn", "--epochs", "1")
    assert code == 0, err
    assert "training a CNN" in out
    assert re.search(r"test accuracy \d+\.\d%  \(", out.strip().splitlines()[-1])


def test_sample_refuses_a_file_that_is_not_a_language_model(capsys: Any, tmp_path: Path) -> None:
    path = tmp_path / "mlp.npz"
    ag.save(ag.nn.MLP(2, [4], 2, seed=0), path)
    code, _, err = cli(capsys, "sample", str(path))
    assert code == 2
    assert "is not a language model" in err
    assert "autograd-lite train --dataset names" in err
    assert "Traceback" not in err
    code, _, err = cli(capsys, "sample", str(tmp_path / "missing.npz"))
    assert code == 2
    assert "no file" in err
    (tmp_path / "junk.npz").write_text("not a zip")
    code, _, err = cli(capsys, "sample", str(tmp_path / "junk.npz"))
    assert code == 2
    assert "not a readable .npz archive" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--dataset", "moons", "--model", "cnn"], "the cnn model reads 8x8 images"),
        (["--dataset", "names", "--epochs", "3"], "--epochs does not apply to --dataset names"),
        (["--dataset", "names", "--model", "cnn"], "names takes bigram, mlp or transformer"),
        (["--dataset", "names", "--model", "transformer", "--batchnorm"], "apply to --model mlp"),
        (["--dataset", "moons", "--steps", "10"], "--steps is for --dataset names"),
        (["--dataset", "digits", "--model", "cnn", "--hidden", "8"], "the cnn model has its own"),
        (["--dataset", "moons", "--init", "xavier"], "unknown init 'xavier'"),
        (["--dataset", "names", "--hidden", "8,8"], "--hidden for names takes one width"),
    ],
)
def test_bad_combinations_exit_2_with_a_message(
    capsys: Any, argv: list[str], message: str
) -> None:
    code, _, err = cli(capsys, "train", *argv)
    assert code == 2
    assert message in err
