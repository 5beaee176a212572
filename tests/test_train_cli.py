"""`autograd-lite train` and the training loop behind it (`autograd_lite.train`)."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import train, train_plot
from autograd_lite.cli import main
from autograd_lite.commands import train as train_command


def cli(capsys: Any, *argv: str) -> tuple[int, str, str]:
    code = main(["train", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def usage_error(capsys: Any, *argv: str) -> str:
    """Run argv, expect exit code 2 and one line on stderr; return that line."""
    try:
        code = main(["train", *argv])
    except SystemExit as stop:  # argparse's own errors
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    assert code == 2, out + err
    return err


@pytest.mark.parametrize("dataset", ["moons", "circles", "spirals", "xor", "line", "digits"])
def test_train_runs_on_every_dataset(capsys: Any, dataset: str) -> None:
    if dataset == "digits":
        pytest.importorskip("sklearn")
    code, out, err = cli(capsys, "--dataset", dataset, "--epochs", "2")
    assert code == 0, err
    assert out.startswith("training ")
    assert f"on {dataset} (" in out
    assert re.search(r"^epoch 1/2  loss \d", out, re.M)  # plain lines: not a terminal
    if dataset == "line":
        assert re.search(r"R\^2 train 0\.\d+ +test 0\.\d+ +fitted y = a x \+ b: a = ", out)
    else:
        assert re.search(r"train accuracy \d+\.\d% +test accuracy \d+\.\d%", out)


def test_defaults_reach_97_percent_on_moons_quickly() -> None:
    result = train.run(train.default_config("moons"), progress=False)
    assert result.test_accuracy is not None
    assert result.test_accuracy >= 0.97
    assert result.history.seconds < 10  # about a second or less on one core; a loose bound


def test_line_defaults_recover_the_slope_and_intercept() -> None:
    result = train.run(train.default_config("line"), progress=False)
    assert result.slope is not None
    assert result.intercept is not None
    a, b = np.polyfit(result.X_train[:, 0], result.y_train[:, 0], 1)
    assert abs(result.slope - a) < 1e-3
    assert abs(result.intercept - b) < 1e-3
    assert result.test_r2 is not None
    assert result.test_r2 > 0.98


def test_a_seed_gives_the_same_run(capsys: Any) -> None:
    runs = [cli(capsys, "--epochs", "3", "--seed", "5")[1] for _ in range(2)]
    without_times = [re.sub(r"\(\d+\.\d s", "(_ s", out) for out in runs]
    assert without_times[0] == without_times[1]
    other = train.run(train.default_config("moons", epochs=3, seed=6), progress=False)
    same = train.run(train.default_config("moons", epochs=3, seed=5), progress=False)
    assert other.history.loss != same.history.loss


def test_options_override_the_dataset_defaults(capsys: Any) -> None:
    code, out, _ = cli(
        capsys,
        "--hidden",
        "8",
        "--activation",
        "tanh",
        "--optimizer",
        "sgd",
        "--lr",
        "0.1",
        "--epochs",
        "1",
        "--batch-size",
        "64",
        "--samples",
        "200",
        "--noise",
        "0.2",
    )
    assert code == 0
    assert (
        "an MLP (8, tanh), 42 parameters, on moons (150 train / 50 test rows): sgd lr=0.1, "
        "1 epochs, batch size 64" in out
    )


def test_save_and_plot_write_their_files(capsys: Any, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    model_path, plot_path = tmp_path / "moons.npz", tmp_path / "moons.png"
    code, out, err = cli(
        capsys, "--epochs", "2", "--save", str(model_path), "--plot", str(plot_path)
    )
    assert code == 0, err
    assert f"saved the parameters to {model_path}" in out
    assert f"wrote the plot to {plot_path}" in out
    assert plot_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ag.load(ag.nn.MLP(2, [16, 16], 2), model_path)  # loads into the same architecture


@pytest.mark.parametrize("dataset", ["line", "digits", "spirals"])
def test_plots_for_each_kind_of_task(tmp_path: Path, dataset: str) -> None:
    pytest.importorskip("matplotlib")
    if dataset == "digits":
        pytest.importorskip("sklearn")
    result = train.run(train.default_config(dataset, epochs=1), progress=False)
    path = str(tmp_path / f"{dataset}.svg")
    assert train_plot.plot_result(result, path) == path
    assert Path(path).read_text().lstrip().startswith("<?xml")


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--dataset", "mons"],
            "unknown dataset 'mons'; choose one of moons, circles, spirals, "
            "xor, line, digits, names (did you mean 'moons'?)",
        ),
        (
            ["--activation", "swish"],
            "unknown activation 'swish'; choose one of relu, tanh, sigmoid, gelu",
        ),
        (["--optimizer", "rmsprop"], "unknown optimizer 'rmsprop'; choose one of sgd, adam"),
        (
            ["--hidden", "16,,x"],
            "--hidden '16,,x': field 2 is empty; field 3 ('x') is not a positive whole number",
        ),
        (["--hidden", "16,-4"], "field 2 ('-4') is not a positive whole number"),
        (["--lr", "0"], "--lr must be a number > 0, got 0"),
        (["--lr", "-0.1"], "--lr must be a number > 0, got -0.1"),
        (["--lr", "nan"], "--lr must be a number > 0, got nan"),
        (["--epochs", "0"], "--epochs must be at least 1, got 0"),
        (["--batch-size", "0"], "--batch-size must be at least 1, got 0"),
        (["--seed", "-1"], "--seed must be >= 0"),
        (["--noise", "-1"], "--noise must be a number >= 0"),
        (["--dataset", "digits", "--samples", "100"], "--samples does not apply to digits"),
        (["--epochs", "ten"], "--epochs takes a whole number, got 'ten'"),
        (
            ["--save", "/nonexistent-folder/model.npz"],
            "the folder /nonexistent-folder does not exist",
        ),
        (["--save", ""], "--save needs a file name, as in --save model.npz"),
        (["--plot", ""], "--plot needs a file name"),
        (["--hidden", "²"], "--hidden '²': field 1 ('²') is not a positive whole number"),
        (["--hidden", "16,٣"], "field 2 ('٣') is not a positive whole number"),
        (["--hidden", "100000,100000"], "(the weights, their gradients and the optimizer's"),
        (["--samples", str(10**12)], "of memory (the activations: 1.2 PB), more than the"),
    ],
)
def test_bad_input_exits_2_with_a_message(capsys: Any, argv: list[str], message: str) -> None:
    assert message in usage_error(capsys, *argv)


def test_an_unknown_picture_format_is_refused_before_training(capsys: Any) -> None:
    pytest.importorskip("matplotlib")
    err = usage_error(capsys, "--plot", "moons.docx")
    assert "cannot write .docx pictures; end the name with one of " in err
    assert ".png" in err


def test_a_diverging_run_stops_naming_the_epoch_and_a_smaller_rate(capsys: Any) -> None:
    err = usage_error(capsys, "--dataset", "line", "--lr", "100", "--epochs", "500")
    assert re.search(
        r"the loss became (inf|nan) at epoch \d+ \(batch 1 of 1\), so training stopped", err
    )
    assert "the learning rate 100 is probably too large: try a smaller one, such as 10" in err
    assert "(--lr 10)" in err
    assert "Traceback" not in err


def test_missing_extras_are_named(capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    err = usage_error(capsys, "--epochs", "1", "--plot", str(tmp_path / "x.png"))
    assert 'pip install "autograd_lite[plot]"' in err
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    err = usage_error(capsys, "--dataset", "digits", "--epochs", "1")
    assert 'pip install "autograd_lite[digits]"' in err


def test_help_lists_the_choices(capsys: Any) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["train", "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "moons | circles | spirals | xor | line | digits" in out
    assert "--plot PATH" in out


# ---------------------------------------------------------------- the loop's reporting


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _tiny_run(file: Any, progress: bool = True) -> train.History:
    X, y = ag.data.make_moons(64, seed=0)
    model = ag.nn.MLP(2, [4], 2, seed=0)
    opt = ag.optim.Adam(model.parameters(), lr=0.01)
    return train.fit(
        model,
        ag.nn.cross_entropy,
        opt,
        X,
        y,
        epochs=40,
        batch_size=16,
        progress=progress,
        file=file,
        metric=lambda: "extra",
    )


def test_a_terminal_gets_a_tqdm_bar() -> None:
    pytest.importorskip("tqdm")
    terminal = FakeTerminal()
    history = _tiny_run(terminal)
    text = terminal.getvalue()
    assert "40/40" in text
    assert "epoch" in text
    assert "loss" in text
    assert "\r" in text
    assert len(history.loss) == 40


def test_other_output_gets_about_twenty_plain_lines() -> None:
    out = io.StringIO()
    _tiny_run(out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("epoch  1/40  loss ")
    assert lines[0].split("  ")[3] == "extra"
    assert lines[-1].startswith("epoch 40/40")
    assert len(lines) == 21


def test_without_progress_nothing_is_printed_and_the_demo_helper_works(capsys: Any) -> None:
    silent = io.StringIO()
    _tiny_run(silent, progress=False)
    assert silent.getvalue() == ""
    result = train.fit_moons(epochs=2)
    assert capsys.readouterr().out == ""
    assert len(result.history.loss) == 2
    assert result.test_accuracy is not None
    assert "test accuracy" in result.summary()


def test_fit_refuses_bad_epochs_and_default_config_bad_names() -> None:
    model = ag.nn.Linear(1, 1)
    opt = ag.optim.SGD(model.parameters(), 0.1)
    with pytest.raises(ValueError, match="epochs must be an int >= 1, got 0"):
        train.fit(model, ag.nn.mse_loss, opt, np.zeros((2, 1)), np.zeros((2, 1)), epochs=0)
    with pytest.raises(ValueError, match=r"unknown setting\(s\) \['epoch'\]"):
        train.default_config("moons", epoch=3)


def test_help_shows_the_real_defaults(capsys: Any) -> None:
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = capsys.readouterr().out
    assert "(default: moons)" in " ".join(text.split())
    rows = {line.split()[0]: line.split() for line in text.splitlines() if line.startswith("  ")}
    for name, config in train.DEFAULTS.items():
        assert rows[name][4:6] == [f"{config.lr:g}", str(config.epochs)], name
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert f"(default: {train.DEFAULTS['moons'].epochs})" in text
    assert "(default: autograd-lite-demo)" in text


def test_outputs_that_cannot_be_written_are_refused_before_training(
    capsys: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    # Running as root ignores folder permissions, so the folder is refused by the kernel
    # the way a full or read-only disk would refuse it.
    from autograd_lite import atomic

    def refuse(folder: str, name: str) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic, "_locked_temporary", refuse)
    monkeypatch.setattr(train, "run", lambda *a, **k: pytest.fail("trained before checking"))
    for flag in ("--save", "--plot"):
        err = usage_error(capsys, flag, str(tmp_path / "out.png"))
        assert f"{flag} {tmp_path / 'out.png'}: cannot write in the folder {tmp_path}" in err
        assert "(Permission denied); pick another path" in err


def test_a_plot_without_extension_reports_the_file_it_writes(capsys: Any, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    code, out, err = cli(capsys, "--epochs", "1", "--plot", str(tmp_path / "p2"))
    assert code == 0, err
    assert f"wrote the plot to {tmp_path / 'p2.png'}" in out
    assert os.listdir(tmp_path) == ["p2.png"]


def test_the_memory_estimate_names_the_largest_part() -> None:
    config = train.default_config("moons", hidden=(100_000, 100_000))
    need, largest = train_command.memory_estimate(config, plot=False)
    assert need > 400e9
    assert largest.startswith("the weights, their gradients and the optimizer's state: 400")
    small, _ = train_command.memory_estimate(train.default_config("moons"), plot=True)
    assert small < 100e6


INTERRUPTED = "autograd-lite train: interrupted (Ctrl-C); no file was left half-written\n"


@pytest.mark.skipif(os.name != "posix", reason="SIGINT")
def test_ctrl_c_during_train_prints_one_line_exits_130_and_leaves_no_file(
    tmp_path: Path,
) -> None:
    argv = ["-m", "autograd_lite", "train", "--dataset", "spirals", "--epochs", "100000"]
    child = subprocess.Popen(
        [sys.executable, *argv, "--save", "model.npz"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A shell's background job ignores SIGINT, and a child inherits that: undo it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("epoch"):  # training has started
            break
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert err == INTERRUPTED
    assert os.listdir(tmp_path) == []
