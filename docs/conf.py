"""Sphinx configuration of the documentation site (docs/README.md says how to build it).

Sphinx reads MyST Markdown pages (myst-parser), the notebooks with their committed
outputs (MyST-NB, never executed) and the docstrings (autodoc). The pages and notebooks
are listed below, in the order of the site's navigation; tests/test_docs_site.py checks
that every page in docs/ and every notebook in notebooks/ is listed, so none is forgotten.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from typing import Any

from sphinx.util import logging

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
# autodoc imports the checkout, like pytest does, never a copy in site-packages.
sys.path.insert(0, str(ROOT))
# The playground page's files come from a local extension (docs/playground_build.py).
sys.path.insert(0, str(DOCS))

import autograd_lite  # noqa: E402 (from the checkout, just put first on the path)

# The content pages, in the order of the home page's table of contents (docs/index.md).
PAGES = [
    "getting-started",
    "playground",
    "engine",
    "graphs",
    "training",
    "compiling",
    "networks",
    "cli",
    "internals",
    "benchmarks",
]
# The pages of the site's own frame: the home page, the notebooks' index, the reference.
FRAME_PAGES = ["index", "tutorials", "api", "api/autograd_lite", "api/nn"]
# The notebooks, in the order of docs/tutorials.md; they live in notebooks/ (run by the
# tests and opened in JupyterLab from there), outside this source folder.
NOTEBOOKS = [
    "01_stepping_through_backprop.ipynb",
    "02_rendering_graphs.ipynb",
    "03_training_loop.ipynb",
    "04_higher_order_derivatives.ipynb",
    "05_real_data_and_tutorial_networks.ipynb",
    "06_compiling.ipynb",
]
# Sphinx reads only files under its source folder (docs/), and a toctree cannot point
# outside it; rather than move the notebooks (README.md and the tests use their paths) or
# keep a second copy in git, `copy_notebooks` copies them here at the start of each build.
# The folder is generated (in .gitignore); never edit a notebook in it.
NOTEBOOK_COPIES = DOCS / "notebooks"

project = "autograd-lite"
author = "the autograd-lite authors"
copyright = "the autograd-lite authors, MIT licence"
release = version = autograd_lite.__version__

extensions = [
    "myst_nb",  # MyST Markdown pages and notebooks (it loads myst_parser itself)
    "playground_build",  # the playground page's Python, Graphviz and wheels
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "README.md",  # the docs' own README: how to build the site, not a page of it
    "demo",
    "playground",  # the playground page's scripts and examples, copied by playground_build
    "**/.ipynb_checkpoints",
]

# The docstrings are plain prose with names and code in backticks, not reStructuredText:
# `plain_docstring` (below) turns them into reST that shows them as written. A single
# backtick left anyway, in a page's {eval-rst} block, is code too.
default_role = "code"
# An unresolved cross-reference (a type from typing, a class of tqdm) stays plain text.
nitpicky = False

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# The notebooks are shown with the outputs committed in them (tests/test_notebooks.py
# keeps those current): the build never runs a kernel.
nb_execution_mode = "off"
# No script from a CDN: the site works offline. A widget output (notebook 03's progress
# bars) then shows its text form, which the notebook also stores.
nb_ipywidgets_js: dict[str, dict[str, str]] = {}
# A Graph output carries text/html (an <img> that shrinks to the column), image/svg+xml
# and text/plain, and a stepper text/html with its inline <script>: HTML first, always.
nb_mime_priority_overrides = [
    (builder, mime, priority)
    for builder in ("html", "dirhtml", "singlehtml")
    for mime, priority in (("text/html", 0), ("image/svg+xml", 40), ("image/png", 50))
]

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True}
html_theme = "pydata_sphinx_theme"
html_title = "autograd-lite"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 3,
    # The search as an icon (Ctrl+K too): the header then holds on one line at 1,000 px.
    "navbar_persistent": ["search-button"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
# Without a mode of its own, the theme logs an error in the console at each first visit.
html_context = {"default_mode": "auto"}
# The left sidebar lists a section's pages: the notebooks', the reference's. The home page
# and the guide's pages have none, and use the width for their text.
html_sidebars = {page: [] for page in ["index", *PAGES]}
html_show_sourcelink = False
# Served over HTTP (the playground needs it), a browser asks for /favicon.ico without one.
html_favicon = "favicon.svg"


# A code span as Markdown has it: a run of backticks, closed by a run of the same length.
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
# reST reads inline markup only after these characters (or a line's start) and before
# these (or its end); elsewhere an escaped space joins it to the word, invisibly.
MARKUP_BEFORE = " \t'\"([{<-/:"
MARKUP_AFTER = " \t-.,:;!?\\/'\")]}>"
LIST_ITEM = re.compile(r"\s*([-*+]|\d+[.)])\s")


def plain_prose(text: str) -> str:
    """Prose as reST shows it as written: `|` and a word's final `_` escaped (reST would
    read `|z|` as a substitution and `val_` as a link)."""
    return re.sub(r"\|", r"\\|", re.sub(r"(?<=\w)_(?!\w)", r"\\_", text))


def plain_line(line: str) -> str:
    """One docstring line as reST: prose escaped, each code span an inline literal, joined
    to a word around it by an escaped space (`Layer`s)."""
    parts: list[str] = []
    position = 0
    for match in CODE_SPAN.finditer(line):
        before = line[match.start() - 1] if match.start() else " "
        after = line[match.end()] if match.end() < len(line) else " "
        parts += [
            plain_prose(line[position : match.start()]),
            "" if before in MARKUP_BEFORE else "\\ ",
            f"``{match.group(2).strip()}``",
            "" if after in MARKUP_AFTER else "\\ ",
        ]
        position = match.end()
    return "".join([*parts, plain_prose(line[position:])])


def plain_docstring(
    app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """autodoc's hook: rewrite a docstring's `lines` in place with `plain_line`, and start a
    list that follows a line of prose with a blank line, as reST needs (Markdown does not)."""
    rewritten: list[str] = []
    in_list = in_doctest = False
    for line in lines:
        # A doctest block (from a `>>>` line to a blank one) is code, shown as it is.
        in_doctest = line.lstrip().startswith(">>>") or (in_doctest and bool(line.strip()))
        if in_doctest:
            rewritten.append(line)
            continue
        item = LIST_ITEM.match(line) is not None
        if item and not in_list and rewritten and rewritten[-1].strip():
            rewritten.append("")
        if item:
            in_list = True
        elif not line.strip() or not line[:1].isspace():
            in_list = False
        rewritten.append(plain_line(line))
    lines[:] = rewritten


def init_signature(
    app: Any, what: str, name: str, obj: Any, options: Any, signature: Any, annotation: Any
) -> tuple[str, Any] | None:
    """autodoc's hook: an `nn` module is made through its metaclass's `__call__(*args,
    **kwargs)` (which records the arguments), and autodoc shows that signature; show the
    class's `__init__`, which is what a reader calls."""
    if what != "class" or not str(signature).startswith("(*args"):
        return None
    if obj.__init__ is object.__init__:
        return "()", annotation
    from sphinx.util.inspect import signature as read_signature
    from sphinx.util.inspect import stringify_signature

    init = read_signature(obj.__init__, bound_method=True)
    return stringify_signature(init, show_return_annotation=False), annotation


logger = logging.getLogger(__name__)


def copy_notebooks(app: Any) -> None:
    """Copy notebooks/*.ipynb into docs/notebooks/, keeping their modification times
    (so an incremental build re-reads only a changed notebook); drop stale copies. A
    notebook missing from `NOTEBOOKS` is a warning, so an error under `-W`."""
    NOTEBOOK_COPIES.mkdir(exist_ok=True)
    for name in NOTEBOOKS:
        source, copy = ROOT / "notebooks" / name, NOTEBOOK_COPIES / name
        stat = source.stat()
        if not copy.exists() or (copy.stat().st_mtime, copy.stat().st_size) != (
            stat.st_mtime,
            stat.st_size,
        ):
            shutil.copy2(source, copy)
    for source in sorted((ROOT / "notebooks").glob("*.ipynb")):
        if source.name not in NOTEBOOKS:
            logger.warning(f"notebooks/{source.name} is not on the site: add it to NOTEBOOKS")
    for copy in NOTEBOOK_COPIES.iterdir():
        if copy.name not in NOTEBOOKS:
            if copy.is_dir():
                shutil.rmtree(copy)
            else:
                copy.unlink()


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", copy_notebooks)
    app.connect("autodoc-process-docstring", plain_docstring)
    app.connect("autodoc-process-signature", init_signature)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
