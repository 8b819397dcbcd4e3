"""Every notebook exported to HTML, as a reader opens it: nothing is cut off.

Each committed notebook is exported with nbconvert and opened in headless Chromium at
1,000 and 1,400 px; every drawing (inline SVG, image) must fit inside its output area, a
stepper's drawing inside its view (which scrolls when the drawing is wider, rather than
shrink its text below a readable size), and no output area may scroll sideways. Skips
without Chromium, like the stepper's browser tests. `python tests/test_notebooks_browser.py
FOLDER` writes the exported pages' screenshots there and prints the widest drawing of each.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, console_errors

pytestmark = pytest.mark.slow

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(path.name for path in NOTEBOOK_DIR.glob("*.ipynb"))

MEASURE = """
const areas = [...document.querySelectorAll('.jp-OutputArea-output')];
const drawings = [];
let overflowing = 0;
for (const area of areas) {
  const box = area.getBoundingClientRect();
  if (area.scrollWidth > area.clientWidth + 1) overflowing += 1;
  for (const d of area.querySelectorAll('svg, img')) {
    if (d.closest('svg') !== d && d.tagName === 'svg' && d.parentElement.closest('svg')) continue;
    const r = d.getBoundingClientRect();
    if (r.width === 0) continue;
    const natural = d.tagName === 'IMG' ? d.naturalWidth
                  : d.viewBox && d.viewBox.baseVal ? d.viewBox.baseVal.width * 4 / 3 : 0;
    // A stepper's drawing is never shrunk below a readable size: past the view's width it
    // scrolls inside the view, which is what must fit the output area.
    const view = d.closest('.ag-view');
    const shown = view ? view.getBoundingClientRect() : r;
    const scrolls = view !== null && ['auto', 'scroll'].includes(getComputedStyle(view).overflowX);
    drawings.push({width: r.width, right: shown.right, areaRight: box.right,
                   areaWidth: box.width, natural: natural, inView: view !== null,
                   scrolls: scrolls, viewWidth: shown.width});
  }
}
return {drawings: drawings, overflowing: overflowing,
        page: document.documentElement.clientWidth,
        pageScroll: document.documentElement.scrollWidth,
        steppers: document.querySelectorAll('.ag-stepper').length};
"""


def saved_outputs(notebook: str) -> tuple[int, int]:
    """How many drawings and how many steppers the committed notebook holds."""
    import nbformat

    drawings = steppers = 0
    for cell in nbformat.read(NOTEBOOK_DIR / notebook, 4).cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            page = data.get("text/html", "")
            steppers += "ag-stepper" in page
            drawings += any(k in data for k in ("image/png", "image/svg+xml")) or "<img" in page
    return drawings, steppers


def export(notebook: str, folder: Path) -> Path:
    """The committed notebook as nbconvert's HTML page (its outputs as saved)."""
    import nbformat
    from nbconvert import HTMLExporter

    page, _ = HTMLExporter().from_notebook_node(nbformat.read(NOTEBOOK_DIR / notebook, 4))
    path = folder / notebook.replace(".ipynb", ".html")
    path.write_text(page, encoding="utf-8")
    return path


def measure(driver: Any, page: Path) -> dict[str, Any]:
    driver.get(page.resolve().as_uri())
    return dict(driver.execute_script(MEASURE))


@pytest.mark.parametrize("width", [1000, 1400])
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_no_drawing_is_cut_off_in_the_exported_notebook(
    notebook: str, width: int, tmp_path: Path
) -> None:
    pytest.importorskip("nbconvert", reason="nbconvert is not installed (pip install -e '.[test]')")
    drawings, steppers = saved_outputs(notebook)
    with chromium(width=width) as driver:
        result = measure(driver, export(notebook, tmp_path))
        assert bool(result["drawings"]) == bool(drawings), "drawings lost: the export changed shape"
        for drawing in result["drawings"]:
            assert drawing["right"] <= drawing["areaRight"] + 1, drawing
            if drawing["inView"] and drawing["width"] > drawing["viewWidth"] + 1:
                assert drawing["scrolls"], drawing  # wider than its view: the view scrolls
        assert result["overflowing"] == 0
        assert result["pageScroll"] <= result["page"]
        assert result["steppers"] == steppers
        # Every stepper's script runs in the exported page: a click moves it on.
        for stepper in driver.find_elements("css selector", ".ag-stepper"):
            counter = stepper.find_element("css selector", ".ag-counter")
            assert counter.text.startswith("step 1 of ")
            driver.execute_script(
                "arguments[0].click()", stepper.find_element("css selector", ".ag-next")
            )
            assert counter.text.startswith("step 2 of ")
        # nbconvert's page loads MathJax and require.js from a CDN, unreachable offline.
        errors = [e for e in console_errors(driver) if not e.startswith("http")]
        assert errors == []


if __name__ == "__main__":
    out = Path(sys.argv[1]).resolve()
    out.mkdir(parents=True, exist_ok=True)
    for notebook in NOTEBOOKS:
        page = export(notebook, out)
        for width in (1000, 1200, 1400):
            with chromium(width=width, height=900) as driver:
                result = measure(driver, page)
                if not result["drawings"]:
                    print(f"{notebook} at {width} px: no drawings")
                    continue
                widest = max(result["drawings"], key=lambda d: d["width"])
                print(
                    f"{notebook} at {width} px: page {result['page']} px, output area "
                    f"{widest['areaWidth']:.0f} px, widest drawing {widest['width']:.0f} px "
                    f"(natural {widest['natural']:.0f} px), overflowing outputs "
                    f"{result['overflowing']}"
                )
                driver.set_window_size(width, 900)
                height = driver.execute_script("return document.body.scrollHeight")
                driver.set_window_size(width, min(height + 100, 16000))
                driver.save_screenshot(str(out / f"{notebook[:2]}_{width}.png"))
