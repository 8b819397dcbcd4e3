"""Stepping through backward: `trace_backward` records every chain-rule step it applies.

Each step is explained in two lines: its local derivative as the op table's rule, with the
numbers put in (`d tanh(n)/dn = 1 - o**2 = 1 - 0.7071**2 = 0.5000`, see
`autograd_lite.formulas`), then the chain rule, whose gradients read `dL/dn` and whose
local part is that rule's own name (`dL/dn += dL/do * d tanh(n)/dn = ...`).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import overload

from autograd_lite.engine import BorrowedGrads, Value, backpropagate, topological_order
from autograd_lite.formulas import LocalRule, explain_local
from autograd_lite.naming import d, node_names
from autograd_lite.render import Graph, draw_graph, format_number
from autograd_lite.scalars import is_int, is_number
from autograd_lite.stepper import Stepper


@dataclass(frozen=True)
class BackwardStep:
    """One application of the chain rule during backward.

    `parent.grad` grew by `contribution = upstream * local_grad`, where `upstream` is
    d(root)/d(node) (times the seed gradient) and `local_grad` is d(node)/d(parent).
    `parent` is `node.operands[operand]`. `parent_grad` is d(root)/d(parent) summed so
    far in this pass, after this step. The names are those of
    `autograd_lite.naming.node_names`, as in the drawn graph.
    """

    index: int
    node: Value
    parent: Value
    operand: int
    local_grad: float
    upstream: float
    contribution: float
    parent_grad: float
    root_name: str
    node_name: str
    parent_name: str
    names: Mapping[Value, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def edge(self) -> tuple[Value, Value]:
        """The (parent, child) edge the step goes back along, as `draw_graph` highlights it."""
        return (self.parent, self.node)

    def local_rule(self, precision: int = 4) -> LocalRule:
        """The local derivative d(node)/d(parent) spelled out from the op table's rule."""
        return explain_local(self.node, self.operand, self.names, precision)

    def rule(self) -> str:
        """The chain rule of this step in symbols, e.g. `dL/da += dL/dz * d(a * b)/da`."""
        root, node, parent = d(self.root_name), d(self.node_name), d(self.parent_name)
        local = self.local_rule().wrt
        return f"d{root}/d{parent} += d{root}/d{node} * {local}"

    def describe(self, precision: int = 4) -> str:
        """The chain rule with numbers.

        `dL/da += dL/dz * d(a * b)/da = 2.0000 * 3.0000 = 6.0000`
        """
        upstream = format_number(self.upstream, precision)
        local = format_number(self.local_grad, precision)
        contribution = format_number(self.contribution, precision)
        return f"{self.rule()} = {upstream} * {local} = {contribution}"

    def __str__(self) -> str:
        return self.describe()


class BackwardTrace(Sequence[BackwardStep]):
    """The chain-rule steps of one backward pass, in the order they were applied.

    A sequence of `BackwardStep`; `str()` gives a plain-text table, Jupyter shows an
    HTML table, and `graph(k)` draws the graph as it was after step k.
    """

    def __init__(
        self,
        root: Value,
        gradient: float,
        steps: Iterable[BackwardStep],
        names: Mapping[Value, str],
        accumulated: bool,
    ) -> None:
        self.root = root
        self.gradient = gradient
        self.steps = tuple(steps)
        self.names = dict(names)
        self.accumulated = accumulated
        self._into: dict[Value, list[BackwardStep]] | None = None

    def __len__(self) -> int:
        return len(self.steps)

    @overload
    def __getitem__(self, index: int) -> BackwardStep: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[BackwardStep, ...]: ...

    def __getitem__(self, index: int | slice) -> BackwardStep | tuple[BackwardStep, ...]:
        return self.steps[index]

    def __iter__(self) -> Iterator[BackwardStep]:
        return iter(self.steps)

    def __repr__(self) -> str:
        return f"<BackwardTrace of {len(self)} steps from {self.names[self.root]}>"

    def _heading(self, precision: int) -> str:
        root = d(self.names[self.root])
        heading = (
            f"backward from {self.names[self.root]}, d{root}/d{root} = "
            f"{format_number(self.gradient, precision)}: {len(self)} steps"
        )
        if self.accumulated:
            heading += " (grads of this pass; backward added them to the grads already there)"
        return heading

    def running_sum(self, k: int, precision: int = 4) -> str:
        """How the grad that step k adds to stands after it, when several steps add to it.

        `dL/dx = 1.0000 + 3.0000 = 4.0000 so far (2 of 3 contributions)`; "" for a grad
        that only one step makes.
        """
        step = self.steps[self._position(k)]
        into = self._arrivals().get(step.parent, [])
        if len(into) < 2:
            return ""
        terms = [format_number(s.contribution, precision) for s in into if s.index <= step.index]
        total = format_number(step.parent_grad, precision)
        running = total if len(terms) == 1 else f"{' + '.join(terms)} = {total}"
        if len(terms) < len(into):
            running += " so far"
        root = d(self.names[self.root])
        return (
            f"d{root}/d{d(step.parent_name)} = {running} "
            f"({len(terms)} of {len(into)} contributions)"
        )

    def _arrivals(self) -> dict[Value, list[BackwardStep]]:
        """Per node, the steps that add to its grad, in order (computed once)."""
        if self._into is None:
            self._into = {}
            for step in self.steps:
                self._into.setdefault(step.parent, []).append(step)
        return self._into

    def explain(self, k: int, precision: int = 4) -> list[str]:
        """Step k in words: its local derivative, the chain rule, and any running sum."""
        step = self.steps[self._position(k)]
        lines = [step.local_rule(precision).text(), step.describe(precision)]
        running = self.running_sum(k, precision)
        return [*lines, running] if running else lines

    def to_text(self, precision: int = 4) -> str:
        """Every step in words: a heading, then per step its number and `explain`'s lines.

        A line longer than `TEXT_WIDTH` breaks before its ` = `, so that a notebook
        (about 110 characters at 1,000 px) wraps no line inside a name or a number.
        """
        lines = [self._heading(precision)]
        for step in self.steps:
            lines.append(f"step {step.index}: from {step.node_name} back to {step.parent_name}")
            for line in self.explain(step.index, precision):
                lines.extend(_fitted(f"  {line}"))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        head = "".join(
            f"<th>{html.escape(title)}</th>"
            for title in ("#", "local derivative", "chain rule", "grad after")
        )
        root = d(self.names[self.root])
        body = "".join(
            "<tr>"
            + "".join(
                f"<td>{html.escape(cell)}</td>"
                for cell in (
                    str(step.index),
                    step.local_rule().text(),
                    step.describe(),
                    f"d{root}/d{d(step.parent_name)} = {format_number(step.parent_grad, 4)}",
                )
            )
            + "</tr>"
            for step in self.steps
        )
        caption = html.escape(self._heading(4))
        return (
            '<table style="font-family:monospace"><caption>'
            f"{caption}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )

    def grads_after(self, k: int) -> dict[Value, float]:
        """The grads of this pass right after step k; nodes not reached yet are absent."""
        last = self._position(k)
        grads = {self.root: self.gradient}
        for step in self.steps[: last + 1]:
            grads[step.parent] = step.parent_grad
        return grads

    def graph(
        self,
        k: int,
        *,
        rankdir: str = "LR",
        precision: int = 4,
        params: Iterable[Value] | None = None,
        max_nodes: int = 1000,
        fields: str = "row",
    ) -> Graph:
        """Draw the graph as it was right after step k (negative k counts from the end).

        The edge of step k is highlighted; every node is named as in the steps; each grad
        shown is its sum so far in this pass, and a grad that nothing has reached yet
        is drawn as pending (`grad ?`). The options are those of `draw_graph`.
        """
        step = self.steps[self._position(k)]
        return draw_graph(
            self.root,
            rankdir=rankdir,
            precision=precision,
            params=params,
            max_nodes=max_nodes,
            highlight=step.edge,
            grads=self.grads_after(k),
            show_names=True,
            fields=fields,
        )

    def stepper(
        self,
        *,
        rankdir: str = "auto",
        precision: int = 4,
        params: Iterable[Value] | Iterable[tuple[str, Value]] | None = None,
        lr: float | None = None,
        samples: Sequence[Mapping[Value | str, float]] = (),
        fold: str = "auto",
        max_nodes: int = 1000,
        title: str | None = None,
    ) -> Stepper:
        """The stepper lab of this pass, for Jupyter or a browser: explained, editable, trainable.

        See `autograd_lite.stepper.Stepper` for the arguments, the controls and the page's
        JavaScript API.
        """
        return Stepper(
            self, rankdir=rankdir, precision=precision, params=params, lr=lr,
            samples=samples, fold=fold, max_nodes=max_nodes, title=title,
        )

    def save_html(
        self,
        path: str | PathLike[str],
        *,
        rankdir: str = "auto",
        precision: int = 4,
        params: Iterable[Value] | Iterable[tuple[str, Value]] | None = None,
        lr: float | None = None,
        samples: Sequence[Mapping[Value | str, float]] = (),
        fold: str = "auto",
        max_nodes: int = 1000,
        title: str | None = None,
    ) -> Path:
        """Write the `stepper()` of this pass to `path` as one standalone HTML file.

        Returns the path written; the options are those of `stepper()`, e.g.
        `trace.save_html("lab.html", params=model.named_parameters(), lr=0.1)`.
        """
        stepper = self.stepper(
            rankdir=rankdir, precision=precision, params=params, lr=lr, samples=samples,
            fold=fold, max_nodes=max_nodes, title=title,
        )
        return stepper.save_html(path)

    def _position(self, k: int) -> int:
        if not is_int(k):
            raise TypeError(f"step number must be an int, got {type(k).__name__}: {k!r}")
        if not -len(self) <= k < len(self):
            raise IndexError(f"step {k} is out of range for a trace of {len(self)} steps")
        return k % len(self)


TEXT_WIDTH = 100
"""The widest line `BackwardTrace.to_text` writes where a line can be broken."""


def _fitted(line: str) -> list[str]:
    """`line`, or if too wide, broken before its ` = ` signs with the rest indented
    (and a chain rule too wide still, before its ` * `)."""
    if len(line) <= TEXT_WIDTH or " = " not in line:
        return [line]
    head, *rest = line.split(" = ")
    lines = [head]
    if len(head) > TEXT_WIDTH and " += " in head and " * " in head:
        update, local = head.rsplit(" * ", 1)
        lines = [update, f"      * {local}"]
    first = len(lines)
    for part in rest:
        # Join parts while they fit; each new line starts with its `=`.
        if len(lines) > first and len(lines[-1]) + 3 + len(part) <= TEXT_WIDTH:
            lines[-1] += f" = {part}"
        else:
            lines.append(f"      = {part}")
    return lines


def trace_backward(root: Value, gradient: float = 1.0) -> BackwardTrace:
    """Run `root.backward(gradient)` and record each chain-rule step it applies.

    The `.grad` values end up exactly as `root.backward(gradient)` leaves them,
    accumulation across calls included.
    """
    if not isinstance(root, Value):
        raise TypeError(
            f"trace_backward: root must be a Value, got {type(root).__name__}: {root!r}"
        )
    if not is_number(gradient):
        raise TypeError(
            f"trace_backward: gradient must be a real number, "
            f"got {type(gradient).__name__}: {gradient!r}"
        )
    order = topological_order(root)
    names = node_names(order)
    steps: list[BackwardStep] = []
    # The sweep steps through a node's parents in order; `places` says which operand each is.
    places: list[int] = []

    def record(
        node: Value, parent: Value, local: float, upstream: float, contribution: float,
        parent_grad: float,
    ) -> None:
        if not steps or steps[-1].node is not node:
            places[:] = [i for i, x in enumerate(node.operands) if isinstance(x, Value)]
        steps.append(
            BackwardStep(
                index=len(steps),
                node=node,
                parent=parent,
                operand=places.pop(0),
                local_grad=local,
                upstream=upstream,
                contribution=contribution,
                parent_grad=parent_grad,
                root_name=names[root],
                node_name=names[node],
                parent_name=names[parent],
                names=names,
            )
        )

    accumulated = any(node.grad for node in order)
    # The same sweep as Value.backward, with every step recorded as it is applied, and
    # every change to a grad inside the `try`: an interrupt anywhere puts them all back.
    loan = BorrowedGrads(order, keep=True)
    try:
        loan.lend()
        backpropagate(order, {root: float(gradient)}, on_step=record)
        loan.give_back()
    except BaseException:
        loan.put_back()
        raise
    return BackwardTrace(root, float(gradient), steps, names, accumulated)
