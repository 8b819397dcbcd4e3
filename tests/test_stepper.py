"""The stepper page's data and HTML, checked without a browser (tests/test_stepper_browser.py
runs the page itself against the Python engine)."""

from __future__ import annotations

import base64
import gzip
import json
import re
from pathlib import Path
from typing import Any

import pytest
from stepper_examples import big_graph, network, neuron
from svg_images import svg_of

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.stepper import Stepper, reading_order


def payload(stepper: Stepper) -> dict[str, Any]:
    page = stepper.html()
    data = re.search(r'<script type="application/json" class="ag-data">(.*?)</script>', page)
    assert data is not None
    result: dict[str, Any] = json.loads(data.group(1))
    return result


def test_the_page_carries_the_graph_as_data() -> None:
    o, leaves = neuron()
    trace = ag.trace_backward(o)
    data = payload(trace.stepper())
    order = ag.topological_order(o)
    assert data["names"] == [trace.names[v] for v in order]
    assert data["root"] == len(order) - 1
    position = {v: i for i, v in enumerate(order)}
    # n = (x1*w1 + x2*w2) + b: an add of two Values; each leaf's value is carried.
    n = position[leaves["n"]]
    assert data["ops"][n] == "add"
    assert data["args"][n] == [position[leaves["n"].parents[0]], position[leaves["b"]]]
    assert data["values"][position[leaves["x1"]]] == 2.0
    assert data["ops"][position[leaves["x1"]]] == ""


def test_constants_travel_with_their_text_and_non_finite_numbers_as_names() -> None:
    x = Value(800.0, label="x")
    y = ag.exp(x) * 3
    data = payload(ag.trace_backward(y).stepper())
    assert data["args"][-1] == [1, [3.0, "3"]]
    assert data["values"][1] == "inf"


def test_forward_frames_follow_reading_order_inputs_first() -> None:
    loss, _ = network()
    order = reading_order(ag.topological_order(loss))
    labels = [v.label for v in order]
    # The first layer's inputs and weights come before any second-layer weight.
    assert labels.index("x_0") < labels.index("W2_0")
    assert labels.index("W1_00") < labels.index("z1_0") < labels.index("W2_0")
    assert labels[-1] == "L"
    position = {v: i for i, v in enumerate(order)}
    assert all(position[p] < position[v] for v in order for p in v.parents)


def test_parameters_from_values_or_named_pairs() -> None:
    loss, params = network()
    trace = ag.trace_backward(loss)
    by_values = trace.stepper(params=params)
    by_names = trace.stepper(params=[(p.label, p) for p in params])
    assert by_values.params == by_names.params == params
    data = payload(by_values)
    assert data["lr"] == 0.1
    assert len(by_values) == len(ag.topological_order(loss)) + 1 + len(trace) + 9 + 1
    assert payload(trace.stepper())["lr"] is None


def test_samples_bind_leaves_by_value_or_name() -> None:
    x, w = Value(1.0, label="x"), Value(0.5, label="w")
    loss = (w * x - 2.0) ** 2
    stepper = ag.trace_backward(loss).stepper(params=[w], samples=[{"x": 3.0}, {x: -1}])
    where = str(ag.topological_order(loss).index(x))
    assert payload(stepper)["samples"] == [{where: 3.0}, {where: -1.0}]


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"rankdir": "XY"}, ValueError, "rankdir"),
        ({"precision": -1}, ValueError, "precision"),
        ({"max_nodes": 3}, ValueError, "max_nodes=10"),
        ({"fold": "all"}, ValueError, "fold"),
        ({"lr": 0.1}, ValueError, "lr needs params"),
        ({"params": 3}, TypeError, "params must be"),
        ({"params": ["w"]}, TypeError, "params must hold"),
        ({"samples": [{"nope": 1.0}]}, ValueError, "'nope', which is not a leaf"),
        ({"samples": [{"x1": float("nan")}]}, ValueError, "expected a finite number"),
        ({"samples": [3]}, TypeError, "mapping"),
        ({"title": 3}, TypeError, "title"),
    ],
)
def test_bad_options_are_refused(options: dict[str, Any], error: type, message: str) -> None:
    o, _ = neuron()
    with pytest.raises(error, match=message):
        ag.trace_backward(o).stepper(**options)


def test_a_negative_learning_rate_is_refused() -> None:
    o, leaves = neuron()
    with pytest.raises(ValueError, match="lr must be a finite number >= 0"):
        ag.trace_backward(o).stepper(params=[leaves["w1"]], lr=-1.0)


def test_html_is_self_contained() -> None:
    o, _ = neuron()
    page = ag.trace_backward(o).stepper().html()
    assert page.startswith("<!DOCTYPE html>")
    assert "<link" not in page and "src=" not in page and "@import" not in page
    assert set(re.findall(r'"(https?://[^"]*)"', page)) <= {"http://www.w3.org/2000/svg"}
    assert 'data-autograd-lite="stepper"' in page


def test_labels_cannot_end_the_script_element_or_a_javascript_line() -> None:
    x = Value(2.0, label="</script><script>alert(1)</script>")
    y = Value(1.0, label="a\u2028b\u2029c")
    z = x * 3 + y
    page = ag.trace_backward(z).stepper().html()
    data = re.search(r'class="ag-data">(.*?)</script>', page, re.DOTALL)
    assert data is not None
    assert "\u2028" not in data.group(1) and "\u2029" not in data.group(1)
    names = json.loads(data.group(1))["names"]
    assert "</script><script>alert(1)</script>" in names and "a\u2028b\u2029c" in names


def test_jupyter_shows_a_static_drawing_and_a_note_where_scripts_are_stripped() -> None:
    o, _ = neuron()
    fragment = ag.trace_backward(o).stepper()._repr_html_()
    assert fragment.startswith('<div class="ag-stepper"') and "<html" not in fragment
    note = re.search(r'<div class="ag-note">(.*?)</div>', fragment, re.DOTALL)
    assert note is not None
    assert "run the cell" in note.group(1)
    # The neuron's 10 values and its 5 ops (two *, two +, tanh), each a node.
    assert svg_of(note.group(1)).count('class="node"') == 10 + 5
    assert '<div class="ag-live" style="display:none">' in fragment


def test_each_stepper_on_a_page_has_its_own_id() -> None:
    o, _ = neuron()
    trace = ag.trace_backward(o)
    assert trace.stepper().uid != trace.stepper().uid


def test_a_layout_direction_can_be_chosen_or_guessed() -> None:
    o, _ = neuron()
    assert ag.trace_backward(o).stepper(rankdir="TB").rankdir == "TB"
    # A short chain fits a cell whole left to right; the 2-2-1 network is too deep for
    # that and too wide to show whole top to bottom: it fits the width larger that way.
    chain = Value(0.5, label="x")
    for _ in range(3):
        chain = chain.tanh()
    assert ag.trace_backward(chain).stepper().rankdir == "LR"
    loss, _ = network()
    assert ag.trace_backward(loss).stepper().rankdir == "TB"


def test_big_graphs_open_folded_and_small_ones_do_not() -> None:
    from autograd_lite import nn

    model = nn.MLP(3, [8, 8, 1], activation="tanh", seed=0)
    loss = (model([0.5, -1.0, 2.0]) - 1.0) ** 2
    stepper = ag.trace_backward(loss).stepper(params=model.parameters())
    assert len(stepper.order) > 150
    assert stepper.fold == "neurons"
    groups = payload(stepper)["groups"]
    labels = {g["path"]: g["label"] for g in groups}
    assert labels["layers.0.neurons.0"] == "layers.0.neurons.0: tanh(w·x + b)"
    assert labels["layers.2.neurons.0"] == "layers.2.neurons.0: w·x + b"
    small = nn.MLP(2, [2, 1], seed=0)
    assert ag.trace_backward(small([1.0, 2.0])).stepper().fold == "none"


def test_the_2_2_1_network_page_is_under_250_kb(tmp_path: Path) -> None:
    loss, params = network()
    path = ag.trace_backward(loss).save_html(tmp_path / "net.html", params=params)
    assert path.stat().st_size < 250_000


@pytest.mark.slow
def test_a_1000_value_page_is_under_2_mb(tmp_path: Path) -> None:
    root = big_graph(1000)
    assert len(ag.topological_order(root)) == 1000
    path = ag.trace_backward(root).save_html(tmp_path / "big.html")
    assert path.stat().st_size < 2_000_000


def test_stepper_rejects_a_non_trace() -> None:
    with pytest.raises(TypeError, match="BackwardTrace"):
        Stepper("not a trace")  # type: ignore[arg-type]


def test_save_html_refuses_a_directory_and_keeps_an_old_file_on_failure(tmp_path: Path) -> None:
    o, _ = neuron()
    trace = ag.trace_backward(o)
    with pytest.raises(OSError):
        trace.save_html(tmp_path)
    old = tmp_path / "steps.html"
    old.write_text("old page")
    (tmp_path / "link.html").symlink_to(old)
    with pytest.raises(OSError):
        trace.save_html(tmp_path / "link.html")
    assert old.read_text() == "old page"
    trace.save_html(old)
    assert old.read_text().startswith("<!DOCTYPE html>")


def test_a_label_with_a_lone_surrogate_is_saved_as_the_replacement_character(
    tmp_path: Path,
) -> None:
    # A label decoded from bytes with surrogateescape (issue 18, point 5).
    x = Value(2.0, label="caf\udce9")
    y = x * 3
    stepper = ag.trace_backward(y).stepper(title="title \udce9")
    path = stepper.save_html(tmp_path / "page.html")
    page = path.read_text(encoding="utf-8")
    assert "caf\ufffd" in payload(stepper)["names"]
    assert "<title>title \ufffd</title>" in page
    stepper._repr_html_().encode("utf-8")


def test_a_page_carries_its_script_without_comment_lines() -> None:
    o, _ = neuron()
    page = ag.trace_backward(o).stepper().html()
    script = page[page.index("<script>var agOps") :]
    lines = script.splitlines()
    assert not [line for line in lines if line.lstrip().startswith(("//", "/*"))]
    assert "/* The drawing never takes the whole screen" not in page
    # A comment after code on its line stays: the line is code.
    assert "var GAP = 12;          // between neighbouring boxes in a rank" in lines
    assert "agStepper(document.getElementById(" in script


def test_a_notebook_stores_the_script_packed_and_a_page_plain() -> None:
    o, _ = neuron()
    stepper = ag.trace_backward(o).stepper()
    page, stored = stepper.html(), stepper._repr_html_()
    start = page.index("<script>var agOps") + len("<script>")
    plain = page[start : page.index("\nagStepper(document.getElementById(", start)]
    packed = re.search(
        r"agUnpack\('([A-Za-z0-9+/=]+)', function \(\) "
        r"\{ agStepper\(document\.getElementById\('(ag-stepper-\d+)'\)\); \}\);</script>",
        stored,
    )
    assert packed is not None and packed.group(2) == stepper.uid
    # Python's gzip and base64 give back the page's script, byte for byte.
    assert gzip.decompress(base64.b64decode(packed.group(1))).decode("utf-8") == plain
    assert "var agOps" not in stored
    assert len(stored) < len(stepper.fragment(static=True)) - 30_000


def test_only_a_small_graph_carries_a_static_drawing_for_untrusted_notebooks() -> None:
    loss, _ = network()  # 25 values: the note alone
    fragment = ag.trace_backward(loss).stepper()._repr_html_()
    assert "run the cell" in fragment and "<img" not in fragment
