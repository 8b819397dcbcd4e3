"""The stepper's frames and HTML, checked against hand-derived numbers (no browser needed)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from stepper_examples import big_graph, network, neuron

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.stepper import Stepper


def test_frames_play_forward_then_seed_then_every_chain_rule_step() -> None:
    o, _ = neuron()
    trace = ag.trace_backward(o)
    stepper = trace.stepper()
    values = len(ag.topological_order(o))
    assert values == 10
    assert len(stepper) == values + 1 + len(trace) == 20
    assert [f.phase for f in stepper.frames] == ["forward"] * 10 + ["seed"] + ["backward"] * 9
    # Forward frames reveal nodes in topological order.
    assert [f.node for f in stepper.frames[:10]] == list(range(10))


def test_forward_frames_write_the_op_with_names_and_numbers() -> None:
    o, _ = neuron()
    texts = [f.text for f in ag.trace_backward(o).stepper().frames]
    assert "x1 = 2.0000 (leaf)" in texts
    # n = 0.8814 and tanh(0.8814) = 0.7071 in micrograd's lecture.
    assert "n = v6 + b = -6.0000 + 6.8814 = 0.8814" in texts
    assert "o = tanh(n) = tanh(0.8814) = 0.7071" in texts
    assert "v2 = x1 * w1 = 2.0000 * -3.0000 = -6.0000" in texts


def test_backward_frames_carry_the_chain_rule_with_hand_derived_numbers() -> None:
    o, leaves = neuron()
    stepper = ag.trace_backward(o).stepper()
    seed = stepper.frames[10]
    assert (seed.text, seed.grad) == ("do/do = 1.0000", "1.0000")
    by_parent = {f.parent: f for f in stepper.frames if f.phase == "backward"}
    position = {node: i for i, node in enumerate(ag.topological_order(o))}
    # do/dn = 1 - tanh(n)^2 = 0.5; do/dw1 = 0.5 * x1 = 1; do/dx1 = 0.5 * w1 = -1.5.
    w1 = by_parent[position[leaves["w1"]]]
    assert w1.text == "do/dw1 += do/dv2 * dv2/dw1 = 0.5000 * 2.0000 = 1.0000"
    assert w1.grad == "1.0000"
    assert by_parent[position[leaves["x1"]]].grad == "-1.5000"
    assert by_parent[position[leaves["n"]]].grad == "0.5000"


def test_a_node_fed_by_several_edges_shows_a_running_sum() -> None:
    x = Value(3.0, label="x")
    y = x * x + x
    y.label = "y"
    stepper = ag.trace_backward(y).stepper()
    into_x = [f for f in stepper.frames if f.phase == "backward" and f.parent == 0]
    # d(x*x + x)/dx = 2x + 1 = 7, arriving as 1 (from +), then 3 and 3 (from x*x).
    assert [f.grad for f in into_x] == ["1.0000", "4.0000", "7.0000"]
    assert [f.partial for f in into_x] == [True, True, False]
    assert into_x[-1].sum_text == "dy/dx = 1.0000 + 3.0000 + 3.0000 = 7.0000 (3 of 3 contributions)"
    assert into_x[0].sum_text == "dy/dx = 1.0000 so far (1 of 3 contributions)"
    assert into_x[1].sum_text == "dy/dx = 1.0000 + 3.0000 = 4.0000 so far (2 of 3 contributions)"


def test_the_last_frame_leaves_every_grad_as_backward_does() -> None:
    loss, params = network()
    stepper = ag.trace_backward(loss).stepper()
    shown: dict[int, str] = {}
    for frame in stepper.frames:
        if frame.grad is not None:
            shown[frame.parent if frame.parent is not None else frame.node] = frame.grad
    # Hand-derived in notebook 01: dL/dyhat = yhat - y = -0.39, dW2 = -0.39 * h, ...
    expected = {
        "W1_00": "-0.2340",
        "W1_01": "-0.4680",
        "W1_10": "-0.3510",
        "W1_11": "-0.7020",
        "b1_0": "-0.2340",
        "b1_1": "-0.3510",
        "W2_0": "-0.3900",
        "W2_1": "-0.7410",
        "b2": "-0.3900",
    }
    for param in params:
        assert shown[stepper.position[param]] == expected[param.label]


def test_html_is_self_contained_one_drawing_and_the_frames_as_data() -> None:
    o, _ = neuron()
    page = ag.trace_backward(o).stepper().html()
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") == 1
    assert "<link" not in page and "src=" not in page and "@import" not in page
    # The only URLs are the SVG namespaces, which are names, not fetched.
    assert set(re.findall(r'"(https?://[^"]*)"', page)) <= {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    }
    data = re.search(r'<script type="application/json" class="ag-data">(.*?)</script>', page)
    assert data is not None
    assert len(json.loads(data.group(1))["frames"]) == 20


def test_labels_cannot_end_the_script_element() -> None:
    x = Value(2.0, label="</script><script>alert(1)</script>")
    y = x * 3
    page = ag.trace_backward(y).stepper().html()
    data = re.search(r'class="ag-data">(.*?)</script>', page, re.DOTALL)
    assert data is not None
    frames = json.loads(data.group(1))["frames"]
    assert frames[0][5].startswith("</script><script>alert(1)</script> = 2.0000")


def test_save_html_writes_the_page(tmp_path: Path) -> None:
    o, _ = neuron()
    trace = ag.trace_backward(o)
    path = trace.save_html(tmp_path / "steps.html")
    assert path == tmp_path / "steps.html"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")


def test_jupyter_shows_a_fragment_with_the_same_drawing() -> None:
    o, _ = neuron()
    stepper = ag.trace_backward(o).stepper()
    fragment = stepper._repr_html_()
    assert fragment.startswith('<div class="ag-stepper"') and "<html" not in fragment
    assert stepper.svg in fragment
    # Where a sanitizer strips scripts (an untrusted notebook), only a note shows, saying
    # what to do: the drawing and the controls wait, hidden, for the script.
    assert '<p class="ag-note">' in fragment and "run the cell" in fragment
    assert '<div class="ag-live" style="display:none">' in fragment
    assert f'<script type="image/svg+xml" class="ag-svg">{stepper.svg}</script>' in fragment


def test_each_stepper_on_a_page_has_its_own_id() -> None:
    o, _ = neuron()
    trace = ag.trace_backward(o)
    assert trace.stepper().uid != trace.stepper().uid


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"rankdir": "XY"}, "rankdir"),
        ({"precision": -1}, "precision"),
        ({"max_nodes": 3}, "max_nodes"),
    ],
)
def test_bad_options_are_refused(options: dict[str, object], message: str) -> None:
    o, _ = neuron()
    with pytest.raises(ValueError, match=message):
        ag.trace_backward(o).stepper(**options)  # type: ignore[arg-type]


def test_a_layout_direction_can_be_chosen() -> None:
    o, _ = neuron()
    assert ag.trace_backward(o).stepper(rankdir="TB").rankdir == "TB"


def test_auto_layout_shows_a_small_graph_whole_and_a_wide_one_at_the_cell_width() -> None:
    # The neuron left to right is about 1311 x 483 px: whole in a 900 x 600 cell at 69%;
    # top to bottom (573 x 1089 px) it would need scrolling.
    o, _ = neuron()
    assert ag.trace_backward(o).stepper().rankdir == "LR"
    # The network left to right is 2523 px wide (36% to fit); top to bottom 1004 px (90%).
    loss, _ = network()
    assert ag.trace_backward(loss).stepper().rankdir == "TB"


def test_the_2_2_1_network_file_is_under_200_kb(tmp_path: Path) -> None:
    loss, params = network()
    path = ag.trace_backward(loss).save_html(tmp_path / "net.html", params=params)
    assert path.stat().st_size < 200_000


@pytest.mark.slow
def test_a_300_node_graph_file_is_under_1_mb(tmp_path: Path) -> None:
    root = big_graph(300)
    assert len(ag.topological_order(root)) == 300
    path = ag.trace_backward(root).save_html(tmp_path / "big.html")
    assert path.stat().st_size < 1_000_000


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
