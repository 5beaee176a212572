r"""`ShapeError`: an input whose shape a layer cannot take, said once, with the fix.

A layer raises it naming itself, the shape it expects and the shape it got, with a fix
when one is clear. `Sequential` adds where the input came from: the layer before, and the
shape that layer produced, which is usually the number to copy into the failing layer's
arguments (the features a `Flatten` produces, for the `Linear` after it).

Example:
    >>> import autograd_lite as ag
    >>> model = ag.nn.Sequential(ag.nn.Flatten(), ag.nn.Linear(10, 2, seed=0))
    >>> try:
    ...     model(ag.Tensor([[[1.0, 2.0], [3.0, 4.0]]]))
    ... except ag.nn.ShapeError as error:
    ...     print(error.expected, error.got)
    ...     print(error.fix)
    ...     print(error.where)
    (N, 10) (1, 4)
    set in_features=4 to take these inputs
    layer (1) of the Sequential; its input is the output of (0) Flatten(), of shape (1, 4)
"""

from __future__ import annotations

from typing import Any


class ShapeError(ValueError):
    """An input of a shape the layer cannot take.

    Args:
        layer: the layer (or function) that refused it, as it prints.
        expected: the shape it takes, in words (`"(N, 64)"`).
        got: the shape it received.
        fix: what to change, if known.

    Attributes:
        layer: as given.
        expected: as given.
        got: as given.
        fix: as given.
        where: empty, or where the input came from (filled in by `Sequential`).
    """

    def __init__(self, layer: str, expected: str, got: tuple[int, ...], fix: str = "") -> None:
        self.layer = layer
        self.expected = expected
        self.got = tuple(got)
        self.fix = fix
        self.where = ""
        super().__init__(self._text())

    def _text(self) -> str:
        text = f"{self.layer}: expected input of shape {self.expected}, got {self.got}"
        if self.fix:
            text += f"; {self.fix}"
        if self.where:
            text += f" ({self.where})"
        return text

    def located(self, index: int, container: Any, previous: Any, shape: Any) -> ShapeError:
        """This error, saying it happened in layer `index` of `container`, after `previous`.

        Only the innermost container says so: a located error is returned unchanged.
        """
        if self.where:
            return self
        where = f"layer ({index}) of the {type(container).__name__}"
        if previous is not None:
            where += (
                f"; its input is the output of ({index - 1}) {previous!r}, of shape {tuple(shape)}"
            )
        self.where = where
        self.args = (self._text(),)
        return self


__all__ = ["ShapeError"]
