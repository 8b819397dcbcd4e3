"""Drawing a computation graph with Graphviz: `draw_graph` and the `Graph` it returns.

Legend (the palette every drawing uses):

- record node ``label | data 2.0000 | grad -3.0000`` for every `Value`, filled by kind:
  root light red (#f4cccc), parameter light green (#d9ead3), other leaf light blue
  (#cfe2f3), interior node white;
- small grey ellipse (#eeeeee) for the operation (``+``, ``*``, ``tanh``, ``dot`` ...) that
  made a non-leaf, between its parents and itself;
- highlighted nodes and edges: red (#d62728) and thick;
- a grad not known yet (see the ``grads`` argument): ``grad ?`` on a dashed grey border.

This module builds the DOT text; images come from the Graphviz `dot` program when it is
installed, otherwise from `autograd_lite.webassembly_graphviz`, which runs Graphviz in this
process. The graphviz package (which writes DOT) is imported on the first drawing, not with
`autograd_lite`.
"""

from __future__ import annotations

import errno
import math
import re
import shutil
import subprocess
import sys
from collections.abc import Collection, Iterable, Mapping
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from autograd_lite import atomic_write, webassembly_graphviz
from autograd_lite.engine import Value, topological_order

# format_constant lives in naming, which writes constants into node names; it is
# re-exported here, where drawings, traces and their users have always found it.
from autograd_lite.naming import format_constant as format_constant
from autograd_lite.naming import node_names
from autograd_lite.scalars import is_int, is_number
from autograd_lite.svg import compact_svg, svg_image
from autograd_lite.webassembly_graphviz import INSTALL_GRAPHVIZ

if TYPE_CHECKING:
    # Imported for real on the first drawing; the package ships no type information.
    import graphviz  # type: ignore[import-untyped]

Edge = tuple[Value, Value]
Highlight = Value | Edge | Iterable[Value | Edge]

ROOT_COLOR = "#f4cccc"
PARAMETER_COLOR = "#d9ead3"
LEAF_COLOR = "#cfe2f3"
INTERIOR_COLOR = "#ffffff"
OP_COLOR = "#eeeeee"
HIGHLIGHT_COLOR = "#d62728"
HIGHLIGHT_WIDTH = "2.5"
PENDING_COLOR = "#999999"
# Graphviz without fontconfig (as in WebAssembly) sizes text by built-in metrics;
# Helvetica's match the sans-serif fonts browsers substitute for it.
FONT = "Helvetica"

RANKDIRS = ("LR", "RL", "TB", "BT")
FIELD_LAYOUTS = ("row", "stack")
# Past this many Values the layout trades a little placement quality for speed.
QUICK_LAYOUT_NODES = 100
SUFFIX_FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot"}
# The WebAssembly Graphviz has no cairo or gd plugins: it lays out and writes SVG
# (and text formats), but png and pdf fail inside it. Only these formats need no `dot`.
FORMATS_WITHOUT_DOT = ("svg", "dot")
# The WebAssembly Graphviz lays out about 2,500 Values in 1-3 s; time grows faster than
# the node count (a 2,400-leaf expression took 18-70 s), so larger graphs need `dot`.
WEBASSEMBLY_MAX_NODES = 2500
# Seconds the Graphviz `dot` program may take for one drawing (Graph.pipe's time_limit).
# It draws a few thousand Values in seconds, but its time grows much faster than the
# graph: a 49,501-value drawing ran for 7.7 minutes. Past this, it is stopped.
DOT_TIME_LIMIT = 60.0

_RECORD_SPECIAL = re.compile(r'([\\{}|<>"])')


class GraphRenderError(RuntimeError):
    """Graphviz could not turn a graph into the requested image."""


class GraphvizNotFoundError(GraphRenderError):
    """The requested image format needs the Graphviz `dot` program, which is not installed."""


def format_number(x: float, precision: int) -> str:
    """`x` with `precision` decimals: scientific notation from 1e9 up, and nan/inf/-inf by name."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    text = f"{x:.{precision}e}" if abs(x) >= 1e9 else f"{x:.{precision}f}"
    # A tiny negative number would otherwise print as "-0.0000".
    if text.startswith("-") and float(text) == 0.0:
        text = text[1:]
    return text


class Graph:
    """A drawn computation graph: DOT text, SVG, image files, and display in Jupyter.

    Images come from the Graphviz `dot` program when it is on PATH, otherwise from
    the bundled WebAssembly Graphviz, which makes SVG (and PNG through the optional
    resvg-py package); `.dot` files need neither.
    """

    def __init__(self, digraph: graphviz.Digraph, node_count: int) -> None:
        self.digraph = digraph
        self.node_count = node_count

    def __repr__(self) -> str:
        return f"<Graph of {self.node_count} values>"

    @property
    def source(self) -> str:
        """The DOT text of the graph."""
        return str(self.digraph.source)

    def pipe(self, format: str = "svg", *, time_limit: float | None = None) -> bytes:
        """The graph laid out and rendered in a Graphviz output format ('svg', 'png', 'pdf' ...).

        'dot' gives the DOT text itself (`source`), not laid out. Raises
        GraphvizNotFoundError for a format other than SVG or DOT when the Graphviz
        `dot` program is not installed, except PNG when resvg-py is (the
        `autograd-lite[png]` extra).

        The `dot` program gets `time_limit` seconds (default `DOT_TIME_LIMIT`, read at
        each call; `math.inf` for none): past it, it is stopped and GraphRenderError
        says so. So does GraphRenderError when `dot` cannot be started at all (out of
        file descriptors or processes, say), naming the cause.
        """
        if not isinstance(format, str) or not format:
            raise TypeError(f"Graph.pipe: format must be a non-empty str, got {format!r}")
        limit = DOT_TIME_LIMIT if time_limit is None else time_limit
        if not is_number(limit) or not limit > 0:
            raise ValueError(
                f"Graph.pipe: time_limit must be a number of seconds above 0 (math.inf for "
                f"none), got {limit!r}"
            )
        format = format.lower()
        if format == "dot":
            return self.source.encode("utf-8")
        if shutil.which("dot") is not None:
            return self._pipe_with_dot_program(format, limit)
        if format == "png" and _resvg() is not None:
            return _rasterise(self.pipe("svg"))
        if format not in FORMATS_WITHOUT_DOT:
            raise GraphvizNotFoundError(
                f"rendering {format!r} needs the Graphviz 'dot' program, which is not on PATH. "
                f"{INSTALL_GRAPHVIZ} SVG and .dot work without it, and so does PNG with the "
                "optional resvg-py package: pip install 'autograd-lite[png]'."
            )
        if self.node_count > WEBASSEMBLY_MAX_NODES:
            raise GraphRenderError(
                f"the graph has {self.node_count} values, more than the {WEBASSEMBLY_MAX_NODES} "
                "the in-process WebAssembly Graphviz lays out quickly. Install the system "
                f"Graphviz 'dot' program, which draws large graphs fast: {INSTALL_GRAPHVIZ} "
                "Or save the graph as .dot, or draw a sub-graph from an intermediate Value."
            )
        if sys.platform == "emscripten":
            # Pyodide (a browser) has no wasmtime: the page's Graphviz draws instead.
            from autograd_lite import graphviz_browser

            try:
                return graphviz_browser.render_svg(self.source).encode("utf-8")
            except graphviz_browser.BrowserGraphvizError as error:
                raise GraphRenderError(str(error)) from None
        try:
            return webassembly_graphviz.svg_from_dot(self.source).encode("utf-8")
        except webassembly_graphviz.WebAssemblyGraphvizError as error:
            raise GraphRenderError(str(error)) from error.__cause__

    def _pipe_with_dot_program(self, format: str, time_limit: float) -> bytes:
        # Run as the graphviz package runs it (`dot -Kdot -T<format>`, found on PATH
        # when started), but with a time limit, which its pipe() has no way to set.
        command = ["dot", "-Kdot", f"-T{format}"]
        source = self.source.encode(self.digraph.encoding or "utf-8")
        timeout = None if math.isinf(time_limit) else time_limit
        try:
            # run() kills `dot` on the time limit and on any exception (Ctrl-C).
            done = subprocess.run(command, input=source, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise GraphRenderError(
                f"the Graphviz 'dot' program was stopped after {time_limit:g} s, its time limit, "
                f"laying out {self.node_count:,} values. Draw a sub-graph (draw_graph of an "
                "intermediate Value, or a smaller max_nodes), or save the graph as .dot and "
                "lay it out with 'dot' yourself; a longer limit: Graph.pipe(..., time_limit=s) "
                "or autograd_lite.render.DOT_TIME_LIMIT"
            ) from None
        except FileNotFoundError as error:
            raise GraphvizNotFoundError(
                f"the Graphviz 'dot' program could not be run ({error.strerror or error}); "
                "install the Graphviz system package or fix PATH"
            ) from error
        except OSError as error:
            # Not an error of the output file: starting `dot` (pipes, a process) failed.
            hint = {
                errno.EMFILE: " (this process has no file descriptor left: a low ulimit -n?)",
                errno.ENFILE: " (the system has no file descriptor left)",
                errno.EAGAIN: " (no new process allowed: a low ulimit -u?)",
                errno.ENOMEM: " (out of memory)",
            }.get(error.errno or 0, "")
            raise GraphRenderError(
                f"could not run the Graphviz 'dot' program: {error.strerror or error}{hint}"
            ) from error
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip()
            raise GraphRenderError(
                f"Graphviz 'dot' failed to render {format!r}: "
                f"{detail or f'exit status {done.returncode}'}"
            )
        if done.stderr and sys.stderr is not None:  # None under pythonw
            # Its warnings, shown as the graphviz package shows them.
            sys.stderr.write(done.stderr.decode(sys.stderr.encoding or "utf-8", "replace"))
            sys.stderr.flush()
        return done.stdout

    def svg(self) -> str:
        """The graph as an SVG document, compacted for notebooks and pages (`compact_svg`)."""
        # Labels cannot smuggle invalid UTF-8 through Graphviz (see _escape_record);
        # "replace" keeps a display from failing if a Graphviz ever emits some anyway.
        return compact_svg(self.pipe("svg").decode("utf-8", errors="replace"))

    def save(self, path: str | PathLike[str]) -> Path:
        """Write the graph to `path` in the format its suffix names: .svg, .png, .pdf or .dot.

        Returns the path written. PDF needs the Graphviz `dot` program, and so does PNG
        unless resvg-py is installed (`pip install 'autograd-lite[png]'`). The file
        is replaced atomically and only if it is a regular file (`autograd_lite.atomic_write`).
        """
        target = Path(path)
        format = SUFFIX_FORMATS.get(target.suffix.lower())
        if format is None:
            raise ValueError(
                f"Graph.save: cannot tell the format of {str(path)!r}; "
                f"expected a suffix among {', '.join(SUFFIX_FORMATS)}"
            )
        return atomic_write.write_bytes(target, self.pipe(format))

    def _repr_mimebundle_(
        self, include: Collection[str] | None = None, exclude: Collection[str] | None = None
    ) -> dict[str, str]:
        # Stored once, as an image that every notebook viewer shows (`svg_image`).
        return {"text/html": svg_image(self.svg(), repr(self)), "text/plain": repr(self)}


def _resvg() -> Any:
    """The resvg-py module (a Rust SVG renderer), or None when it is not installed."""
    try:
        import resvg_py  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        return None
    return resvg_py


_POINT_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def _rasterise(svg: bytes) -> bytes:
    """PNG pixels of a Graphviz SVG, drawn by resvg-py with the system's fonts.

    Sizes in points become CSS pixels (4/3 px per point), as a browser shows the SVG.
    """
    text = svg.decode("utf-8")
    text = _POINT_SIZE.sub(
        lambda m: f'<svg width="{float(m.group(1)) * 4 / 3:.2f}" '
        f'height="{float(m.group(2)) * 4 / 3:.2f}"',
        text[text.index("<svg") :],
        count=1,
    )
    try:
        return bytes(_resvg().svg_to_bytes(svg_string=text))
    except ValueError as error:
        raise GraphRenderError(f"resvg-py could not draw the graph as PNG: {error}") from error


def draw_graph(
    root: Value,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    precision: int = 4,
    highlight: Highlight | None = None,
    max_nodes: int = 1000,
    params: Iterable[Value] | None = None,
    grads: Mapping[Value, float] | None = None,
    show_names: bool = False,
    fields: str = "row",
) -> Graph:
    """Draw the graph that ends at `root`, one record node per Value and one node per operation.

    - `rankdir`: layout direction, one of LR, RL, TB, BT.
    - `show_grad`: add the `grad` field to each record.
    - `precision`: decimals of the numbers shown.
    - `highlight`: a Value, an edge `(parent, child)` (a 2-tuple of Values is always an
      edge), or a list/set of both; drawn in red. Each must belong to the graph.
    - `max_nodes`: refuse (ValueError) to draw a graph of more Values than this.
    - `params`: Values to colour as parameters (those outside the graph are ignored).
    - `grads`: grads to show instead of each node's `.grad`; a node missing from the
      mapping is drawn as pending (`grad ?`, dashed).
    - `show_names`: name every node as `trace_backward` does
      (`autograd_lite.naming.node_names`): unlabelled ones by their expression
      (`x1*w1 + b`) or, failing that, `v1`, `v2`, ...
    - `fields`: "row" puts a node's name, data and grad side by side; "stack" puts them
      one above the other, which makes wide graphs (long names, many leaves) about half
      as wide.

    Nodes are numbered in topological order, so the DOT text depends on the graph only.
    The palette is in the module docstring of `autograd_lite.render`.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph: root must be a Value, got {type(root).__name__}: {root!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {RANKDIRS}, got {rankdir!r}")
    if not is_int(precision) or precision < 0:
        raise ValueError(f"draw_graph: precision must be an int >= 0, got {precision!r}")
    if not is_int(max_nodes) or max_nodes < 1:
        raise ValueError(f"draw_graph: max_nodes must be an int >= 1, got {max_nodes!r}")
    order = topological_order(root)
    if len(order) > max_nodes:
        raise ValueError(
            f"draw_graph: the graph has {len(order)} nodes, more than max_nodes={max_nodes}. "
            f"Pass max_nodes={len(order)} (or more) to draw it anyway, "
            "or draw a sub-graph by passing an intermediate Value as root."
        )
    position = {node: i for i, node in enumerate(order)}
    marked_nodes, marked_edges = _highlighted(highlight, position)
    parameters = _parameter_set(params)
    names = node_names(order) if show_names else {}
    if fields not in FIELD_LAYOUTS:
        raise ValueError(f"draw_graph: fields must be one of {FIELD_LAYOUTS}, got {fields!r}")
    # A record's fields run across the rank direction; braces turn them a quarter.
    braced = (rankdir in ("LR", "RL")) == (fields == "row")

    import graphviz

    graph_attributes = {"rankdir": rankdir}
    if len(order) > QUICK_LAYOUT_NODES:
        # Graphviz's default search for x coordinates takes half a minute on 300 nodes
        # in WebAssembly; one pass of it places them nearly as well in about a second.
        graph_attributes["nslimit"] = "1"
    digraph = graphviz.Digraph(
        graph_attr=graph_attributes,
        node_attr={
            "shape": "record",
            "style": "filled",
            "fillcolor": INTERIOR_COLOR,
            "fontname": FONT,
        },
    )
    for i, node in enumerate(order):
        parts: list[str] = []
        if node.label or show_names:
            parts.append(_escape_record(names.get(node, node.label)))
        parts.append(f"data {format_number(node.data, precision)}")
        attributes: dict[str, str] = {}
        if show_grad:
            grad = node.grad if grads is None else grads.get(node)
            if grad is None:
                parts.append("grad ?")
                attributes.update(style="filled,dashed", color=PENDING_COLOR)
            else:
                parts.append(f"grad {format_number(grad, precision)}")
        fill = _fill_color(node, root, parameters)
        if fill != INTERIOR_COLOR:
            attributes["fillcolor"] = fill
        if node in marked_nodes:
            attributes.update(color=HIGHLIGHT_COLOR, penwidth=HIGHLIGHT_WIDTH)
        record = " | ".join(parts)
        digraph.node(f"v{i}", label=f"{{ {record} }}" if braced else record, **attributes)
        if node.parents:
            _draw_operation(digraph, node, i, position, marked_edges)
    return Graph(digraph, len(order))


def _draw_operation(
    digraph: graphviz.Digraph,
    node: Value,
    i: int,
    position: Mapping[Value, int],
    marked_edges: Collection[Edge],
) -> None:
    marked_parents = {parent for parent, child in marked_edges if child is node}
    op_attributes = {"shape": "ellipse", "fillcolor": OP_COLOR}
    if marked_parents:
        op_attributes.update(color=HIGHLIGHT_COLOR, penwidth=HIGHLIGHT_WIDTH)
    digraph.node(f"v{i}op", label=operation_label(node), **op_attributes)
    for parent in node.parents:
        edge_attributes = (
            {"color": HIGHLIGHT_COLOR, "penwidth": HIGHLIGHT_WIDTH}
            if parent in marked_parents
            else {}
        )
        digraph.edge(f"v{position[parent]}", f"v{i}op", **edge_attributes)
    out_attributes = (
        {"color": HIGHLIGHT_COLOR, "penwidth": HIGHLIGHT_WIDTH} if marked_parents else {}
    )
    digraph.edge(f"v{i}op", f"v{i}", **out_attributes)


# How many operands a reduction's label lists before it only counts its Values.
_LISTED_OPERANDS = 4


def operation_label(node: Value) -> str:
    """The text of a node's operation: its symbol, with its constants written in place.

    An op without constants is its symbol (`*`, `tanh`, `sum`). Otherwise each
    Value operand is a `·` and each constant its number, in operand order, written
    the way the op is: `· * 3`, `1 - ·`, `· ** 2`, `leaky_relu(·, 0.01)`,
    `sum(·, ·, 5)` (`sum(12 Values, 5)` past a few operands). Negation stays `neg`, so
    `1 - x` and `-x` differ.
    """
    op = node.op
    if op is None:
        return ""
    if all(isinstance(operand, Value) for operand in node.operands):
        return op.symbol
    slots = [
        "·" if isinstance(operand, Value) else format_constant(operand)
        for operand in node.operands
    ]
    if op.kind == "operator" and len(slots) == 2:
        return f"{slots[0]} {op.symbol} {slots[1]}"
    if op.kind == "reduction" and len(slots) > _LISTED_OPERANDS:
        constants = [slot for slot in slots if slot != "·"]
        slots = [f"{len(slots) - len(constants)} Values", *constants]
    return f"{op.symbol}({', '.join(slots)})"


def _fill_color(node: Value, root: Value, parameters: Collection[Value]) -> str:
    if node is root:
        return ROOT_COLOR
    if node in parameters:
        return PARAMETER_COLOR
    if not node.parents:
        return LEAF_COLOR
    return INTERIOR_COLOR


def _escape_record(text: str) -> str:
    # Braces, bars and angle brackets structure a record label; quotes and
    # backslashes are DOT string syntax. A newline becomes DOT's centred line break.
    # Other unprintable characters (NUL, lone surrogates) cannot pass through
    # Graphviz: they show as the replacement character. Graphviz reads "&...;" in a
    # label as an entity ("&#xD800;" made it write invalid UTF-8): "&" stays literal.
    text = "".join(c if c.isprintable() or c == "\n" else "\ufffd" for c in text.replace("\t", " "))
    text = text.replace("&", "&amp;")
    return _RECORD_SPECIAL.sub(r"\\\1", text).replace("\n", r"\n")


def _parameter_set(params: Iterable[Value] | None) -> set[Value]:
    if params is None:
        return set()
    parameters = set()
    for param in params:
        if not isinstance(param, Value):
            raise TypeError(
                f"draw_graph: params must hold Values, got {type(param).__name__}: {param!r}"
            )
        parameters.add(param)
    return parameters


def _is_edge(item: object) -> TypeGuard[Edge]:
    return (
        isinstance(item, tuple)
        and len(item) == 2
        and isinstance(item[0], Value)
        and isinstance(item[1], Value)
    )


def _highlighted(
    highlight: Highlight | None, position: Mapping[Value, int]
) -> tuple[set[Value], set[Edge]]:
    if highlight is None:
        return set(), set()
    items: list[object]
    if isinstance(highlight, Value) or _is_edge(highlight):
        items = [highlight]
    elif isinstance(highlight, Iterable) and not isinstance(highlight, (str, bytes)):
        items = list(highlight)
    else:
        raise TypeError(
            "draw_graph: highlight must be a Value, a (parent, child) tuple of Values, "
            f"or a collection of them, got {type(highlight).__name__}: {highlight!r}"
        )
    nodes: set[Value] = set()
    edges: set[Edge] = set()
    for item in items:
        if isinstance(item, Value):
            if item not in position:
                raise ValueError(f"draw_graph: cannot highlight {item!r}: it is not in the graph")
            nodes.add(item)
        elif _is_edge(item):
            parent, child = item
            if child not in position or not any(p is parent for p in child.parents):
                raise ValueError(
                    f"draw_graph: cannot highlight the edge ({parent!r}, {child!r}): "
                    "it is not a (parent, child) edge of the graph"
                )
            edges.add((parent, child))
        else:
            raise TypeError(
                "draw_graph: highlight items must be Values or (parent, child) tuples of Values, "
                f"got {type(item).__name__}: {item!r}"
            )
    return nodes, edges
