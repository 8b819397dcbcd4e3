"""The playground page (docs/playground.md) in headless Chromium, served over HTTP.

The site is built once (warnings as errors) and served on 127.0.0.1 as `python -m
http.server` serves it; Chromium opens the playground with every host name but 127.0.0.1
unresolvable and its requests logged. Every example runs in the page's Pyodide and prints
the numbers the native package prints for the same code; a drawing and a stepper lab show
up and work; an error points at the learner's line; Stop ends an endless loop; Ctrl+Enter
runs the editor's program; no request went anywhere but the site, and the console stays
free of errors. Times are measured by benchmarks/playground.py, not asserted here.
"""

from __future__ import annotations

import math
import re
import runpy
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import console_errors
from playground_site import (
    EXAMPLES,
    RUN,
    WAIT_READY,
    native_output,
    page_requests,
    served,
    watched_chromium,
)
from svg_images import svg_of

pytestmark = pytest.mark.slow

NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


@pytest.fixture(scope="module")
def site(built_site: tuple[Path, str | None]) -> Path:
    out, failure = built_site
    assert failure is None, failure
    return out


@pytest.fixture(scope="module")
def netlog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("netlog") / "netlog.json"


@pytest.fixture(scope="module")
def page(site: Path, netlog: Path) -> Iterator[tuple[Any, str]]:
    """Chromium on the served playground, Python ready: (driver, the site's base URL)."""
    with served(site) as url, watched_chromium(netlog) as driver:
        driver.get(url + "playground.html")
        ready = driver.execute_async_script(WAIT_READY)
        assert ready["ok"], ready
        yield driver, url


def run(driver: Any, code: str) -> dict[str, Any]:
    return dict(driver.execute_async_script(RUN, code))


def same_numbers(browser: str, native: str) -> None:
    """The two outputs are the same text, but for numbers that differ in the last bits."""
    assert NUMBER.sub("#", browser) == NUMBER.sub("#", native)
    for a, b in zip(NUMBER.findall(browser), NUMBER.findall(native)):
        assert math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12), (a, b)


def test_the_playground_files_weigh_under_a_megabyte(site: Path) -> None:
    # Everything but Pyodide counts: the page's scripts, the wheels and Viz.js (Graphviz).
    folder = site / "_static" / "playground"
    own = [p for p in folder.rglob("*") if p.is_file() and folder / "pyodide" not in p.parents]
    assert {p.name for p in own} >= {
        "playground.js", "worker.js", "runner.py", "manifest.json", "viz.js.gz"
    }
    assert sum(1 for p in own if p.suffix == ".whl") == 3  # autograd-lite, graphviz, tqdm
    assert sum(p.stat().st_size for p in own) < 1_000_000


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_an_example_prints_what_the_native_package_prints(
    example: Path, page: tuple[Any, str]
) -> None:
    driver, _ = page
    result = run(driver, example.read_text(encoding="utf-8"))
    assert result["ok"] and result["stderr"] == "", result["stderr"]
    native = native_output(example)
    assert len(NUMBER.findall(native)) >= 3  # gradients to compare
    same_numbers(result["stdout"], native)


def test_a_drawing_appears(page: tuple[Any, str]) -> None:
    driver, _ = page
    run(driver, (EXAMPLES[0]).read_text(encoding="utf-8"))
    images = driver.find_elements("css selector", ".ag-pg-output img")
    assert len(images) == 1
    svg = svg_of(images[0].get_attribute("outerHTML"))
    # Laid out by Graphviz: the neuron's Values and ops are there, with their numbers.
    assert svg.count('class="node"') == 10 + 5 and ">data 0.7071<" in svg and ">tanh<" in svg
    assert driver.execute_script("return arguments[0].naturalWidth", images[0]) > 100


def test_a_stepper_steps(page: tuple[Any, str]) -> None:
    driver, _ = page
    run(driver, EXAMPLES[1].read_text(encoding="utf-8"))
    steppers = driver.find_elements("css selector", '.ag-pg-output [data-autograd-lite="stepper"]')
    assert len(steppers) == 1
    stepped = driver.execute_script(
        "const s = arguments[0].stepper; const before = s.text(); const reached = s.go(5);"
        "return {reached, current: s.current(), before, after: s.text(),"
        " values: Object.fromEntries(s.names().map((n) => [n, s.get(n)]))};",
        steppers[0],
    )
    assert stepped["reached"] == stepped["current"] == 5
    assert stepped["after"] != stepped["before"]
    # The page's own forward and backward agree with the engine's, value by value.
    trace = runpy.run_path(str(EXAMPLES[1]), init_globals={"display": print})["trace"]
    expected = {name: (node.data, node.grad) for node, name in trace.names.items()}
    assert set(stepped["values"]) == set(expected)
    for name, (data, grad) in expected.items():
        shown = stepped["values"][name]
        assert math.isclose(shown["data"], data, rel_tol=1e-12, abs_tol=1e-15), name
        assert math.isclose(shown["grad"], grad, rel_tol=1e-12, abs_tol=1e-15), name


def test_an_error_shows_as_python_shows_it(page: tuple[Any, str]) -> None:
    driver, _ = page
    code = "import autograd_lite as ag\n\nx = ag.Value(1.0)\ny = x / 0\n"
    result = run(driver, code)
    assert not result["ok"]
    with pytest.raises(ZeroDivisionError) as native:
        exec(code, {})
    lines = result["stderr"].splitlines()
    assert lines == [
        "Traceback (most recent call last):",
        '  File "<playground>", line 4, in <module>',
        "    y = x / 0",
        *lines[3:-1],  # the frames inside autograd_lite
        f"ZeroDivisionError: {native.value}",
    ]
    shown = driver.find_element("css selector", ".ag-pg-output .ag-pg-stderr").text
    assert 'line 4' in shown and "ZeroDivisionError" in shown
    syntax = run(driver, "x = (1,\n")
    assert not syntax["ok"] and 'File "<playground>", line 1' in syntax["stderr"]
    assert syntax["stderr"].rstrip().endswith("SyntaxError: '(' was never closed")


def test_stop_ends_an_endless_loop(page: tuple[Any, str]) -> None:
    driver, _ = page
    driver.execute_script(
        "window.endless = window.autogradLitePlayground.run('print(\"looping\")\\n"
        "while True:\\n    pass\\n');"
    )
    time.sleep(1.0)
    assert driver.execute_script(
        "return document.querySelector('.ag-pg-stop').disabled") is False
    stopped = driver.execute_async_script(
        "const done = arguments[0]; const api = window.autogradLitePlayground;"
        "const ready = api.stop(); window.endless.then((result) =>"
        " ready.then(() => done(result)));"
    )
    assert not stopped["ok"] and stopped["stdout"] == "looping\n"
    assert "Stopped" in stopped["stderr"]
    again = run(driver, "import autograd_lite as ag\nprint(ag.grad(lambda x: x * x)(3.0))\n")
    assert again == {**again, "ok": True, "stdout": "6.0\n", "stderr": ""}


def test_ctrl_enter_runs_the_editor(page: tuple[Any, str]) -> None:
    from selenium.webdriver.common.keys import Keys

    driver, _ = page
    editor = driver.find_element("css selector", ".ag-pg-editor")
    editor.clear()
    editor.send_keys("print(6 * 7)")
    editor.send_keys(Keys.CONTROL, Keys.ENTER)
    deadline = time.monotonic() + 30
    shown = ""
    while time.monotonic() < deadline and shown != "42":
        shown = driver.execute_script(
            "const out = document.querySelector('.ag-pg-output .ag-pg-stdout');"
            "return out ? out.textContent.trim() : ''")
        time.sleep(0.05)
    assert shown == "42"


def test_no_request_left_the_site_and_no_console_error(
    page: tuple[Any, str], netlog: Path
) -> None:
    # Last in this file: it judges everything the tests above made the page do.
    driver, url = page
    origin = url.rstrip("/")
    marker = url + "?last-request"
    driver.execute_script("fetch(arguments[0]);", marker)
    deadline = time.monotonic() + 20
    while marker not in (urls := page_requests(netlog, origin)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert marker in urls, "the NetLog misses requests"
    # The worker's requests are there too: Pyodide, Viz.js and the wheels.
    for name in ("pyodide/pyodide.asm.wasm", "viz/viz.js.gz", "wheels/autograd_lite-"):
        assert any(f"/_static/playground/{name}" in u for u in urls), name
    assert [u for u in urls if not u.startswith(url)] == []
    assert console_errors(driver) == []
