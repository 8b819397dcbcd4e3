"""Models made of Values: `Module`, and the `Neuron`, `Layer` and `MLP` built on it."""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import autograd_lite as ag
from autograd_lite import Value
from nn import checkpoint

Input = Value | float
ModuleT = TypeVar("ModuleT", bound="Module")

ACTIVATIONS: dict[str, Callable[[Value], Value] | None] = {
    "relu": ag.relu,
    "tanh": ag.tanh,
    "sigmoid": ag.sigmoid,
    # None rather than an identity function: a linear unit adds no node to the graph.
    "linear": None,
}
INITS = ("he", "xavier", "uniform")


class Module:
    """Base class of models: finds the parameters held in attributes and saves them.

    A parameter is a `Value` attribute, or an item of a list of Values. A
    submodule is a `Module` attribute, or an item of a list of Modules.
    Attributes are visited in assignment order, so the order is deterministic.
    Subclasses implement `config()`, the constructor arguments that rebuild them.
    """

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Value]]:
        """Yield (dotted name, parameter) pairs, e.g. ("layers.0.neurons.3.w.1", Value)."""
        for name, attribute in vars(self).items():
            if name.startswith("_"):
                continue
            if isinstance(attribute, list):
                for index, item in enumerate(attribute):
                    yield from _named(item, f"{prefix}{name}.{index}")
            else:
                yield from _named(attribute, prefix + name)

    def parameters(self) -> list[Value]:
        """Every parameter, in the order of `named_parameters`."""
        return [parameter for _, parameter in self.named_parameters()]

    @property
    def num_parameters(self) -> int:
        """How many scalar parameters the module has."""
        return sum(1 for _ in self.named_parameters())

    def zero_grad(self) -> None:
        """Set the grad of every parameter to 0.0."""
        ag.zero_grad(self.parameters())

    def __call__(self, x: Sequence[Input]) -> Value | list[Value]:
        """The module's output for the inputs `x` (Values or numbers)."""
        raise NotImplementedError(f"{type(self).__name__} does not define __call__")

    def config(self) -> dict[str, Any]:
        """The constructor keyword arguments that rebuild this architecture."""
        raise NotImplementedError(f"{type(self).__name__} does not define config()")

    def state_dict(self) -> dict[str, float]:
        """Parameter values by dotted name."""
        return {name: parameter.data for name, parameter in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, float]) -> None:
        """Set every parameter from `state`, which must hold exactly this module's names."""
        named = dict(self.named_parameters())
        missing = [name for name in named if name not in state]
        unexpected = [name for name in state if name not in named]
        if missing or unexpected:
            raise ValueError(
                f"load_state_dict: parameter names do not match {type(self).__name__}: "
                f"missing {missing[:5]}{'...' if len(missing) > 5 else ''}, "
                f"unexpected {unexpected[:5]}{'...' if len(unexpected) > 5 else ''}"
            )
        for name, value in state.items():
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise ValueError(
                    f"load_state_dict: {name} must be a number, got {type(value).__name__}: "
                    f"{value!r}"
                )
        for name, parameter in named.items():
            parameter.data = float(state[name])

    def save(self, path: str | Path) -> None:
        """Write architecture and weights to `path` as JSON, atomically."""
        checkpoint.write(path, type(self).__name__, self.config(), self.state_dict())

    @classmethod
    def load(cls: type[ModuleT], path: str | Path) -> ModuleT:
        """Rebuild a model from a file written by `save`; ValueError if it is not one."""
        config, state = checkpoint.read(path, cls.__name__)
        try:
            model = cls(**config)
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"{path}: invalid {cls.__name__} architecture {config!r}: {error}"
            ) from None
        try:
            model.load_state_dict(state)
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None
        return model


def _named(attribute: object, name: str) -> Iterator[tuple[str, Value]]:
    if isinstance(attribute, Value):
        yield name, attribute
    elif isinstance(attribute, Module):
        yield from attribute.named_parameters(name + ".")


def _check_choice(kind: str, value: object, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ValueError(f"{kind} must be one of {', '.join(choices)}; got {value!r}")


def _check_size(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return value


def _make_rng(seed: int | None, rng: random.Random | None) -> random.Random:
    if rng is not None and seed is not None:
        raise ValueError("give either seed or rng, not both")
    return rng if rng is not None else random.Random(seed)


def _initial_weight(init: str, nin: int, nout: int, rng: random.Random) -> float:
    if init == "he":
        return rng.gauss(0.0, math.sqrt(2.0 / nin))
    if init == "xavier":
        bound = math.sqrt(6.0 / (nin + nout))
        return rng.uniform(-bound, bound)
    return rng.uniform(-1.0, 1.0)


def as_inputs(x: Sequence[Input], expected: int, where: str) -> list[Value]:
    """`x` as Values (numbers become leaves, once); ValueError unless it has `expected` items."""
    if isinstance(x, (Value, str)) or not isinstance(x, Sequence):
        raise TypeError(f"{where}: expected a sequence of {expected} inputs, got {x!r}")
    if len(x) != expected:
        raise ValueError(f"{where}: expected {expected} inputs, received {len(x)}")
    return [item if isinstance(item, Value) else Value(_input_number(item, where)) for item in x]


def _input_number(item: object, where: str) -> float:
    if isinstance(item, bool) or not isinstance(item, numbers.Real):
        raise TypeError(f"{where}: inputs must be Values or numbers, got {item!r}")
    return float(item)


class Neuron(Module):
    """activation(w . x + b), the weighted sum recorded as one `dot` node."""

    def __init__(
        self,
        nin: int,
        activation: str = "relu",
        init: str = "he",
        seed: int | None = None,
        *,
        nout: int = 1,
        rng: random.Random | None = None,
    ) -> None:
        """`nout` is the width of the layer the neuron belongs to (used by xavier init)."""
        self.nin = _check_size("nin", nin)
        _check_choice("activation", activation, tuple(ACTIVATIONS))
        _check_choice("init", init, INITS)
        self.activation = activation
        self.init = init
        generator = _make_rng(seed, rng)
        self.w = [Value(_initial_weight(init, nin, nout, generator)) for _ in range(nin)]
        self.b = Value(0.0)
        self._nonlinearity = ACTIVATIONS[activation]

    def config(self) -> dict[str, Any]:
        """The constructor keyword arguments that rebuild this architecture."""
        return {"nin": self.nin, "activation": self.activation, "init": self.init}

    def __call__(self, x: Sequence[Input]) -> Value:
        """The neuron's output for the `nin` inputs `x` (Values or numbers)."""
        return self.forward(as_inputs(x, self.nin, "Neuron"), Value(1.0))

    def forward(self, x: list[Value], one: Value) -> Value:
        """The output for already-checked inputs; `one` is the shared leaf the bias multiplies."""
        total = ag.dot([*self.w, self.b], [*x, one])
        nonlinearity = self._nonlinearity
        return total if nonlinearity is None else nonlinearity(total)

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


class Layer(Module):
    """`nout` neurons reading the same `nin` inputs."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "relu",
        init: str = "he",
        seed: int | None = None,
        *,
        rng: random.Random | None = None,
    ) -> None:
        self.nin = _check_size("nin", nin)
        self.nout = _check_size("nout", nout)
        self.activation = activation
        self.init = init
        generator = _make_rng(seed, rng)
        self.neurons = [
            Neuron(nin, activation, init, nout=nout, rng=generator) for _ in range(nout)
        ]

    def config(self) -> dict[str, Any]:
        """The constructor keyword arguments that rebuild this architecture."""
        return {
            "nin": self.nin,
            "nout": self.nout,
            "activation": self.activation,
            "init": self.init,
        }

    def __call__(self, x: Sequence[Input]) -> list[Value]:
        """The `nout` outputs for the `nin` inputs `x` (Values or numbers)."""
        return self.forward(as_inputs(x, self.nin, "Layer"), Value(1.0))

    def forward(self, x: list[Value], one: Value) -> list[Value]:
        """The outputs for already-checked inputs; `one` is the leaf the biases multiply."""
        return [neuron.forward(x, one) for neuron in self.neurons]

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: `nin` inputs, then one Layer per entry of `sizes`.

    Hidden layers use `activation`, the last one `output_activation`. `init` is
    "he" (w ~ N(0, 2/fan_in)), "xavier" (Glorot uniform) or "uniform"
    (micrograd's w ~ U(-1, 1)); biases start at 0. The same `seed` gives the
    same weights on every run and machine.
    """

    def __init__(
        self,
        nin: int,
        sizes: Sequence[int],
        activation: str = "relu",
        output_activation: str = "linear",
        init: str = "he",
        seed: int | None = None,
    ) -> None:
        self.nin = _check_size("nin", nin)
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or not sizes:
            raise ValueError(f"sizes must be a non-empty list of layer widths, got {sizes!r}")
        self.sizes = [_check_size("each layer size", size) for size in sizes]
        _check_choice("activation", activation, tuple(ACTIVATIONS))
        _check_choice("output_activation", output_activation, tuple(ACTIVATIONS))
        _check_choice("init", init, INITS)
        self.activation = activation
        self.output_activation = output_activation
        self.init = init
        generator = random.Random(seed)
        widths = [nin, *self.sizes]
        last = len(self.sizes) - 1
        self.layers = [
            Layer(
                widths[i],
                widths[i + 1],
                output_activation if i == last else activation,
                init,
                rng=generator,
            )
            for i in range(len(self.sizes))
        ]

    def config(self) -> dict[str, Any]:
        """The constructor keyword arguments that rebuild this architecture."""
        return {
            "nin": self.nin,
            "sizes": list(self.sizes),
            "activation": self.activation,
            "output_activation": self.output_activation,
            "init": self.init,
        }

    def __call__(self, x: Sequence[Input]) -> Value | list[Value]:
        """The outputs for the `nin` inputs `x`: a Value if the last layer has one unit."""
        values = as_inputs(x, self.nin, "MLP")
        one = Value(1.0)
        for layer in self.layers:
            values = layer.forward(values, one)
        return values[0] if len(values) == 1 else values

    def __repr__(self) -> str:
        return (
            f"MLP({self.nin}, {self.sizes}, activation={self.activation!r}, "
            f"output_activation={self.output_activation!r})"
        )
