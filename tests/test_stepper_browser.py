"""The stepper lab in a real browser, checked against the Python engine.

Every number the page computes (values, grads, local derivatives, SGD updates, the words
of each frame) is compared with what the Python engine and `trace_backward` give for the
same graph; the UI is driven by keys and clicks as well as by `element.stepper`. Skips
with a one-line reason without Chromium, chromedriver or selenium.

`python tests/test_stepper_browser.py docs/stepper.png` remakes the screenshot that
README.md and docs/graphs.md show, with the same code the tests use.
"""

from __future__ import annotations

import math
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, console_errors
from stepper_examples import big_graph, network, neuron

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.engine import apply
from autograd_lite.ops import OPS
from autograd_lite.render import format_constant, format_number
from autograd_lite.stepper import Stepper
from autograd_lite.trace import BackwardTrace

pytestmark = pytest.mark.slow

API = "return document.querySelector('[data-autograd-lite=\"stepper\"]').stepper"


def open_page(driver: Any, stepper: Stepper, folder: Path) -> Any:
    path = stepper.save_html(folder / f"{stepper.uid}.html")
    driver.get(path.resolve().as_uri())
    return driver.find_element("css selector", ".ag-stepper")


def call(driver: Any, method: str, *args: Any) -> Any:
    return driver.execute_script(f"{API}.{method}(...arguments)", *args)


def close(a: float, b: float, rel: float = 1e-12) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300) or abs(a - b) < 1e-300


def get(driver: Any, name: str) -> dict[str, float]:
    """`stepper.get(name)`, its numbers exact whatever they are."""
    pair = driver.execute_script(
        f"const g = {API[7:]}.get(arguments[0]); return [String(g.data), String(g.grad)];", name
    )
    return {"data": float(pair[0]), "grad": float(pair[1])}


# ---- the page's engine against the Python engine --------------------------------------


def random_graph(rng: random.Random, size: int) -> Value:
    """A random expression over every op of the table, its values kept in each op's domain."""
    leaves = [Value(rng.uniform(-2, 2), label=f"x{i}") for i in range(4)]
    nodes: list[Value] = list(leaves)
    ops = list(OPS.values())
    for _ in range(size):
        op = rng.choice(ops)
        a, b = rng.choice(nodes[-6:]), rng.choice(nodes)
        constant = rng.choice([None, None, 2.0, -1.5, 0.5])
        try:
            if op.name in ("log", "log1p", "sqrt"):
                node = apply(op, [abs(a) + 0.5])
            elif op.name == "pow":
                node = apply(op, [abs(a) + 0.1, constant if constant is not None else b * 0.3])
            elif op.name == "div":
                node = apply(op, [a, abs(b) + 0.5])
            elif op.name == "exp":
                node = apply(op, [ag.tanh(a)])
            elif op.kind == "reduction":
                operands = [a, b, rng.choice(nodes), constant if constant is not None else a]
                node = apply(op, operands)
            elif op.arity == 1:
                node = apply(op, [a])
            else:
                node = apply(op, [a, constant if constant is not None else b])
        except (ValueError, ZeroDivisionError):
            continue
        if math.isfinite(node.data) and abs(node.data) < 1e6:
            nodes.append(node)
    root = nodes[-1] + 0.0 * ag.sum(nodes[4:])  # every node feeds the root
    root.label = "f"
    return root


def check_against_python(driver: Any, trace: BackwardTrace) -> None:
    """Every value, grad and backward frame's words of the page equal the Python trace's."""
    names = trace.names
    state = driver.execute_script(
        f"const s = {API[7:]};"
        "return s.names().map(n => [n, String(s.get(n).data), String(s.get(n).grad)]);"
    )
    got = {name: (float(data), float(grad)) for name, data, grad in state}
    # The grads of this pass (a trace adds them to grads already there; a page starts at 0).
    grads = trace.grads_after(-1) if len(trace) else {trace.root: trace.gradient}
    for node, name in names.items():
        data, grad = got[name]
        assert close(data, node.data), (name, data, node.data)
        assert close(grad, grads.get(node, 0.0)), (name, grad, grads.get(node))
    frames = call(driver, "frames")
    backward = [f for f in frames if f["phase"] == "backward"]
    assert len(backward) == len(trace)
    for step, frame in zip(trace, backward):
        assert frame["text"] == "\n".join(trace.explain(step.index)), step.index


def test_random_graphs_of_every_op_agree_with_python(tmp_path: Path) -> None:
    rng = random.Random(7)
    with chromium() as driver:
        for _ in range(12):
            root = random_graph(rng, 25)
            trace = ag.trace_backward(root)
            open_page(driver, trace.stepper(max_nodes=5000), tmp_path)
            check_against_python(driver, trace)
        assert console_errors(driver) == []


def special_points() -> list[Value]:
    """Graphs at the points where ops are singular or IEEE takes over."""
    x0 = Value(0.0, label="z")
    neg = Value(-2.0, label="b")
    big = Value(800.0, label="big")
    cases = [
        ag.relu(x0) * 3.0,  # relu'(0) = 0
        abs(x0) + x0,  # abs'(0) = 0
        neg**3.0,  # a negative base to an integer power: 3 * 4 = 12
        neg ** Value(2.0, label="k"),  # d/dk at a negative base: nan, as PyTorch
        ag.sqrt(x0),  # sqrt'(0) = inf
        ag.exp(big),  # overflow to inf
        ag.leaky_relu(x0, 0.1),  # derivative 0.1 at 0
        ag.sigmoid(Value(-800.0, label="s")),  # no overflow on either side
        Value(1e-9, label="tiny") * 1e20,  # scientific notation from 1e9 up
        ag.log(Value(1e-300, label="eps")),
    ]
    for root in cases:
        root.label = "f"
    return cases


def test_special_points_agree_with_python(tmp_path: Path) -> None:
    with chromium() as driver:
        for root in special_points():
            trace = ag.trace_backward(root)
            open_page(driver, trace.stepper(), tmp_path)
            check_against_python(driver, trace)
        assert console_errors(driver) == []


def test_forward_frames_write_each_value_from_its_operands(tmp_path: Path) -> None:
    o, _ = neuron()
    with chromium() as driver:
        open_page(driver, ag.trace_backward(o).stepper(), tmp_path)
        forward = [f["text"] for f in call(driver, "frames") if f["phase"] == "forward"]
    # micrograd's lecture: x1*w1 = -6, n = -6 + 0 + 6.8814 = 0.8814, o = tanh(n) = 0.7071;
    # inputs first, each leaf just before the first value that uses it.
    assert forward[:3] == [
        "x1 = 2.0000 (leaf)", "w1 = -3.0000 (leaf)", "x1*w1 = 2.0000 * -3.0000 = -6.0000"
    ]
    assert "n = x1*w1 + x2*w2 + b = -6.0000 + 6.8814 = 0.8814" in forward
    assert forward[-1] == "o = tanh(n) = tanh(0.8814) = 0.7071"


def test_numbers_are_written_as_python_writes_them(tmp_path: Path) -> None:
    rng = random.Random(3)
    numbers = [0.125, 0.375, -0.125, 2.5, 1.00005, 0.00005, 1234550000.0, 1234450000.0,
               -0.0, 0.0, 1e-7, -1e-5, 123456.5, 1e300, 5e-324, 999999.5, 0.1 + 0.2]
    numbers += [rng.uniform(-10, 10) * 10 ** rng.randint(-8, 12) for _ in range(400)]
    numbers += [round(rng.uniform(-10, 10), rng.randint(0, 6)) for _ in range(200)]
    root = Value(1.0, label="r")
    with chromium() as driver:
        open_page(driver, ag.trace_backward(root).stepper(), tmp_path)
        got = driver.execute_script(
            "return arguments[0].map(x => [agNumber(x, 4), agNumber(x, 2), agConstant(x)]);",
            numbers,
        )
    for x, (four, two, constant) in zip(numbers, got):
        assert four == format_number(x, 4), x
        assert two == format_number(x, 2), x
        assert constant == format_constant(x), x


# ---- live values ----------------------------------------------------------------------


def micrograd_neuron(x1: float, w1: float) -> tuple[Value, BackwardTrace]:
    _, leaves = neuron()
    leaves["x1"].data, leaves["w1"].data = x1, w1
    # Rebuild at the new values: the graph's nodes hold their forward results.
    n = leaves["x1"] * leaves["w1"] + leaves["x2"] * leaves["w2"] + leaves["b"]
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, ag.trace_backward(o)


def test_set_recomputes_every_value_and_grad_and_keeps_the_step(tmp_path: Path) -> None:
    o, _ = neuron()
    trace = ag.trace_backward(o)
    with chromium() as driver:
        open_page(driver, trace.stepper(), tmp_path)
        call(driver, "go", 14)
        call(driver, "set", "w1", -1.0)
        assert call(driver, "current") == 14
        _, expected = micrograd_neuron(2.0, -1.0)
        check_against_python(driver, expected)
        # d o/d x1 = (1 - o^2) * w1 at the new values, by hand.
        n = 2.0 * -1.0 + 0.0 * 1.0 + 6.8813735870195432
        assert close(get(driver, "x1")["grad"], (1 - math.tanh(n) ** 2) * -1.0)
        # A value outside an op's domain is refused and nothing changes.
        with pytest.raises(Exception, match="expected a finite number"):
            call(driver, "set", "w1", "abc")
        with pytest.raises(Exception, match="only a leaf"):
            call(driver, "set", "n", 1.0)
        assert get(driver, "w1")["data"] == -1.0
        assert console_errors(driver) == []


def test_a_domain_error_is_refused_with_pythons_words(tmp_path: Path) -> None:
    x = Value(2.0, label="x")
    y = ag.log(x)
    y.label = "y"
    with chromium() as driver:
        open_page(driver, ag.trace_backward(y).stepper(), tmp_path)
        with pytest.raises(Exception, match=r"log: expected a positive number, got -1\.0"):
            call(driver, "set", "x", -1.0)
        assert get(driver, "x")["data"] == 2.0
        assert get(driver, "x")["grad"] == 0.5


def test_check_puts_the_central_difference_beside_backward(tmp_path: Path) -> None:
    o, leaves = neuron()
    trace = ag.trace_backward(o)
    with chromium() as driver:
        open_page(driver, trace.stepper(), tmp_path)
        for name in ("x1", "w1", "b"):
            result = call(driver, "check", name)
            assert result["analytic"] == pytest.approx(leaves[name].grad, rel=1e-12)
            assert result["numeric"] == pytest.approx(leaves[name].grad, rel=1e-6, abs=1e-9)


def test_clicking_a_leaf_and_typing_a_value(tmp_path: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    o, _ = neuron()
    with chromium() as driver:
        element = open_page(driver, ag.trace_backward(o).stepper(), tmp_path)
        element.find_element("css selector", 'g[data-node="w1"]').click()
        editor = element.find_element("css selector", ".ag-editor")
        assert editor.is_displayed()
        field = editor.find_element("css selector", ".ag-number")
        field.clear()
        field.send_keys("-1", Keys.ENTER)
        _, expected = micrograd_neuron(2.0, -1.0)
        check_against_python(driver, expected)
        editor.find_element("css selector", ".ag-check").click()
        words = editor.find_element("css selector", ".ag-check-result").text
        grad = format_number(next(v for v in expected.names if v.label == "w1").grad, 4)
        assert words.startswith(f"do/dw1: backward gives {grad}, the central difference")
        assert console_errors(driver) == []


def test_dragging_a_leaf_scrubs_its_value(tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    o, _ = neuron()
    with chromium() as driver:
        element = open_page(driver, ag.trace_backward(o).stepper(), tmp_path)
        box = element.find_element("css selector", 'g[data-node="w1"]')
        ActionChains(driver).click_and_hold(box).move_by_offset(50, 0).release().perform()
        moved = get(driver, "w1")["data"]
        # 1% of |w1| = 3 per pixel, rightwards: about -3 + 50 * 0.03.
        assert moved == pytest.approx(-1.5, abs=0.2)
        _, expected = micrograd_neuron(2.0, moved)
        check_against_python(driver, expected)


# ---- training -------------------------------------------------------------------------


def python_sgd(make: Callable[[list[Value]], Value], params: list[Value], lr: float,
               iterations: int, zero_grad: bool = True) -> list[float]:
    """SGD in Python on a graph that `make` rebuilds from the parameters each iteration."""
    losses = []
    for _ in range(iterations):
        loss = make(params)
        losses.append(loss.data)
        loss.backward()
        for p in params:
            p.data -= lr * p.grad
        if zero_grad:
            for p in params:
                p.grad = 0.0
    return losses


def tutorial_loss(params: list[Value]) -> Value:
    """The 2-2-1 network of stepper_examples.network() with these nine parameters."""
    x = [Value(1.0, label="x_0"), Value(2.0, label="x_1")]
    w1, b1, w2, b2 = [params[0:2], params[2:4]], params[4:6], params[6:8], params[8]
    h = [ag.sum([w1[j][0] * x[0], w1[j][1] * x[1], b1[j]]).relu() for j in range(2)]
    yhat = ag.sum([w2[0] * h[0], w2[1] * h[1], b2])
    loss = 0.5 * (yhat - 3.0) ** 2
    loss.label = "L"
    return loss


@pytest.mark.parametrize("zero_grad", [True, False])
def test_k_updates_in_the_page_equal_pythons_sgd(tmp_path: Path, zero_grad: bool) -> None:
    loss, params = network()
    trace = ag.trace_backward(loss)
    stepper = trace.stepper(params=params, lr=0.05)
    names = [trace.names[p] for p in params]
    reference = [Value(p.data) for p in params]
    losses = python_sgd(tutorial_loss, reference, 0.05, 7, zero_grad=zero_grad)
    with chromium() as driver:
        open_page(driver, stepper, tmp_path)
        if not zero_grad:
            call(driver, "zeroGrad", False)
        got_losses = call(driver, "train", 7)
        got = call(driver, "params")
        for name, p in zip(names, reference):
            assert close(got[name], p.data), name
        for a, b in zip(got_losses, losses):
            assert close(a, b)
        assert console_errors(driver) == []


def test_update_frames_show_before_and_after(tmp_path: Path) -> None:
    o, leaves = neuron()
    trace = ag.trace_backward(o)
    params = [leaves[k] for k in ("w1", "w2", "b")]
    with chromium() as driver:
        open_page(driver, trace.stepper(params=params, lr=0.1), tmp_path)
        frames = call(driver, "frames")
        updates = [f["text"] for f in frames if f["phase"] == "update"]
        # w1 <- w1 - 0.1 * do/dw1 = -3 - 0.1 * 1.0 (do/dw1 = x1 * (1 - o^2) = 2 * 0.5).
        assert updates[0] == "w1 \u2190 w1 - lr * do/dw1 = -3.0000 - 0.1 * 1.0000 = -3.1000"
        assert frames[-1]["phase"] == "zero_grad"
        # Stepping past the end of the pass starts the next iteration at the new weights.
        last = len(frames) - 1
        call(driver, "go", last + 1)
        assert call(driver, "text").startswith("x1 = 2.0000 (leaf)")
        assert call(driver, "params")["w1"] == pytest.approx(-3.1, abs=1e-12)


def test_samples_pick_the_example_or_cycle_through_them(tmp_path: Path) -> None:
    x = Value(1.0, label="x")
    y = Value(2.0, label="y")
    w = Value(0.5, label="w")
    loss = (w * x - y) ** 2
    loss.label = "L"
    samples = [{"x": 1.0, "y": 2.0}, {x: -1.0, y: 1.0}, {"x": 3.0, "y": 0.0}]
    stepper = ag.trace_backward(loss).stepper(params=[w], lr=0.1, samples=samples)

    def python(order: list[int], steps: int) -> float:
        weight = 0.5
        for k in range(steps):
            s = samples[order[k % len(order)]]
            xv, yv = list(s.values())
            # dL/dw = 2 (w x - y) x
            weight -= 0.1 * 2 * (weight * xv - yv) * xv
        return weight

    with chromium() as driver:
        open_page(driver, stepper, tmp_path)
        call(driver, "sample", 1)
        call(driver, "train", 3)
        assert call(driver, "params")["w"] == pytest.approx(python([1], 3), rel=1e-12)
        call(driver, "go", 0)
        call(driver, "sample", "all")
        call(driver, "train", 5)
        assert call(driver, "params")["w"] == pytest.approx(python([0, 1, 2], 5), rel=1e-12)


# ---- labels, groups, layout ----------------------------------------------------------


def test_labels_are_text_never_markup(tmp_path: Path) -> None:
    x = Value(3.0, label="</script><img src=x onerror=alert(1)>")
    y = Value(2.0, label="a\u2028b")
    z = x * y
    z.label = "<b>z</b>"
    with chromium() as driver:
        element = open_page(driver, ag.trace_backward(z).stepper(), tmp_path)
        assert element.find_elements("css selector", "img") == []
        names = call(driver, "names")
        assert "</script><img src=x onerror=alert(1)>" in names
        assert "a\u2028b" in names
        texts = [t.text for t in element.find_elements("css selector", "text.ag-name")]
        assert "<b>z</b>" in texts
        assert console_errors(driver) == []


def test_a_network_opens_folded_by_neurons_and_unfolds(tmp_path: Path) -> None:
    from autograd_lite import nn

    model = nn.MLP(3, [8, 8, 1], activation="tanh", seed=0)
    out = model([0.5, -1.0, 2.0])
    loss = (out - 1.0) ** 2
    loss.label = "L"
    trace = ag.trace_backward(loss)
    stepper = trace.stepper(params=model.named_parameters())
    assert len(stepper.order) > 150
    with chromium(width=1000) as driver:
        element = open_page(driver, stepper, tmp_path)
        groups = call(driver, "groups")
        neurons = [g for g in groups if g["folded"]]
        assert len(neurons) == 17
        assert any(g["label"].startswith("layers.0.neurons.0: tanh(") for g in groups)
        boxes = len(call(driver, "boxes"))
        # Folded text is drawn at 10 px or more in a 900 px cell.
        size = driver.execute_script(
            "const t = arguments[0].querySelector('text.ag-name');"
            "return t.getBoundingClientRect().height;", element)
        assert size >= 10
        element.find_element("css selector", 'g[data-group="layers.0.neurons.0"]').click()
        assert len(call(driver, "boxes")) > boxes
        call(driver, "fold", "layers.0.neurons.0")
        assert len(call(driver, "boxes")) == boxes
        call(driver, "focus", trace.names[model.layers[0].neurons[0].w[0]])
        assert len(call(driver, "boxes")) < boxes
        check_against_python(driver, trace)
        assert console_errors(driver) == []


def test_arrow_keys_and_buttons_walk_the_frames(tmp_path: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    loss, _ = network()
    trace = ag.trace_backward(loss)
    with chromium() as driver:
        element = open_page(driver, trace.stepper(), tmp_path)
        total = len(call(driver, "frames"))
        for k in range(1, total + 2):
            element.send_keys(Keys.ARROW_RIGHT)
            assert call(driver, "current") == min(k, total - 1)
        element.send_keys(Keys.HOME)
        assert call(driver, "current") == 0
        element.find_element("css selector", ".ag-last").click()
        assert call(driver, "current") == total - 1
        # The last backward frame shows every leaf's gradient; a row jumps to its step.
        table = element.find_element("css selector", ".ag-table")
        assert table.is_displayed()
        row = table.find_element("css selector", "tr.ag-jump")
        leaf = row.find_element("css selector", "td").text
        row.click()
        step = call(driver, "current")
        assert call(driver, "text").split("\n")[1].startswith(f"dL/d{leaf} += ")
        assert step < total - 1
        assert console_errors(driver) == []


def test_packed_steppers_start_as_a_notebook_shows_them(tmp_path: Path) -> None:
    # A notebook page: two stepper outputs, each with its own packed script.
    o, _ = neuron()
    loss, _ = network()
    traces = [ag.trace_backward(o), ag.trace_backward(loss)]
    outputs = "\n".join(trace.stepper()._repr_html_() for trace in traces)
    page = tmp_path / "notebook.html"
    page.write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{outputs}</body></html>',
        encoding="utf-8",
    )
    every = "document.querySelectorAll('[data-autograd-lite=\"stepper\"]')"
    with chromium() as driver:
        driver.get(page.as_uri())
        # The scripts start once unpacked, after the page has loaded.
        for _ in range(100):
            if driver.execute_script(f"return [...{every}].every(e => e.stepper)"):
                break
            time.sleep(0.05)
        notes = driver.find_elements("css selector", ".ag-note")
        assert len(notes) == 2 and not any(note.is_displayed() for note in notes)
        check_against_python(driver, traces[0])
        for index, trace in enumerate(traces):
            frames = driver.execute_script(f"return {every}[{index}].stepper.frames()")
            assert len([f for f in frames if f["phase"] == "backward"]) == len(trace)
        assert console_errors(driver) == []


def test_the_current_step_is_visible_without_scrolling(tmp_path: Path) -> None:
    root = big_graph(300)
    trace = ag.trace_backward(root)
    with chromium(width=1000, height=900) as driver:
        element = open_page(driver, trace.stepper(), tmp_path)
        for k in (50, 320, 500):
            call(driver, "go", k)
            box = driver.execute_script(
                "const e = arguments[0];"
                "const cur = e.querySelector('g.ag-current, g.ag-fresh');"
                "const view = e.querySelector('.ag-view').getBoundingClientRect();"
                "const text = e.querySelector('.ag-lines').getBoundingClientRect();"
                "const r = cur.getBoundingClientRect();"
                "return [r.top >= view.top - 1 && r.bottom <= view.bottom + 1"
                " && r.left >= view.left - 1 && r.right <= view.right + 1,"
                " text.bottom <= window.innerHeight,"
                " parseFloat(getComputedStyle(e.querySelector('.ag-lines')).fontSize)];",
                element)
            assert box[0] and box[1], k
            assert box[2] >= 14
        assert console_errors(driver) == []


def take_screenshot(path: Path, width: int = 1100) -> Path:
    """Screenshot the 2-2-1 network's lab mid-way through backward, a local derivative shown."""
    loss, params = network()
    trace = ag.trace_backward(loss)
    x1 = next(v for v in ag.topological_order(loss) if v.label == "x_1")
    k = len(ag.topological_order(loss)) + 1 + min(s.index for s in trace if s.parent is x1)
    with tempfile.TemporaryDirectory() as folder, chromium(width=width, height=1000) as driver:
        element = open_page(driver, trace.stepper(params=params, lr=0.1), Path(folder))
        call(driver, "go", k)
        element.screenshot(str(path))
    return path


def test_screenshot_of_the_stepper(tmp_path: Path) -> None:
    path = take_screenshot(tmp_path / "stepper.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


if __name__ == "__main__":
    print(take_screenshot(Path(sys.argv[1]).resolve()))
