"""The examples of the documentation's pages (docs/*.md) are doctests: they run, and their
printed results hold, so no page goes stale.

Each page is one test, run as `tests/test_readme.py` runs the README. The pages whose
examples take seconds (a first drawing starts the in-process Graphviz, training loops)
are marked slow; the others run in the quick loop.
"""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = sorted(path.name for path in DOCS.glob("*.md"))
SLOW = {"getting-started.md", "graphs.md", "training.md"}


def test_the_content_pages_are_all_here() -> None:
    # A page renamed or dropped would otherwise leave its examples silently untested.
    with_examples = {"getting-started", "engine", "graphs", "training", "compiling", "networks"}
    assert {f"{page}.md" for page in with_examples} - set(PAGES) == set()


@pytest.mark.slow
@pytest.mark.parametrize(
    "page",
    [pytest.param(page, marks=pytest.mark.slow) if page in SLOW else page for page in PAGES],
)
def test_page_examples(page: str) -> None:
    path = DOCS / page
    result = doctest.testfile(
        str(path),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    if ">>> " in path.read_text(encoding="utf-8"):
        assert result.attempted > 0, page
    assert result.failed == 0, f"{page}: {result.failed} of {result.attempted} examples failed"
