"""How every picture looks and measures text: the palette, escaping and text widths, once.

The DOT writer, the built-in SVG renderer, the stepper page and the text table all read
this module, so a colour, an escaping rule or a character width is defined in one place.

* **Palette.** Value nodes are filled by their role (inputs blue, parameters violet, the
  output green, constants grey), ops in a warm colour; the current step of a backward
  stepper in orange; grads not reached yet in grey.
* **Escaping.** `xml_escape` makes any text safe inside XML, SVG, HTML and Graphviz's
  HTML-like labels; characters XML cannot hold at all (control characters, lone
  surrogates) become U+FFFD, so any label gives a well-formed document. `printable`
  makes text safe for a terminal (the narrated table): control characters, ANSI and
  bidi escapes are shown as `\\n`, `\\x1b`, `\\u202e`.
* **Text width.** `text_width` estimates how wide text is drawn, in px, and `columns` how
  many terminal columns it takes: a wide (Korean, Chinese, Japanese) character counts
  twice, a combining mark nothing.

Example:
    >>> xml_escape('a<b & "c"')
    'a&lt;b &amp; &quot;c&quot;'
    >>> columns("가중치 w"), text_width("ab", 10.0)
    (8, 12.0)
"""

from __future__ import annotations

import re
import textwrap
import unicodedata

# ---------------------------------------------------------------- palette

TEXT = "#1f2937"
LABEL_TEXT = "#374151"
EDGE = "#6b7280"
FLOW = "#2f7d4f"
"""The colour of the gradient's flow: the legend's reverse arrow, `∂` cues."""
HIGHLIGHT = "#d9480f"
FADED_TEXT = "#9ca3af"
FADED_FILL = "#f6f7f9"
FADED_STROKE = "#c3c8d0"
HIDDEN_FILL = "#eeeeee"

ROLE_FILL = {
    "output": "#dff3e4",
    "parameter": "#ece4f7",
    "leaf": "#e8f1fb",
    "intermediate": "#f7fafd",
    "constant": "#f1f3f5",
}
"""Value nodes' fill by role (see `ValueNode.role`)."""
SHAPE_FILL = {"record": "#e8f1fb", "ellipse": "#fdf0d5", "box": "#f1f3f5"}
"""The fill of a node that names none."""
SHAPE_STROKE = {"record": "#4b6f9e", "ellipse": "#b7791f", "box": "#6b7280"}

SANS = "Helvetica, Arial, sans-serif"
MONO = "Menlo, Consolas, 'DejaVu Sans Mono', monospace"

# ---------------------------------------------------------------- escaping

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters no XML document may contain."""


def xml_safe(text: str) -> str:
    """`text` with every character XML cannot hold replaced by U+FFFD."""
    return NOT_XML.sub("\ufffd", text)


def xml_escape(text: str, apostrophe: bool = False) -> str:
    """Make `text` safe inside an XML element or a double-quoted attribute.

    Args:
        text: any string.
        apostrophe: also escape `'` (for single-quoted attributes).

    Example:
        >>> xml_escape("a<b & \\"c\\" 'd'", apostrophe=True)
        'a&lt;b &amp; &quot;c&quot; &#39;d&#39;'
    """
    text = (
        xml_safe(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )
    return text.replace("'", "&#39;") if apostrophe else text


def printable(text: str) -> str:
    """`text` safe to print in a terminal: what is not printable is shown as an escape.

    A newline would split a table's row, an ANSI escape (`\\x1b[31m`) would recolour the
    terminal, and a bidi control (U+202E) would reverse the text after it; each is
    written as Python writes it in a string (`\\n`, `\\x1b`, `\\u202e`).

    Example:
        >>> print(printable("a\\nb\\x1b[31m\\u202ec"))
        a\\nb\\x1b[31m\\u202ec
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


# ---------------------------------------------------------------- text width

CHAR_WIDTH = 0.6
"""Width of a character, in font sizes (wide CJK characters count twice)."""


def columns(text: str) -> int:
    """How many terminal columns `text` takes: wide characters two, combining marks none."""
    if text.isascii():
        return len(text)
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def text_width(text: str, font_size: float) -> float:
    """Estimate how wide `text` is drawn at `font_size`, in px.

    A character counts `CHAR_WIDTH` font sizes; a wide or full-width one (Korean,
    Chinese, Japanese) twice that; a combining mark nothing.

    Example:
        >>> text_width("ab", 10.0), text_width("가", 10.0)
        (12.0, 12.0)
    """
    return columns(text) * CHAR_WIDTH * font_size


BOLD = 1.1
"""How much wider bold text is than regular, as `text_width` estimates it."""

TITLE_ROOM = 360.0
"""A title is wrapped to lines no wider than this (or than the graph, if wider)."""


def wrap(text: str, room: float, font_size: float) -> list[str]:
    """`text` broken at spaces into lines no wider than `room` (at least 20 characters a
    line); no lines for no text."""
    if not text:
        return []
    chars = max(20, int(room / text_width("n", font_size)))
    return textwrap.wrap(text, chars, break_on_hyphens=False) or [text]
