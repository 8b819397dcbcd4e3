"""autograd_lite.svg: a compacted SVG draws the same pixels (resvg draws both); svg_image."""

import re

import pytest
from stepper_examples import network
from svg_images import images, svg_of

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
    assert shown.startswith("<img src='data:image/svg+xml,")
    assert shown.endswith(
        '\' style="max-width:100%;height:auto" alt="&lt;G&gt; &amp; &quot;x&quot;">'
    )
    (image,) = images(shown)
    assert image["alt"] == '<G> & "x"'
    assert svg_of(shown) == svg


def test_an_image_carries_every_character_of_its_svg() -> None:
    # The URL's own marks (% #), the attribute's quote, an entity, a newline, a tab and
    # text outside ASCII: each must come back as it was.
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' width=\"9pt\">\n\t<text fill=\"#0a0\">"
        "100% &amp; &lt;d&gt; \u2202y/\u2202x = \U0001d6fc</text></svg>"
    )
    shown = svg_image(svg, "x")
    assert svg_of(shown) == svg
    assert "\n" not in shown and "#" not in shown and shown.isascii()


def test_an_image_is_about_as_big_as_its_svg() -> None:
    # base64 made it 4/3 of the SVG; percent-encoding leaves most characters as they are.
    loss, _ = network()
    svg = ag.draw_graph(loss, fields="stack").svg()
    assert len(svg_image(svg, "x")) < 1.1 * len(svg)


def rgba(png: bytes) -> bytes:
    import io

    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("RGBA").tobytes()


def figure_svgs() -> tuple[str, str]:
    """A matplotlib scatter with a line and text, as matplotlib writes it, and compacted."""
    import io

    import matplotlib
    from matplotlib.figure import Figure

    from autograd_lite.nn.plot import SVG_SETTINGS, figure_svg

    figure = Figure(figsize=(3, 2))
    ax = figure.subplots()
    ax.scatter([0.1, 0.5, 0.9], [0.2, 0.7, 0.4], s=30, color="#d6604d", edgecolors="black")
    ax.plot([0, 1], [1, 0], label="a line")
    ax.set_title("both")
    raw = io.BytesIO()
    with matplotlib.rc_context(SVG_SETTINGS):
        figure.savefig(raw, format="svg", bbox_inches="tight", metadata={"Date": None})
    return raw.getvalue().decode("utf-8"), figure_svg(figure)


@pytest.mark.slow
def test_a_compacted_figure_has_the_same_pixels_and_rounded_nearly_the_same() -> None:
    raw, _ = figure_svgs()
    exact = compact_svg(raw)
    assert pixels(exact) == pixels(raw)
    assert len(exact) < 0.8 * len(raw)
    rounded, original = (rgba(pixels(svg)) for svg in (compact_svg(raw, decimals=1), raw))
    # Rounding moves each coordinate by at most 0.05 of a point (a pixel, as resvg draws
    # it here): only anti-aliased edge pixels change, by under a third of full scale.
    changed = [abs(a - b) for a, b in zip(rounded, original) if a != b]
    assert len(rounded) == len(original)
    assert len(changed) < 0.05 * len(original) and max(changed, default=0) <= 80


def test_a_figure_keeps_its_text_and_every_reference_finds_its_id() -> None:
    _, small = figure_svgs()
    assert ">both</text>" in small and "<metadata>" not in small and "<?xml" not in small
    # Every text's font, said once.
    assert small.count("font-family") == 1 and "<text" in small
    ids = set(re.findall(r'\bid="([^"]+)"', small))
    references = set(re.findall(r'(?:href="#|url\(#)([^")]+)', small))
    assert references and references <= ids
    assert not re.search(r"\d\.\d\d", "".join(re.findall(r' (?:d|x|y)="[^"]*"', small)))


def test_a_group_of_uses_says_their_common_style_once() -> None:
    svg = (
        '<svg>\n <defs>\n  <path id="m0123456789" d="M 0 0.04"/>\n </defs>\n'
        ' <g id="PathCollection_1" clip-path="url(#p0123456789)">\n'
        '  <use xlink:href="#m0123456789" x="1.25" y="2" style="fill: red"/>\n'
        '  <use xlink:href="#m0123456789" x="3" y="4" style="fill: red"/>\n </g>\n'
        ' <g id="line2d_1">\n  <use x="1" style="fill: red"/>\n'
        '  <use x="2" style="fill: blue"/>\n </g>\n'
        ' <g id="points-0"><path id="patch_2" d="M 1 1"/></g>\n'
        ' <clipPath id="p0123456789"/>\n</svg>'
    )
    # The shared style moves to the group; ids nothing refers to and groups left without
    # attributes go; hashed ids get short names; one decimal place; no line breaks.
    assert compact_svg(svg, decimals=1) == (
        '<svg><defs><path id="h0" d="M 0 0"/></defs>'
        '<g clip-path="url(#h1)" style="fill: red">'
        '<use href="#h0" x="1.2" y="2"/><use href="#h0" x="3" y="4"/></g>'
        '<use x="1" style="fill: red"/><use x="2" style="fill: blue"/>'
        '<g id="points-0"><path d="M 1 1"/></g>'
        '<clipPath id="h1"/></svg>'
    )


def test_xml_space_moves_to_the_root_only_when_every_text_says_it() -> None:
    each = '<svg><text xml:space="preserve">a  b</text><text xml:space="preserve">c</text></svg>'
    assert compact_svg(each) == (
        '<svg xml:space="preserve"><text>a  b</text><text>c</text></svg>'
    )
    some = '<svg><text xml:space="preserve">a  b</text><text>c  d</text></svg>'
    assert compact_svg(some) == some


def test_groups_without_attributes_go_and_their_contents_stay_in_order() -> None:
    svg = (
        '<svg><g><g id="a"><g><text x="1">50</text></g><g/></g><g><path d="M 0 0"/>'
        '</g></g><g clip-path="url(#c)"><g><use x="2"/></g></g></svg>'
    )
    assert compact_svg(svg) == (
        '<svg><g id="a"><text x="1">50</text><g/></g><path d="M 0 0"/>'
        '<g clip-path="url(#c)"><use x="2"/></g></svg>'
    )


def test_line_breaks_go_between_tags_and_become_spaces_inside_them() -> None:
    svg = '<svg\n viewBox="0 0 1 1">\n <path d="M 0 0 \nL 1 1 \nz\n"/>\n</svg>\n'
    assert compact_svg(svg) == '<svg viewBox="0 0 1 1"><path d="M 0 0 L 1 1 z "/></svg>'
