"""The documentation site (docs/, Sphinx + MyST-NB): it lists every page and notebook,
builds with warnings as errors, and its pages work in a browser.

The fast tests read docs/conf.py and the toctrees: a page added to docs/, a notebook
added to notebooks/ or a name added to a package's `__all__` cannot be forgotten. The
slow ones build the site once (`python -m sphinx -W --keep-going -b html docs OUT`) and
open the home page, the guide's pages and the notebooks' pages in headless Chromium
(skipped without it): no console error, every stepper steps, no drawing sticks out of
the content column at 1,000 px.
"""

from __future__ import annotations

import importlib
import json
import re
import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, console_errors

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NOTEBOOK_DIR = ROOT / "notebooks"


def conf() -> dict[str, Any]:
    """The names docs/conf.py defines (reading it builds nothing and copies nothing)."""
    return runpy.run_path(str(DOCS / "conf.py"))


def toctree(page: str) -> list[str]:
    """The entries of the toctrees of docs/`page`.md, in order."""
    text = (DOCS / f"{page}.md").read_text(encoding="utf-8")
    entries: list[str] = []
    for block in re.findall(r"^```\{toctree\}\n(.*?)^```", text, flags=re.M | re.S):
        entries += [
            line.strip()
            for line in block.splitlines()
            if line.strip() and not line.strip().startswith(":")
        ]
    return entries


def site_pages() -> set[str]:
    """The Markdown pages in docs/, as docnames (`api/nn`), but for the docs' README and
    the generated notebook copies."""
    pages = set()
    for path in DOCS.rglob("*.md"):
        relative = path.relative_to(DOCS)
        if relative.parts[0] in {"_build", "notebooks"} or ".ipynb_checkpoints" in relative.parts:
            continue
        if relative.as_posix() != "README.md":
            pages.add(relative.with_suffix("").as_posix())
    return pages


def test_conf_lists_every_page_and_every_notebook() -> None:
    names = conf()
    listed = set(names["PAGES"]) | set(names["FRAME_PAGES"])
    assert site_pages() - listed == set(), "a page in docs/ missing from PAGES in docs/conf.py"
    notebooks = sorted(path.name for path in NOTEBOOK_DIR.glob("*.ipynb"))
    assert sorted(names["NOTEBOOKS"]) == notebooks, "NOTEBOOKS in docs/conf.py != notebooks/"


def test_the_toctrees_follow_the_lists_in_conf() -> None:
    names = conf()
    assert toctree("index") == [*names["PAGES"], "tutorials", "api"]
    assert toctree("tutorials") == [
        "notebooks/" + name.removesuffix(".ipynb") for name in names["NOTEBOOKS"]
    ]
    assert toctree("api") == ["api/autograd_lite", "api/nn"]


@pytest.mark.parametrize("package", ["autograd_lite", "autograd_lite.nn"])
def test_the_api_reference_documents_every_public_name(package: str) -> None:
    module = importlib.import_module(package)
    text = (DOCS / "api" / f"{package.rpartition('.')[2]}.md").read_text(encoding="utf-8")
    directive = r"^\.\. (?:auto\w+|py:\w+):: (?:\w+\.)*(\w+)\s*$"
    documented = set(re.findall(directive, text, flags=re.M))
    # A re-export such as nn.fit is documented with the module that defines it.
    modules = set(re.findall(r"^\.\. automodule:: ([\w.]+)\s*$", text, flags=re.M))
    missing = [
        name
        for name in module.__all__
        if name not in documented and getattr(module, name).__module__ not in modules
    ]
    assert missing == []


def test_docstrings_are_read_as_plain_text() -> None:
    plain_line = conf()["plain_line"]
    # reST would read |z| as a substitution, val_ as a link, `Layer`s as no literal.
    assert plain_line("stable for any |z|") == r"stable for any \|z\|"
    assert plain_line('"val_" versions') == r'"val\_" versions'
    assert plain_line("none of `Layer`s") == r"none of ``Layer``\ s"
    assert plain_line("breaks before its ` = `") == "breaks before its ``=``"
    assert plain_line("``act_mean``, `x_` and snake_case") == "``act_mean``, ``x_`` and snake_case"
    lines = ["Returns:", "- `a`: one", "  more", "", ">>> f(x_)", "x_", "", "y_"]
    conf()["plain_docstring"](None, "function", "f", None, None, lines)
    assert lines == ["Returns:", "", "- ``a``: one", "  more", "", ">>> f(x_)", "x_", "", r"y\_"]


# The browser checks -------------------------------------------------------------------


MEASURE = """
const article = document.querySelector('main article') || document.querySelector('main');
const box = article.getBoundingClientRect();
const drawings = [];
for (const d of article.querySelectorAll('svg, img')) {
  if (d.tagName === 'svg' && d.parentElement.closest('svg')) continue;
  const r = d.getBoundingClientRect();
  if (r.width === 0) continue;
  // A stepper's drawing scrolls inside the stepper's view on purpose: what counts is its
  // visible part. Anything else must fit the column (no output area may hide it).
  let clip = Infinity;
  for (let e = d.parentElement; e && e.closest('.ag-stepper'); e = e.parentElement) {
    if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(e).overflowX)) {
      clip = Math.min(clip, e.getBoundingClientRect().right);
    }
  }
  drawings.push({tag: d.tagName, src: (d.getAttribute('src') || '').slice(0, 60),
                 left: r.left, right: r.right, visibleRight: Math.min(r.right, clip),
                 width: r.width});
}
return {drawings: drawings, left: box.left, right: box.right,
        page: document.documentElement.clientWidth,
        pageScroll: document.documentElement.scrollWidth};
"""

STEP = """
const element = arguments[0];
const before = [element.stepper.text(), element.innerText];
const reached = element.stepper.go(5);
return {reached: reached, current: element.stepper.current(),
        frames: element.stepper.frames().length,
        textBefore: before[0], textAfter: element.stepper.text(),
        shownBefore: before[1], shownAfter: element.innerText};
"""


def saved_outputs(notebook: str) -> tuple[int, int]:
    """How many drawings and how many steppers the committed outputs of notebooks/`notebook`
    hold."""
    cells = json.loads((NOTEBOOK_DIR / notebook).read_text(encoding="utf-8"))["cells"]
    drawings = steppers = 0
    for cell in cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            page = "".join(data.get("text/html", ""))
            steppers += "ag-stepper" in page
            drawings += any(k in data for k in ("image/png", "image/svg+xml")) or "<img" in page
    return drawings, steppers


@pytest.mark.slow
def test_the_site_builds_with_warnings_as_errors(built_site: tuple[Path, str | None]) -> None:
    out, failure = built_site
    assert failure is None, failure
    for page in ["index", "tutorials", "api", *conf()["PAGES"]]:
        assert (out / f"{page}.html").is_file(), page
    for notebook in conf()["NOTEBOOKS"]:
        assert (out / "notebooks" / notebook.replace(".ipynb", ".html")).is_file(), notebook
    # A Graph's text/html output (an image that shrinks to the column) wins over its SVG.
    graphs = (out / "notebooks" / "02_rendering_graphs.html").read_text(encoding="utf-8")
    assert "src='data:image/svg+xml," in graphs
    reference = (out / "api" / "autograd_lite.html").read_text(encoding="utf-8")
    for name in ("Value", "grad", "jvp", "Stepper", "draw_graph", "compile", "gradcheck"):
        assert f'id="autograd_lite.{name}"' in reference, name
    # Nothing is fetched from the network: no script or style sheet from another site.
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'<(?:script|link)[^>]+(?:src|href)="(?:https?:)?//', text), page


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium, 1,000 px wide, for every page (skips without Chromium)."""
    with chromium(width=1000, height=900) as driver:
        yield driver


def errors_in(driver: Any) -> list[str]:
    """The console's errors since the last look (the site loads nothing from the network,
    so an unreachable address is an error too)."""
    return console_errors(driver)


def check_page(driver: Any, page: Path) -> dict[str, Any]:
    """Open `page`: no console error, no drawing past the content column's right edge;
    returns the measurements."""
    driver.get(page.as_uri())
    assert errors_in(driver) == [], page.name
    result = dict(driver.execute_script(MEASURE))
    for drawing in result["drawings"]:
        assert drawing["visibleRight"] <= result["right"] + 1, (page.name, drawing)
    assert result["pageScroll"] <= result["page"], f"{page.name} scrolls sideways"
    return result


# The home page, the guide's pages (the stepper lab's, graphs, shows its steppers through
# notebook 01) and every notebook's page.
OPENED = [
    "index.html",
    *[f"{page}.html" for page in conf()["PAGES"]],
    *[
        "notebooks/" + path.name.replace(".ipynb", ".html")
        for path in sorted(NOTEBOOK_DIR.glob("*.ipynb"))
    ],
]


@pytest.mark.slow
@pytest.mark.parametrize("page", OPENED)
def test_a_page_works_in_the_browser(
    page: str, built_site: tuple[Path, str | None], browser: Any
) -> None:
    out, failure = built_site
    if failure is not None:
        pytest.fail("the site did not build (see test_the_site_builds_with_warnings_as_errors)")
    errors_in(browser)  # what the previous page may have logged after its test
    result = check_page(browser, out / page)
    if page.startswith("notebooks/"):
        drawings, saved_steppers = saved_outputs(Path(page).name.replace(".html", ".ipynb"))
        assert bool(result["drawings"]) == bool(drawings), "drawings lost on the way"
        steppers = browser.find_elements("css selector", '[data-autograd-lite="stepper"]')
        assert len(steppers) == saved_steppers
        # The stepper lab's page (docs/graphs.md) has its steppers through notebook 01.
        if page.startswith("notebooks/01"):
            assert steppers, "notebook 01 shows no stepper"
        for element in steppers:
            stepped = browser.execute_script(STEP, element)
            target = min(5, stepped["frames"] - 1)
            assert stepped["reached"] == stepped["current"] == target, stepped
            assert stepped["textAfter"] != stepped["textBefore"]
            assert stepped["shownAfter"] != stepped["shownBefore"]
    assert errors_in(browser) == []
