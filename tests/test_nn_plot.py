"""The decision-boundary SVG of `nn.plot` (drawn by `autograd-lite demo`), checked geometrically."""

import xml.etree.ElementTree as ElementTree

import pytest

from autograd_lite.nn.plot import (
    MARGIN_LEFT,
    MARGIN_TOP,
    POINT_COLORS,
    REGION_COLORS,
    decision_boundary_svg,
    nice_ticks,
)

SVG = "{http://www.w3.org/2000/svg}"
POINTS = [[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]]
LABELS = [0, 1, 0, 1]


def parse(text: str) -> ElementTree.Element:
    root = ElementTree.fromstring(text)
    assert root.tag == f"{SVG}svg"
    return root


def region_rects(root: ElementTree.Element) -> list[ElementTree.Element]:
    (regions,) = root.findall(f"{SVG}svg/{SVG}g[@shape-rendering='crispEdges']")
    return regions.findall(f"{SVG}rect")


def test_regions_follow_the_classifier_and_points_their_labels() -> None:
    size = 200
    # Class 1 right of the vertical line x1 = 0, which the data centres in the picture.
    root = parse(
        decision_boundary_svg(
            POINTS, LABELS, lambda x1, x2: int(x1 > 0), resolution=10, size=size, title="t"
        )
    )
    regions = region_rects(root)
    assert regions
    covered = 0.0
    for rect in regions:
        x, width = float(rect.get("x", "")), float(rect.get("width", ""))
        centre = x + width / 2
        assert rect.get("fill") == REGION_COLORS[int(centre > size / 2)]
        covered += width * float(rect.get("height", ""))
    assert covered == pytest.approx(size * size)  # the grid tiles the whole square
    # Runs of one class are merged: each of the 10 rows is one rectangle per side.
    assert len(regions) == 20
    circles = root.findall(f"{SVG}circle")
    assert [c.get("fill") for c in circles] == [POINT_COLORS[label] for label in LABELS]
    xs = [float(c.get("cx", "")) - MARGIN_LEFT for c in circles]
    ys = [float(c.get("cy", "")) - MARGIN_TOP for c in circles]
    assert xs[0] < size / 2 < xs[1]  # x1 grows to the right
    assert ys[1] < size / 2 < ys[0]  # x2 grows upwards, against SVG's y axis
    assert all(0 < v < size for v in xs + ys)
    assert root.findtext(f"{SVG}title") == "t"


def test_title_text_is_escaped() -> None:
    text = decision_boundary_svg(POINTS, LABELS, lambda x1, x2: 0, resolution=2, title="a<b & c")
    (caption,) = [t for t in parse(text).iter(f"{SVG}text") if t.get("class") == "caption"]
    assert caption.text == "a<b & c"


@pytest.mark.parametrize(
    ("points", "labels", "resolution"),
    [([], [], 10), (POINTS, [0], 10), (POINTS, LABELS, 0)],
)
def test_bad_arguments_are_value_errors(
    points: list[list[float]], labels: list[int], resolution: int
) -> None:
    with pytest.raises(ValueError, match="decision_boundary_svg"):
        decision_boundary_svg(points, labels, lambda x1, x2: 0, resolution=resolution)


def test_region_rows_run_upwards_with_x2() -> None:
    size = 100
    root = parse(
        decision_boundary_svg(POINTS, LABELS, lambda x1, x2: int(x2 > 0), resolution=4, size=size)
    )
    for rect in region_rects(root):
        centre = float(rect.get("y", "")) + float(rect.get("height", "")) / 2
        # Class 1 (x2 > 0) is the top half of the picture, where SVG's y is small.
        assert rect.get("fill") == REGION_COLORS[int(centre < size / 2)]


def test_axes_ticks_legend_and_boundary_line() -> None:
    size = 200
    root = parse(
        decision_boundary_svg(
            POINTS,
            LABELS,
            lambda x1, x2: int(x1 > 0),
            resolution=10,
            size=size,
            class_names=["left", "right <"],
        )
    )
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "x[0]" in texts and "x[1]" in texts
    # The window is the points' square [-1, 1] padded to span 2 * 1.2 + 0.5 = 2.9.
    assert {"-1", "-0.5", "0", "0.5", "1"} <= set(texts)
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend")
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["left", "right <"]
    assert [c.get("fill") for c in legend.iter(f"{SVG}circle")] == list(POINT_COLORS[:2])
    (boundary,) = [p for p in root.iter(f"{SVG}path") if p.get("class") == "boundary"]
    # x1 = 0 is the middle of the picture: one vertical segment per grid row, there.
    segments = boundary.get("d", "").split("M")[1:]
    assert len(segments) == 10
    assert {float(segment.split()[0]) for segment in segments} == {size / 2}
    assert all("v" in segment for segment in segments)


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (-1.45, 1.45, [-1.0, -0.5, 0.0, 0.5, 1.0]),
        (0.0, 10.0, [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]),
        (3.2, 3.9, [3.2, 3.4, 3.6, 3.8]),
        (-120.0, 480.0, [-100.0, 0.0, 100.0, 200.0, 300.0, 400.0]),
        (2.0, 2.0, [2.0]),
    ],
)
def test_nice_ticks(low: float, high: float, expected: list[float]) -> None:
    assert nice_ticks(low, high) == expected
