"""Gradients as return values: `gradients`, and JAX-style `grad` / `value_and_grad`."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

from autograd_lite.engine import Value, topological_order
from autograd_lite.grad_mode import enable_grad
from autograd_lite.ops import add, as_value, differentiable_local_grads

Argnums: TypeAlias = int | tuple[int, ...]


def gradients(
    output: Value, inputs: Sequence[Value], create_graph: bool = False
) -> tuple[Any, ...]:
    """d(output)/d(input) for each of `inputs`, leaving every `.grad` untouched.

    Floats by default. With `create_graph=True`, Values whose own graph can be
    differentiated again (for second and higher derivatives). An input that
    `output` does not depend on gets 0.0.
    """
    if not isinstance(output, Value):
        raise TypeError(f"gradients: output must be a Value, got {type(output).__name__}")
    for position, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(
                f"gradients: inputs[{position}] must be a Value, got {type(x).__name__}: {x!r}"
            )
    if create_graph:
        with enable_grad():
            return tuple(as_value(r) for r in _adjoints(output, inputs, create_graph))
    return tuple(float(r) for r in _adjoints(output, inputs, create_graph))


def _adjoints(output: Value, inputs: Sequence[Value], create_graph: bool) -> list[Any]:
    adjoints: dict[Value, Any] = {output: 1.0}
    for node in reversed(topological_order(output)):
        upstream = adjoints.get(node)
        if upstream is None or not node.parents:
            continue
        local_grads = differentiable_local_grads(node) if create_graph else node.local_grads
        for parent, local in zip(node.parents, local_grads):
            contribution = local * upstream
            previous = adjoints.get(parent)
            adjoints[parent] = contribution if previous is None else previous + contribution
    return [adjoints.get(x, 0.0) for x in inputs]


def value_and_grad(
    f: Callable[..., Value], argnums: Argnums = 0
) -> Callable[..., tuple[Any, Any]]:
    """Turn `f` into a function returning `(f(*args), gradient)`.

    The gradient is with respect to argument `argnums` (a tuple of gradients
    when `argnums` is a tuple). Called with numbers it returns floats; called
    with Values it returns Values, so `grad(grad(f))` gives second derivatives.
    """
    positions = (argnums,) if isinstance(argnums, int) else tuple(argnums)

    @functools.wraps(f)
    def wrapper(*args: Any) -> tuple[Any, Any]:
        for position in positions:
            if not -len(args) <= position < len(args):
                raise ValueError(
                    f"argnums {position} is out of range for {len(args)} positional argument(s)"
                )
        nested = any(isinstance(arg, Value) for arg in args)
        values = list(args)
        with enable_grad():
            for position in positions:
                argument = args[position]
                # A fresh node per differentiated argument, even for a Value:
                # the result is then the partial derivative for this argument
                # alone, not for every use of the same Value (say, one that an
                # enclosing `grad` closed over).
                if isinstance(argument, Value):
                    values[position] = add(argument, 0.0)
                else:
                    values[position] = as_value(argument, "grad")
            output = f(*values)
        if not isinstance(output, Value):
            raise TypeError(
                f"grad: the function must return a Value, got {type(output).__name__}: {output!r}"
            )
        grads = gradients(output, [values[p] for p in positions], create_graph=nested)
        result = output if nested else output.data
        return result, grads[0] if isinstance(argnums, int) else grads

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
