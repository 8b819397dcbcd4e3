"""Python source for a recorded graph: its forward pass and the chain rule over plain floats.

`generate` writes one function. Each node is one line named after its label
(sanitised) or, as in drawings and traces, its position (v6); the backward
pass is one line per node that gathers its gradient from its consumers, in
the interpreter's order, so the results are the interpreter's (the returned
gradients add 0.0, where the interpreter's sums start, for the sign of a
zero). The formulas come from the op table's code templates, and the names
they call from `ops.CODE_HELPERS`.

With a batch, the nodes that do not depend on the sample (parameters, an L2
term) are computed once before the loop over the samples, and their
gradients are accumulated in locals across it. The backward code that a ReLU
(an op with `zero_when`) alone feeds is nested under `if not t <= 0:`, so an
inactive unit or sample skips it.
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from autograd_lite.engine import Value, topological_order, topological_order_of
from autograd_lite.ops import CODE_HELPERS

MAX_TERMS = 64
"""Terms per line of a long sum; longer sums continue on the next line, in the same order."""
MAX_GUARDS = 12
"""Deepest nesting of ReLU blocks (Python allows 20 statically nested blocks)."""
MAX_NAME = 40

RUNTIME: dict[str, object] = {**CODE_HELPERS, "_zip": zip, "_len": len, "_float": float}
"""Every global the generated code reads, besides `_captured` and `_wrt`."""


@dataclass
class Argument:
    """One positional argument of the compiled function, as recorded."""

    name: str
    """The parameter's name in the recorded function (sanitised before use)."""
    leaves: list[Value]
    """Its stand-ins; for a batch argument, those of one sample."""
    is_list: bool
    batch: bool
    differentiate: bool


@dataclass
class Plan:
    """What to generate: the recorded graph and the roles of its leaves."""

    function_name: str
    arguments: list[Argument]
    root: Value
    wrt: list[Value] = field(default_factory=list)
    aux: list[Value | float] | None = None
    """Extra outputs computed alongside (no gradient), flattened; None for none."""


@dataclass
class Generated:
    """The source, and the Values it reads at each call (`_captured`)."""

    source: str
    captured: list[Value]


def sanitise(text: object) -> str:
    """An identifier made of `text`'s ASCII letters, digits and underscores, or ''.

    Never a keyword and never starting with "_" (the generated code's own names
    start with "_"), so no user text reaches the code except as a plain name.
    Anything but a str (a label or `__name__` set to a number) gives ''.
    """
    if not isinstance(text, str):
        return ""
    name = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_")[:MAX_NAME].rstrip("_")
    if not name:
        return ""
    if name[0].isdigit():
        name = "v" + name
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name += "_"
    return name


class _Names:
    """Unique identifiers: the first use of a base keeps it, later ones get _2, _3, ..."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.last: dict[str, int] = {}
        """The last count given to each base: 20,000 nodes labelled `h` are named in
        linear time, not by trying h_2, h_3, ... again for each."""

    def take(self, base: str) -> str:
        name = base
        if name in self.used:
            # Names are never given back, so every count up to the last is still taken.
            count = self.last.get(base, 1)
            while name in self.used:
                count += 1
                name = f"{base}_{count}"
            self.last[base] = count
        self.used.add(name)
        return name


def literal(x: float) -> str:
    """`x` as source: a float literal, or a name for inf and nan; negatives in parentheses."""
    x = float(x)
    if math.isnan(x):
        return "_nan"
    if math.isinf(x):
        return "_inf" if x > 0 else "(-_inf)"
    text = repr(x)
    return f"({text})" if text.startswith("-") else text


_SIMPLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9][0-9.e+-]*")
_CALL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\(")


def _closes_at_end(expression: str, opening: int) -> bool:
    depth = 0
    for index in range(opening, len(expression)):
        if expression[index] == "(":
            depth += 1
        elif expression[index] == ")":
            depth -= 1
            if depth == 0:
                return index == len(expression) - 1
    return False


def atom(expression: str) -> str:
    """`expression`, in parentheses unless it is a name, a number, a call or parenthesised."""
    if _SIMPLE.fullmatch(expression):
        return expression
    if expression.startswith("(") and _closes_at_end(expression, 0):
        return expression
    call = _CALL.match(expression)
    if call and _closes_at_end(expression, call.end() - 1):
        return expression
    return f"({expression})"


def _term(expression: str) -> str:
    # Products and unary minus bind tighter than +; only conditionals need parentheses.
    return f"({expression})" if " if " in expression and not expression.startswith("(") else (
        expression
    )


def _product(local: str, upstream: str) -> str:
    """local * upstream, written without multiplying by exactly 1 (x * 1.0 == x in IEEE)."""
    if local == "1.0":
        return upstream
    if upstream == "1.0":
        return atom(local)
    if local == "-1.0":
        return "-" + upstream
    return f"{atom(local)} * {upstream}"


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def line(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    def sum(self, indent: int, target: str, terms: Sequence[str], start: str = "") -> None:
        """target = start + t1 + t2 + ..., left to right, over several lines when long."""
        terms = [_term(term) for term in terms]
        head = [start] if start else []
        chunk = head + terms[:MAX_TERMS]
        self.line(indent, f"{target} = {' + '.join(chunk)}")
        for begin in range(MAX_TERMS, len(terms), MAX_TERMS):
            more = terms[begin : begin + MAX_TERMS]
            self.line(indent, f"{target} = {target} + {' + '.join(more)}")

    def unpack(self, indent: int, targets: Sequence[str], source: str) -> None:
        if not targets:
            return
        text = ", ".join(targets) + ("," if len(targets) == 1 else "")
        if len(text) <= 80:
            self.line(indent, f"{text} = {source}")
            return
        self.line(indent, "(")
        row: list[str] = []
        for target in targets:
            if row and len(", ".join([*row, target])) > 76:
                self.line(indent + 1, ", ".join(row) + ",")
                row = []
            row.append(target)
        self.line(indent + 1, ", ".join(row) + ",")
        self.line(indent, f") = {source}")


def generate(plan: Plan) -> Generated:
    """The source of one function computing `(value, aux, gradients)` for `plan`."""
    return _Generator(plan).run()


@dataclass
class _Flow:
    """Which nodes the code computes, where, and which gradients it needs: the graph's part."""

    order: list[Value]
    """Every node the forward pass computes (the root's and the aux outputs' graphs)."""
    grad_order: list[Value]
    """The root's graph, in topological order: what the backward pass walks."""
    differentiated: list[Value]
    """The leaves whose gradients are returned, in the order returned."""
    needs_grad: set[Value]
    in_loop: set[Value]
    """The nodes computed once per sample (all of them without a batch)."""
    edges: dict[Value, list[tuple[Value, int]]]
    """Each Value operand's consumers, in the order the interpreter adds their contributions."""
    pushed: list[Value]
    """With a batch: the shared nodes whose gradients the loop accumulates, last node first."""


def _flow(plan: Plan) -> _Flow:
    batch = any(argument.batch for argument in plan.arguments)
    grad_order = topological_order(plan.root)
    aux_values = [x for x in plan.aux or () if isinstance(x, Value)]
    order = topological_order_of([plan.root, *aux_values]) if aux_values else grad_order
    differentiated = [
        leaf for argument in plan.arguments if argument.differentiate
        for leaf in argument.leaves
    ] + list(plan.wrt)
    needs_grad: set[Value] = set(differentiated)
    for node in grad_order:
        if node.op is not None and any(p in needs_grad for p in node.parents):
            needs_grad.add(node)
    in_loop: set[Value] = {
        leaf for argument in plan.arguments if argument.batch for leaf in argument.leaves
    }
    for node in order:
        if node.op is not None and any(p in in_loop for p in node.parents):
            in_loop.add(node)
    if not batch:
        in_loop = set(order)
    edges: dict[Value, list[tuple[Value, int]]] = {}
    for node in reversed(grad_order):
        if node.op is None:
            continue
        for position, operand in enumerate(node.operands):
            if isinstance(operand, Value) and operand in needs_grad:
                edges.setdefault(operand, []).append((node, position))
    pushed = [
        node for node in reversed(grad_order)
        if batch and node not in in_loop and node in needs_grad
        and any(consumer in in_loop for consumer, _ in edges.get(node, ()))
    ]
    return _Flow(order, grad_order, differentiated, needs_grad, in_loop, edges, pushed)


@dataclass
class _Naming:
    """The identifier of the function, of its parameters, of each node and of its gradient."""

    function: str
    parameters: list[str]
    name: dict[Value, str]
    gradient: dict[Value, str]
    """Each gradient's variable, or the literal "1.0" for a root computed in the loop."""
    captured: list[Value]
    """Leaves read from `_captured` at each call, in its order."""


def _naming(plan: Plan, flow: _Flow) -> _Naming:
    names = _Names()
    function = names.take(sanitise(plan.function_name) or "f")
    parameters: list[str] = []
    for argument in plan.arguments:
        base = sanitise(argument.name) or f"arg{len(parameters)}"
        parameters.append(names.take(base + "_batch" if argument.batch else base))
    name: dict[Value, str] = {}
    for argument, parameter in zip(plan.arguments, parameters):
        base = sanitise(argument.name) or parameter
        if argument.is_list:
            for index, leaf in enumerate(argument.leaves):
                name[leaf] = names.take(f"{base}_{index}")
        elif argument.batch:
            name[argument.leaves[0]] = names.take(base)
        else:
            name[argument.leaves[0]] = parameter
    for index, leaf in enumerate(plan.wrt):
        if leaf not in name:
            name[leaf] = names.take(sanitise(leaf.label) or f"w{index}")
    captured = []
    for position, node in enumerate(flow.order):
        if node in name:
            continue
        if node.op is None:
            captured.append(node)
            name[node] = names.take(sanitise(node.label) or f"c{len(captured)}")
        else:
            name[node] = names.take(sanitise(node.label) or f"v{position}")
    gradient: dict[Value, str] = {}
    for node in flow.grad_order:
        if node in flow.needs_grad:
            gradient[node] = names.take("g_" + name[node])
    if plan.root in flow.needs_grad and plan.root in flow.in_loop:
        gradient[plan.root] = "1.0"  # the seed of the chain rule
    return _Naming(function, parameters, name, gradient, captured)


@dataclass
class _Blocks:
    """The ReLU blocks of the backward pass in the loop (or the whole function).

    A block is headed by a node that only one ReLU-like op (`zero_when`) feeds,
    directly or through nodes that only it dominates; the block's code runs when the
    op's input is active. Empty when there is no backward pass in the loop.
    """

    nodes: list[Value]
    """The gradients computed in the loop, last node first."""
    heads: dict[Value, tuple[Value, ...]]
    """Each node's chain of enclosing block heads, outermost first."""
    guard_of: dict[Value, Value]
    """Each block head's guarding op."""
    exports: dict[Value, dict[Value, None]]
    """What each block must set to 0.0 when skipped: its gradients read outside it."""
    scopes: dict[Value | None, list[Value]]
    """The nodes written directly inside each block (None: outside every block)."""
    deferred: dict[Value, Value]
    """A ReLU whose gradient only its operand's block reads, by that block's head."""


def _blocks(plan: Plan, flow: _Flow) -> _Blocks:
    root = plan.root
    nodes = [
        node for node in reversed(flow.grad_order)
        if node in flow.in_loop and node in flow.needs_grad
    ]
    if not nodes or root not in flow.in_loop:
        return _Blocks([], {}, {}, {}, {}, {})
    # Each node's immediate dominator (every path from it to the root passes there):
    # the nearest common dominator of its consumers. The root is its own.
    dominator: dict[Value, Value] = {root: root}
    depth: dict[Value, int] = {root: 0}
    jump: dict[Value, Value] = {root: root}
    for node in nodes[1:]:
        consumers = [c for c, _ in flow.edges[node] if c in flow.in_loop]
        common = consumers[0]
        for other in consumers[1:]:
            if common is root:
                break
            if other is not common:
                common = _meet(common, other, dominator, depth, jump)
        _attach(node, common, dominator, depth, jump)
    heads: dict[Value, tuple[Value, ...]] = {root: ()}
    for node in nodes[1:]:
        parent = dominator[node]
        chain = heads[parent]
        op = parent.op
        if (
            op is not None and op.zero_when and len(chain) < MAX_GUARDS
            and node in parent.operands
        ):
            chain = (*chain, node)
        heads[node] = chain
    guard_of = {chain[-1]: dominator[chain[-1]] for chain in heads.values() if chain}
    exports: dict[Value, dict[Value, None]] = {}
    for node in nodes:
        for consumer, _ in flow.edges.get(node, ()):
            if consumer in heads:
                for head in heads[consumer]:
                    if head not in heads[node]:
                        exports.setdefault(head, {})[consumer] = None
    if not any(argument.batch for argument in plan.arguments):
        for leaf in flow.differentiated:
            for head in heads.get(leaf, ()):
                exports.setdefault(head, {})[leaf] = None
    scopes: dict[Value | None, list[Value]] = {}
    for node in nodes:
        chain = heads[node]
        if chain and chain[-1] is node:
            scope = chain[-2] if len(chain) > 1 else None
        else:
            scope = chain[-1] if chain else None
        scopes.setdefault(scope, []).append(node)
    # A ReLU whose gradient only its operand's block reads gathers it inside that
    # block: an inactive unit skips that sum too.
    deferred: dict[Value, Value] = {}
    for head, guard in guard_of.items():
        chain = heads[guard]
        guard_is_head = bool(chain) and chain[-1] is guard
        inputs = [x for x in guard.operands if isinstance(x, Value) and x in flow.needs_grad]
        if guard is not root and not guard_is_head and inputs == [head]:
            deferred[head] = guard
    return _Blocks(nodes, heads, guard_of, exports, scopes, deferred)


class _Generator:
    """Writes the code of a plan: what to compute is decided first (`_flow`, `_naming`,
    `_blocks`), then `run` writes it line by line."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.batch = any(argument.batch for argument in plan.arguments)
        flow = _flow(plan)
        naming = _naming(plan, flow)
        self.flow = flow
        self.order, self.grad_order = flow.order, flow.grad_order
        self.differentiated, self.needs_grad = flow.differentiated, flow.needs_grad
        self.in_loop, self.edges = flow.in_loop, flow.edges
        self.function, self.parameters = naming.function, naming.parameters
        self.name, self.gradient = naming.name, naming.gradient
        self.captured = naming.captured
        self.blocks = _blocks(plan, flow)
        self.deferred_guards = set(self.blocks.deferred.values())
        self.writer = _Writer()
        self.operand_text: dict[Value, list[str]] = {}
        self.gradients_known: set[Value] = set(flow.pushed)
        """The gradients written so far (with a batch, from the loop's accumulators on)."""
        # Sums that start from 0.0, as the interpreter's do: with a batch, the
        # accumulators (divided by the batch size, > 0) too.
        self.from_zero = {"0.0", "1.0"} | {f"{self.gradient[node]} / _n" for node in flow.pushed}

    def _operand(self, operand: Value | float) -> str:
        return self.name[operand] if isinstance(operand, Value) else literal(operand)

    def _operands(self, node: Value) -> list[str]:
        operands = self.operand_text.get(node)
        if operands is None:
            operands = self.operand_text[node] = [self._operand(x) for x in node.operands]
        return operands

    # ---- formulas -----------------------------------------------------------------

    def _fields(self, node: Value, position: int) -> tuple[list[str], int]:
        """The operands a template of `node` sees for operand `position`, and its index."""
        assert node.op is not None
        operands = self._operands(node)
        which, places = node.op.template_of(position, len(operands))
        return [operands[k] for k in places], which

    def forward(self, indent: int, node: Value) -> None:
        """The line (or, for a long reduction, lines) computing `node`."""
        op = node.op
        assert op is not None
        operands = self._operands(node)
        if op.kind != "reduction":
            self.writer.line(indent, f"{self.name[node]} = {op.forward_code.format(*operands)}")
            return
        count = len(operands) // len(op.derivative_code)
        terms = [op.forward_code.format(*operands[term::count]) for term in range(count)]
        self.writer.sum(indent, self.name[node], terms, start="0.0")

    def contribution(self, consumer: Value, position: int, active: bool = False) -> str:
        """d(root)/d(consumer) * d(consumer)/d(operand `position`), as the interpreter forms it.

        `active`: inside the block where the consumer's `zero_when` is false, so
        a template `(0.0 if ZERO_WHEN else d)` reduces to `d`.
        """
        op = consumer.op
        assert op is not None
        fields, which = self._fields(consumer, position)
        template = op.derivative_code[which]
        if active and op.zero_when:
            prefix = f"(0.0 if {op.zero_when} else "
            if template.startswith(prefix) and template.endswith(")"):
                template = template[len(prefix) : -1]
        local = template.format(*fields, out=self.name[consumer])
        return _product(local, self.gradient[consumer])

    # ---- the function -------------------------------------------------------------

    def run(self) -> Generated:
        """The source, written from the plan computed in `__init__`."""
        captured = self.captured
        plan = self.plan
        w = self.writer
        w.line(0, f"def {self.function}({', '.join(self.parameters)}):")
        for argument, parameter in zip(plan.arguments, self.parameters):
            if argument.is_list and not argument.batch:
                w.unpack(1, [self.name[leaf] for leaf in argument.leaves], parameter)
        if plan.wrt:
            w.unpack(1, [self.name[leaf] for leaf in plan.wrt], "[_v.data for _v in _wrt]")
        for index, leaf in enumerate(captured):
            w.line(1, f"{self.name[leaf]} = _captured[{index}].data")
        if self.batch:
            self._batched()
        else:
            self._straight()
        source = "\n".join(w.lines) + "\n"
        return Generated(source, captured)

    def _forward_lines(self, indent: int, nodes: Iterable[Value]) -> None:
        for node in nodes:
            if node.op is not None:
                self.forward(indent, node)

    def _aux(self) -> str:
        aux = self.plan.aux
        if aux is None:
            return "None"
        return "[" + ", ".join(self._operand(x) for x in aux) + "]"

    def _return(self, value: str, aux: str, scale: str = "") -> None:
        """`return value, aux, [gradients]`, the gradients wrapped over lines when many."""
        items = []
        for leaf in self.differentiated:
            gradient = self.gradient.get(leaf, "0.0") if leaf in self.gradients_known else "0.0"
            if scale and gradient != "0.0":
                gradient = f"{gradient} / {scale}"
            if gradient not in self.from_zero:
                # The interpreter sums each gradient from 0.0 (`grad += local * upstream`);
                # the code's sums start from their first term. That changes the sign of a
                # zero only (-0.0 * 1.0 is -0.0, 0.0 + -0.0 is 0.0), and gradients are only
                # multiplied and added, so a zero's sign reaches nothing but other zeros.
                # 0.0 + g gives the interpreter's zero and every other result's own bits.
                gradient = f"0.0 + {gradient}"
            items.append(gradient)
        head = f"return {value}, {aux}, ["
        if len(head) + len(", ".join(items)) <= 92:
            self.writer.line(1, head + ", ".join(items) + "]")
            return
        self.writer.line(1, head)
        row: list[str] = []
        for item in items:
            if row and len(", ".join([*row, item])) > 80:
                self.writer.line(2, ", ".join(row) + ",")
                row = []
            row.append(item)
        self.writer.line(2, ", ".join(row) + ",")
        self.writer.line(1, "]")

    def _straight(self) -> None:
        w = self.writer
        root = self.plan.root
        if any(node.op is not None for node in self.order):
            w.line(1, "# forward")
        self._forward_lines(1, self.order)
        self._backward_in_loop(1)
        self._return(self.name[root], self._aux())

    def _batched(self) -> None:
        w = self.writer
        plan = self.plan
        root = plan.root
        before = [node for node in self.order if node not in self.in_loop]
        inside = [node for node in self.order if node in self.in_loop]
        if any(node.op is not None for node in before):
            w.line(1, "# forward, once: what every sample shares")
        self._forward_lines(1, before)
        batch = [(a, p) for a, p in zip(plan.arguments, self.parameters) if a.batch]
        w.line(1, f"_n = _float(_len({batch[0][1]}))")
        pushed = self.flow.pushed
        pushed_set = set(pushed)
        # Accumulated from 0.0 across the loop (and divided by the batch size, > 0).
        for node in pushed:
            w.line(1, f"{self.gradient[node]} = 0.0")
        w.line(1, "_total = 0.0")
        if plan.aux is not None:
            w.line(1, "_aux = []")
        targets = []
        for argument, _ in batch:
            names = [self.name[leaf] for leaf in argument.leaves]
            if not argument.is_list:
                targets.append(names[0])
            elif not names:
                targets.append("_")
            else:
                targets.append("(" + ", ".join(names) + ("," if len(names) == 1 else "") + ")")
        if len(batch) == 1:
            header = f"for {targets[0]} in {batch[0][1]}:"
        else:
            header = f"for {', '.join(targets)} in _zip({', '.join(p for _, p in batch)}):"
        w.line(1, header)
        if any(node.op is not None for node in inside):
            w.line(2, "# forward")
        self._forward_lines(2, inside)
        w.line(2, f"_total += {self.name[root]}")
        if plan.aux is not None:
            w.line(2, f"_aux.append({self._aux()})")
        self._backward_in_loop(2)
        after_loop = len(w.lines)
        # After the loop: the chain rule through what every sample shares, once.
        for node in reversed(self.grad_order):
            if node in self.in_loop or node not in self.needs_grad:
                continue
            terms = [
                self.contribution(consumer, position)
                for consumer, position in self.edges.get(node, ())
                if consumer not in self.in_loop
            ]
            if node is root:
                terms.append("_n")
            target = self.gradient[node]
            if node in pushed_set:
                if terms:
                    w.sum(1, target, terms, start=target)
            elif terms:
                w.sum(1, target, terms)
            else:
                continue
            self.gradients_known.add(node)
        if len(w.lines) > after_loop:
            w.lines.insert(after_loop, "    # backward, once, through what every sample shares")
        self._return("_total / _n", "_aux" if plan.aux is not None else "None", scale="_n")

    # ---- backward inside the loop (or the whole function), with ReLU blocks -------------

    def _backward_in_loop(self, indent: int) -> None:
        nodes = self.blocks.nodes
        if not nodes:
            return
        self.gradients_known.add(self.plan.root)
        if len(nodes) > 1:
            self.writer.line(
                indent, "# backward: each gradient gathered from its consumers, last node first"
            )
        self._emit_scope(None, indent)

    def _emit_scope(self, scope: Value | None, indent: int) -> None:
        for node in self.blocks.scopes.get(scope, ()):
            chain = self.blocks.heads[node]
            if chain and chain[-1] is node and node is not scope:
                self._emit_block(node, indent)
            elif node not in self.deferred_guards:
                self._emit_node(node, indent)

    def _emit_block(self, head: Value, indent: int) -> None:
        w = self.writer
        guard = self.blocks.guard_of[head]
        assert guard.op is not None
        operands = self._operands(guard)
        w.line(indent, f"if not {guard.op.zero_when.format(*operands)}:")
        if head in self.blocks.deferred:
            self._emit_node(guard, indent + 1)
        self._emit_node(head, indent + 1, active=True)
        self._emit_scope(head, indent + 1)
        skipped = self.blocks.exports.get(head)
        if skipped:
            w.line(indent, "else:")
            for node in skipped:
                w.line(indent + 1, f"{self.gradient[node]} = 0.0")

    def _emit_node(self, node: Value, indent: int, active: bool = False) -> None:
        w = self.writer
        if node is not self.plan.root:
            terms = [
                self.contribution(consumer, position, active)
                for consumer, position in self.edges[node]
                if consumer in self.in_loop
            ]
            w.sum(indent, self.gradient[node], terms)
            self.gradients_known.add(node)
        if node.op is None:
            return
        for position, operand in enumerate(node.operands):
            if (
                isinstance(operand, Value) and operand in self.needs_grad
                and operand not in self.in_loop
            ):
                w.line(indent, f"{self.gradient[operand]} += {self.contribution(node, position)}")


def _attach(
    node: Value,
    parent: Value,
    dominator: dict[Value, Value],
    depth: dict[Value, int],
    jump: dict[Value, Value],
) -> None:
    """Hang `node` under `parent` in the dominator tree, with its jump pointer.

    A jump pointer leads to an ancestor whose distance depends on the depth alone
    (1, 1, 3, 1, 1, 3, 7, ...: a skew-binary ladder), so that `_meet` climbs any
    height in O(log n) steps with one pointer per node. A chain of 20,000 levels
    that one input feeds would otherwise take a walk up the chain for each level.
    """
    dominator[node] = parent
    height = depth[parent]
    depth[node] = height + 1
    up = jump[parent]
    if height - depth[up] == depth[up] - depth[jump[up]]:
        jump[node] = jump[up]
    else:
        jump[node] = parent


def _meet(
    a: Value,
    b: Value,
    dominator: dict[Value, Value],
    depth: dict[Value, int],
    jump: dict[Value, Value],
) -> Value:
    """The nearest node that dominates both `a` and `b` (every path from the root passes it).

    O(log n) steps: the deeper one climbs to the other's depth, then both climb together,
    by their jump pointers while those differ (the meeting point is above them).
    """
    if depth[a] < depth[b]:
        a, b = b, a
    target = depth[b]
    while depth[a] > target:
        up = jump[a]
        a = up if depth[up] >= target else dominator[a]
    while a is not b:
        up_a, up_b = jump[a], jump[b]
        if up_a is up_b:
            a, b = dominator[a], dominator[b]
        else:
            a, b = up_a, up_b
    return a
