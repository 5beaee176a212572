"""MkDocs hook: the op table, generated from `autograd_lite.rules` at build time.

A page asks for a table with a placeholder on a line of its own:

    <!-- rule-table: elementwise -->
    <!-- rule-table: structural -->
    <!-- rule-table: composed -->

and gets a Markdown table of those ops in the table's order: each op's name, its
forward (`expr`), the formula of each partial derivative (`formulas`), and where a learner
finds it (its methods, `ag.*` function and command-line name, from `names`). The engine
multiplies by the same entries the table shows, so the page cannot drift from the code.
A placeholder without a kind, or with an unknown one, fails the build.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # build from this checkout, installed or not

from autograd_lite.rules import COMPOSITES, RULES, Composite, Rule  # noqa: E402

PLACEHOLDER = re.compile(r"^<!--\s*rule-table(?::\s*(?P<kind>[\w-]*))?\s*-->[ \t]*$", re.M)
KINDS = ("elementwise", "structural", "composed")
INPUTS = ("x", "y")


def code(text: str) -> str:
    """`text` as an inline code span (a table cell may hold `|` inside backticks)."""
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def where(op: Rule | Composite) -> str:
    """Where a learner finds the op: `x + y`, `.tanh()`, `ag.maximum`, on which nodes."""
    names = op.names
    found = []
    if names.method is not None and names.method.startswith("__"):
        if names.cli is not None and not names.cli.isidentifier():
            found.append(code(names.cli))
    elif names.method is not None:
        found.append(code(f".{names.method}()"))
    if names.function is not None:
        found.append(code(f"ag.{names.function}"))
    on = ", ".join("Taylor" if node == "Series" else node for node in names.on)
    return " ".join(found) + (f" on {on}" if on else "")


def rule_table(kind: str, rules: Iterable[Rule] = RULES) -> str:
    """The Markdown table of the ops of one kind (`"elementwise"`, `"structural"`, or
    `"composed"`, the ops written with the others).

    Elementwise rules show the local derivative $\\partial out/\\partial x$ that backward
    multiplies by the upstream gradient g; structural rules show what backward does with g.
    """
    if kind not in KINDS:
        raise ValueError(f"rule-table: unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    if kind == "composed":
        rows = ["| Op | Written as | Where |", "|---|---|---|"]
        for op in COMPOSITES:
            rows.append(f"| **{op.name}** | {code(op.expr)} | {where(op)} |")
        return "\n".join(rows)
    if kind == "elementwise":
        head = ["Op", "Forward", "∂out/∂x", "∂out/∂y", "Where", "Note"]
    else:
        head = ["Op", "Forward", "Gradient to x", "Gradient to y", "Where", "Note"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for rule in rules:
        if rule.elementwise != (kind == "elementwise"):
            continue
        partials = [code(f) for f in rule.formulas]
        partials += ["—"] * (len(INPUTS) - len(partials))
        note = rule.doc
        if rule.kink is not None:
            note = (note + " " if note else "") + f"The derivative jumps {rule.kink_text}."
        cells = [f"**{rule.name}**", code(rule.expr), *partials, where(rule), note]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def render(markdown: str, rules: Iterable[Rule] = RULES) -> str:
    """Replace every rule-table placeholder in `markdown` with its table."""
    rules = tuple(rules)

    def table(match: re.Match[str]) -> str:
        return rule_table(match.group("kind") or "", rules)

    return PLACEHOLDER.sub(table, markdown)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any, **kwargs: Any) -> str:
    """MkDocs event: fill the placeholders of any page that has them."""
    return render(markdown)
