"""The node of a computation graph, `Value`, how ops record it, and the reverse sweep."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any, TypeAlias, cast

from autograd_lite.collector import gc_paused
from autograd_lite.grad_mode import _grad_enabled
from autograd_lite.ops import (
    ABS,
    ADD,
    CODE_HELPERS,
    COS,
    DIV,
    EXP,
    LEAKY_RELU,
    LOG,
    LOG1P,
    MUL,
    NEG,
    POW,
    RELU,
    SIGMOID,
    SIN,
    SQRT,
    SUB,
    TANH,
    Op,
)

Number: TypeAlias = int | float


class Value:
    """One scalar in a computation graph.

    `op` made it from `operands` (None and () for a leaf). The operands are
    Values and plain numbers in the op's argument order, so `x * 3` keeps its
    3; `parents` are the Values among them, in the same order, and
    `local_grads[i]` is d(self)/d(parents[i]), computed in the forward pass
    and stored as plain data: a graph holds no closures and no reference
    cycles, so CPython frees it by reference counting alone.

    `constants` stores the numbers with their places, flat: `(1, 3.0)` for
    `x * 3` (operand 1 is 3.0), `(2, 1.0)` for `dot([w, b], [x, 1.0])`, and
    `()` when every operand is a Value.

    Storage (`parents`, `local_grads` and `constants` are read through properties):
    a node with one or two parents keeps them in `_parent_a` and `_parent_b`
    (None when there is one) and their local derivatives in `_local_a` and
    `_local_b`; a node with three or more has None in `_parent_a` and tuples
    in `_parent_b` and `_local_b`; a leaf has None in all four, so the sweeps
    tell the cases apart with `is None` alone. The one constant of `x * 3` is
    kept as the float alone in `_constants`, meaning `(1, 3.0)`. Why: the
    cyclic garbage collector walks every object that can hold others on each
    full collection, and a graph is most of them. This way a node of a chain,
    a unary or a binary op is one such object (a `parents` tuple was a second,
    and tuples of constants and derivatives were allocated per node): a third
    less of the collector's time on a million-step chain, 56 bytes less a tuple.
    """

    __slots__ = (
        "_constants", "_local_a", "_local_b", "_parent_a", "_parent_b",
        "data", "grad", "label", "op",
    )

    data: float
    grad: float
    label: str
    op: Op | None
    _parent_a: Value | None
    # Any: a Value, a tuple of them (three or more parents) or None.
    _parent_b: Any
    _local_a: Any
    _local_b: Any
    _constants: float | tuple[float, ...]

    def __init__(self, data: Number, label: str = "") -> None:
        if type(data) is not float and not isinstance(data, numbers.Real):
            raise TypeError(f"Value() expects a real number, got {type(data).__name__}: {data!r}")
        if not isinstance(label, str):
            raise TypeError(f"Value() label must be a str, got {type(label).__name__}: {label!r}")
        try:
            self.data = float(data)
        except OverflowError:
            raise ValueError(
                f"Value() expects a number within the float range (about 1.8e308), got "
                f"{type(data).__name__}: a number of {int(data).bit_length()} bits"
            ) from None
        self.grad = 0.0
        self.label = label
        self.op = None
        self._constants = ()
        self._parent_a = self._parent_b = self._local_a = self._local_b = None

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values among the operands, in order (a Value used twice is there twice)."""
        a, b = self._parent_a, self._parent_b
        if a is None:
            return () if b is None else cast("tuple[Value, ...]", b)
        return (a,) if b is None else (a, b)

    @parents.setter
    def parents(self, parents: tuple[Value, ...]) -> None:
        self._parent_a, self._parent_b = _split(tuple(parents))

    @property
    def local_grads(self) -> tuple[Any, ...]:
        """`local_grads[i]` is d(self)/d(parents[i]), computed in the forward pass."""
        a, b = self._parent_a, self._parent_b
        if a is None:
            return () if b is None else cast("tuple[Any, ...]", self._local_b)
        return (self._local_a,) if b is None else (self._local_a, self._local_b)

    @local_grads.setter
    def local_grads(self, local_grads: tuple[Any, ...]) -> None:
        self._local_a, self._local_b = _split(tuple(local_grads))

    @property
    def constants(self) -> tuple[float, ...]:
        """The number operands with their places, flat: `(1, 3.0)` for `x * 3`."""
        constants = self._constants
        if isinstance(constants, float):
            return (1, constants)
        return constants

    @constants.setter
    def constants(self, constants: tuple[float, ...]) -> None:
        self._constants = tuple(constants)

    @property
    def operands(self) -> tuple[Value | float, ...]:
        """The op's operands in order: the parents, and the constants in their places."""
        constants = self.constants
        if not constants:
            return self.parents
        operands: list[Value | float] = list(self.parents)
        places = iter(constants)
        # Places ascend, so each number goes in after those before it.
        for place in places:
            operands.insert(int(place), next(places))
        return tuple(operands)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __format__(self, spec: str) -> str:
        """`f"{v:.3f}"` formats the data as a float; an empty spec gives `str(v)`."""
        if not spec:
            return str(self)
        return format(self.data, spec)

    def __float__(self) -> float:
        raise TypeError(
            "a Value cannot turn into a float silently: math.exp(v) or float(v) would drop "
            "its gradient. Use the engine's functions (ag.exp(v), ag.log(v), ...) to stay in "
            f"the graph, or v.data for the number itself ({self.data!r})"
        )

    def __bool__(self) -> bool:
        """Whether the data is non-zero, as `bool(v.data)`: `if v:` branches as on the float.

        Truthiness is a comparison with 0, and comparisons (`<`, `>=` ...) compare
        the data, so `if x:`, `x and y`, `filter(None, values)` behave for a
        Value as for the number it holds (nan is true, as for floats). Refusing
        it (a TypeError, as `float(v)` has) would break such code for no gain: like
        `if x > 0:`, the branch is taken on today's data and records nothing in
        the graph. `ag.compile`, whose code cannot follow such a branch, is told
        of it as of any comparison (`comparison_hook`, as `v != 0`).
        """
        _check_comparison(self, "!=", 0)
        return self.data != 0.0

    # Ordering compares data; equality stays identity so Values work as dict keys.
    def __lt__(self, other: Operand) -> bool:
        _check_comparison(self, "<", other)
        return self.data < data_of(other)

    def __le__(self, other: Operand) -> bool:
        _check_comparison(self, "<=", other)
        return self.data <= data_of(other)

    def __gt__(self, other: Operand) -> bool:
        _check_comparison(self, ">", other)
        return self.data > data_of(other)

    def __ge__(self, other: Operand) -> bool:
        _check_comparison(self, ">=", other)
        return self.data >= data_of(other)

    __hash__ = object.__hash__

    def __add__(self, other: Operand) -> Value:
        return _record_add(self, other)

    def __radd__(self, other: Operand) -> Value:
        return _record_add(other, self)

    def __sub__(self, other: Operand) -> Value:
        return _record_sub(self, other)

    def __rsub__(self, other: Operand) -> Value:
        return _record_sub(other, self)

    def __mul__(self, other: Operand) -> Value:
        return _record_mul(self, other)

    def __rmul__(self, other: Operand) -> Value:
        return _record_mul(other, self)

    def __truediv__(self, other: Operand) -> Value:
        return _record_div(self, other)

    def __rtruediv__(self, other: Operand) -> Value:
        return _record_div(other, self)

    def __pow__(self, other: Operand) -> Value:
        return _record_pow(self, other)

    def __rpow__(self, other: Operand) -> Value:
        return _record_pow(other, self)

    def __neg__(self) -> Value:
        return apply1(NEG, self)

    def __abs__(self) -> Value:
        return apply1(ABS, self)

    def exp(self) -> Value:
        """e ** self."""
        return apply1(EXP, self)

    def log(self) -> Value:
        """Natural logarithm; ValueError unless self > 0."""
        return apply1(LOG, self)

    def log1p(self) -> Value:
        """log(1 + self), accurate for tiny self; ValueError unless self > -1."""
        return apply1(LOG1P, self)

    def sqrt(self) -> Value:
        """Square root; ValueError if self < 0."""
        return apply1(SQRT, self)

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        return apply1(TANH, self)

    def sigmoid(self) -> Value:
        """Logistic function 1 / (1 + e ** -self), stable for any magnitude."""
        return apply1(SIGMOID, self)

    def relu(self) -> Value:
        """max(self, 0), with derivative 0 at 0."""
        return apply1(RELU, self)

    def leaky_relu(self, slope: Operand = 0.01) -> Value:
        """self if self > 0 else slope * self."""
        return apply2(LEAKY_RELU, self, slope)

    def sin(self) -> Value:
        """Sine."""
        return apply1(SIN, self)

    def cos(self) -> Value:
        """Cosine."""
        return apply1(COS, self)

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut off from this graph."""
        return Value(self.data, self.label)

    def backward(self, gradient: float = 1.0) -> None:
        """Add gradient * d(self)/d(node) to the `grad` of every node of the graph.

        Each call adds its own contribution, so grads accumulate across calls as
        in PyTorch; reset them with `zero_grad`. If the pass is interrupted
        (an error, Ctrl-C), every grad is left as it was before the call.
        """
        seed = _gradient(gradient)
        consumers = _consumer_counts(self, for_sweep=True)
        previous = [node.grad for node in consumers]
        # The sweep sums into the grads, so they must start at 0.0; old ones are
        # added back at the end. Every change to a grad happens inside the `try`, so
        # that an interrupt at any point, the last line of the adding included, has
        # them put back.
        clean = previous.count(0.0) == len(previous)
        try:
            if not clean:
                for node in consumers:
                    node.grad = 0.0
            self.grad = seed
            _sweep(self, consumers)
            if not clean:
                for node, grad in zip(consumers, previous):
                    node.grad += grad
        except BaseException:
            for node, grad in zip(consumers, previous):
                node.grad = grad
            raise

    def zero_grad(self) -> None:
        """Set `grad` to 0.0 on every node of the graph that ends at self."""
        zero_grad(topological_order(self))


Operand: TypeAlias = Value | int | float
"""What an op accepts for each operand: a Value or a plain number."""


def data_of(x: Operand) -> float:
    """The number `x` stands for: a Value's `data`, or `x` itself."""
    return x.data if isinstance(x, Value) else x


comparison_hook: ContextVar[Callable[[Value, str, Operand], None] | None] = ContextVar(
    "autograd_lite_comparison_hook", default=None
)
"""Called on every Value comparison while set: `ag.compile` refuses branches on Values."""


def _check_comparison(value: Value, symbol: str, other: Operand) -> None:
    hook = comparison_hook.get()
    if hook is not None:
        hook(value, symbol, other)


# ---- recording: the hot path of every graph -----------------------------------


def _number(x: object, op: Op) -> float:
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real):
        return float(x)
    held = sum(isinstance(item, Value) for item in x) if isinstance(x, (list, tuple)) else 0
    if held:
        raise TypeError(
            f"{op.symbol}: expected a Value or a real number, got a {type(x).__name__} "
            f"holding {held} Values: reduce them to one first, e.g. ag.sum(outputs) or a "
            "loss of them (a layer with several neurons returns a list)"
        )
    raise TypeError(
        f"{op.symbol}: expected a Value or a real number, got {type(x).__name__}: {x!r}"
    )


_new = Value.__new__


def _split(items: tuple[Any, ...]) -> tuple[Any, Any]:
    """A node's parents (or local derivatives) as its two slots hold them."""
    if len(items) > 2:
        return None, items
    if len(items) == 2:
        return items[0], items[1]
    return (items[0], None) if items else (None, None)


def _node(
    data: float,
    op: Op,
    constants: tuple[float, ...],
    parents: tuple[Value, ...],
    local_grads: tuple[float, ...],
) -> Value:
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    node.op = op
    node._constants = constants
    # Many parents (`sum`, `dot`) without `_split`'s calls: most nodes of a network.
    if len(parents) > 2:
        node._parent_a = node._local_a = None
        node._parent_b = parents
        node._local_b = local_grads
    else:
        node._parent_a, node._parent_b = _split(parents)
        node._local_a, node._local_b = _split(local_grads)
    return node


def _leaf(data: float) -> Value:
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    node.op = None
    node._constants = ()
    node._parent_a = node._parent_b = node._local_a = node._local_b = None
    return node


def apply1(op: Op, x: Operand) -> Value:
    """Record `op(x)`. A number gives a leaf: there is nothing to differentiate."""
    if not isinstance(x, Value):
        return _leaf(op.forward(_number(x, op)))
    data = op.forward(x.data)
    if not _grad_enabled.get():
        return _leaf(data)
    # `_node` written out: this and `apply2` record nearly every node, and a call less
    # per node is a fifth of their time.
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    node.op = op
    node._constants = ()
    node._parent_a = x
    node._parent_b = None
    node._local_a = op.derivative(x.data, data)[0]
    node._local_b = None
    return node


def apply2(op: Op, a: Operand, b: Operand) -> Value:
    """Record `op(a, b)`; a number on either side is kept as a constant operand."""
    # `_node` written out, as in `apply1`: each case fills the slots itself.
    if isinstance(a, Value):
        if isinstance(b, Value):
            data = op.forward(a.data, b.data)
            if not _grad_enabled.get():
                return _leaf(data)
            node = _new(Value)
            node._local_a, node._local_b = op.derivative(a.data, b.data, data)
            node._parent_b = b
            node._constants = ()
        else:
            b = b if type(b) is float else _number(b, op)
            data = op.forward(a.data, b)
            if not _grad_enabled.get():
                return _leaf(data)
            node = _new(Value)
            node._local_a = op.derivative(a.data, b, data)[0]
            node._local_b = node._parent_b = None
            # The float alone stands for `(1, b)`: no tuple per node.
            node._constants = b
        node._parent_a = a
    else:
        a = a if type(a) is float else _number(a, op)
        if not isinstance(b, Value):
            return _leaf(op.forward(a, _number(b, op)))
        data = op.forward(a, b.data)
        if not _grad_enabled.get():
            return _leaf(data)
        node = _new(Value)
        node._local_a = op.derivative(a, b.data, data)[1]
        node._local_b = node._parent_b = None
        node._parent_a = b
        node._constants = (0, a)
    node.data = data
    node.grad = 0.0
    node.label = ""
    node.op = op
    return node


# The operators' recording, `apply2` for one op with its formulas pasted in: a Value
# with a float, a float with a Value, or two Values, recorded without calling the
# op's forward and derivative (two calls less per node, about a third of the
# time of `y * 1.0001`). The formulas are the op table's templates, as in
# `op.forward` and `op.derivative`, so the results are the same floats; any
# other operands (ints, no_grad, subclasses) go through `apply2`.
_RECORD_TEMPLATE = """
def record(a, b):
    kind_a = type(a)
    kind_b = type(b)
    if kind_a is Value and _grad_enabled.get():
        if kind_b is float:
            _0 = a.data
            _1 = b
            _out = FORWARD
            node = _new(Value)
            node._local_a = LOCAL_0
            node._parent_a = a
            node._local_b = node._parent_b = None
            node._constants = b
        elif kind_b is Value:
            _0 = a.data
            _1 = b.data
            _out = FORWARD
            node = _new(Value)
            node._local_a = LOCAL_0
            node._local_b = LOCAL_1
            node._parent_a = a
            node._parent_b = b
            node._constants = ()
        else:
            return apply2(op, a, b)
    elif kind_a is float and kind_b is Value and _grad_enabled.get():
        _0 = a
        _1 = b.data
        _out = FORWARD
        node = _new(Value)
        node._local_a = LOCAL_1
        node._parent_a = b
        node._local_b = node._parent_b = None
        node._constants = (0, a)
    else:
        return apply2(op, a, b)
    node.data = _out
    node.grad = 0.0
    node.label = ""
    node.op = op
    return node
"""


def _recorder(op: Op) -> Callable[[Operand, Operand], Value]:
    """`apply2(op, a, b)` with `op`'s formulas written into it (see above)."""
    fields = ("_0", "_1")
    source = (
        _RECORD_TEMPLATE.replace("FORWARD", op.forward_code.format(*fields))
        .replace("LOCAL_0", op.derivative_code[0].format(*fields, out="_out"))
        .replace("LOCAL_1", op.derivative_code[1].format(*fields, out="_out"))
    )
    names: dict[str, Any] = {
        **CODE_HELPERS, "Value": Value, "_new": _new, "_grad_enabled": _grad_enabled,
        "apply2": apply2, "op": op,
    }
    exec(source, names)
    record: Callable[[Operand, Operand], Value] = names["record"]
    return record


_record_add = _recorder(ADD)
_record_sub = _recorder(SUB)
_record_mul = _recorder(MUL)
_record_div = _recorder(DIV)
_record_pow = _recorder(POW)


def apply(op: Op, operands: Iterable[Operand], data: float | None = None) -> Value:
    """Record `op` over any number of operands (numbers kept as constants).

    `data`, when given, is the result already computed (derivative rules use
    it to record IEEE results, such as inf, where the forward would raise).
    """
    kept: tuple[Any, ...] = tuple(operands)
    # The common cases with C loops (map, count, slices) instead of Python code per
    # operand: every operand a Value (`sum`, `dot` of Values), or Values around one run
    # of floats (a neuron's `dot([*w, b], [*x, 1.0])`, with pixels as numbers too);
    # a 130-operand `dot` of the latter records in 60% of the time.
    kinds = list(map(type, kept))
    floats = kinds.count(float)
    values_count = kinds.count(Value)
    if values_count == len(kept):
        return _apply_values(op, kept, data)
    if floats and values_count + floats == len(kept):
        low = kinds.index(float)
        high = low + floats
        if floats == 1 or kinds[low:high].count(float) == floats:
            numbers = cast("tuple[float, ...]", kept[low:high])
            values = [x.data for x in kept[:low]]
            values += numbers
            if high < len(kept):
                values += [x.data for x in kept[high:]]
            if data is None:
                data = op.forward(*values)
            if not values_count or not _grad_enabled.get():
                return _leaf(data)
            local = op.derivative(*values, data)
            if floats == 1:
                constants: tuple[float, ...] = (low, numbers[0])
            else:
                # (place, number, place, number ...), by two slice assignments.
                flat = [0.0] * (2 * floats)
                flat[::2] = range(low, high)
                flat[1::2] = numbers
                constants = tuple(flat)
            parents = cast("tuple[Value, ...]", kept[:low] + kept[high:])
            return _node(data, op, constants, parents, local[:low] + local[high:])
    return _apply_any(op, kept, data)


def _apply_values(op: Op, parents: tuple[Value, ...], data: float | None) -> Value:
    """`apply` when every operand is a Value."""
    values = [x.data for x in parents]
    if data is None:
        data = op.forward(*values)
    if not parents or not _grad_enabled.get():
        return _leaf(data)
    return _node(data, op, (), parents, op.derivative(*values, data))


def _apply_any(op: Op, kept: tuple[Any, ...], data: float | None) -> Value:
    """`apply` for any operands: numbers of any type, Values of a subclass, wrong types."""
    places = [i for i, x in enumerate(kept) if not isinstance(x, Value)]
    if not places:
        return _apply_values(op, kept, data)
    # Check and convert the numbers, keep them with their places (not one entry per
    # operand), and drop their places from the parents and the derivatives.
    values = [x.data if isinstance(x, Value) else x for x in kept]
    constants: list[float] = []
    for place in places:
        number = values[place]
        if type(number) is not float:
            number = values[place] = _number(number, op)
        constants += (place, number)
    if data is None:
        data = op.forward(*values)
    if len(places) == len(kept) or not _grad_enabled.get():
        return _leaf(data)
    parents_and_numbers = list(kept)
    local = list(op.derivative(*values, data))
    for place in reversed(places):
        del parents_and_numbers[place], local[place]
    parents = cast("tuple[Value, ...]", tuple(parents_and_numbers))
    return _node(data, op, tuple(constants), parents, tuple(local))


# ---- the graph and the reverse sweep ---------------------------------------------
# These loops read the parent slots themselves rather than `parents`, which would
# build a tuple per node: a node with one or two parents is written out.


def _consumer_counts(root: Value, for_sweep: bool = False) -> dict[Value, int]:
    """Every node that `root` depends on, with the number of edges from its consumers.

    `for_sweep`: for `_sweep`, which needs no count for a leaf reached from a
    node of many parents; those are counted once (a neuron's weights, used by
    every sample of a batch, are most of the edges of a network's graph).
    """
    consumers = {root: 0}
    stack = [root]
    while stack:
        node = stack.pop()
        first = node._parent_a
        if first is None:
            many = node._parent_b
            if many is not None:
                for parent in many:
                    if parent in consumers:
                        if for_sweep and parent._parent_a is None and parent._parent_b is None:
                            continue
                        consumers[parent] += 1
                    else:
                        consumers[parent] = 1
                        stack.append(parent)
            continue
        if first in consumers:
            consumers[first] += 1
        else:
            consumers[first] = 1
            stack.append(first)
        second = node._parent_b
        if second is not None:
            if second in consumers:
                consumers[second] += 1
            else:
                consumers[second] = 1
                stack.append(second)
    return consumers


def topological_order(root: Value) -> list[Value]:
    """Every node that `root` depends on, each after all of its parents; `root` last.

    Iterative, so graph depth is limited by memory only, and deterministic:
    the order depends on the graph alone, never on ids or set order.
    """
    # Kahn's algorithm from the root: count each node's consumers inside the
    # graph, then place a node once all of its consumers are placed. It keeps
    # no per-node tuples or iterators alive, which keeps the garbage collector
    # quiet on big graphs.
    consumers = _consumer_counts(root)
    order = []
    ready = [root]
    while ready:
        node = ready.pop()
        order.append(node)
        for parent in node.parents:
            count = consumers[parent] - 1
            consumers[parent] = count
            if not count:
                ready.append(parent)
    order.reverse()
    return order


def _sweep(root: Value, consumers: dict[Value, int]) -> None:
    """`backpropagate` for floats from `root` alone, fused with `topological_order`.

    Kahn's algorithm takes a node once all of its consumers are taken, which is
    when its grad is complete: it is passed on to the parents right then. The
    nodes are visited in the order of `reversed(topological_order(root))`, so the
    sums are the same, bit for bit; `consumers` counts down to 1 on the way
    (but for leaves reached from a node of many parents, which are not counted down).
    """
    ready = [root]
    while ready:
        node = ready.pop()
        upstream = node.grad
        first = node._parent_a
        if first is None:
            many = node._parent_b
            if many is not None:
                for parent, local in zip(many, node._local_b):
                    parent.grad += local * upstream
                    # A leaf (a neuron's weight, most of a dot's parents) has nothing to
                    # pass on: no count to keep, no turn to take (the order is the same).
                    if parent._parent_a is None and parent._parent_b is None:
                        continue
                    count = consumers[parent]
                    if count == 1:
                        ready.append(parent)
                    else:
                        consumers[parent] = count - 1
            continue
        first.grad += node._local_a * upstream
        count = consumers[first]
        if count == 1:
            ready.append(first)
        else:
            consumers[first] = count - 1
        second = node._parent_b
        if second is not None:
            second.grad += node._local_b * upstream
            count = consumers[second]
            if count == 1:
                ready.append(second)
            else:
                consumers[second] = count - 1


def _gradient(gradient: object) -> float:
    if isinstance(gradient, numbers.Real) and not isinstance(gradient, Value):
        return float(gradient)
    raise TypeError(
        f"backward: expected a number as the gradient to start from, got "
        f"{type(gradient).__name__}: {gradient!r}"
    )


def topological_order_of(roots: Iterable[Value]) -> list[Value]:
    """Every node that any of `roots` depends on, each after all of its parents."""
    # The order of one node whose parents are the roots, without that node.
    top = _leaf(0.0)
    top._parent_a, top._parent_b = _split(tuple(roots))
    return topological_order(top)[:-1]


LocalGrads: TypeAlias = Callable[[Value], tuple[Any, ...]]
Chain: TypeAlias = Callable[[Any, Any], Any]
StepHook: TypeAlias = Callable[[Value, Value, Any, Any, Any, Any], None]


def backpropagate(
    order: list[Value],
    seeds: dict[Value, Any],
    local_grads: LocalGrads | None = None,
    chain: Chain | None = None,
    on_step: StepHook | None = None,
) -> None:
    """The reverse sweep: sum d(roots)/d(node) into the `.grad` of every node of `order`.

    `seeds` maps each root to its upstream gradient. The `.grad` fields are the
    sweep's table (lend them with `borrowed_grads`): 0.0 everywhere for floats,
    or None, so that a first contribution is taken as it is rather than added
    to 0.0 (`gradients(..., create_graph=True)` builds Values and wants no
    `0 + ...` nodes; it also passes its own `local_grads` and `chain`, which
    replace the stored floats and `local * upstream`).
    `on_step(node, parent, local, upstream, contribution, parent_total)` sees
    every chain-rule step as it is applied.
    """
    for root, seed in seeds.items():
        root.grad = seed
    if local_grads is None and chain is None and on_step is None:
        # The loop below for floats with nothing to report: the hot path.
        for node in reversed(order):
            upstream = node.grad
            first = node._parent_a
            if first is None:
                many = node._parent_b
                if many is not None:
                    for parent, local in zip(many, node._local_b):
                        parent.grad += local * upstream
                continue
            first.grad += node._local_a * upstream
            second = node._parent_b
            if second is not None:
                second.grad += node._local_b * upstream
        return
    _sweep_with_hooks(order, local_grads, chain, on_step)


# This loop builds objects (Values for create_graph, a trace's steps), which would
# make the collector walk the graph again and again. As a decorator, `gc_paused`
# ends the pause in its own frame, where nothing of this module runs in between.
@gc_paused()
def _sweep_with_hooks(
    order: list[Value],
    local_grads: LocalGrads | None,
    chain: Chain | None,
    on_step: StepHook | None,
) -> None:
    for node in reversed(order):
        parents = node.parents
        upstream = node.grad
        if not parents or upstream is None:
            continue
        locals_ = node.local_grads if local_grads is None else local_grads(node)
        for parent, local in zip(parents, locals_):
            contribution = local * upstream if chain is None else chain(local, upstream)
            previous: Any = parent.grad
            total = contribution if previous is None else previous + contribution
            parent.grad = total
            if on_step is not None:
                on_step(node, parent, local, upstream, contribution, total)


class BorrowedGrads:
    """The `.grad` fields of `order` lent to a sweep as its table: see `borrowed_grads`.

    `lend` sets them to `empty`, `give_back` ends the loan, `put_back` undoes it
    (every field gets its old value back), at any point: the old values are
    taken when the loan is made, before any field changes.
    """

    __slots__ = ("clean", "empty", "keep", "order", "previous")

    def __init__(self, order: list[Value], empty: float | None = 0.0, keep: bool = False) -> None:
        self.order = order
        self.empty = empty
        self.keep = keep
        self.previous: list[Any] = [node.grad for node in order]
        # Fields that already hold `empty` need no clearing and no restoring. count()
        # compares with ==, so a Value left in a field is never taken for a 0.0.
        self.clean = empty == 0.0 and self.previous.count(0.0) == len(self.previous)

    def lend(self) -> None:
        """Set every field to `empty`."""
        if not self.clean:
            empty = self.empty
            for node in self.order:
                node.grad = empty  # type: ignore[assignment]

    def give_back(self) -> None:
        """Every field's old value again, plus, with `keep`, what the sweep summed into it."""
        if self.keep:
            if not self.clean:
                for node, grad in zip(self.order, self.previous):
                    node.grad += grad
        else:
            self.put_back()

    def put_back(self) -> None:
        """Every field's old value again, whatever the loan had done to it."""
        for node, grad in zip(self.order, self.previous):
            node.grad = grad

    def __enter__(self) -> None:
        try:
            self.lend()
        except BaseException:
            self.put_back()
            raise

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        try:
            if kind is None:
                self.give_back()
            else:
                self.put_back()
        except BaseException:
            self.put_back()
            raise


def borrowed_grads(
    order: list[Value], empty: float | None = 0.0, keep: bool = False
) -> BorrowedGrads:
    """Lend the `.grad` fields of `order` to a sweep as its table, set to `empty`.

    A context manager: afterwards each field holds its old value again, plus,
    with `keep`, what the sweep summed into it (`backward` accumulates). If the
    block is interrupted (an error, Ctrl-C), every field gets its old value back;
    so it does if the clearing or the giving back is, since both run inside the
    protection. The one place no `with` can guard is the start of `__exit__`
    after a block that completed: a caller that must hold to the promise there
    too calls `lend`, the sweep and `give_back` in its own `try` and `put_back`
    in its `except`, as `Value.backward` does.
    """
    return BorrowedGrads(order, empty, keep)


def zero_grad(values: Iterable[Value]) -> None:
    """Set `grad` to 0.0 on each of `values`."""
    for value in values:
        value.grad = 0.0
