"""The stepper in a real browser: a saved page opened from disk, driven by keys and clicks.

Every frame is checked against the trace's own numbers (`BackwardStep`, `grads_after`)
and the graph's values, not against the stepper's frame data. Skips with a one-line
reason without Chromium, chromedriver or selenium.

`python tests/test_stepper_browser.py docs/stepper.png` remakes the README's screenshot
with the same code the tests use.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, console_errors
from stepper_examples import big_graph, network, neuron

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.render import format_number
from autograd_lite.trace import BackwardTrace

pytestmark = pytest.mark.slow

STATE = """
const root = document.querySelector('.ag-stepper');
const grads = {}, data = {};
root.querySelectorAll('g.node[data-node]').forEach(g => {
  grads[g.dataset.node] = g.querySelector('text.ag-grad').textContent;
  data[g.dataset.node] = g.querySelector('text.ag-data').textContent;
});
const svg = root.querySelector('.ag-view svg').getBoundingClientRect();
return {
  rule: root.querySelector('.ag-rule').textContent,
  sum: root.querySelector('.ag-sum').textContent,
  counter: root.querySelector('.ag-counter').textContent,
  slider: root.querySelector('.ag-slider').value,
  edges: [...root.querySelectorAll('g.edge.ag-hl title')].map(t => t.textContent).sort(),
  current: [...root.querySelectorAll('g.ag-current')].map(g => g.dataset.node),
  grads: grads, data: data,
  svgWidth: svg.width, svgRight: svg.right,
  pageWidth: document.documentElement.clientWidth,
  pageScrollWidth: document.documentElement.scrollWidth,
};
"""


def expected_state(trace: BackwardTrace, k: int) -> dict[str, Any]:
    """What frame k must show, from the trace and the graph alone."""
    order = ag.topological_order(trace.root)
    position = {node: str(i) for i, node in enumerate(order)}
    n = len(order)
    total = n + 1 + len(trace)
    shown_data = {position[v]: "data " + format_number(v.data, 4) for v in order[: k + 1]}
    expected: dict[str, Any] = {"counter": f"step {k + 1} of {total}", "slider": str(k)}
    expected["data"] = {position[v]: shown_data.get(position[v], "data ?") for v in order}
    if k < n:
        node = order[k]
        expected["edges"] = sorted(
            {f"v{position[p]}->v{k}op" for p in node.parents}
            | ({f"v{k}op->v{k}"} if node.parents else set())
        )
        expected["grads"] = {position[v]: "grad ?" for v in order}
        return expected
    if k == n:
        grads = {trace.root: trace.gradient}
        expected["edges"] = []
        expected["current"] = [position[trace.root]]
    else:
        step = trace[k - n - 1]
        grads = trace.grads_after(step.index)
        expected["rule"] = str(step)
        expected["current"] = [position[step.parent]]
        child = position[step.node]
        expected["edges"] = sorted(
            {f"v{position[step.parent]}->v{child}op", f"v{child}op->v{child}"}
        )
    expected["grads"] = {
        position[v]: "grad " + format_number(grads[v], 4) if v in grads else "grad ?"
        for v in order
    }
    return expected


def check(driver: Any, trace: BackwardTrace, k: int) -> dict[str, Any]:
    state = driver.execute_script(STATE)
    expected = expected_state(trace, k)
    assert {key: state[key] for key in expected} == expected, f"frame {k}"
    # Never wider than the window, whatever the frame scrolled into view.
    assert state["svgRight"] <= state["pageWidth"]
    assert state["pageScrollWidth"] <= state["pageWidth"]
    return dict(state)


def open_page(driver: Any, trace: BackwardTrace, folder: Path, **options: Any) -> Any:
    path = trace.save_html(folder / "steps.html", **options)
    driver.get(path.resolve().as_uri())
    return driver.find_element("css selector", ".ag-stepper")


def press(stepper: Any, key: str) -> None:
    from selenium.webdriver.common.keys import Keys

    stepper.send_keys(getattr(Keys, key))


def click(stepper: Any, name: str) -> None:
    stepper.find_element("css selector", f".ag-{name}").click()


def test_arrow_keys_walk_every_frame_of_the_network(tmp_path: Path) -> None:
    loss, params = network()
    trace = ag.trace_backward(loss)
    frames = len(ag.topological_order(loss)) + 1 + len(trace)
    with chromium() as driver:
        stepper = open_page(driver, trace, tmp_path, params=params)
        check(driver, trace, 0)
        for k in range(1, frames):
            press(stepper, "ARROW_RIGHT")
            check(driver, trace, k)
        press(stepper, "ARROW_RIGHT")  # past the end stays at the end
        last = check(driver, trace, frames - 1)
        # After the last step every grad box shows the grad backward leaves.
        for node, text in last["grads"].items():
            assert text == "grad " + format_number(ag.topological_order(loss)[int(node)].grad, 4)
        for k in range(frames - 2, frames - 12, -1):
            press(stepper, "ARROW_LEFT")
            check(driver, trace, k)
        press(stepper, "HOME")
        check(driver, trace, 0)
        press(stepper, "ARROW_LEFT")  # before the start stays at the start
        check(driver, trace, 0)
        press(stepper, "END")
        check(driver, trace, frames - 1)
        assert console_errors(driver) == []


def test_buttons_slider_and_play(tmp_path: Path) -> None:
    from selenium.webdriver.support.ui import Select, WebDriverWait

    o, _ = neuron()
    trace = ag.trace_backward(o)
    frames = len(ag.topological_order(o)) + 1 + len(trace)
    with chromium() as driver:
        stepper = open_page(driver, trace, tmp_path)
        # The note for pages whose script is stripped is gone: the script ran.
        assert stepper.find_elements("css selector", ".ag-note") == []
        click(stepper, "last")
        check(driver, trace, frames - 1)
        click(stepper, "prev")
        check(driver, trace, frames - 2)
        click(stepper, "first")
        check(driver, trace, 0)
        click(stepper, "next")
        check(driver, trace, 1)
        driver.execute_script(
            "const s = arguments[0]; s.value = 12; s.dispatchEvent(new Event('input'));",
            stepper.find_element("css selector", ".ag-slider"),
        )
        check(driver, trace, 12)
        Select(stepper.find_element("css selector", ".ag-speed")).select_by_value("4")
        click(stepper, "play")
        assert stepper.find_element("css selector", ".ag-play").text == "pause"
        WebDriverWait(driver, 10).until(
            lambda d: d.execute_script(STATE)["counter"] == f"step {frames} of {frames}"
        )
        check(driver, trace, frames - 1)
        assert stepper.find_element("css selector", ".ag-play").text == "play"
        click(stepper, "play")  # at the end, play starts over
        click(stepper, "play")  # and pauses
        paused = driver.execute_script(STATE)["counter"]
        time.sleep(0.6)  # more than two frames at 4 per second
        assert driver.execute_script(STATE)["counter"] == paused
        assert console_errors(driver) == []


def test_running_sum_and_a_label_that_looks_like_markup(tmp_path: Path) -> None:
    x = Value(3.0, label="</script><b>x</b>")
    y = x * x + x
    y.label = "y"
    trace = ag.trace_backward(y)
    frames = len(ag.topological_order(y)) + 1 + len(trace)
    with chromium() as driver:
        stepper = open_page(driver, trace, tmp_path)
        press(stepper, "END")
        state = check(driver, trace, frames - 1)
        # d(x*x + x)/dx = 2x + 1 = 7, summed from three contributions: 1, 3 and 3.
        assert state["sum"].endswith("= 1.0000 + 3.0000 + 3.0000 = 7.0000 (3 of 3 contributions)")
        assert state["grads"]["0"] == "grad 7.0000"
        assert console_errors(driver) == []


def test_zoom_keeps_the_page_width_and_fit_returns(tmp_path: Path) -> None:
    loss, params = network()
    trace = ag.trace_backward(loss)
    with chromium(width=1000) as driver:
        stepper = open_page(driver, trace, tmp_path, params=params, rankdir="LR")
        fitted = check(driver, trace, 0)["svgWidth"]
        click(stepper, "zoom-in")
        zoomed = driver.execute_script(STATE)
        assert zoomed["svgWidth"] > fitted
        assert zoomed["pageScrollWidth"] <= zoomed["pageWidth"]
        click(stepper, "zoom-fit")
        assert driver.execute_script(STATE)["svgWidth"] == pytest.approx(fitted, abs=1)
        assert console_errors(driver) == []


def test_a_300_node_graph_fits_the_window(tmp_path: Path) -> None:
    root = big_graph(300)
    trace = ag.trace_backward(root)
    with chromium(width=1000) as driver:
        stepper = open_page(driver, trace, tmp_path)
        press(stepper, "END")
        check(driver, trace, 300 + len(trace))
        assert console_errors(driver) == []


def take_screenshot(path: Path, width: int = 1100) -> Path:
    """Screenshot the 2-2-1 network's stepper mid-way through backward, a running sum shown."""
    loss, params = network()
    trace = ag.trace_backward(loss)
    # The first of x_1's two contributions: a partial sum, and grads still to come.
    x1 = next(v for v in ag.topological_order(loss) if v.label == "x_1")
    k = len(ag.topological_order(loss)) + 1 + min(s.index for s in trace if s.parent is x1)
    with chromium(width=width, height=1000) as driver:
        stepper = open_page(driver, trace, path.parent, params=params)
        for _ in range(k):
            press(stepper, "ARROW_RIGHT")
        check(driver, trace, k)
        stepper.screenshot(str(path))
    (path.parent / "steps.html").unlink()
    return path


def test_screenshot_of_the_stepper(tmp_path: Path) -> None:
    path = take_screenshot(tmp_path / "stepper.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


if __name__ == "__main__":
    print(take_screenshot(Path(sys.argv[1]).resolve()))
