"""MkDocs hook: the rule table, generated from `autograd_lite.rules.RULES` at build time.

A page asks for a table with a placeholder on a line of its own:

    <!-- rule-table: elementwise -->
    <!-- rule-table: structural -->

and gets a Markdown table of those rules in their `RULES` order: each op's name, its
forward (`expr`), the formula of each partial derivative (`formulas`) and whether `Value`
has it too. The engine multiplies by the same entries the table shows, so the page cannot
drift from the code. A placeholder without a kind, or with an unknown one, fails the build.
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

from autograd_lite.rules import RULES, Rule  # noqa: E402

PLACEHOLDER = re.compile(r"^<!--\s*rule-table(?::\s*(?P<kind>[\w-]*))?\s*-->[ \t]*$", re.M)
KINDS = ("elementwise", "structural")
INPUTS = ("x", "y")


def code(text: str) -> str:
    """`text` as an inline code span (a table cell may hold `|` inside backticks)."""
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def rule_table(kind: str, rules: Iterable[Rule] = RULES) -> str:
    """The Markdown table of the rules of one kind (`"elementwise"` or `"structural"`).

    Elementwise rules show the local derivative $\\partial out/\\partial x$ that backward
    multiplies by the upstream gradient g; structural rules show what backward does with g.
    """
    if kind not in KINDS:
        raise ValueError(f"rule-table: unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    if kind == "elementwise":
        head = ["Op", "Forward", "∂out/∂x", "∂out/∂y", "On"]
    else:
        head = ["Op", "Forward", "Gradient to x", "Gradient to y", "On"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for rule in rules:
        if rule.elementwise != (kind == "elementwise"):
            continue
        partials = [code(f) for f in rule.formulas]
        partials += ["—"] * (len(INPUTS) - len(partials))
        nodes = "Value, Tensor" if rule.scalar is not None else "Tensor"
        cells = [f"**{rule.name}**", code(rule.expr), *partials, nodes]
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
