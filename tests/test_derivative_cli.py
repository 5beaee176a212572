"""`autograd-lite derivative`: the note's cases, partials, and hostile input refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from autograd_lite.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["derivative", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_source_note_cases(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "3*x**2", "--at", "2")
    assert code == 0
    assert "f = (3 * (x ** 2))" in out
    assert "df/dx = 12 " in out
    _, out, _ = run(capsys, "exp(x**2)", "--at", "3")
    assert "df/dx = 48618.5035655" in out
    _, out, _ = run(capsys, "e*x**2", "--at", "3", "--numeric")
    assert "f = (e * (x ** 2))" in out  # the echo shows e times x squared
    assert "for e raised to a power write exp" in out
    assert "df/dx = 16.3096909708" in out
    assert "~ 16.3096909708" in out  # the 3-point formula is exact on a quadratic


def test_numeric_shows_its_error(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "exp(x**2)", "--at", "3", "--numeric")
    assert "central difference, dx=1, order=3" in out
    assert "relative 90.4" in out  # dx = 1.0 is far off for e^(x^2)
    _, out, _ = run(capsys, "sin(x)", "--at", "1", "--numeric", "--dx", "0.01", "--order", "5")
    assert "order=5" in out


def test_partial_derivatives_and_higher_orders(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "x*y + sin(x)", "--at", "x=1,y=2")
    assert "df/dx = 2.54030230587" in out
    assert "df/dy = 1 " in out
    _, out, _ = run(capsys, "tanh(x)", "--at", "0.3", "-n", "10")
    assert "d^10f/dx^10 = -36306.4696013" in out
    _, out, _ = run(capsys, "x**3", "--at", "2", "-n", "0")
    assert "= 8 " in out


HOSTILE = [
    "__import__('os').system('touch {path}')",
    "open('{path}', 'w')",
    "exec(\"open('{path}', 'w')\")",
    "eval(\"open('{path}', 'w')\")",
    "x.__class__",
    "[open('{path}', 'w')][0]",
    "(lambda: open('{path}', 'w'))()",
    "'{path}' * 2",
    "exp(x, open('{path}', 'w'))",
    "exp(x=open('{path}', 'w'))",
    "x if open('{path}', 'w') else x",
    "(y := open('{path}', 'w'))",
    'f\'{{open("{path}", "w")}}\'',
    "x < 1",
    "globals()",
]


@pytest.mark.parametrize("template", HOSTILE)
def test_hostile_expressions_are_refused_and_nothing_runs(
    template: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "pwned"
    code, out, err = run(capsys, template.format(path=path), "--at", "x=1")
    assert code == 2
    assert out == ""
    assert err.startswith("autograd-lite derivative: error: ")
    assert err.count("\n") == 1  # one line, no traceback
    assert not path.exists()


def test_syntax_error_names_the_column_and_missing_value_the_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "3*x**", "--at", "1")
    assert code == 2
    assert "column" in err
    code, _, err = run(capsys, "x + y", "--at", "x=1")
    assert code == 2
    assert "no value for y" in err
    assert "--at x=1,y=1" in err
    code, _, err = run(capsys, "x", "--at", "abc")
    assert code == 2
    assert "neither a number" in err


def test_the_console_script_and_python_dash_m_agree() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "autograd_lite", "derivative", "3*x**2", "--at", "2"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "df/dx = 12" in result.stdout


def test_division_by_a_number(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "x/2", "--at", "1")
    assert "df/dx = 0.5 " in out


def test_textbook_spellings_are_read_with_a_note(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ln(x)^2", "--at", "2")
    assert code == 0
    assert "f = (log(x) ** 2)" in out
    assert "note: read `^` as `**`" in out
    assert "note: read `ln` as `log`" in out
    assert "df/dx = 0.69314718056" in out  # 2 ln(2) / 2


def test_help_says_order_is_odd(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["derivative", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--order ORDER points of --numeric: an odd number" in text
    assert "default: 3" in text


RAW = ("math domain error", "Numerical result out of range", "int too large", "in fsum")


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["x*x", "--at", "1", "-n", "1000000"], "-n 1000000 is beyond the limit of 1000"),
        (["x*x", "--at", "1", "-n", "1001"], "use -n 1000 or less"),
        (["x*x", "--at", "1", "--numeric", "--order", "100001"], "use at most 161"),
        (["x*x", "--at", "1", "--numeric", "--order", "163"], "SciPy refused 163 points"),
        (["x*x", "--at", "1", "--numeric", "--dx", "0"], "--dx 0: the step must be"),
        (["x*x", "--at", "1", "--numeric", "--dx", "nan"], "--dx nan: the step must be"),
        (["x*x", "--at", "1", "--numeric", "--dx", "inf"], "--dx inf: the step must be"),
        (["x*x", "--at", "inf"], "--at inf: the point must be a finite number"),
        (["x*x", "--at", "nan"], "--at nan: the point must be a finite number"),
        (["x*1e308*10", "--at", "1"], "f overflowed: a value on the way went beyond"),
        (["x+1e308+1e308", "--at", "1"], "f overflowed"),
        (["x-1e308-1e308", "--at", "1"], "f overflowed"),
        (["1/x", "--at", "1e-200"], "larger than the largest float"),
        (["x", "--at", "1e308", "--numeric", "--dx", "1e308"], "central difference gave inf"),
        (["x*x # square", "--at", "1"], "`#` is not allowed"),
        (["sin(x*1e308*10)", "--at", "1"], "outside the function's domain (or is infinite)"),
        (["2**x", "--at", "1030", "--numeric"], "larger than the largest float"),
        (["x" + "*x" * 150, "--at", "1", "-n", "1000"], "too much work"),
        (["sin(x)*exp(x)*tanh(x)" * 1 + "*x", "--at", "0.5", "-n", "1000"], "larger than the"),
    ],
)
def test_hangs_and_tracebacks_become_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2, out + err
    assert err.count("\n") == 1, err
    assert words in err
    assert not any(raw in err for raw in RAW), err
    assert "Traceback" not in err


def test_a_negative_point_in_exponent_form_is_a_number(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "x*x", "--at", "-1e-3")
    assert code == 0, err
    assert "df/dx = -0.002" in out


def test_help_documents_the_limits(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["derivative", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "0 to 1000" in text
    assert "at most 161, SciPy's limit" in text
