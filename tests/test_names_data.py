"""The names list shipped with the package, its vocabulary, split and model inputs."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from autograd_lite.data import (
    Vocabulary,
    context_windows,
    load_names,
    padded_sequences,
    train_dev_test_split,
)

ROOT = Path(__file__).resolve().parents[1]


def test_load_names_reads_the_shipped_list() -> None:
    names = load_names()
    assert len(names) == 32033
    assert names[:3] == ["emma", "olivia", "ava"]
    assert names[-1] == "zzyzx"
    assert all(name.isalpha() and name.islower() and name.isascii() for name in names)
    assert max(map(len, names)) == 15
    assert load_names() is not names  # a fresh list each time: shuffling it is safe


def test_the_license_ships_beside_the_names() -> None:
    folder = ROOT / "autograd_lite" / "data"
    notice = (folder / "names-LICENSE.txt").read_text(encoding="utf-8")
    assert "MIT License" in notice
    assert "Copyright (c) 2022 Andrej Karpathy" in notice
    assert "karpathy/makemore" in notice


def test_split_is_80_10_10_fixed_and_complete() -> None:
    names = load_names()
    train, dev, test = train_dev_test_split(names)
    assert (len(train), len(dev), len(test)) == (25626, 3203, 3204)
    assert Counter(train) + Counter(dev) + Counter(test) == Counter(names)
    assert train_dev_test_split(names) == (train, dev, test)  # the seed fixes it
    assert train_dev_test_split(names, seed=1)[0] != train
    assert names == load_names()  # the input list is not shuffled in place


def test_split_refuses_fractions_that_leave_no_training_words() -> None:
    with pytest.raises(ValueError, match=r"leaves no training words"):
        train_dev_test_split(["a", "b"], dev_size=0.5, test_size=0.5)
    with pytest.raises(ValueError, match=r"test_size must be in \(0, 1\)"):
        train_dev_test_split(["a", "b"], test_size=0.0)


def test_vocabulary_puts_the_end_token_first() -> None:
    vocab = Vocabulary.from_words(load_names())
    assert len(vocab) == 27
    assert vocab.chars == ".abcdefghijklmnopqrstuvwxyz"
    assert vocab.end == 0
    assert vocab.stoi["a"] == 1
    assert vocab.encode("emma") == [5, 13, 13, 1]
    assert vocab.decode([5, 13, 13, 1, 0]) == "emma."


def test_vocabulary_errors_name_the_character_and_the_fix() -> None:
    vocab = Vocabulary("ab")
    with pytest.raises(ValueError, match=r"'c' in 'abc' is not in the vocabulary.*from_words"):
        vocab.encode("abc")
    with pytest.raises(ValueError, match="end token"):
        Vocabulary("a.")
    with pytest.raises(ValueError, match="not a single character"):
        Vocabulary(["ab"])
    with pytest.raises(ValueError, match=r"out of range 0\.\.2"):
        vocab.decode([3])


def test_context_windows_by_hand() -> None:
    vocab = Vocabulary("aem")
    X, Y = context_windows(["emma", "a"], vocab, block_size=3)
    assert X.tolist() == [
        [0, 0, 0],
        [0, 0, 2],
        [0, 2, 3],
        [2, 3, 3],
        [3, 3, 1],
        [0, 0, 0],
        [0, 0, 1],
    ]
    assert Y.tolist() == [2, 3, 3, 1, 0, 1, 0]
    assert X.dtype == Y.dtype == np.int64
    X1, Y1 = context_windows(["ab"], Vocabulary("ab"), block_size=1)  # the bigram's pairs
    assert X1[:, 0].tolist() == [0, 1, 2]
    assert Y1.tolist() == [1, 2, 0]


def test_context_windows_count_one_row_per_character_and_end() -> None:
    names = load_names()[:500]
    X, Y = context_windows(names, Vocabulary.from_words(names), block_size=3)
    assert len(X) == len(Y) == sum(len(n) + 1 for n in names)
    assert int((Y == 0).sum()) == len(names)


def test_padded_sequences_shift_targets_and_mask_padding() -> None:
    X, Y = padded_sequences(["ab", "b"], Vocabulary("ab"), block_size=4)
    assert X.tolist() == [[0, 1, 2, 0], [0, 2, 0, 0]]
    assert Y.tolist() == [[1, 2, 0, -1], [2, 0, -1, -1]]
    names = load_names()
    X, Y = padded_sequences(names, Vocabulary.from_words(names))
    assert X.shape == Y.shape == (32033, 16)
    # Every input after the first is the previous position's target (where there is one).
    valid = Y[:, :-1] >= 0
    assert np.array_equal(X[:, 1:][valid], Y[:, :-1][valid])
    with pytest.raises(ValueError, match="block_size must be at least 3"):
        padded_sequences(["ab"], Vocabulary("ab"), block_size=2)


@pytest.mark.slow
def test_a_plain_install_ships_the_names_and_their_license(tmp_path: Path) -> None:
    """`pip install .` (not editable) copies names.txt and its notice into the package."""
    target = tmp_path / "site"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(target),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    package = target / "autograd_lite" / "data"
    assert (package / "names.txt").is_file()
    assert (package / "names-LICENSE.txt").is_file()
    code = (
        "import autograd_lite, autograd_lite.data as d; "
        "print(len(d.load_names()), autograd_lite.__file__)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    count, location = run.stdout.split()
    assert count == "32033"
    assert location.startswith(str(target))
