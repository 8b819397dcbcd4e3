"""Graphviz in the browser: how `draw_graph` lays graphs out under Pyodide.

wasmtime, which runs the bundled WebAssembly Graphviz, cannot run inside Pyodide (itself
WebAssembly in a browser). There the page supplies Graphviz instead: a JavaScript function
`autogradLiteRenderDot(dot)` on the global object (a web worker's or a window's), DOT text
in and SVG text out, which the playground page (docs/playground) makes from the npm package
`@viz-js/viz`. `autograd_lite.render` calls `render_svg` when `sys.platform == "emscripten"`.
"""

from __future__ import annotations

import importlib
from typing import Any

# The global JavaScript function that lays out DOT text and returns SVG text.
RENDER_FUNCTION = "autogradLiteRenderDot"


class BrowserGraphvizError(RuntimeError):
    """The page has no Graphviz, or its Graphviz could not draw the graph."""


def render_svg(source: str) -> str:
    """`source` (DOT text) laid out by the page's Graphviz, as SVG text."""
    javascript: Any = importlib.import_module("js")  # Pyodide's view of the global object
    function = getattr(javascript, RENDER_FUNCTION, None)
    if function is None:
        raise BrowserGraphvizError(
            f"this page has no Graphviz: define the JavaScript function {RENDER_FUNCTION}(dot) "
            "(DOT text in, SVG text out; @viz-js/viz has one) before drawing"
        )
    try:
        svg = function(source)
    except Exception as error:  # Pyodide's JsException: Graphviz refused the DOT text
        raise BrowserGraphvizError(f"the browser's Graphviz could not draw it: {error}") from None
    return str(svg)
