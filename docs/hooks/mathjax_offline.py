"""Ship the math renderer with the site, so that math shows without a network.

MathJax 3 comes from the `django-static-mathjax` package on PyPI (a plain copy of MathJax's
files, no Django needed), installed by the `docs` extra. At the end of every build this hook
copies the few files the pages use into `SITE/javascripts/mathjax/`: the startup component
(MathJax's loader), the core, the TeX input, the CommonHTML output and its TeX font data,
the TeX extensions that `autoload` fetches on demand, the web fonts, and MathJax's license
(about 1.2 MB). Nothing is vendored in the repository; `docs/javascripts/mathjax.js` tells
the loader what to load.

Not copied: the menu and the speech engine (`ui/`, `a11y/`, `sre/`), whose code falls back
to a CDN, and the two extensions that bundle everything or name remote URLs.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

TARGET = Path("javascripts") / "mathjax"
FILES = (
    "startup.js",
    "core.js",
    "input/tex.js",
    "output/chtml.js",
    "output/chtml/fonts/tex.js",
)
FOLDERS = ("input/tex/extensions", "output/chtml/fonts/woff-v2")
SKIPPED = ("all-packages.js", "mhchem.js")


def mathjax_root() -> Path:
    """The folder of MathJax's `es5` build in the installed package.

    Raises:
        PluginError: the package is not installed.
    """
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise PluginError(
            "mathjax_offline: MathJax is not installed; install the docs extra "
            '(pip install ".[docs]"), which brings the django-static-mathjax package'
        )
    root = Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax"
    if not (root / "es5" / "startup.js").exists():
        raise PluginError(f"mathjax_offline: no MathJax es5 build under {root}")
    return root


def copy_mathjax(site_dir: Path) -> Path:
    """Copy MathJax's files into `site_dir/javascripts/mathjax`; return that folder."""
    root = mathjax_root()
    es5 = root / "es5"
    target = site_dir / TARGET
    for name in FILES:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(es5 / name, target / name)
    for folder in FOLDERS:
        shutil.copytree(
            es5 / folder,
            target / folder,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns(*SKIPPED),
        )
    shutil.copy2(root / "LICENSE", target / "LICENSE")
    return target


def on_post_build(config: Any, **kwargs: Any) -> None:
    copy_mathjax(Path(config["site_dir"]))
