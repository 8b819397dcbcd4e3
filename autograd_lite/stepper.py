"""The backprop stepper: one drawing of a traced graph that plays forward, then backward.

`Stepper(trace)` (or `trace.stepper()`) lays the graph out once and turns the pass into
frames: the forward pass reveals each value in topological order, then the backward pass
applies one chain-rule step per frame. The HTML it writes holds one SVG, the frames as
JSON and a small script that restyles the SVG per frame; it needs no network and no
kernel, so it works in Jupyter, in an exported notebook and from a file on disk.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograd_lite import atomic_write
from autograd_lite.engine import Value, topological_order
from autograd_lite.ops import DOT, NEG, SUM
from autograd_lite.render import RANKDIRS, draw_graph, format_constant, format_number

if TYPE_CHECKING:
    from autograd_lite.trace import BackwardTrace

LAYOUTS = ("auto", *RANKDIRS)
# The box `rankdir="auto"` fits the drawing into: roughly a notebook cell.
FIT_WIDTH = 900.0
FIT_HEIGHT = 600.0
# Text drawn at 14 px stays readable down to about 60%.
READABLE_SCALE = 0.6
# Up to this many Values, "auto" lays the graph out both ways and keeps the better.
SMALL_GRAPH = 100

_PLAIN_NAME = re.compile(r"^[\w.@\[\]']+$")
_XML_PROLOG = re.compile(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->", re.DOTALL)
_instances = itertools.count()


@dataclass(frozen=True)
class Frame:
    """One frame of the stepper, as the browser shows it.

    `phase` is "forward" (the value of `node` appears), "seed" (the root's grad is set)
    or "backward" (one chain-rule step from `node` into `parent`). `grad` is the text of
    the grad box that changes (the parent's, or the root's for the seed), `partial`
    whether more contributions to it are still to come, `text` the line written under
    the graph and `sum_text` how a running sum adds up ("" when nothing is summed).
    Nodes are numbered by topological position, as `draw_graph` numbers them.
    """

    phase: str
    node: int
    parent: int | None
    grad: str | None
    partial: bool
    text: str
    sum_text: str


class Stepper:
    """An interactive step-by-step view of a `BackwardTrace`.

    Jupyter shows it as a widget; `html()` is a standalone page, `save_html(path)` writes
    it. Controls: first / previous / next / last, play / pause with a speed, a slider,
    zoom and pan, and the keyboard (left / right arrow, Home, End, space to play).
    """

    def __init__(
        self,
        trace: BackwardTrace,
        *,
        rankdir: str = "auto",
        precision: int = 4,
        params: Iterable[Value] | None = None,
        max_nodes: int = 1000,
    ) -> None:
        """Lay out the graph of `trace` and compute its frames.

        - `rankdir`: LR, RL, TB or BT, or "auto" (the default): LR or TB, whichever
          shows the whole graph in a notebook cell at a readable size, else whichever
          fits the cell's width larger (the view then scrolls with the steps).
        - `precision`: decimals of the numbers shown.
        - `params`: Values to colour as parameters, as in `draw_graph`.
        - `max_nodes`: refuse (ValueError) a graph of more Values than this.
        """
        # BackwardTrace is not imported here: trace.py imports this module.
        if not all(hasattr(trace, name) for name in ("root", "names", "steps", "gradient")):
            raise TypeError(
                "Stepper: expected a BackwardTrace (from trace_backward), "
                f"got {type(trace).__name__}: {trace!r}"
            )
        if rankdir not in LAYOUTS:
            raise ValueError(f"Stepper: rankdir must be one of {LAYOUTS}, got {rankdir!r}")
        if isinstance(precision, bool) or not isinstance(precision, int) or precision < 0:
            raise ValueError(f"Stepper: precision must be an int >= 0, got {precision!r}")
        self.trace = trace
        self.precision = precision
        self.order = topological_order(trace.root)
        self.position = {node: i for i, node in enumerate(self.order)}
        self.frames = tuple(self._forward_frames()) + tuple(self._backward_frames())
        parameters = list(params) if params is not None else None
        if rankdir != "auto":
            candidates: tuple[str, ...] = (rankdir,)
        elif len(self.order) <= SMALL_GRAPH:
            candidates = ("LR", "TB")
        else:
            candidates = (_likely_direction(self.order),)
        drawings = [self._drawing(direction, parameters, max_nodes) for direction in candidates]
        self.rankdir, self.svg = max(
            zip(candidates, drawings), key=lambda pair: _fit(pair[1])
        )
        self.uid = f"ag-stepper-{next(_instances)}"

    def _drawing(self, rankdir: str, params: list[Value] | None, max_nodes: int) -> str:
        graph = draw_graph(
            self.trace.root,
            rankdir=rankdir,
            precision=self.precision,
            params=params,
            max_nodes=max_nodes,
            grads=self._widest_grads(),
            show_names=True,
            fields="stack",
        )
        return _compact_svg(graph.svg())

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        return (
            f"<Stepper of {len(self.order)} values: {len(self.order)} forward, "
            f"1 seed and {len(self.trace)} backward frames>"
        )

    # ---- frames ---------------------------------------------------------------

    def _name(self, node: Value) -> str:
        return self.trace.names[node]

    def _number(self, x: float) -> str:
        return format_number(x, self.precision)

    def _forward_frames(self) -> Iterable[Frame]:
        for i, node in enumerate(self.order):
            yield Frame("forward", i, None, None, False, self._forward_text(node), "")

    def _forward_text(self, node: Value) -> str:
        name, value = self._name(node), self._number(node.data)
        if not node.parents:
            return f"{name} = {value} (leaf)"
        symbolic = _expression(node, [self._operand_name(x) for x in node.operands])
        numeric = _expression(node, [self._operand_number(x) for x in node.operands])
        return f"{name} = {symbolic} = {numeric} = {value}"

    def _operand_name(self, operand: Value | float) -> str:
        if isinstance(operand, Value):
            name = self._name(operand)
            return name if _PLAIN_NAME.match(name) else f"({name})"
        return format_constant(operand)

    def _operand_number(self, operand: Value | float) -> str:
        if isinstance(operand, Value):
            return self._number(operand.data)
        return format_constant(operand)

    def _backward_frames(self) -> Iterable[Frame]:
        trace = self.trace
        root = self.position[trace.root]
        seed = self._number(trace.gradient)
        root_name = _d(self._name(trace.root))
        yield Frame("seed", root, None, seed, False, f"d{root_name}/d{root_name} = {seed}", "")
        arrivals = {node: 0 for node in self.order}
        for step in trace:
            arrivals[step.parent] += 1
        summands: dict[Value, list[float]] = {}
        for step in trace:
            terms = summands.setdefault(step.parent, [])
            terms.append(step.contribution)
            sum_text = ""
            if arrivals[step.parent] > 1:
                added = " + ".join(self._number(t) for t in terms)
                total = self._number(step.parent_grad)
                running = total if len(terms) == 1 else f"{added} = {total}"
                if len(terms) < arrivals[step.parent]:
                    running += " so far"
                sum_text = (
                    f"d{root_name}/d{_d(step.parent_name)} = {running} "
                    f"({len(terms)} of {arrivals[step.parent]} contributions)"
                )
            yield Frame(
                "backward",
                self.position[step.node],
                self.position[step.parent],
                self._number(step.parent_grad),
                len(terms) < arrivals[step.parent],
                step.describe(self.precision),
                sum_text,
            )

    def _edge_slots(self) -> Iterable[int]:
        """Per frame, which of the edges between the same two nodes it goes along.

        `x * x` has two edges from x; its two steps into x take one each, in order.
        """
        seen: Counter[tuple[int, int | None]] = Counter()
        for frame in self.frames:
            key = (frame.node, frame.parent)
            yield seen[key] if frame.phase == "backward" else 0
            seen[key] += 1

    def _widest_grads(self) -> dict[Value, float]:
        """Per node, the grad whose text is widest over the frames, to lay the boxes out."""
        widest: dict[Value, float] = {self.trace.root: self.trace.gradient}
        for step in self.trace:
            old = widest.get(step.parent)
            if old is None or len(self._number(step.parent_grad)) > len(self._number(old)):
                widest[step.parent] = step.parent_grad
        return widest

    # ---- HTML -----------------------------------------------------------------

    def _payload(self) -> dict[str, Any]:
        return {
            "values": [self._number(node.data) for node in self.order],
            "parents": [[self.position[p] for p in node.parents] for node in self.order],
            "frames": [
                [f.phase[0], f.node, f.parent, f.grad, int(f.partial), f.text, f.sum_text, slot]
                for f, slot in zip(self.frames, self._edge_slots())
            ],
        }

    def fragment(self) -> str:
        """The stepper as an HTML fragment (style, drawing, controls, script) for a page."""
        payload = json.dumps(self._payload(), separators=(",", ":"), ensure_ascii=False)
        # Inside <script>, "</" would end the element: JSON allows "<" to be escaped.
        payload = payload.replace("<", "\\u003c")
        uid = self.uid
        return (
            f'<div class="ag-stepper" id="{uid}" tabindex="0" '
            f'aria-label="backprop stepper">'
            f"<style>{_asset('stepper.css')}</style>"
            f'<p class="ag-note">{_NO_SCRIPT}</p>'
            # Hidden until the script runs: a sanitizer that strips scripts and SVG
            # (an untrusted notebook) then leaves the note alone, not dead buttons.
            f'<div class="ag-live" style="display:none">'
            f'<div class="ag-view"></div>'
            f'<div class="ag-text" aria-live="polite">'
            f'<span class="ag-phase"></span> <span class="ag-rule"></span>'
            f'<div class="ag-sum"></div></div>'
            f"{_CONTROLS}</div>"
            # The drawing travels as script data too, for the same reason; Graphviz
            # escapes "<" in labels, so it cannot contain "</script".
            f'<script type="image/svg+xml" class="ag-svg">{self.svg}</script>'
            f'<script type="application/json" class="ag-data">{payload}</script>'
            f"<script>{_asset('stepper.js')}\nagStepper(document.getElementById({uid!r}));"
            f"</script></div>"
        )

    def html(self, title: str | None = None) -> str:
        """The stepper as a standalone HTML page: no network, no kernel needed."""
        heading = title or f"backward from {self._name(self.trace.root)}"
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(heading)}</title>"
            "<style>body{font-family:Helvetica,Arial,sans-serif;margin:1em}</style>"
            f"</head><body>\n{self.fragment()}\n"
            # Keys work as soon as the page opens, without a click first.
            f"<script>document.getElementById({self.uid!r}).focus();</script>"
            "</body></html>\n"
        )

    def _repr_html_(self) -> str:
        return self.fragment()

    def save_html(self, path: str | PathLike[str]) -> Path:
        """Write `html()` to `path` (UTF-8) and return the path written.

        The file is replaced atomically, and only if it is a regular file
        (`autograd_lite.atomic_write`): a failed write leaves the old one as it was.
        """
        return atomic_write.write_text(Path(path), self.html())


# Shown until the script runs; where scripts are stripped (a notebook opened from disk
# in JupyterLab is not trusted until its cells run), it says what to do.
_NO_SCRIPT = (
    "This backprop stepper needs its script, which did not run here: run the cell "
    "(JupyterLab runs no script of a notebook it does not trust), or open the page "
    "written by trace.save_html()."
)

_CONTROLS = (
    '<div class="ag-controls">'
    '<button type="button" class="ag-first" title="first step (Home)">|&#x25C0;</button>'
    '<button type="button" class="ag-prev" title="previous step (&#x2190;)">&#x25C0;</button>'
    '<button type="button" class="ag-play" title="play / pause (space)">play</button>'
    '<button type="button" class="ag-next" title="next step (&#x2192;)">&#x25B6;</button>'
    '<button type="button" class="ag-last" title="last step (End)">&#x25B6;|</button>'
    '<select class="ag-speed" title="steps per second">'
    '<option value="0.5">0.5/s</option><option value="1" selected>1/s</option>'
    '<option value="2">2/s</option><option value="4">4/s</option></select>'
    '<input type="range" class="ag-slider" min="0" value="0" aria-label="step">'
    '<span class="ag-counter"></span>'
    '<span class="ag-zoom">'
    '<button type="button" class="ag-zoom-out" title="zoom out">&#x2212;</button>'
    '<button type="button" class="ag-zoom-fit" title="fit the drawing to the view">fit</button>'
    '<button type="button" class="ag-zoom-in" title="zoom in">+</button></span>'
    "</div>"
)


def _asset(name: str) -> str:
    return (resources.files("autograd_lite") / "assets" / name).read_text("utf-8")


def _compact_svg(svg: str) -> str:
    """The SVG element alone, without what an HTML page does not need.

    Drops the XML prolog, doctype, comments and element ids; moves the font attributes
    every text repeats into the style sheet; keeps one decimal of each coordinate
    (a tenth of a point is finer than a screen pixel). A 300-node drawing halves.
    """
    svg = _XML_PROLOG.sub("", svg)
    svg = _DROPPED.sub("", svg)
    svg = _GEOMETRY.sub(
        lambda m: f' {m.group(1)}="{_COORDINATE.sub(_one_decimal, m.group(2))}"', svg
    )
    return svg.strip()


def _one_decimal(match: re.Match[str]) -> str:
    text = f"{float(match.group(0)):.1f}"
    return text[:-2] if text.endswith(".0") else text


_DROPPED = re.compile(
    r' (?:id="(?:node|edge)\d+"|xml:space="preserve"|font-family="Helvetica,sans-Serif"'
    r'|font-size="14.00")'
)
_GEOMETRY = re.compile(r' (points|d|x|y|cx|cy|rx|ry)="([^"]*)"')
_COORDINATE = re.compile(r"-?\d+\.\d+")


_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def _fit(svg: str) -> tuple[bool, float]:
    """How well the drawing suits a notebook cell, as (shown whole, scale); more is better.

    Best is the whole drawing in view at a readable scale; failing that, the largest
    scale at which it fits the cell's width (the view then scrolls to follow the step).
    """
    match = _SIZE.search(svg)
    if match is None:
        return (False, 0.0)
    # Graphviz sizes are in points; browsers draw 4/3 px per point.
    width, height = (float(match.group(k)) * 4 / 3 for k in (1, 2))
    whole = min(1.0, FIT_WIDTH / width, FIT_HEIGHT / height)
    if whole >= READABLE_SCALE:
        return (True, whole)
    return (False, min(1.0, FIT_WIDTH / width, 3 * FIT_HEIGHT / height))


def _likely_direction(order: list[Value]) -> str:
    """LR or TB, whichever likely fits the box better, judged from depth and breadth alone.

    Laying a big graph out twice to compare costs seconds; its levels tell nearly as much.
    """
    level: dict[Value, int] = {}
    for node in order:
        level[node] = 1 + max((level[p] for p in node.parents), default=-1)
    depth = max(level.values()) + 1
    breadth = max(Counter(level.values()).values())
    # Rough px per level (a value and its op) and per value across, for each direction;
    # stacked records are about 110 px wide and 70 px high.
    left_right = min(FIT_WIDTH / (depth * 200), 3 * FIT_HEIGHT / (breadth * 85))
    top_bottom = min(FIT_WIDTH / (breadth * 125), 3 * FIT_HEIGHT / (depth * 130))
    return "LR" if left_right >= top_bottom else "TB"


def _d(name: str) -> str:
    return name if _PLAIN_NAME.match(name) else f"({name})"


def _expression(node: Value, args: list[str]) -> str:
    """The node's op applied to `args` as it is written: `a * b`, `-a`, `tanh(a)`, `a + b + c`."""
    op = node.op
    assert op is not None  # only called for interior nodes
    if op.kind == "operator" and len(args) == 2:
        return f"{args[0]} {op.symbol} {args[1]}"
    if op is NEG:
        return f"-({args[0]})" if args[0].startswith("-") else f"-{args[0]}"
    if op is SUM:
        return " + ".join(args)
    if op is DOT:
        half = len(args) // 2
        return " + ".join(f"{w}*{x}" for w, x in zip(args[:half], args[half:]))
    return f"{op.symbol}({', '.join(args)})"
