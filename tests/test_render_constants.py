"""Constants are drawn in the op that uses them, in their places, for every kind of op."""

from __future__ import annotations

import json
import re

import pytest
from svg_images import images, svg_of

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.render import operation_label


def x() -> Value:
    return Value(2.0, label="x")


@pytest.mark.parametrize(
    ("build", "label"),
    [
        (lambda: x() * 3, "· * 3"),
        (lambda: 3 * x(), "3 * ·"),
        (lambda: x() + 5, "· + 5"),
        (lambda: 1 - x(), "1 - ·"),
        (lambda: x() - 1, "· - 1"),
        (lambda: -x(), "neg"),
        (lambda: x() ** 2, "· ** 2"),
        (lambda: 2 ** x(), "2 ** ·"),
        (lambda: x() / 4, "· / 4"),
        (lambda: 1 / x(), "1 / ·"),
        (lambda: x() * 0.5, "· * 0.5"),
        (lambda: x() * 1e-8, "· * 1e-08"),
        (lambda: ag.leaky_relu(x(), 0.01), "leaky_relu(·, 0.01)"),
        (lambda: ag.sum([x(), x(), 5]), "sum(·, ·, 5)"),
        (lambda: ag.sum([*(x() for _ in range(6)), 1, 2]), "sum(6 Values, 1, 2)"),
        (lambda: ag.dot([x(), x()], [3.0, 4.0]), "dot(·, ·, 3, 4)"),
        (lambda: x() * x(), "*"),
        (lambda: x().tanh(), "tanh"),
    ],
)
def test_operation_label(build, label) -> None:  # type: ignore[no-untyped-def]
    assert operation_label(build()) == label


def test_one_minus_x_and_minus_x_are_told_apart_in_the_drawing() -> None:
    a = Value(2.0, label="a")
    source = ag.draw_graph(1 - 2 * a**2 + 1).source
    for label in ("· ** 2", "2 * ·", "1 - ·", "· + 1"):
        assert f'[label="{label}" fillcolor="#eeeeee" shape=ellipse]' in source
    assert "[label=neg " in ag.draw_graph(-a).source


def test_the_stepper_writes_constants_in_the_forward_pass() -> None:
    a = Value(2.0, label="a")
    y = 1 - a**2
    y.label = "y"
    trace = ag.trace_backward(y)
    # The page carries each node's operands: a's place and the constants as typed.
    page = trace.stepper().html()
    data = json.loads(re.search(r'class="ag-data">(.*?)</script>', page, re.DOTALL).group(1))
    assert data["args"] == [[], [0, [2.0, "2"]], [[1.0, "1"], 1]]
    # a**2 = 4 and 1 - 4 = -3: the rule of the subtraction reads d(1 - a**2)/d(a**2) = -1.
    assert trace.explain(0)[0] == "d(1 - (a**2))/d(a**2) = -1"
    assert trace.explain(1)[0] == "d(a**2)/da = 2 * a**(2 - 1) = 2 * 2.0000**(2 - 1) = 4.0000"


def test_jupyter_shows_a_wide_graph_shrunk_to_the_cell_width() -> None:
    chain = Value(1.0, label="x")
    for _ in range(30):
        chain = chain * 1.5
    graph = ag.draw_graph(chain)
    bundle = graph._repr_mimebundle_()
    # An <img> (which a sanitizer keeps, unlike inline <svg>) of the same SVG, shrinkable.
    (image,) = images(bundle["text/html"])
    assert image["alt"] == "<Graph of 31 values>"
    assert image["style"] == "max-width:100%;height:auto"
    assert svg_of(bundle["text/html"]) == graph.svg()


@pytest.mark.parametrize(
    ("rankdir", "fields", "braced"),
    [("LR", "row", True), ("TB", "row", False), ("LR", "stack", False), ("TB", "stack", True)],
)
def test_fields_in_a_row_or_stacked(rankdir: str, fields: str, braced: bool) -> None:
    a = Value(2.0, label="a")
    source = ag.draw_graph(a * 3, rankdir=rankdir, fields=fields).source
    # Record syntax: braces turn the fields a quarter from the rank direction's default.
    record = "{ a | data 2.0000 | grad 0.0000 }" if braced else "a | data 2.0000 | grad 0.0000"
    assert f'v0 [label="{record}"' in source


def test_stacked_fields_make_a_wide_graph_narrower() -> None:
    leaves = [Value(float(i), label=f"layers.0.neurons.{i}.w") for i in range(8)]
    root = ag.sum(leaves)
    widths = {
        fields: float(
            ag.draw_graph(root, rankdir="TB", fields=fields)
            .svg()
            .split('width="')[1]
            .split("pt")[0]
        )
        for fields in ("row", "stack")
    }
    assert widths["stack"] < 0.6 * widths["row"]


def test_unknown_field_layout_is_refused() -> None:
    with pytest.raises(ValueError, match="fields must be one of"):
        ag.draw_graph(Value(1.0), fields="column")
