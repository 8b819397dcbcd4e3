"""autograd_lite.svg: a compacted SVG draws the same pixels (resvg draws both); svg_image."""

import base64
import re

import pytest
from stepper_examples import network

import autograd_lite as ag
from autograd_lite.svg import compact_svg, svg_image


def pixels(svg: str) -> bytes:
    resvg_py = pytest.importorskip("resvg_py")
    # resvg takes sizes without units; points or pixels alike, both drawings get the same.
    svg = re.sub(r'width="([\d.]+)pt" height="([\d.]+)pt"', r'width="\1" height="\2"', svg)
    return bytes(resvg_py.svg_to_bytes(svg_string=svg[svg.index("<svg") :]))


@pytest.mark.slow
def test_a_compacted_drawing_has_the_same_pixels_and_is_a_quarter_smaller() -> None:
    loss, _ = network()
    svg = ag.draw_graph(loss, fields="stack").pipe("svg").decode("utf-8")
    small = compact_svg(svg)
    assert pixels(small) == pixels(svg)
    assert len(small) < 0.75 * len(svg)
    assert "<!--" not in small and "<title>" not in small


def test_a_text_in_another_font_keeps_its_own() -> None:
    svg = (
        '<svg width="20pt" height="10pt" xmlns="http://www.w3.org/2000/svg"><!-- v0 -->'
        "<title>v0</title>"
        '<text text-anchor="middle" font-family="A" font-size="14.00">x</text>'
        '<text text-anchor="middle" font-family="A" font-size="14.00">y</text>'
        '<text text-anchor="start" font-family="B" font-size="9.00">z</text></svg>'
    )
    assert compact_svg(svg) == (
        '<svg width="20pt" height="10pt" xmlns="http://www.w3.org/2000/svg"'
        ' font-family="A" font-size="14.00" text-anchor="middle">'
        "<text>x</text><text>y</text>"
        '<text text-anchor="start" font-family="B" font-size="9.00">z</text></svg>'
    )


def test_a_drawing_without_text_is_only_stripped() -> None:
    svg = '<svg width="1pt" height="1pt"><!-- a --><title>g</title><g/></svg>'
    assert compact_svg(svg) == '<svg width="1pt" height="1pt"><g/></svg>'


def test_an_svg_is_shown_as_a_shrinking_image_with_its_alt_text_escaped() -> None:
    svg = '<svg width="1pt" height="1pt"/>'
    shown = svg_image(svg, '<G> & "x"')
    encoded = re.fullmatch(
        r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" '
        r'style="max-width:100%;height:auto" alt="&lt;G&gt; &amp; &quot;x&quot;">',
        shown,
    )
    assert encoded is not None
    assert base64.b64decode(encoded.group(1)).decode("utf-8") == svg
