"""Stepping through backward: `trace_backward` records every chain-rule step it applies."""

from __future__ import annotations

import html
import numbers
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import overload

from autograd_lite.engine import Value, backpropagate, borrowed_grads, topological_order
from autograd_lite.naming import d, node_names
from autograd_lite.render import Graph, draw_graph, format_number
from autograd_lite.stepper import Stepper


@dataclass(frozen=True)
class BackwardStep:
    """One application of the chain rule during backward.

    `parent.grad` grew by `contribution = upstream * local_grad`, where `upstream` is
    d(root)/d(node) (times the seed gradient) and `local_grad` is d(node)/d(parent).
    `parent_grad` is d(root)/d(parent) summed so far in this pass, after this step.
    The names are those of `autograd_lite.naming.node_names`, as in the drawn graph.
    """

    index: int
    node: Value
    parent: Value
    local_grad: float
    upstream: float
    contribution: float
    parent_grad: float
    root_name: str
    node_name: str
    parent_name: str

    @property
    def edge(self) -> tuple[Value, Value]:
        """The (parent, child) edge the step goes back along, as `draw_graph` highlights it."""
        return (self.parent, self.node)

    def rule(self) -> str:
        """The chain rule of this step in symbols, e.g. `dL/da += dL/dz * dz/da`."""
        root, node, parent = d(self.root_name), d(self.node_name), d(self.parent_name)
        return f"d{root}/d{parent} += d{root}/d{node} * d{node}/d{parent}"

    def describe(self, precision: int = 4) -> str:
        """The step as the chain rule with numbers: `dL/da += dL/dz * dz/da = 2.0 * 3.0 = 6.0`."""
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

    def to_text(self, precision: int = 4) -> str:
        """A plain-text table: step number, the chain rule with numbers, the parent's grad after."""
        root = d(self.names[self.root])
        rows = [
            (
                str(step.index),
                step.describe(precision),
                f"d{root}/d{d(step.parent_name)} = {format_number(step.parent_grad, precision)}",
            )
            for step in self.steps
        ]
        header = ("#", "chain rule", "grad after")
        widths = [max(len(row[c]) for row in [header, *rows]) for c in range(2)]
        lines = [self._heading(precision)]
        for number, rule, after in [header, *rows]:
            lines.append(f"{number:>{widths[0]}}  {rule:<{widths[1]}}  {after}".rstrip())
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        head = "".join(
            f"<th>{html.escape(title)}</th>"
            for title in (
                "#",
                "chain rule",
                "upstream",
                "local",
                "contribution",
                "parent grad after",
            )
        )
        body = "".join(
            "<tr>"
            + "".join(
                f"<td>{html.escape(cell)}</td>"
                for cell in (
                    str(step.index),
                    step.rule(),
                    format_number(step.upstream, 4),
                    format_number(step.local_grad, 4),
                    format_number(step.contribution, 4),
                    format_number(step.parent_grad, 4),
                )
            )
            + "</tr>"
            for step in self.steps
        )
        caption = html.escape(self._heading(4))
        return (
            f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead>"
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
        params: Iterable[Value] | None = None,
        max_nodes: int = 1000,
    ) -> Stepper:
        """An interactive player of this pass (forward, then each step) for Jupyter or a browser.

        See `autograd_lite.stepper.Stepper` for the arguments and the controls.
        """
        return Stepper(
            self, rankdir=rankdir, precision=precision, params=params, max_nodes=max_nodes
        )

    def save_html(
        self,
        path: str | PathLike[str],
        *,
        rankdir: str = "auto",
        precision: int = 4,
        params: Iterable[Value] | None = None,
        max_nodes: int = 1000,
    ) -> Path:
        """Write the `stepper()` of this pass to `path` as one standalone HTML file.

        Returns the path written; the options are those of `stepper()`.
        """
        stepper = self.stepper(
            rankdir=rankdir, precision=precision, params=params, max_nodes=max_nodes
        )
        return stepper.save_html(path)

    def _position(self, k: int) -> int:
        if isinstance(k, bool) or not isinstance(k, int):
            raise TypeError(f"step number must be an int, got {type(k).__name__}: {k!r}")
        if not -len(self) <= k < len(self):
            raise IndexError(f"step {k} is out of range for a trace of {len(self)} steps")
        return k % len(self)


def trace_backward(root: Value, gradient: float = 1.0) -> BackwardTrace:
    """Run `root.backward(gradient)` and record each chain-rule step it applies.

    The `.grad` values end up exactly as `root.backward(gradient)` leaves them,
    accumulation across calls included.
    """
    if not isinstance(root, Value):
        raise TypeError(
            f"trace_backward: root must be a Value, got {type(root).__name__}: {root!r}"
        )
    if isinstance(gradient, bool) or not isinstance(gradient, numbers.Real):
        raise TypeError(
            f"trace_backward: gradient must be a real number, "
            f"got {type(gradient).__name__}: {gradient!r}"
        )
    order = topological_order(root)
    names = node_names(order)
    steps: list[BackwardStep] = []

    def record(
        node: Value, parent: Value, local: float, upstream: float, contribution: float,
        parent_grad: float,
    ) -> None:
        steps.append(
            BackwardStep(
                index=len(steps),
                node=node,
                parent=parent,
                local_grad=local,
                upstream=upstream,
                contribution=contribution,
                parent_grad=parent_grad,
                root_name=names[root],
                node_name=names[node],
                parent_name=names[parent],
            )
        )

    accumulated = any(node.grad for node in order)
    # The same sweep as Value.backward, with every step recorded as it is applied.
    with borrowed_grads(order, keep=True):
        backpropagate(order, {root: float(gradient)}, on_step=record)
    return BackwardTrace(root, float(gradient), steps, names, accumulated)
