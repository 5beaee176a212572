"""Griffe extension: read a docstring's `Example:` section as an examples section.

The package's docstrings follow Google style and title their doctests `Example:` (or
`Example (what it shows):`). Griffe's Google parser knows only the plural, `Examples:`,
and renders any other title as an admonition of plain Markdown, where `>>>` becomes nested
quotes and an output such as `[64, 64, 22]` reads as a link. This extension renames the
title before the docstring is parsed, keeping a parenthesised note as the section's first
line of text, so the examples render as code.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

TITLE = re.compile(r"^(?P<indent>[ \t]*)Examples?(?: \((?P<note>[^)]*)\))?:[ \t]*$")


def examples_titled(text: str) -> str:
    """`text` with every `Example:` or `Example (note):` title turned into `Examples:`."""
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines):
        match = TITLE.match(line)
        if not match:
            out.append(line)
            continue
        out.append(f"{match['indent']}Examples:")
        if match["note"]:
            following = next((s for s in lines[i + 1 :] if s.strip()), "")
            body = following[: len(following) - len(following.lstrip())]
            out += [f"{body}{match['note'][0].upper()}{match['note'][1:]}:", ""]
    return "\n".join(out)


class ExampleSections(griffe.Extension):
    """Rename `Example:` titles on every object, before its docstring is first parsed."""

    def on_object(self, *, obj: griffe.Object, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = examples_titled(obj.docstring.value)
