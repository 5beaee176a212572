"""`autograd-lite graph EXPR --at ...`: parse safely, print the gradients, write a picture."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd_lite.cli import main

NEURON = ["tanh(x1*w1 + x2*w2 + b)", "--at", "x1=2,x2=0,w1=-3,w2=1,b=6.8813735870195432"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["graph", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_prints_the_parsed_expression_value_and_gradients(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, *NEURON)
    assert code == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "expression: tanh((((x1 * w1) + (x2 * w2)) + b))"
    assert lines[1] == "value:      f = 0.7071067812"
    grads = dict(line.split(" = ") for line in lines[3:])
    assert {k.strip(): float(v) for k, v in grads.items()} == {
        "x1": -1.5,
        "w1": 1.0,
        "x2": 0.5,
        "w2": 0.0,
        "b": 0.5,
    }


def test_explain_prints_every_step(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *NEURON, "--explain")
    assert code == 0
    assert "f.grad = 1 (the seed" in out
    assert "1 - f^2" in out  # ∂f/∂(x1*w1 + x2*w2 + b), in the expression's own names
    assert "-1.5000" in out
    assert sum(1 for line in out.splitlines() if line.lstrip()[:1].isdigit()) == 10


@pytest.mark.parametrize("ext", [".svg", ".dot", ".html"])
def test_writes_the_picture(tmp_path: Path, capsys: pytest.CaptureFixture[str], ext: str) -> None:
    path = tmp_path / f"neuron{ext}"
    code, out, _ = run(capsys, *NEURON, "-o", str(path), "--renderer", "builtin")
    assert code == 0
    assert f"wrote {path}" in out
    text = path.read_text(encoding="utf-8")
    assert "grad -1.5000" in text
    assert "∂(x1*w1)/∂x1 = w1" in text
    if ext == ".svg":
        ET.fromstring(text.encode("utf-8"))
        assert "(built-in renderer)" in out
    if ext == ".html":
        assert text.count('"caption": "step ') == 10  # the seed and 9 steps


def test_a_png_needs_graphviz(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("dot"):
        code, _, _ = run(capsys, "x*x", "--at", "x=3", "-o", str(tmp_path / "a.png"))
        assert code == 0
        assert (tmp_path / "a.png").read_bytes().startswith(b"\x89PNG")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    code, out, err = run(capsys, "x*x", "--at", "x=3", "-o", str(tmp_path / "b.png"))
    assert code == 2
    assert "a PNG needs Graphviz's dot program" in err
    code, out, err = run(capsys, "x*x", "--at", "x=3", "-o", str(tmp_path / "b.svg"))
    assert code == 0
    assert "Graphviz's dot was not found" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x*x", "--at", "x=2", "-o", "out.jpg"], "extension .jpg; use .svg, .png, .dot"),
        (["x*y", "--at", "x=2"], "no value for `y`"),
        (["x*x", "--at", "x=2,z=1"], "--at gives `z`, which the expression does not use"),
        (["__import__('os').system('echo hi')"], "is not allowed"),
        (["__import__('os')"], "calls are allowed only to"),
        (["x.real", "--at", "x=1"], "attribute access"),
        (["2 + 3"], "has no variables"),
        (["sqrt(x)", "--at", "x=0"], "derivative of sqrt"),
        (["log(x)", "--at", "x=-1"], "log is defined only for x > 0"),
        (["x*x", "--at", "x=abc"], "is not a number"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.startswith("autograd-lite graph: error: ")
    assert message in err
    assert err.count("\n") == 1


def test_runs_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "autograd_lite", "graph", "x*x + 1", "--at", "x=3"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "x = 6" in done.stdout


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["x*1e308*10", "--at", "x=1"], "f = inf, the gradient of x = inf: a value on the way"),
        (["x*1e308 + y", "--at", "x=10,y=1"], "f = inf: a value on the way overflowed"),
        (["x*x # square", "--at", "x=1"], "`#` is not allowed"),
        (["sin(x*1e308*10)", "--at", "x=1"], "outside the function's domain"),
    ],
)
def test_overflow_and_comments_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2, out + err
    assert err.count("\n") == 1
    assert words in err
    assert "math domain error" not in err
