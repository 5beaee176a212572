"""Pictures that appear everywhere: `draw`, `to_svg` and `save`, with or without Graphviz.

Graphviz's `dot` program draws the best pictures and is used wherever it is installed;
where it is not (Colab without apt, Windows, school machines, JupyterLite), the
built-in renderer (`layout.py` + `svg.py`) draws the same picture with the same labels.
`renderer="auto"` (the default) picks `dot` when it is on the PATH, `"builtin"` always
uses the built-in one, `"dot"` insists on Graphviz.

`save(root, path)` picks the format from the extension:

| extension | what | needs |
|---|---|---|
| `.svg` | the picture | nothing (Graphviz if `renderer="dot"`) |
| `.png` | the picture | Graphviz's `dot` |
| `.dot`, `.gv` | DOT source | nothing |
| `.html` | the backward stepper, a slider through every step | nothing |

Every file is written atomically, as `ag.save` writes (`autograd_lite.atomic`): a full disk
or Ctrl-C leaves the previous picture in place, never a truncated one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..atomic import atomic_write
from .dot import INSTALL_DOT, drawing_to_dot, exact_scale, has_dot, run_dot
from .drawing import drawing_of
from .html import page_of
from .layout import Drawing
from .options import Options, Renderer
from .svg import render_svg

RENDERERS = ("auto", "dot", "builtin")
EXTENSIONS = (".svg", ".png", ".dot", ".gv", ".html")


def _check_renderer(renderer: str, caller: str) -> None:
    if renderer not in RENDERERS:
        raise ValueError(
            f"{caller}: renderer must be 'auto', 'dot' or 'builtin', not {renderer!r}"
        )


def render(drawing: Drawing, renderer: Renderer = "auto", caller: str = "to_svg") -> str:
    """SVG of a `Drawing`, by Graphviz or by the built-in renderer (see the module doc).

    Raises:
        ValueError: an unknown renderer.
        RuntimeError: `renderer="dot"` without Graphviz installed, or `dot` failed.
    """
    _check_renderer(renderer, caller)
    if renderer == "builtin" or (renderer == "auto" and not has_dot()):
        return render_svg(drawing)
    return exact_scale(run_dot(drawing_to_dot(drawing), "svg", caller).decode("utf-8"))


class Picture:
    """A picture of a graph that shows itself in Jupyter, with or without Graphviz.

    Made by `draw`. Attributes: `drawing` (the plain data drawn) and `renderer`.
    """

    def __init__(self, drawing: Drawing, renderer: Renderer = "auto") -> None:
        _check_renderer(renderer, "draw")
        self.drawing = drawing
        self.renderer = renderer
        self._svg: str | None = None

    @property
    def dot(self) -> str:
        """The DOT source."""
        return drawing_to_dot(self.drawing)

    def svg(self) -> str:
        """The SVG document (rendered once, then kept)."""
        if self._svg is None:
            self._svg = render(self.drawing, self.renderer, "draw")
        return self._svg

    def _repr_svg_(self) -> str:
        return self.svg()

    def save(self, path: str | Path) -> Path:
        """Write the picture as `.svg`, `.png` (needs Graphviz) or `.dot`/`.gv`."""
        target = Path(path)
        ext = target.suffix.lower()
        if ext == ".svg":
            _write(target, self.svg().encode("utf-8"))
        elif ext in (".dot", ".gv"):
            _write(target, self.dot.encode("utf-8"))
        elif ext == ".png":
            _write(target, _png(self.dot, "save"))
        elif ext == ".html":
            raise ValueError(
                "save: a Picture is one frame; for the HTML stepper through every step, use "
                f"ag.viz.save(root, {str(target)!r})"
            )
        else:
            raise ValueError(_unknown_extension(target, (".svg", ".png", ".dot", ".gv")))
        return target

    def __repr__(self) -> str:
        nodes, edges = len(self.drawing.nodes), len(self.drawing.edges)
        return (
            f"<Picture of {nodes} nodes and {edges} edges: displays in Jupyter; "
            ".save('graph.svg') writes it>"
        )


def draw(root: Any, **options: Any) -> Picture:
    """A picture of the graph of `root`, shown inline by Jupyter; needs nothing installed.

    Options are those of `Options` (`rankdir`, `show`, `max_nodes`, `precision`,
    `grads`, `step`, `title`, `renderer`, `width`). With `step=k` it shows the backward
    pass after k chain-rule steps.

    Example:
        >>> import autograd_lite as ag
        >>> x = ag.Value(2.0, label="x")
        >>> y = (x * x).tanh()
        >>> y.backward()
        >>> pic = draw(y, renderer="builtin")
        >>> "grad" in pic.svg()
        True
    """
    chosen = Options.of("draw", options)
    return Picture(drawing_of(root, "draw", chosen), chosen.renderer)


def to_svg(root: Any, **options: Any) -> str:
    """The picture of `draw(root, **options)` as an SVG document (a string)."""
    return draw(root, **options).svg()


def save(root: Any, path: str | Path, **options: Any) -> Path:
    """Write the graph of `root` to `path`, in the format its extension names.

    `.svg` (Graphviz if installed, else built in), `.png` (needs Graphviz), `.dot` or
    `.gv` (DOT source), `.html` (the backward stepper; `step`, `grads` and `renderer` do
    not apply). The options are those of `Options`.

    Returns:
        The path written.

    Raises:
        ValueError: an unknown extension (the message lists the choices), or a bad option.
        RuntimeError: `.png` (or `renderer="dot"`) without Graphviz's `dot` program.
        TypeError: `root` is not a Value or a Tensor, or an unknown option.
    """
    chosen = Options.of("save", options)
    target = Path(path)
    ext = target.suffix.lower()
    if ext not in EXTENSIONS:
        raise ValueError(_unknown_extension(target, EXTENSIONS))
    if ext == ".html":
        _write(target, page_of(root, chosen).encode("utf-8"))
        return target
    if ext == ".png" and not has_dot():
        raise RuntimeError(_png_message("save"))
    drawing = drawing_of(root, "save", chosen)
    if ext in (".dot", ".gv"):
        _write(target, drawing_to_dot(drawing).encode("utf-8"))
        return target
    return Picture(drawing, chosen.renderer).save(target)


def _write(target: Path, data: bytes) -> None:
    """Replace `target` with `data` whole or not at all, as `ag.save` writes (see `atomic`)."""
    with atomic_write(target, "save") as file:
        file.write(data)


def _png(source: str, caller: str) -> bytes:
    if not has_dot():
        raise RuntimeError(_png_message(caller))
    return run_dot(source, "png", caller)


def _png_message(caller: str) -> str:
    return (
        f"{caller}: a PNG needs Graphviz's dot program, which is not installed; "
        f"{INSTALL_DOT}, or save as .svg, which the built-in renderer draws without it"
    )


def _unknown_extension(path: Path, choices: Sequence[str]) -> str:
    ext = path.suffix or "(none)"
    return (
        f"save: cannot tell what to write to {str(path)!r} from its extension {ext}; "
        f"use one of {', '.join(choices)}"
    )
