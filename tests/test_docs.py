"""The docs site: it builds strictly, documents every public name, and tells the truth.

* The site builds with `mkdocs build --strict` (skipped without the `docs` extra).
* Every public name of the package and of its public modules has a docstring and a
  `::: autograd_lite.NAME` entry in the API reference pages.
* The rule table page renders every rule of `RULES`, with its formulas.
* Every example on the pages runs and prints what the page says it prints.
* Getting started shows the README's quick-start commands, verbatim.
* The built site loads no script, style sheet or font from the network: MathJax ships
  with it, and the Korean edition (`/ko/`) builds beside the English one.

Each checker has a test that shows it can fail.
"""

from __future__ import annotations

import contextlib
import html
import html.parser
import importlib
import importlib.util
import inspect
import io
import re
import shlex
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
REFERENCE = DOCS / "reference"

# The public modules whose names the reference must cover. Those not written yet (or still
# a bare folder without `__init__.py`) are skipped until they land.
PUBLIC_MODULES = (
    "autograd_lite",
    "autograd_lite.data",
    "autograd_lite.exercises",
    "autograd_lite.models",
    "autograd_lite.nn",
    "autograd_lite.optim",
    "autograd_lite.train",
    "autograd_lite.viz",
)


# ------------------------------------------------------------------ the build


def _mkdocs_build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _need_mkdocs() -> None:
    pytest.importorskip("mkdocs", reason="the docs extra is not installed")
    pytest.importorskip("material", reason="the docs extra is not installed")
    pytest.importorskip("mkdocstrings", reason="the docs extra is not installed")


def test_site_builds_strictly(tmp_path: Path) -> None:
    _need_mkdocs()
    site = tmp_path / "site"
    result = _mkdocs_build(ROOT / "mkdocs.yml", site)
    assert result.returncode == 0, result.stdout + result.stderr
    rules_page = (site / "rules" / "index.html").read_text(encoding="utf-8")
    assert _missing_rules(rules_page) == []
    assert "<!-- rule-table" not in rules_page  # every placeholder was filled
    # Material's bundle names Mermaid on a CDN, and loads it only on a page with a diagram.
    remote = [r for r in remote_references(site) if "/mermaid@" not in r]
    assert remote == []
    diagrams = [p for p in site.rglob("*.html") if 'class="mermaid"' in p.read_text("utf-8")]
    assert diagrams == [], "a Mermaid diagram would load Mermaid from a CDN"
    # The math renderer is in the site, and every page with math loads it from there.
    assert (site / "javascripts" / "mathjax" / "startup.js").is_file()
    assert list((site / "javascripts" / "mathjax" / "output").rglob("*.woff"))
    for page in ("concepts/derivative", "ko/concepts/derivative"):
        text = (site / page / "index.html").read_text(encoding="utf-8")
        assert re.search(r'<script src="(\.\./)+javascripts/mathjax/startup\.js"', text), page
        assert 'class="arithmatex"' in text, page
    # The Korean edition: its own concept pages, the rest falling back to English, and a
    # language switch on every page.
    for page in ("derivative", "chain-rule", "reverse-mode", "higher-order"):
        assert (DOCS / "concepts" / f"{page}.ko.md").exists(), f"{page}: no Korean edition"
        korean = (site / "ko" / "concepts" / page / "index.html").read_text(encoding="utf-8")
        assert 'lang="ko"' in korean, page
        title = re.search(r"<h1[^>]*>(.*?)</h1>", korean, re.S)
        assert title is not None
        assert re.search("[가-힣]", title.group(1)), f"{page}: the title is not in Korean"
        assert 'hreflang="en"' in korean, page
    assert 'hreflang="ko"' in (site / "index.html").read_text(encoding="utf-8")


def test_strict_build_fails_on_a_broken_link(tmp_path: Path) -> None:
    """The same configuration refuses a page with a link to a page that does not exist."""
    _need_mkdocs()
    import yaml  # a dependency of mkdocs

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nSee [the missing page](missing.md).\n")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    # Keep every check of the real configuration; drop only what needs the real pages.
    del config["nav"], config["hooks"]
    config["plugins"] = [p for p in config["plugins"] if p == "search"]
    assert config["validation"]["links"]["not_found"] == "warn"
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = _mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert result.returncode != 0
    assert "missing.md" in result.stdout + result.stderr


# ------------------------------------------------------------------ nothing remote

# A URL that makes a browser reach the network: http(s), or protocol-relative (//host).
_REMOTE = r"(?:https?:)?//[^\s\"'()<>]+"
_LOADED_BY_JS = re.compile(
    rf"""["'`]({_REMOTE}\.(?:m?js|css|woff2?|ttf|otf|eot)(?:\?[^"'`]*)?)["'`]""", re.I
)
_CSS_URL = re.compile(rf"""url\(\s*["']?({_REMOTE})""", re.I)
_CSS_IMPORT = re.compile(rf"""@import\s+(?:url\(\s*)?["']?({_REMOTE})""", re.I)


class _Tags(html.parser.HTMLParser):
    """Remote `<script src>`, `<link href>` (other than links to pages) and inline CSS."""

    def __init__(self) -> None:
        super().__init__()
        self.remote: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "script" and re.match(_REMOTE, a.get("src", "")):
            self.remote.append(f"<script src={a['src']}>")
        rel = a.get("rel", "").lower().split()
        page_link = set(rel) & {"canonical", "alternate", "author", "license", "next", "prev"}
        if tag == "link" and re.match(_REMOTE, a.get("href", "")) and not page_link:
            self.remote.append(f"<link rel={a.get('rel')} href={a['href']}>")
        if "style" in a:
            self.styles.append(a["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def _css_remote(text: str) -> list[str]:
    imports = _CSS_IMPORT.findall(text)
    urls = [u for u in _CSS_URL.findall(text) if u not in imports]
    return [f"@import {u}" for u in imports] + [f"url({u})" for u in urls]


def remote_references(site: Path) -> list[str]:
    """Every reference in the built site that would load a script, a style sheet or a font
    from the network: `<script src>` and `<link href>` in HTML, `url(...)` (in `@font-face`
    and elsewhere) and `@import` in CSS, inline or not, and the same in JavaScript (which
    writes style sheets, MathJax's fonts among them), plus string literals in JavaScript
    that name a remote `.js`, `.css` or font file. Links to other web pages (`<a href>`) do
    not load anything, and are allowed."""
    found = []
    for path in sorted(site.rglob("*")):
        suffix = path.suffix.lower()
        if suffix not in (".html", ".css", ".js", ".mjs"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        where = path.relative_to(site).as_posix()
        if suffix == ".html":
            parser = _Tags()
            parser.feed(text)
            hits = parser.remote + [h for style in parser.styles for h in _css_remote(style)]
        elif suffix == ".css":
            hits = _css_remote(text)
        else:
            hits = _css_remote(text) + _LOADED_BY_JS.findall(text)
        found += [f"{where}: {hit}" for hit in hits]
    return found


def test_remote_check_can_fail(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text(
        '<html><head><link rel="stylesheet" href="https://fonts.example.com/css">'
        '<link rel="canonical" href="https://example.com/"><script src="local.js"></script>'
        "<style>@font-face { src: url('//cdn.example.com/f.woff2') }</style></head>"
        '<body><a href="https://example.com/">a page</a><script src="//cdn.example.com/m.js">'
        "</script></body></html>",
        encoding="utf-8",
    )
    (site / "a" / "x.css").write_text(
        '@import url("https://cdn.example.com/x.css");\n'
        ".i { background: url(data:image/png;base64,AA) }",
        encoding="utf-8",
    )
    (site / "a" / "y.js").write_text(
        'const help = "see https://example.com/docs";\n'
        'const css = "@font-face{src:url(https://cdn.example.com/MathJax_Main.woff)}";\n'
        'load("https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js");\n',
        encoding="utf-8",
    )
    found = remote_references(site)
    assert found == [
        "a/x.css: @import https://cdn.example.com/x.css",
        "a/y.js: url(https://cdn.example.com/MathJax_Main.woff)",
        "a/y.js: https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js",
        "index.html: <link rel=stylesheet href=https://fonts.example.com/css>",
        "index.html: <script src=//cdn.example.com/m.js>",
        "index.html: url(//cdn.example.com/f.woff2)",
    ]


def test_mathjax_comes_from_the_installed_package(tmp_path: Path) -> None:
    """The hook copies MathJax from the `docs` extra's package; without it, a sentence."""
    _need_mkdocs()
    spec = importlib.util.spec_from_file_location(
        "mathjax_hook", DOCS / "hooks/mathjax_offline.py"
    )
    assert spec is not None
    assert spec.loader is not None
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    if importlib.util.find_spec("mathjax") is None:
        from mkdocs.exceptions import PluginError

        with pytest.raises(PluginError, match="install the docs extra"):
            hook.copy_mathjax(tmp_path)
        return
    target = hook.copy_mathjax(tmp_path)
    assert (target / "startup.js").is_file()
    assert (target / "input" / "tex" / "extensions" / "ams.js").is_file()
    assert (target / "LICENSE").is_file()
    assert remote_references(tmp_path) == []


# ------------------------------------------------------------------ the API reference


@dataclass(frozen=True)
class Directive:
    """A `::: identifier` line of a reference page, with its `members` option if any."""

    identifier: str
    members: bool | list[str] = True


def _members(options: list[str]) -> bool | list[str]:
    """The `members` option of a directive's indented YAML block (True when absent).

    Reads the three spellings mkdocstrings takes: `members: false`, `members: [a, b]`,
    and `members:` followed by `- a` lines.
    """
    for j, line in enumerate(options):
        match = re.match(r"^\s+members:\s*(.*?)\s*$", line)
        if not match:
            continue
        value = match.group(1)
        if value.lower() in ("false", "no", "off"):
            return False
        if value.startswith("["):
            return [m.strip().strip("'\"") for m in value[1:-1].split(",") if m.strip()]
        if value == "":
            items = []
            for item in options[j + 1 :]:
                listed = re.match(r"^\s+-\s*(\S+)\s*$", item)
                if not listed:
                    break
                items.append(listed.group(1).strip("'\""))
            return items
        return True
    return True


def reference_directives(pages: dict[str, str]) -> list[Directive]:
    """Every mkdocstrings directive in the given pages (name -> Markdown)."""
    found = []
    for text in pages.values():
        lines = text.splitlines()
        for i, line in enumerate(lines):
            match = re.match(r"^:::\s+([\w.]+)\s*$", line)
            if not match:
                continue
            options = []
            for following in lines[i + 1 :]:
                if following.strip() and not following.startswith((" ", "\t")):
                    break
                options.append(following)
            found.append(Directive(match.group(1), _members(options)))
    return found


def resolve(identifier: str) -> Any:
    """The object `::: identifier` renders, found as mkdocstrings finds it: the longest
    importable module prefix, then attributes. So `autograd_lite.gradcheck` is the module
    `gradcheck.py`, even though `ag.gradcheck` is the function of the same name."""
    parts = identifier.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for part in parts[i:]:
                obj = getattr(obj, part)
        except AttributeError:
            return None
        return obj
    return None


@dataclass
class Coverage:
    """What the reference pages document."""

    identifiers: set[str]  # every `::: identifier`
    objects: list[Any]  # what each of those renders
    members: set[str]  # names rendered as members of a module directive


def documented(pages: dict[str, str]) -> Coverage:
    """What the pages document.

    A module directive also documents the members it renders: all of the module's
    `__all__`, unless its `members` option says otherwise (`false`: none; a list: those).
    """
    coverage = Coverage(set(), [], set())
    for directive in reference_directives(pages):
        obj = resolve(directive.identifier)
        coverage.identifiers.add(directive.identifier)
        coverage.objects.append(obj)
        if directive.members is False or not inspect.ismodule(obj):
            continue  # a class or a function: its members are not names of their own
        public = getattr(obj, "__all__", [])
        chosen = public if directive.members is True else directive.members
        coverage.members.update(f"{directive.identifier}.{name}" for name in chosen)
    return coverage


def is_documented(name: str, obj: Any, coverage: Coverage) -> bool:
    """True when a directive renders `obj`, or renders `name` as a module's member.

    A function, a class or a module must be rendered as that very object (under any
    path): `::: autograd_lite.gradcheck` renders the module `gradcheck.py`, so it does not
    document the function `ag.gradcheck`. A constant (a number, a tuple) goes by name.
    """
    if name in coverage.members:
        return True
    if inspect.isroutine(obj) or inspect.isclass(obj) or inspect.ismodule(obj):
        return any(rendered is obj for rendered in coverage.objects)
    return name in coverage.identifiers


def public_names(module_name: str) -> list[tuple[str, Any]]:
    """`(dotted name, object)` for each name in the module's `__all__`; skips if not landed."""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name is not None and module_name.startswith(error.name):
            pytest.skip(f"{module_name} is not written yet")
        raise
    if getattr(module, "__file__", None) is None:
        pytest.skip(f"{module_name} is still a bare folder (no __init__.py)")
    assert hasattr(module, "__all__"), f"{module_name} has no __all__: declare its public names"
    return [(f"{module_name}.{name}", getattr(module, name)) for name in module.__all__]


def _reference_pages() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(REFERENCE.glob("*.md"))}


def missing_from_reference(module_name: str, pages: dict[str, str]) -> list[str]:
    """Public names of `module_name` that no reference page documents."""
    coverage = documented(pages)
    return [
        name for name, obj in public_names(module_name) if not is_documented(name, obj, coverage)
    ]


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_public_name_has_a_docstring(module_name: str) -> None:
    undocumented = [name for name, obj in public_names(module_name) if not inspect.getdoc(obj)]
    assert undocumented == [], f"no docstring: {undocumented}"


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_public_name_is_in_the_api_reference(module_name: str) -> None:
    missing = missing_from_reference(module_name, _reference_pages())
    assert missing == [], (
        f"not in docs/reference/*.md: {missing}; add a `::: NAME` line for each to a page"
    )


def test_reference_check_can_fail() -> None:
    """A reference without `::: autograd_lite.grad` is caught, and so are a module
    directive that leaves members out and a directive that renders another object."""
    pages = _reference_pages()
    without = {
        name: re.sub(r"(?m)^::: autograd_lite\.grad\n", "", text) for name, text in pages.items()
    }
    assert without != pages
    assert missing_from_reference("autograd_lite", without) == ["autograd_lite.grad"]
    module_only = {"data.md": "::: autograd_lite.data\n    options:\n      members: false\n"}
    assert "autograd_lite.data.make_moons" in missing_from_reference(
        "autograd_lite.data", module_only
    )
    whole_module = {"data.md": "::: autograd_lite.data\n"}
    assert missing_from_reference("autograd_lite.data", whole_module) == []
    # `autograd_lite.gradcheck` names the module gradcheck.py, not the function ag.gradcheck.
    shadowed = {
        name: text.replace(
            "::: autograd_lite.gradcheck.gradcheck\n", "::: autograd_lite.gradcheck\n"
        )
        for name, text in pages.items()
    }
    assert shadowed != pages
    assert missing_from_reference("autograd_lite", shadowed) == ["autograd_lite.gradcheck"]


# ------------------------------------------------------------------ the rule table


def _load_hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rule_table_hook", DOCS / "hooks/rule_table.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _missing_rules(page_html: str, rules: Any = None) -> list[str]:
    """Rules whose name, forward or a formula is not in the page (HTML or Markdown)."""
    from autograd_lite.rules import RULES

    text = html.unescape(re.sub(r"<[^>]+>", "", page_html))
    missing = []
    for rule in RULES if rules is None else rules:
        wanted = [rule.name, rule.expr, *rule.formulas]
        if not all(piece in text for piece in wanted):
            missing.append(rule.name)
    return missing


def _render_rules_page(rules: Any = None) -> str:
    """The rules page with its placeholders filled by the hook, rendered to HTML as MkDocs
    would (tables), or left as Markdown where the docs extra is not installed: a formula
    then still appears verbatim, inside its code span."""
    hook = _load_hook()
    page = (DOCS / "rules.md").read_text(encoding="utf-8")
    filled = hook.render(page) if rules is None else hook.render(page, rules)
    try:
        import markdown
    except ImportError:
        return str(filled)
    return str(markdown.markdown(filled, extensions=["tables"]))


def test_rule_table_shows_every_rule_and_formula() -> None:
    from autograd_lite.rules import COMPOSITES, RULES

    page = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert "<!-- rule-table: elementwise -->" in page
    assert "<!-- rule-table: structural -->" in page
    rendered = _render_rules_page()
    assert _missing_rules(rendered) == []
    assert "<!-- rule-table" not in rendered
    rows = rendered.count("<tr>") if "<tr>" in rendered else rendered.count("\n| **")
    tables = 3  # elementwise, structural, composed: a header row each
    assert rows == len(RULES) + len(COMPOSITES) + (tables if "<tr>" in rendered else 0)


def test_rule_table_check_can_fail() -> None:
    from autograd_lite.rules import RULES

    rendered = _render_rules_page(rules=[r for r in RULES if r.name != "tanh"])
    assert _missing_rules(rendered) == ["tanh"]


def test_rule_table_refuses_an_unknown_kind() -> None:
    hook = _load_hook()
    with pytest.raises(ValueError, match="unknown kind"):
        hook.render("<!-- rule-table: elementwize -->\n")
    with pytest.raises(ValueError, match="unknown kind"):
        hook.render("<!-- rule-table -->\n")


# ------------------------------------------------------------------ the examples


@dataclass
class Block:
    """A fenced block of a page."""

    lang: str
    code: str
    line: int
    directive: str  # from the HTML comments above it: "no-run", "needs: NAME, ...", or ""


FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<lang>\w*)[^\n]*\n(?P<code>.*?)^(?P=indent)```[ \t]*$", re.M | re.S
)


def _comments_above(text: str, start: int) -> list[str]:
    """The HTML comments on the lines just above `start` (blank lines between allowed)."""
    comments = []
    for line in reversed(text[:start].splitlines()):
        if not line.strip():
            continue
        comment = re.fullmatch(r"\s*<!--\s*(.*?)\s*-->\s*", line)
        if comment is None:
            break
        comments.append(comment[1])
    return comments


def fenced_blocks(text: str) -> list[Block]:
    """Every fenced block of a page, in order, with the directive in the comments above it.

    Blocks indented inside an admonition count too, with the indent removed. Comments
    that are not directives (`<!-- fmt: off -->` for ruff) are ignored.
    """
    blocks = []
    for match in FENCE.finditer(text):
        directives = [
            c
            for c in _comments_above(text, match.start())
            if c == "no-run" or c.startswith("needs:")
        ]
        line = text.count("\n", 0, match.start()) + 1
        code = textwrap.dedent(match.group("code"))
        directive = directives[0] if directives else ""
        blocks.append(Block(match.group("lang"), code, line, directive))
    return blocks


def _available(need: str) -> bool:
    """True when `need` (a module, or `module.attribute`) can be imported."""
    try:
        importlib.import_module(need)
        return True
    except ImportError:
        pass
    module, _, attribute = need.rpartition(".")
    try:
        return bool(module) and hasattr(importlib.import_module(module), attribute)
    except ImportError:
        return False


def _same(printed: str, expected: str) -> bool:
    def lines(s: str) -> list[str]:
        return [line.rstrip() for line in s.strip("\n").splitlines()]

    return lines(printed) == lines(expected)


def run_examples(text: str) -> list[str]:
    """Run a page's examples; return a message per example that fails.

    `python` blocks run in order in one namespace (like a notebook); when a `text` block
    follows one, the output must match it. `console` blocks run each `$ autograd-lite ...`
    line and compare the output under it. A block under `<!-- no-run -->` is shown only;
    one under `<!-- needs: NAME, ... -->` runs when each NAME imports (a module or
    `module.attr`): optional packages such as torch.
    """
    problems = []
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    blocks = fenced_blocks(text)
    for i, block in enumerate(blocks):
        if block.directive == "no-run":
            continue
        if block.directive.startswith("needs:"):
            needs = block.directive.split(":", 1)[1].split(",")
            if not all(_available(need.strip()) for need in needs):
                continue
        if block.lang == "python":
            printed = io.StringIO()
            try:
                with contextlib.redirect_stdout(printed):
                    exec(compile(block.code, f"<line {block.line}>", "exec"), namespace)
            except Exception as error:
                problems.append(f"line {block.line}: raised {type(error).__name__}: {error}")
                continue
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            if following is not None and following.lang == "text":
                if not _same(printed.getvalue(), following.code):
                    problems.append(
                        f"line {block.line}: printed\n{printed.getvalue()}\n"
                        f"but the page shows (line {following.line})\n{following.code}"
                    )
            elif printed.getvalue():
                problems.append(f"line {block.line}: prints, but no text block shows it")
        elif block.lang == "console":
            problems += _run_console(block)
    return problems


def _run_console(block: Block) -> list[str]:
    problems = []
    commands = re.split(r"(?m)^\$ ", block.code)[1:]
    for chunk in commands:
        command, _, expected = chunk.partition("\n")
        words = shlex.split(command)
        if not words or words[0] != "autograd-lite":
            problems.append(f"line {block.line}: only autograd-lite commands run: {command}")
            continue
        result = subprocess.run(
            [sys.executable, "-m", "autograd_lite", *words[1:]],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if not _same(result.stdout + result.stderr, expected):
            problems.append(
                f"line {block.line}: `{command}` printed\n{result.stdout}{result.stderr}\n"
                f"but the page shows\n{expected}"
            )
    return problems


PAGES = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))


@pytest.mark.parametrize("page", PAGES)
def test_examples_print_what_the_page_shows(page: str) -> None:
    problems = run_examples((DOCS / page).read_text(encoding="utf-8"))
    assert problems == [], "\n\n".join(problems)


def test_example_check_can_fail() -> None:
    page = "```python\nprint(1 + 1)\n```\n\n```text\n3\n```\n"
    assert len(run_examples(page)) == 1
    assert run_examples(page.replace("3", "2")) == []
    assert run_examples("<!-- no-run -->\n```python\nimport not_a_module\n```\n") == []
    assert len(run_examples("```python\nimport not_a_module\n```\n")) == 1


def test_getting_started_shows_the_readme_quick_start() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = re.search(r"<!-- quick-start -->\n```bash\n(.*?)```", readme, re.S)
    assert quick is not None, "README.md lost its quick-start block"
    page = (DOCS / "getting-started.md").read_text(encoding="utf-8")
    assert f"```bash\n{quick.group(1)}```" in page
