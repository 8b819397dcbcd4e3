"""The decision-boundary SVG of `nn.plot` (drawn by `autograd-lite demo`), checked geometrically."""

import xml.etree.ElementTree as ElementTree

import pytest

from nn.plot import POINT_COLORS, REGION_COLORS, decision_boundary_svg

SVG = "{http://www.w3.org/2000/svg}"
POINTS = [[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]]
LABELS = [0, 1, 0, 1]


def parse(text: str) -> ElementTree.Element:
    root = ElementTree.fromstring(text)
    assert root.tag == f"{SVG}svg"
    return root


def test_regions_follow_the_classifier_and_points_their_labels() -> None:
    size = 200
    # Class 1 right of the vertical line x1 = 0, which the data centres in the picture.
    root = parse(
        decision_boundary_svg(
            POINTS, LABELS, lambda x1, x2: int(x1 > 0), resolution=10, size=size, title="t"
        )
    )
    regions = root.findall(f"{SVG}g/{SVG}rect")
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
    xs = [float(c.get("cx", "")) for c in circles]
    ys = [float(c.get("cy", "")) for c in circles]
    assert xs[0] < size / 2 < xs[1]  # x1 grows to the right
    assert ys[1] < size / 2 < ys[0]  # x2 grows upwards, against SVG's y axis
    assert all(0 < v < size for v in xs + ys)
    assert root.findtext(f"{SVG}title") == "t"


def test_title_text_is_escaped() -> None:
    text = decision_boundary_svg(POINTS, LABELS, lambda x1, x2: 0, resolution=2, title="a<b & c")
    assert parse(text).findtext(f"{SVG}text") == "a<b & c"


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
    for rect in root.findall(f"{SVG}g/{SVG}rect"):
        centre = float(rect.get("y", "")) + float(rect.get("height", "")) / 2
        # Class 1 (x2 > 0) is the top half of the picture, where SVG's y is small.
        assert rect.get("fill") == REGION_COLORS[int(centre < size / 2)]
