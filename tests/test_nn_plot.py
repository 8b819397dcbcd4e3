"""nn.plot's decision boundary (drawn by `autograd-lite demo`) and its SVG, checked against
facts read off the file and the pixels, not against a stored picture. Drawing loads
matplotlib's fonts, so the drawing tests are slow ones."""

import xml.etree.ElementTree as ElementTree

import numpy
import pytest

from autograd_lite import Value
from autograd_lite.nn import plot

pytest.importorskip("matplotlib")
# Imported while collecting, so that no test pays for loading the backends.
from matplotlib.backends import backend_svg  # noqa: F401
from matplotlib.backends.backend_agg import FigureCanvasAgg

SVG = "{http://www.w3.org/2000/svg}"
POINTS = [[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0], [0.5, 0.5]]
LABELS = [0, 1, 0, 1, 1]


def right_of_zero(x: list[Value]) -> Value:
    """A model whose single score is x[0]: class 1 right of the line x[0] = 0."""
    return Value(0.0) + x[0]


def above_zero(x: list[Value]) -> Value:
    return Value(0.0) + x[1]


def pixel(ax, x1: float, x2: float) -> str:
    """The colour drawn at data point (x1, x2), as #rrggbb."""
    canvas = FigureCanvasAgg(ax.figure)
    canvas.draw()
    image = numpy.asarray(canvas.buffer_rgba())
    column, row = ax.transData.transform((x1, x2))
    red, green, blue, _ = image[image.shape[0] - 1 - int(row), int(column)]
    return f"#{red:02x}{green:02x}{blue:02x}"


def test_the_window_is_the_points_square_padded() -> None:
    # The points span [-1, 1] on both axes: 2 * 1.2 + 0.5 = 2.9 wide, centred on 0.
    assert plot.window(POINTS) == pytest.approx((-1.45, 1.45, -1.45, 1.45))
    # A wide cloud makes a square window too, as wide as the cloud's longer side.
    assert plot.window([[0.0, 0.0], [10.0, 1.0]]) == pytest.approx((-1.25, 11.25, -5.75, 6.75))


@pytest.mark.slow  # drawing pixels loads matplotlib's fonts
@pytest.mark.parametrize(("model", "first", "second"), [
    (right_of_zero, (-0.9, 0.2), (0.9, -0.2)),
    (above_zero, (0.2, -0.9), (-0.2, 0.9)),
])
def test_regions_are_coloured_by_the_models_class(model, first, second) -> None:
    ax = plot.plot_decision_boundary(model, POINTS, LABELS, resolution=10)
    assert pixel(ax, *first) == plot.REGION_COLORS[0]
    assert pixel(ax, *second) == plot.REGION_COLORS[1]
    assert ax.get_xlim() == pytest.approx((-1.45, 1.45))
    assert ax.get_ylim() == pytest.approx((-1.45, 1.45))
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x[0]", "x[1]")


@pytest.mark.slow  # the first picture drawn loads matplotlib's fonts
def test_the_svg_draws_every_point_in_its_class_group_and_keeps_text_as_text() -> None:
    ax = plot.plot_decision_boundary(
        right_of_zero, POINTS, LABELS, resolution=10, title="a<b & c",
        class_names=["left", "right"],
    )
    text = plot.figure_svg(ax.figure)
    root = ElementTree.fromstring(text)
    assert root.tag == f"{SVG}svg"
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g")}
    assert len(list(groups["points-0"].iter(f"{SVG}use"))) == LABELS.count(0)
    assert len(list(groups["points-1"].iter(f"{SVG}use"))) == LABELS.count(1)
    texts = {"".join(t.itertext()) for t in root.iter(f"{SVG}text")}
    assert {"x[0]", "x[1]", "a<b & c", "left", "right"} <= texts
    assert "DejaVuSans" not in text  # no glyph outlines embedded
    assert "<dc:date>" not in text
    # The same figure gives the same file.
    assert plot.figure_svg(ax.figure) == text


@pytest.mark.slow
def test_signed_labels_are_drawn_as_classes_0_and_1() -> None:
    ax = plot.plot_decision_boundary(right_of_zero, POINTS, [-1, 1, -1, 1, 1], resolution=4)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["class 0", "class 1"]
    root = ElementTree.fromstring(plot.figure_svg(ax.figure))
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g")}
    assert len(list(groups["points-0"].iter(f"{SVG}use"))) == 2


@pytest.mark.parametrize(
    ("points", "labels", "resolution", "message"),
    [
        ([], [], 10, "got 0 and 0"),
        (POINTS, [0], 10, "got 5 and 1"),
        (POINTS, LABELS, 1, "resolution must be an int >= 2, got 1"),
    ],
)
def test_bad_arguments_are_value_errors(points, labels, resolution, message) -> None:
    with pytest.raises(ValueError, match=rf"plot_decision_boundary: .*{message}"):
        plot.plot_decision_boundary(right_of_zero, points, labels, resolution=resolution)
