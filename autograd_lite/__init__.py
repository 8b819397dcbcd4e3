"""autograd-lite: a scalar reverse-mode automatic differentiation engine in pure Python."""

import importlib
from typing import TYPE_CHECKING, Any

from autograd_lite.collector import gc_paused
from autograd_lite.engine import Value, topological_order, zero_grad
from autograd_lite.grad_mode import enable_grad, is_grad_enabled, no_grad
from autograd_lite.gradcheck import gradcheck
from autograd_lite.op_functions import (
    cos,
    dot,
    exp,
    leaky_relu,
    log,
    log1p,
    relu,
    sigmoid,
    sin,
    sqrt,
    sum,
    tanh,
)
from autograd_lite.ops import OPS, Op
from autograd_lite.transforms import (
    grad,
    gradients,
    hessian,
    hvp,
    jacobian,
    jvp,
    value_and_grad,
    vjp,
)

# Drawing, stepping and compiling load on first use, so that `import autograd_lite`
# costs only the engine (Graphviz, the stepper and the code generator are bigger).
_LAZY = {
    "Graph": "autograd_lite.render",
    "draw_graph": "autograd_lite.render",
    "Stepper": "autograd_lite.stepper",
    "BackwardStep": "autograd_lite.trace",
    "BackwardTrace": "autograd_lite.trace",
    "trace_backward": "autograd_lite.trace",
    "compile": "autograd_lite.compiler",
}

if TYPE_CHECKING:
    from autograd_lite.compiler import compile
    from autograd_lite.render import Graph, draw_graph
    from autograd_lite.stepper import Stepper
    from autograd_lite.trace import BackwardStep, BackwardTrace, trace_backward


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'autograd_lite' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "OPS",
    "BackwardStep",
    "BackwardTrace",
    "Graph",
    "Op",
    "Stepper",
    "Value",
    "compile",
    "cos",
    "dot",
    "draw_graph",
    "enable_grad",
    "exp",
    "gc_paused",
    "grad",
    "gradcheck",
    "gradients",
    "hessian",
    "hvp",
    "is_grad_enabled",
    "jacobian",
    "jvp",
    "leaky_relu",
    "log",
    "log1p",
    "no_grad",
    "relu",
    "sigmoid",
    "sin",
    "sqrt",
    "sum",
    "tanh",
    "topological_order",
    "trace_backward",
    "value_and_grad",
    "vjp",
    "zero_grad",
]
__version__ = "0.1.0"
