"""Graduating to PyTorch: the two halves of `MLP.to_torch()` and `MLP.from_torch(module)`.

PyTorch is optional: these functions import it when called and, without it,
raise ImportError saying how to install it. They read and build layers by
duck typing, so this module does not import `nn.module` (which calls it).
"""

from __future__ import annotations

import importlib
import itertools
from typing import Any

TORCH_MISSING = (
    "this needs PyTorch, which autograd-lite does not install: pip install torch "
    "(CPU only: pip install torch --index-url https://download.pytorch.org/whl/cpu)"
)
# Our activation name -> the torch.nn class name of the same function.
ACTIVATION_MODULES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}


def import_torch() -> Any:
    """The torch module; ImportError naming how to install it when it is missing."""
    try:
        return importlib.import_module("torch")
    except ImportError:
        raise ImportError(TORCH_MISSING) from None


LayerWeights = tuple[list[list[float]], list[float]]


def to_torch(model: Any) -> Any:
    """A float64 `torch.nn.Sequential` computing what `model` computes, with its weights.

    Each Layer becomes `Linear(nin, nout)` (weight[j][i] = neurons[j].w[i], bias[j]
    = neurons[j].b) followed by `ReLU`, `Tanh` or `Sigmoid` (nothing for linear).
    The copy is independent: training it leaves `model` unchanged.
    """
    torch = import_torch()
    modules = []
    for layer in model.layers:
        linear = torch.nn.Linear(layer.nin, layer.nout, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(
                torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64)
            )
            linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
        modules.append(linear)
        if layer.activation != "linear":
            modules.append(getattr(torch.nn, ACTIVATION_MODULES[layer.activation])())
    return torch.nn.Sequential(*modules)


def read_sequential(module: Any) -> tuple[dict[str, Any], list[LayerWeights]]:
    """The MLP config and the (weights, biases) of each layer of a `torch.nn.Sequential` of
    `Linear` layers, each optionally followed by `ReLU`, `Tanh`, `Sigmoid` or `Identity`
    (the same one after every hidden layer); ValueError naming the first part that has
    no equivalent here."""
    torch = import_torch()
    if not isinstance(module, torch.nn.Sequential):
        raise TypeError(f"from_torch: expected a torch.nn.Sequential, got {type(module).__name__}")
    names = {cls: name for name, cls in ACTIVATION_MODULES.items()}
    linears: list[Any] = []
    activations: list[str] = []
    for index, part in enumerate(module):
        kind = type(part).__name__
        if isinstance(part, torch.nn.Linear):
            if part.bias is None:
                raise ValueError(f"from_torch: layer {index} is a Linear without bias")
            linears.append(part)
            activations.append("linear")
        elif kind in names or isinstance(part, torch.nn.Identity):
            if not linears or activations[-1] != "linear":
                raise ValueError(
                    f"from_torch: layer {index} ({kind}) must directly follow a Linear layer"
                )
            activations[-1] = names.get(kind, "linear")
        else:
            raise ValueError(
                f"from_torch: layer {index} is a {kind}; only Linear, ReLU, Tanh, Sigmoid and "
                "Identity have an equivalent here"
            )
    if not linears:
        raise ValueError("from_torch: the Sequential holds no Linear layer")
    hidden = set(activations[:-1])
    if len(hidden) > 1:
        raise ValueError(
            f"from_torch: hidden layers use different activations {sorted(hidden)}; an MLP uses one"
        )
    for index, (before, after) in enumerate(itertools.pairwise(linears)):
        if after.in_features != before.out_features:
            raise ValueError(
                f"from_torch: Linear {index + 1} reads {after.in_features} features, but "
                f"Linear {index} gives {before.out_features}"
            )
    config = {
        "nin": linears[0].in_features,
        "sizes": [linear.out_features for linear in linears],
        "activation": hidden.pop() if hidden else "relu",
        "output_activation": activations[-1],
    }
    weights = [
        (linear.weight.detach().double().tolist(), linear.bias.detach().double().tolist())
        for linear in linears
    ]
    return config, weights
