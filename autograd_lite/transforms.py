"""Derivatives as functions: `gradients`, and JAX-style `grad`, `value_and_grad`,
`jvp`, `vjp`, `jacobian`, `hessian` and `hvp`.

Every transform calls `f` on fresh leaves standing in for the differentiated
arguments, so it measures the partial derivative for that argument alone (not
for every use of the same Value, say one that an enclosing `grad` closed
over). Called with numbers they return floats. Called with Values, or inside
another transform, they return Values whose graphs lead back to the arguments
themselves (the stand-ins are swapped out of a copy of the result graph), so
transforms nest: `grad(grad(f))` is the second derivative.

An argument is a number, a Value, or a flat list or tuple of them; its
derivative comes back in the same shape.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeAlias

from autograd_lite.engine import (
    BorrowedGrads,
    Value,
    _consumer_counts,
    _sweep,
    backpropagate,
    data_of,
    topological_order_of,
)
from autograd_lite.grad_mode import enable_grad
from autograd_lite.op_functions import local_grads_as_values
from autograd_lite.scalars import as_value, is_int, is_number

Argnums: TypeAlias = int | tuple[int, ...]

# How many transforms are evaluating their function right now: inside one, a
# derivative must stay differentiable even for number arguments, because it
# may depend on the enclosing transform's variables through a closure.
_depth: ContextVar[int] = ContextVar("autograd_lite_transform_depth", default=0)


def _chain(local: Any, upstream: Any) -> Any:
    """local * upstream, without nodes for multiplying by exactly 1, -1 or 0."""
    if type(local) is float:
        if local == 1.0:
            return upstream
        if local == -1.0:
            return -upstream
        if local == 0.0 and math.isfinite(data_of(upstream)):
            return 0.0
    if type(upstream) is float and upstream == 1.0:
        return local
    return local * upstream


def gradients(
    output: Value, inputs: Iterable[Value], create_graph: bool = False
) -> tuple[Any, ...]:
    """d(output)/d(input) for each of `inputs`, leaving every `.grad` untouched.

    Floats by default. With `create_graph=True`, Values whose own graph can be
    differentiated again (for second and higher derivatives). An input that
    `output` does not depend on gets 0.0.
    """
    if not isinstance(output, Value):
        raise TypeError(f"gradients: output must be a Value, got {type(output).__name__}")
    if isinstance(inputs, Value) or not isinstance(inputs, Iterable):
        raise TypeError(
            f"gradients: inputs must be a list of Values, got {type(inputs).__name__}: {inputs!r}"
        )
    inputs = list(inputs)
    for position, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(
                f"gradients: inputs[{position}] must be a Value, got {type(x).__name__}: {x!r}"
            )
    adjoints = _adjoints([output], [1.0], create_graph, inputs)
    if create_graph:
        return tuple(as_value(adjoint) for adjoint in adjoints)
    return tuple(float(adjoint) for adjoint in adjoints)


def _adjoints(
    outputs: list[Value], seeds: list[Any], symbolic: bool, wanted: list[Value]
) -> list[Any]:
    """d(sum of seed * output)/d(x) for each x of `wanted` (0.0 where it is not in the graph)."""
    if not symbolic and len(outputs) == 1:
        return _adjoints_of_one(outputs[0], seeds[0], wanted)
    order = topological_order_of(outputs)
    seed_of: dict[Value, Any] = {}
    for output, seed in zip(outputs, seeds):
        seed_of[output] = seed if output not in seed_of else seed_of[output] + seed
    in_graph = set(order)
    # Every change to a grad inside the `try` (no `with`, whose exit could be
    # interrupted before it restores): the grads are as before, however this ends.
    loan = BorrowedGrads(order, None if symbolic else 0.0)
    try:
        loan.lend()
        if symbolic:
            with enable_grad():
                backpropagate(order, seed_of, local_grads_as_values, _chain)
        else:
            backpropagate(order, seed_of)
        adjoints = [x.grad if x in in_graph else None for x in wanted]
        loan.put_back()
    except BaseException:
        # Also when the interrupt lands on the putting back above.
        loan.put_back()
        raise
    return [0.0 if adjoint is None else adjoint for adjoint in adjoints]


def _adjoints_of_one(output: Value, seed: Any, wanted: list[Value]) -> list[Any]:
    """`_adjoints` of one output in floats (`grad`, `value_and_grad`): the hot path.

    `Value.backward`'s two walks (count consumers, then sweep in Kahn's order)
    instead of the general four (count, order, note the grads, sweep): the
    nodes are taken in the same order, so the sums are the same, bit for bit.
    """
    consumers = _consumer_counts(output, for_sweep=True)
    loan = BorrowedGrads(list(consumers), 0.0)
    try:
        loan.lend()
        output.grad = seed
        _sweep(output, consumers)
        adjoints = [x.grad if x in consumers else 0.0 for x in wanted]
        loan.put_back()
    except BaseException:
        loan.put_back()
        raise
    return adjoints


# ---- arguments: stand-ins in, derivatives out in the same shape -----------------


@dataclass
class _Traced:
    """A call of `f` on stand-ins for the differentiated arguments."""

    output: Any
    leaves: list[list[Value]]
    shapes: list[type | None]
    originals: dict[Value, Value]
    symbolic: bool

    def flat_leaves(self) -> list[Value]:
        return [leaf for leaves in self.leaves for leaf in leaves]

    def shaped(self, flat: Sequence[Any], argnums: Argnums) -> Any:
        """Per-leaf results grouped back into the differentiated arguments' shapes."""
        grouped = []
        start = 0
        for leaves, shape in zip(self.leaves, self.shapes):
            part = list(flat[start : start + len(leaves)])
            start += len(leaves)
            grouped.append(part[0] if shape is None else shape(part))
        return grouped[0] if isinstance(argnums, int) else tuple(grouped)

    def finish(self, results: Any) -> Any:
        """Floats, or Values that lead back to the original arguments."""
        if not self.symbolic:
            return _map(lambda x: x.data if isinstance(x, Value) else x, results)
        values = _map(as_value, results)
        return _rebind(values, self.originals)


def _map(function: Callable[[Any], Any], results: Any) -> Any:
    if isinstance(results, (list, tuple)):
        return type(results)(_map(function, item) for item in results)
    return function(results)


def _positions(argnums: Argnums, count: int, where: str) -> tuple[int, ...]:
    positions = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not positions:
        raise ValueError(f"{where}: argnums must name at least one argument, got {argnums!r}")
    for position in positions:
        if not is_int(position):
            raise TypeError(f"{where}: argnums must be ints, got {position!r}")
        if not -count <= position < count:
            raise ValueError(
                f"{where}: argnums {position} is out of range for {count} positional argument(s)"
            )
    return positions


def _stand_ins(
    argument: object, where: str, position: int, originals: dict[Value, Value]
) -> tuple[list[Value], type | None]:
    items = argument if isinstance(argument, (list, tuple)) else [argument]
    leaves = []
    for item in items:
        if isinstance(item, Value):
            leaf = Value(item.data, item.label)
            originals[leaf] = item
        elif is_number(item):
            leaf = Value(item)
        else:
            raise TypeError(
                f"{where}: argument {position} must be a number, a Value, or a flat list of "
                f"them, got {type(item).__name__}: {item!r}"
            )
        leaves.append(leaf)
    return leaves, (type(argument) if isinstance(argument, (list, tuple)) else None)


def _contains_value(x: object) -> bool:
    if isinstance(x, (list, tuple)):
        return any(isinstance(item, Value) for item in x)
    return isinstance(x, Value)


def _trace(
    f: Callable[..., Any], args: Sequence[Any], positions: Sequence[int], where: str,
    extra_values: bool = False,
) -> _Traced:
    """Call `f(*args)` with stand-ins at `positions`, recording even inside `no_grad`."""
    originals: dict[Value, Value] = {}
    symbolic = (
        _depth.get() > 0 or extra_values or any(_contains_value(args[p]) for p in positions)
    )
    call_args = list(args)
    all_leaves, shapes = [], []
    for position in positions:
        leaves, shape = _stand_ins(args[position], where, position, originals)
        all_leaves.append(leaves)
        shapes.append(shape)
        call_args[position] = leaves[0] if shape is None else shape(leaves)
    token = _depth.set(_depth.get() + 1)
    try:
        with enable_grad():
            output = f(*call_args)
    finally:
        _depth.reset(token)
    return _Traced(output, all_leaves, shapes, originals, symbolic)


def _outputs(output: Any, where: str) -> list[Value]:
    """The output as a list of Values; TypeError unless it is a Value or a list of them."""
    items = output if isinstance(output, (list, tuple)) else [output]
    if not items or not all(isinstance(item, Value) for item in items):
        raise TypeError(
            f"{where}: the function must return a Value or a list of Values, "
            f"got {type(output).__name__}: {output!r}"
        )
    return list(items)


def _rebind(results: Any, originals: dict[Value, Value]) -> Any:
    """`results` with every stand-in replaced by its original, in copies of the graph.

    Nodes that do not depend on a stand-in are shared, not copied; the graph
    that `f` built is left as it was.
    """
    roots: list[Value] = []
    _map(roots.append, results)
    replaced: dict[Value, Value] = dict(originals)
    for node in topological_order_of(roots):
        if node in replaced or not any(parent in replaced for parent in node.parents):
            continue
        copy = Value.__new__(Value)
        copy.data, copy.grad, copy.label = node.data, 0.0, node.label
        copy.op, copy.constants, copy.local_grads = node.op, node.constants, node.local_grads
        copy.parents = tuple(replaced.get(parent, parent) for parent in node.parents)
        replaced[node] = copy
    return _map(lambda x: replaced.get(x, x), results)


# ---- reverse mode ---------------------------------------------------------------


def value_and_grad(
    f: Callable[..., Value], argnums: Argnums = 0
) -> Callable[..., tuple[Any, Any]]:
    """Turn `f` into a function returning `(f(*args), gradient)`.

    The gradient is with respect to argument `argnums` (a tuple of gradients
    when `argnums` is a tuple), in that argument's shape: a number, or a list
    for a list argument. Called with numbers it returns floats; called with
    Values it returns Values, so `grad(grad(f))` gives second derivatives.
    """

    @functools.wraps(f)
    def wrapper(*args: Any) -> tuple[Any, Any]:
        positions = _positions(argnums, len(args), "grad")
        traced = _trace(f, args, positions, "grad")
        if not isinstance(traced.output, Value):
            raise TypeError(
                f"grad: the function must return a Value, got "
                f"{type(traced.output).__name__}: {traced.output!r}"
            )
        flat = _adjoints([traced.output], [1.0], traced.symbolic, traced.flat_leaves())
        value, gradient = traced.finish([traced.output, traced.shaped(flat, argnums)])
        return value, gradient

    return wrapper


def grad(f: Callable[..., Value], argnums: Argnums = 0) -> Callable[..., Any]:
    """Turn `f` into a function returning its gradient (see `value_and_grad`).

    `grad(grad(grad(lambda x: x**4)))(2.0) == 48.0`.
    """
    with_value = value_and_grad(f, argnums)

    @functools.wraps(f)
    def wrapper(*args: Any) -> Any:
        return with_value(*args)[1]

    return wrapper


def vjp(f: Callable[..., Any], *primals: Any) -> tuple[Any, Callable[[Any], tuple[Any, ...]]]:
    """`(f(*primals), vjp_fn)`: `vjp_fn(cotangent)` is the cotangent times f's Jacobian.

    `f` returns a Value or a list of Values; the cotangent has the same shape.
    `vjp_fn` returns one derivative per primal, each in its primal's shape.
    """
    positions = tuple(range(len(primals)))
    traced = _trace(f, primals, positions, "vjp")
    outputs = _outputs(traced.output, "vjp")

    def vjp_fn(cotangent: Any) -> tuple[Any, ...]:
        cotangents = cotangent if isinstance(cotangent, (list, tuple)) else [cotangent]
        if len(cotangents) != len(outputs) or not all(
            is_number(c) or isinstance(c, Value) for c in cotangents
        ):
            raise ValueError(
                f"vjp: the cotangent must match the output's shape ({len(outputs)} "
                f"number(s)), got {cotangent!r}"
            )
        symbolic = traced.symbolic or _contains_value(cotangent)
        flat = _adjoints(outputs, list(cotangents), symbolic, traced.flat_leaves())
        result = traced.shaped(flat, positions)
        if symbolic and not traced.symbolic:
            return tuple(_map(as_value, result))
        return tuple(traced.finish(result))

    return traced.finish(traced.output), vjp_fn


def jacobian(f: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., Any]:
    """Turn `f` into a function returning its Jacobian, by reverse mode (a sweep per output).

    For a Value output it is the gradient; for a list of m Values, a list of
    m rows, row i being the gradient of output i (shaped as `grad` shapes it).
    """

    @functools.wraps(f)
    def wrapper(*args: Any) -> Any:
        positions = _positions(argnums, len(args), "jacobian")
        traced = _trace(f, args, positions, "jacobian")
        outputs = _outputs(traced.output, "jacobian")
        rows = []
        for output in outputs:
            flat = _adjoints([output], [1.0], traced.symbolic, traced.flat_leaves())
            rows.append(traced.shaped(flat, argnums))
        result = rows[0] if isinstance(traced.output, Value) else rows
        return traced.finish(result)

    return wrapper


def hessian(f: Callable[..., Value], argnums: Argnums = 0) -> Callable[..., Any]:
    """Turn `f` into a function returning its matrix of second derivatives.

    For `f` of a list of n numbers: an n x n list of lists, `h[i][j]` =
    d2f/dx_i dx_j. The Jacobian of the gradient (reverse over reverse).
    """
    return jacobian(grad(f, argnums), argnums)


# ---- forward mode ---------------------------------------------------------------


def jvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    """`(f(*primals), directional derivative of f along tangents)`, by forward mode.

    One sweep in topological order carries each node's tangent forward from
    the stored local derivatives: no reverse pass. `tangents` has the shape of
    `primals`; the result has the shape of f's output (a Value or a list).
    """
    if not isinstance(primals, (list, tuple)) or not isinstance(tangents, (list, tuple)):
        raise TypeError(
            f"jvp: primals and tangents must be tuples of arguments, got {primals!r} "
            f"and {tangents!r}"
        )
    if len(primals) != len(tangents):
        raise ValueError(
            f"jvp: expected one tangent per primal, got {len(primals)} primals and "
            f"{len(tangents)} tangents"
        )
    positions = tuple(range(len(primals)))
    traced = _trace(f, primals, positions, "jvp", any(_contains_value(t) for t in tangents))
    outputs = _outputs(traced.output, "jvp")
    seeds: dict[Value, Any] = {}
    for leaves, tangent, position in zip(traced.leaves, tangents, positions):
        items = tangent if isinstance(tangent, (list, tuple)) else [tangent]
        if len(items) != len(leaves) or not all(
            is_number(t) or isinstance(t, Value) for t in items
        ):
            raise ValueError(
                f"jvp: tangent {position} must have the shape of primal {position}, got {tangent!r}"
            )
        seeds.update(zip(leaves, (float(t) if is_number(t) else t for t in items)))
    carried = _tangents(topological_order_of(outputs), seeds, traced.symbolic)
    derivative = [carried.get(output, 0.0) for output in outputs]
    result = derivative[0] if isinstance(traced.output, Value) else type(traced.output)(derivative)
    value, derivative = traced.finish([traced.output, result])
    return value, derivative


def _tangents(order: list[Value], seeds: dict[Value, Any], symbolic: bool) -> dict[Value, Any]:
    """The forward sweep: each node's tangent from its parents' tangents."""
    tangents = dict(seeds)
    with enable_grad():
        for node in order:
            if not node.parents or node in seeds:
                continue
            local_grads = local_grads_as_values(node) if symbolic else node.local_grads
            total = None
            for parent, local in zip(node.parents, local_grads):
                tangent = tangents.get(parent)
                if tangent is None:
                    continue
                contribution = _chain(local, tangent) if symbolic else local * tangent
                total = contribution if total is None else total + contribution
            if total is not None:
                tangents[node] = total
    return tangents


def hvp(f: Callable[..., Value]) -> Callable[[Any, Any], Any]:
    """Turn `f` into `hvp(x, v)`: its Hessian at x times the vector v (forward over reverse).

    One reverse sweep and one forward sweep, without forming the Hessian.
    """
    gradient = grad(f)

    def hessian_vector_product(x: Any, v: Any) -> Any:
        return jvp(gradient, (x,), (v,))[1]

    return hessian_vector_product
