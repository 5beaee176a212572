"""The options every picture takes, in one place: `Options`.

`draw`, `to_svg`, `to_dot`, `draw_graph`, `save` and `stepper_html` all take the same
keyword arguments; each is a field of `Options`, checked once, with an error that names
the function called:

    >>> import autograd_lite as ag
    >>> x = ag.Value(2.0, label="x")
    >>> ag.viz.to_dot(x * x, rankdir="TB").count("rankdir=TB")
    1
    >>> Options.of("draw", {"rank_dir": "TB"})
    Traceback (most recent call last):
    ...
    TypeError: draw: unknown option 'rank_dir'; did you mean 'rankdir'? The options are ...
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

Rankdir = Literal["LR", "TB"]
"""A layout direction: inputs left and output right (`"LR"`), or top down (`"TB"`)."""
Direction = Literal["LR", "TB", "auto"]
Renderer = Literal["auto", "dot", "builtin"]

FIELDS = ("label", "data", "grad", "local", "formula", "contribution")
"""What `show=` may list: value nodes' `label`, `data`, `grad`; edges' `local`
derivative, its `formula` in the operands' names, and the `contribution` $g \\cdot local$
it added (with $g$ named after the node it comes from)."""
DEFAULT_SHOW = FIELDS
DEFAULT_MAX_NODES = 300
"""Graphs with more drawn nodes than this (value nodes plus op nodes) are summarised."""
DEFAULT_MAX_FRAMES = 10_000
"""The stepper draws one frame per step; more than this many is refused."""
DEFAULT_MAX_BYTES = 20_000_000
"""The largest stepper page (20 MB); a browser slows down beyond it."""
DEFAULT_WIDTH = 800.0
"""The width pictures are made for, in px: a README column, a docs page, a notebook."""


@dataclass(frozen=True)
class Options:
    """How to draw a graph. Every picture function takes these as keyword arguments.

    Attributes:
        rankdir: `"LR"` (inputs left, output right), `"TB"` (top down), or `"auto"`:
            left to right when that fits `width`, else whichever direction shows the
            text larger.
        show: what to write: any of `"label"`, `"data"`, `"grad"` (value nodes),
            `"local"`, `"formula"`, `"contribution"` (edges); see `FIELDS`.
        max_nodes: graphs with more value and op nodes are summarised (the part nearest
            the output is kept, and the picture says so); None draws everything.
        precision: decimals of the numbers.
        grads: show grads (True), hide them (False), or show them once a backward pass
            has run (None: the root's grad is nonzero).
        step: draw the backward pass after this many chain-rule steps instead (see
            `explain`); grads not reached yet say "not computed".
        title: a line above the graph; None for an automatic note, "" for none.
        renderer: `"auto"` (Graphviz's `dot` when installed, else the built-in
            renderer), `"dot"` or `"builtin"`.
        width: the width in px the picture will be shown at (a README or docs column
            is about 800, a notebook about 900). A wider picture is scaled down to it,
            but never so far that its text falls below `MIN_FONT` px; None leaves every
            picture at its natural size.
        max_frames: the stepper refuses (ValueError) to draw more frames than this.
        max_bytes: the stepper refuses (ValueError) to make a page larger than this.
    """

    rankdir: Direction = "auto"
    show: tuple[str, ...] = DEFAULT_SHOW
    max_nodes: int | None = DEFAULT_MAX_NODES
    precision: int = 4
    grads: bool | None = None
    step: int | None = None
    title: str | None = None
    renderer: Renderer = "auto"
    width: float | None = DEFAULT_WIDTH
    max_frames: int = DEFAULT_MAX_FRAMES
    max_bytes: int = DEFAULT_MAX_BYTES

    @classmethod
    def of(cls, caller: str, options: Mapping[str, Any]) -> Options:
        """Options from keyword arguments, checked, with errors that name `caller`.

        Raises:
            TypeError: an option that does not exist (the message lists those that do).
            ValueError: an option with a value it cannot take.
        """
        names = [f.name for f in fields(cls)]
        for name in options:
            if name not in names:
                close = difflib.get_close_matches(name, names, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ";"
                raise TypeError(
                    f"{caller}: unknown option {name!r}{hint} The options are {', '.join(names)}"
                )
        made = cls(**options)
        if "show" in options:
            made = replace(made, show=check_show(options["show"], caller))
        made.check(caller)
        return made

    def check(self, caller: str) -> None:
        """Raise a ValueError naming `caller` for an option with a value it cannot take."""
        if self.rankdir not in ("LR", "TB", "auto"):
            raise ValueError(
                f"{caller}: rankdir must be 'LR', 'TB' or 'auto', not {self.rankdir!r}"
            )
        check_show(self.show, caller)
        if self.max_nodes is not None and self.max_nodes < 1:
            raise ValueError(
                f"{caller}: max_nodes must be at least 1 (or None), not {self.max_nodes}"
            )
        if not isinstance(self.precision, int) or not 0 <= self.precision <= 15:
            raise ValueError(f"{caller}: precision must be a whole number from 0 to 15")
        if self.renderer not in ("auto", "dot", "builtin"):
            raise ValueError(
                f"{caller}: renderer must be 'auto', 'dot' or 'builtin', not {self.renderer!r}"
            )
        if self.width is not None and not self.width >= 100:
            raise ValueError(
                f"{caller}: width is the width in px the picture is shown at, at least 100 "
                f"(or None for the natural size), not {self.width!r}"
            )
        if self.max_frames < 1:
            raise ValueError(f"{caller}: max_frames must be at least 1, not {self.max_frames}")
        if self.max_bytes < 1:
            raise ValueError(f"{caller}: max_bytes must be at least 1, not {self.max_bytes}")


def check_show(show: Sequence[str] | str, caller: str) -> tuple[str, ...]:
    """Validate `show=`; a single string counts as one field."""
    chosen = (show,) if isinstance(show, str) else tuple(show)
    unknown = [f for f in chosen if f not in FIELDS]
    if unknown:
        raise ValueError(
            f"{caller}: show= got {', '.join(map(repr, unknown))}; choose from "
            f"{', '.join(map(repr, FIELDS))}"
        )
    return chosen
