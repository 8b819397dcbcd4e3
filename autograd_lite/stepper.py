"""The stepper lab: a page that plays a traced graph forward, backward and through SGD.

`Stepper(trace)` (or `trace.stepper()`) writes the graph into the page as data (ops,
operands, constants, leaf values, names, `nn` module groups); the page draws it, computes
forward and backward itself in JavaScript written from the op table, and turns the pass
into frames. It needs no network and no kernel, so it works in Jupyter, in an exported
notebook and from a file on disk. The page's scripts are the assets `numbers.js` (Python's
number formatting and the op table's helpers), `layout.js` (a layered drawing of the
graph) and `stepper.js` (everything else), beside the op table from
`autograd_lite.formulas.javascript()` and the controls' markup and stylesheet
(`stepper.css`), which the script puts in place. In a notebook they travel gzip-compressed, and
`unpack.js` runs them.
"""

from __future__ import annotations

import base64
import functools
import gzip
import html
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograd_lite import atomic_write
from autograd_lite.engine import Value, topological_order
from autograd_lite.formulas import expression, javascript
from autograd_lite.groups import Group, find_groups
from autograd_lite.naming import has_bias, neuron_form
from autograd_lite.ops import DOT
from autograd_lite.render import RANKDIRS, draw_graph, format_constant, operation_label
from autograd_lite.scalars import is_int, is_number
from autograd_lite.svg import svg_image

if TYPE_CHECKING:
    from autograd_lite.trace import BackwardTrace

LAYOUTS = ("auto", *RANKDIRS)
FOLDS = ("auto", "neurons", "none")
# Past this many values a page opens with its modules folded.
FOLD_ABOVE = 150
# A dot of more pairs than this is written with its first and last terms only.
SHOWN_TERMS = 3
# Up to this many values the notebook view also holds a static drawing for untrusted notebooks;
# a larger one would weigh more than the lab itself in every saved notebook.
STATIC_PICTURE_MAX = 20
# The box `rankdir="auto"` aims at: roughly a notebook cell.
FIT_WIDTH = 900.0
FIT_HEIGHT = 600.0
# The page never draws text below 10 px: 14 px at 72%.
READABLE_SCALE = 0.72
_instances = itertools.count()


class Stepper:
    """The stepper lab of a `BackwardTrace`: a page that recomputes, explains and trains.

    The page draws the graph and plays it: forward (each value in reading order), the
    seed, then every chain-rule step with its local derivative spelled out
    (`d tanh(n)/dn = 1 - o**2 = 1 - 0.7071**2 = 0.5000`) and the highlighted operands
    that supply it. It carries the graph (ops, operands, constants, leaf values) and
    recomputes forward and backward itself in JavaScript written from the op table
    (`autograd_lite.formulas`), so a learner can click a leaf and type a value, or drag
    it sideways to scrub, and watch every value and grad follow; "check" puts the
    central difference beside the analytic gradient. With `params`, it goes on after
    backward: one frame per update `p <- p - lr * dL/dp`, `zero_grad` (which can be
    turned off to show grads accumulating), then the next iteration, with a loss curve
    and `lr` editable; with `samples`, the learner picks the example or runs SGD over
    them. `nn` modules fold into one box each (`layers.0.neurons.2: tanh(w·x + b)`);
    a click unfolds one.

    Jupyter shows it inline; `html()` is a standalone page, `save_html(path)` writes it.
    Keys: left / right arrow, Home, End, space to play. The page's element carries
    `data-autograd-lite="stepper"`, and `element.stepper` is its JavaScript API:
    `names()`, `get(name)` -> `{data, grad}` (after the whole pass, at the current
    values), `set(name, value)`, `frames()`, `go(k)`, `current()`, `text()`,
    `check(name)` -> `{analytic, numeric, h}`, `params()`, `train(iterations, lr)` ->
    losses, `lr(rate)`, `zeroGrad(on)`, `sample(k or "all")`, `groups()`,
    `fold(path)`, `unfold(path)`, `focus(name or null)`. Names are the ones drawn.
    """

    def __init__(
        self,
        trace: BackwardTrace,
        *,
        rankdir: str = "auto",
        precision: int = 4,
        params: Iterable[Value] | Iterable[tuple[str, Value]] | None = None,
        lr: float | None = None,
        samples: Sequence[Mapping[Value | str, float]] = (),
        fold: str = "auto",
        max_nodes: int = 1000,
        title: str | None = None,
    ) -> None:
        """Prepare the page of `trace`.

        - `rankdir`: LR, RL, TB or BT, or "auto" (the default): the direction that suits
          a notebook cell, judged from the graph's depth and breadth.
        - `precision`: decimals of the numbers shown.
        - `params`: the parameters (Values, or `model.named_parameters()` pairs): drawn
          in green, and trained after backward by SGD with learning rate `lr`
          (default 0.1).
        - `samples`: a few examples, each a mapping from a leaf (a Value of the graph,
          or its drawn name) to its number; the page lets the learner pick one, or run
          SGD over all of them, one per iteration.
        - `fold`: "auto" (fold every module's innermost groups when the graph has more
          than 150 values), "neurons" (always) or "none".
        - `max_nodes`: refuse (ValueError) a graph of more Values than this.
        - `title`: the heading (default: what is differentiated, and the training).
        """
        if not all(hasattr(trace, name) for name in ("root", "names", "steps", "gradient")):
            raise TypeError(
                "Stepper: expected a BackwardTrace (from trace_backward), "
                f"got {type(trace).__name__}: {trace!r}"
            )
        if rankdir not in LAYOUTS:
            raise ValueError(f"Stepper: rankdir must be one of {LAYOUTS}, got {rankdir!r}")
        if not is_int(precision) or not 0 <= precision <= 12:
            raise ValueError(f"Stepper: precision must be an int from 0 to 12, got {precision!r}")
        if fold not in FOLDS:
            raise ValueError(f"Stepper: fold must be one of {FOLDS}, got {fold!r}")
        if not is_int(max_nodes) or max_nodes < 1:
            raise ValueError(f"Stepper: max_nodes must be an int >= 1, got {max_nodes!r}")
        self.trace = trace
        self.precision = precision
        self.order = topological_order(trace.root)
        if len(self.order) > max_nodes:
            raise ValueError(
                f"Stepper: the graph has {len(self.order)} values, more than "
                f"max_nodes={max_nodes}. Pass max_nodes={len(self.order)} (or more) to show it "
                "anyway, or step through a sub-graph from an intermediate Value."
            )
        self.position = {node: i for i, node in enumerate(self.order)}
        self.params = _parameters(params, self.position)
        self.lr = _learning_rate(lr, bool(self.params))
        self.samples = [_sample(sample, self.position, trace.names) for sample in samples]
        self.rankdir = _likely_direction(self.order) if rankdir == "auto" else rankdir
        groups = find_groups(self.order)
        if fold == "auto":
            fold = "neurons" if len(self.order) > FOLD_ABOVE else "none"
        self.fold = fold
        self.groups = groups
        self.title = title if title is not None else self._default_title()
        if not isinstance(self.title, str):
            raise TypeError(f"Stepper: title must be a str, got {type(title).__name__}: {title!r}")
        self.uid = f"ag-stepper-{next(_instances)}"

    def _default_title(self) -> str:
        root = self.trace.names[self.trace.root]
        title = f"backward from {root}"
        if self.params and self.lr is not None:
            title += (
                f", then SGD on {len(self.params)} parameters "
                f"(lr = {format_constant(self.lr)})"
            )
        return title

    def __len__(self) -> int:
        """The frames of one pass: forward, seed, backward steps, and updates and zero_grad."""
        training = len(self.params) + 1 if self.params and self.lr is not None else 0
        return len(self.order) + 1 + len(self.trace) + training

    def __repr__(self) -> str:
        return (
            f"<Stepper of {len(self.order)} values: {len(self.order)} forward, "
            f"1 seed and {len(self.trace)} backward frames"
            + (f", {len(self.params)} updates" if self.params and self.lr is not None else "")
            + ">"
        )

    # ---- the page's data ---------------------------------------------------------------

    def _payload(self) -> dict[str, Any]:
        names = self.trace.names
        order, position = self.order, self.position
        return {
            "title": self.title,
            "precision": self.precision,
            "rankdir": self.rankdir,
            "root": position[self.trace.root],
            "seed": _json_number(self.trace.gradient),
            "names": [names[node] for node in order],
            "ops": [node.op.name if node.op is not None else "" for node in order],
            "args": [
                [
                    position[x] if isinstance(x, Value) else [_json_number(x), format_constant(x)]
                    for x in node.operands
                ]
                for node in order
            ],
            "values": [_json_number(node.data) for node in order],
            "exprs": [
                expression(node, [names[x] if isinstance(x, Value) else format_constant(x)
                                  for x in node.operands])
                if node.op is not None else ""
                for node in order
            ],
            "forward": [_forward_parts(node) for node in order],
            "opLabels": [_op_label(node) for node in order],
            "reading": [position[node] for node in reading_order(order)],
            "params": [position[p] for p in self.params],
            "lr": self.lr if self.params else None,
            "samples": [
                {str(position[leaf]): _json_number(value) for leaf, value in sample.items()}
                for sample in self.samples
            ],
            "groups": [self._group(group) for group in self.groups],
            "fold": self.fold,
        }

    def _group(self, group: Group) -> dict[str, Any]:
        inner = not any(other.parent == group.path for other in self.groups)
        outputs = [self.position[v] for v in group.outputs]
        return {
            "path": group.path,
            "parent": group.parent,
            "members": [self.position[v] for v in group.members],
            "outputs": outputs,
            "leaf": inner,
            "label": f"{group.path}: {_summary(group, self.trace.names)}",
        }

    def fragment(self, static: bool = False, packed: bool = False) -> str:
        """The stepper as an HTML fragment (style, controls, data and script) for a page.

        With `static`, it also holds the graph drawn by Graphviz as an image, shown where
        scripts do not run (an untrusted notebook) beside a note saying to run the cell.
        With `packed`, its script is stored gzip-compressed (60 KB become 23 KB) and
        starts the stepper once the browser has unpacked it.
        """
        payload = _valid_text(
            json.dumps(self._payload(), separators=(",", ":"), ensure_ascii=False)
        )
        # Inside <script>, "</" would end the element, and U+2028/9 end a JavaScript line
        # in old browsers: JSON allows each to be escaped.
        payload = (
            payload.replace("<", "\\u003c")
            .replace("\u2028", "\\u2028")
            .replace("\u2029", "\\u2029")
        )
        uid = self.uid
        picture = self._static_picture() if static else ""
        start = f"agStepper(document.getElementById({uid!r}));"
        if packed:
            script = (
                f"{_asset('unpack.js')}\n"
                f"agUnpack({_packed_script()!r}, function () {{ {start} }});"
            )
        else:
            script = f"{_script()}\n{start}"
        return (
            f'<div class="ag-stepper" id="{uid}" tabindex="0" data-autograd-lite="stepper" '
            f'aria-label="backprop stepper">'
            f'<div class="ag-note"><p style="{_NOTE_STYLE}">{_NO_SCRIPT}</p>{picture}</div>'
            # The script fills it with the controls (`_PANEL`): a sanitizer that strips
            # scripts (an untrusted notebook) leaves the note and the picture, not dead
            # buttons.
            '<div class="ag-live" style="display:none"></div>'
            f'<script type="application/json" class="ag-data">{payload}</script>'
            f"<script>{script}</script></div>"
        )

    def _static_picture(self) -> str:
        if len(self.order) > STATIC_PICTURE_MAX:
            return ""
        graph = draw_graph(
            self.trace.root, rankdir=self.rankdir, precision=self.precision,
            params=self.params, max_nodes=len(self.order), show_names=True, fields="stack",
        )
        return svg_image(graph.svg(), _valid_text(self.title))

    def html(self, title: str | None = None) -> str:
        """The stepper as a standalone HTML page: no network, no kernel needed."""
        heading = title or self.title
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(_valid_text(heading))}</title>"
            "<style>body{font-family:Helvetica,Arial,sans-serif;margin:1em}</style>"
            f"</head><body>\n{self.fragment()}\n"
            # Keys work as soon as the page opens, without a click first.
            f"<script>document.getElementById({self.uid!r}).focus();</script>"
            "</body></html>\n"
        )

    def _repr_html_(self) -> str:
        return self.fragment(static=True, packed=True)

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

# The note's look, on the note itself: it shows where the stylesheet (in the script) does not.
_NOTE_STYLE = "margin:4px 2px;padding:4px 8px;background:#fff4e5;border-left:3px solid #e69138"

_PANEL = (
    '<div class="ag-head"><span class="ag-title"></span>'
    '<span class="ag-legend">'
    '<span class="ag-key ag-key-leaf">input</span>'
    '<span class="ag-key ag-key-param">parameter</span>'
    '<span class="ag-key ag-key-root">output</span>'
    '<span class="ag-key ag-key-current">grad being updated</span>'
    '<span class="ag-key ag-key-supply">supplies the local derivative</span>'
    '<span class="ag-key ag-key-pending">grad ? not reached yet</span>'
    "</span></div>"
    '<div class="ag-body"><div class="ag-view"></div>'
    '<div class="ag-loss" style="display:none"></div></div>'
    '<div class="ag-text" aria-live="polite"><div class="ag-phase"></div>'
    '<div class="ag-lines"></div><div class="ag-message"></div></div>'
    '<div class="ag-controls">'
    '<button type="button" class="ag-first" title="first step (Home)">|&#x25C0;</button>'
    '<button type="button" class="ag-prev" title="previous step (&#x2190;)">&#x25C0;</button>'
    '<button type="button" class="ag-play" title="play / pause (space)">play</button>'
    '<button type="button" class="ag-next" title="next step (&#x2192;)">&#x25B6;</button>'
    '<button type="button" class="ag-last" title="last step of this pass (End)">&#x25B6;|</button>'
    '<select class="ag-speed" title="steps per second">'
    '<option value="0.5">0.5/s</option><option value="1" selected>1/s</option>'
    '<option value="2">2/s</option><option value="4">4/s</option>'
    '<option value="20">20/s</option></select>'
    '<input type="range" class="ag-slider" min="0" value="0" aria-label="step">'
    '<span class="ag-counter"></span>'
    '<span class="ag-zoom">'
    '<button type="button" class="ag-zoom-out" title="zoom out">&#x2212;</button>'
    '<button type="button" class="ag-zoom-fit" title="fit the drawing to the view">fit</button>'
    '<button type="button" class="ag-zoom-in" title="zoom in">+</button></span>'
    '<button type="button" class="ag-fold-all" title="fold every module into one box">fold</button>'
    '<button type="button" class="ag-unfold-all" title="show every value">unfold</button>'
    '<button type="button" class="ag-unfocus" style="display:none">show all</button>'
    "</div>"
    '<div class="ag-controls ag-training">'
    '<label>lr <input type="number" class="ag-lr" step="any" min="0"></label>'
    '<label title="takes effect at the end of the current iteration">'
    '<input type="checkbox" class="ag-zero-grad" checked> zero_grad after each update</label>'
    '<select class="ag-sample" title="which example feeds the inputs"></select>'
    "</div>"
    '<div class="ag-editor" style="display:none"><span class="ag-editing"></span> '
    '<input type="number" class="ag-number" step="any"> '
    '<button type="button" class="ag-check">check</button> '
    '<button type="button" class="ag-focus" title="show only its paths to the output">'
    "focus</button> <span class=\"ag-check-result\"></span></div>"
    '<table class="ag-table" style="display:none"></table>'
)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_text(text: str) -> str:
    """`text` with any lone surrogate (a label made from undecodable bytes) as U+FFFD.

    Such a character cannot be written as UTF-8: the page and Jupyter's output could
    not be saved. Drawings replace it the same way.
    """
    return _SURROGATE.sub("\ufffd", text)


def _asset(name: str) -> str:
    """An asset as pages carry it: without its comment lines and indentation.

    Every stepper in a notebook carries its own copy, so this keeps notebooks small. The
    assets write comments on lines of their own (`//`, or `/* ... */` from a line's
    start); a comment after code stays, and nothing else is changed.
    """
    text = (resources.files("autograd_lite") / "assets" / name).read_text("utf-8")
    kept, in_comment = [], False
    for line in text.splitlines():
        code = line.strip()
        if in_comment or code.startswith("/*"):
            in_comment = "*/" not in code
        elif code and not code.startswith("//"):
            kept.append(code)
    return "\n".join(kept)


@functools.cache
def _script() -> str:
    """The page's script: the op table's JavaScript, the controls' markup and style, and
    the assets it runs with. Every stepper of a notebook carries it, so what the script
    can make (the controls) travels inside it, compressed with it."""
    # "</" inside a JavaScript string is "<\/": only the script's own end tag may close it.
    panel, style = (
        json.dumps(text).replace("</", "<\\/") for text in (_PANEL, _asset("stepper.css"))
    )
    return (
        f"var agOps = {javascript()};\nvar agPanel = {panel};\nvar agStyle = {style};\n"
        f"{_asset('numbers.js')}\n{_asset('layout.js')}\n{_asset('stepper.js')}"
    )


@functools.cache
def _packed_script() -> str:
    """`_script()` gzip-compressed (mtime 0: the same bytes on every run), in base64."""
    packed = gzip.compress(_script().encode("utf-8"), compresslevel=9, mtime=0)
    return base64.b64encode(packed).decode("ascii")


def _json_number(x: float) -> float | str:
    """A float for JSON, which has no inf or nan: those travel as text."""
    if math.isfinite(x):
        return x
    return "nan" if math.isnan(x) else "inf" if x > 0 else "-inf"


def _op_label(node: Value) -> str:
    """The text of a node's op ellipse: as in drawings, but a neuron's dot as `w·x + b`."""
    if node.op is DOT and len(node.operands) // 2 > SHOWN_TERMS:
        return neuron_form(node)
    return operation_label(node)


def _forward_parts(node: Value) -> list[str | int]:
    """The node's expression with each operand as its index, for the page to put in numbers.

    `[0, " * ", 1]` for `x1*w1`; a dot is written out term by term, the first few and
    the last only when it has dozens.
    """
    if node.op is None:
        return []
    # Marks that read as one word, so that the expression brackets none of them.
    marks = [f"QQ{k}QQ" for k in range(len(node.operands))]
    text = expression(node, marks, terms=True)
    if node.op is DOT and len(node.operands) // 2 > SHOWN_TERMS:
        products = text.split(" + ")
        text = " + ".join([*products[: SHOWN_TERMS - 1], "…", products[-1]])
    parts: list[str | int] = []
    for k, piece in enumerate(re.split(r"QQ(\d+)QQ", text)):
        if k % 2:
            parts.append(int(piece))
        elif piece:
            # Numbers read better spaced out than names do: 2.0000 * -3.0000.
            parts.append(re.sub(r" *(\*\*|\*|/) *", r" \1 ", piece))
    return parts


def reading_order(order: Sequence[Value]) -> list[Value]:
    """The graph's nodes in the order a learner reads a forward pass.

    Level by level from the inputs (a node's level is one more than its deepest operand's),
    and each leaf just before the first node that uses it: inputs and the first layer
    first, a later layer's weights where that layer begins.
    """
    level: dict[Value, int] = {}
    for node in order:
        level[node] = 1 + max((level[p] for p in node.parents), default=-1)
    position = {node: i for i, node in enumerate(order)}
    interior = sorted(
        (node for node in order if node.parents), key=lambda v: (level[v], position[v])
    )
    placed: set[Value] = set()
    reading: list[Value] = []
    for node in interior:
        for parent in node.parents:
            if not parent.parents and parent not in placed:
                placed.add(parent)
                reading.append(parent)
        reading.append(node)
    # A graph that is a single leaf.
    reading.extend(node for node in order if not node.parents and node not in placed)
    return reading


def _summary(group: Group, names: Mapping[Value, str]) -> str:
    """What a group computes, in its own terms: `tanh(w·x + b)`, or `3 outputs`."""
    if len(group.outputs) != 1:
        return f"{len(group.outputs)} outputs"
    members = set(group.members)

    def say(node: Value) -> str:
        if node.op is None or node not in members:
            return "x"
        if node.op is DOT:
            half = len(node.operands) // 2
            return "w·x + b" if half > 1 and has_bias(node.operands) else "w·x"
        return expression(node, [say(x) if isinstance(x, Value) else format_constant(x)
                                 for x in node.operands])

    return say(group.outputs[0])


def _parameters(
    params: Iterable[Value] | Iterable[tuple[str, Value]] | None, position: Mapping[Value, int]
) -> list[Value]:
    """The parameters in the graph, from Values or (name, Value) pairs; others are ignored."""
    if params is None:
        return []
    if isinstance(params, (str, bytes, Value)) or not isinstance(params, Iterable):
        raise TypeError(
            "Stepper: params must be an iterable of Values or of (name, Value) pairs, "
            f"got {type(params).__name__}: {params!r}"
        )
    found: list[Value] = []
    for item in params:
        value = item[1] if isinstance(item, tuple) and len(item) == 2 else item
        if not isinstance(value, Value):
            raise TypeError(
                f"Stepper: params must hold Values or (name, Value) pairs, got "
                f"{type(item).__name__}: {item!r}"
            )
        if value in position and value.op is None and value not in found:
            found.append(value)
    return found


def _learning_rate(lr: float | None, has_params: bool) -> float | None:
    if lr is None:
        return 0.1 if has_params else None
    if not is_number(lr) or not math.isfinite(lr) or lr < 0:
        raise ValueError(f"Stepper: lr must be a finite number >= 0, got {lr!r}")
    if not has_params:
        raise ValueError("Stepper: lr needs params: the parameters that SGD updates")
    return float(lr)


def _sample(
    sample: Mapping[Value | str, float], position: Mapping[Value, int], names: Mapping[Value, str]
) -> dict[Value, float]:
    """One example's leaf values, keyed by leaf; ValueError for anything not a leaf here."""
    if not isinstance(sample, Mapping):
        raise TypeError(
            f"Stepper: each sample must be a mapping of leaves to numbers, "
            f"got {type(sample).__name__}: {sample!r}"
        )
    by_name = {name: node for node, name in names.items()}
    bound: dict[Value, float] = {}
    for key, number in sample.items():
        leaf = by_name.get(key) if isinstance(key, str) else key
        if not isinstance(leaf, Value) or leaf not in position or leaf.op is not None:
            raise ValueError(f"Stepper: a sample binds {key!r}, which is not a leaf of this graph")
        if not is_number(number) or not math.isfinite(number):
            raise ValueError(
                f"Stepper: a sample gives {key!r} the value {number!r}; expected a finite number"
            )
        bound[leaf] = float(number)
    return bound


def _likely_direction(order: list[Value]) -> str:
    """LR or TB: whichever shows the whole graph in a notebook cell at a readable size,
    else whichever fits the cell's width larger (the view then scrolls down with the steps).

    Judged from the graph's depth and breadth: a value box is about 130 x 64 px, and a
    level (a value, its op and the gaps) takes about 250 px across or 170 px down.
    """
    level: dict[Value, int] = {}
    for node in order:
        level[node] = 1 + max((level[p] for p in node.parents), default=-1)
    depth = max(level.values()) + 1
    breadth = max(Counter(level.values()).values())
    sizes = {"LR": (depth * 250, breadth * 90), "TB": (breadth * 150, depth * 170)}
    whole = {k: min(1.0, FIT_WIDTH / w, FIT_HEIGHT / h) for k, (w, h) in sizes.items()}
    if max(whole.values()) >= READABLE_SCALE:
        return "LR" if whole["LR"] >= whole["TB"] else "TB"
    across = {k: min(1.0, FIT_WIDTH / w) for k, (w, _) in sizes.items()}
    return "LR" if across["LR"] >= across["TB"] else "TB"
