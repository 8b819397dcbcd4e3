"""PNG without the Graphviz `dot` program: resvg-py rasterises the SVG (skips without it)."""

from __future__ import annotations

import io
import re
import struct
from pathlib import Path

import pytest

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.render import GraphRenderError

pytest.importorskip(
    "resvg_py", reason="resvg-py is not installed (pip install 'autograd-lite[png]')"
)


@pytest.fixture
def no_dot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("autograd_lite.render.shutil.which", lambda name: None)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    return width, height


@pytest.mark.usefixtures("no_dot")
def test_png_without_dot_has_the_svg_size_in_css_pixels(tmp_path: Path) -> None:
    x = Value(2.0, label="x")
    graph = ag.draw_graph((x * 3 + 1).tanh())
    svg = graph.svg()
    points = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    assert points is not None
    path = graph.save(tmp_path / "graph.png")
    width, height = png_size(path.read_bytes())
    # 96 px per inch, 72 pt per inch.
    assert width == pytest.approx(float(points.group(1)) * 4 / 3, abs=1)
    assert height == pytest.approx(float(points.group(2)) * 4 / 3, abs=1)


@pytest.mark.usefixtures("no_dot")
def test_png_without_dot_draws_the_boxes_and_the_text() -> None:
    image_module = pytest.importorskip("PIL.Image")
    x = Value(2.0, label="x")
    png = ag.draw_graph(x * 3).pipe("png")
    image = image_module.open(io.BytesIO(png)).convert("L")
    dark = sum(1 for pixel in image.tobytes() if pixel < 100)
    # Outlines, arrows and glyphs: thousands of dark pixels on a white page.
    assert dark > 1000
    assert image.getpixel((0, 0)) > 200


@pytest.mark.usefixtures("no_dot")
def test_resvg_failure_is_a_graph_render_error(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        @staticmethod
        def svg_to_bytes(**options: object) -> bytes:
            raise ValueError("SVG has an invalid size")

    monkeypatch.setattr("autograd_lite.render._resvg", lambda: Broken)
    with pytest.raises(GraphRenderError, match="resvg-py could not draw the graph as PNG"):
        ag.draw_graph(Value(1.0)).pipe("png")


@pytest.mark.usefixtures("no_dot")
def test_pdf_still_needs_dot() -> None:
    with pytest.raises(ag.render.GraphvizNotFoundError, match="resvg-py"):
        ag.draw_graph(Value(1.0)).pipe("pdf")
