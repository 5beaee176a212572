"""`autograd-lite demo`, the main job, end to end."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd_lite.cli import main


def test_demo_runs_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "pictures"
    assert main(["demo", "--out", str(out_dir)]) == 0
    printed = capsys.readouterr().out
    assert "forward: out = 0.7071" in printed
    # The chain-rule table reaches micrograd's lecture values: x1.grad = -1.5, w1.grad = 1.
    assert re.search(r"mul\s+x1\s+w1\s+-3\.0000\s+0\.5000\s+-1\.5000", printed)
    assert re.search(r"mul\s+w1\s+x1\s+2\.0000\s+0\.5000\s+1\.0000", printed)
    accuracy = re.search(r"test accuracy (\d+\.\d)%", printed)
    assert accuracy is not None
    assert float(accuracy.group(1)) >= 97.0
    assert f"pictures written to {out_dir.resolve()}" in printed
    svg = ET.parse(out_dir / "neuron.svg").getroot()
    text = " ".join(t for t in svg.itertext())
    assert "-1.5000" in text
    assert "0.7071" in text
    html = (out_dir / "neuron_steps.html").read_text(encoding="utf-8")
    assert "<input" in html
    assert "http://" not in html.replace("http://www.w3.org", "")  # nothing fetched


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--epochs", "0"], "--epochs must be at least 1, got 0"),
        (["--epochs", "-3"], "--epochs must be at least 1, got -3"),
        (["--out", ""], "--out needs a folder name"),
        (["--out", "/proc/autograd-lite-demo"], "--out /proc/autograd-lite-demo: cannot write"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    assert main(["demo", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert words in err


def test_an_out_that_is_a_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "taken"
    path.write_text("a file")
    assert main(["demo", "--out", str(path)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
