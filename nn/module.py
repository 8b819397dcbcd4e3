"""Models made of Values: `Module`, and the `Neuron`, `Layer` and `MLP` built on it."""

from __future__ import annotations

import inspect
import json
import math
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Generic, NoReturn, TypeVar

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.scalars import is_int, is_number

from . import checkpoint, torch_bridge

Input = Value | float
ModuleT = TypeVar("ModuleT", bound="Module[Any]")
OutputT = TypeVar("OutputT")

ACTIVATIONS: dict[str, Callable[[Value], Value] | None] = {
    op.name: getattr(ag, op.name) for op in ag.OPS.values() if op.activation
} | {
    # None rather than an identity function: a linear unit adds no node to the graph.
    "linear": None,
}
"""Every activation of the op table by name, and "linear"."""
INITS = ("he", "xavier", "uniform")


class _ModuleType(type):
    """Runs after a module's whole `__init__`: records its arguments, labels its parameters."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        module = super().__call__(*args, **kwargs)
        # A submodule is constructed before its container; the container's pass
        # comes last and relabels the submodule's parameters with the full names.
        module._init_arguments = (args, kwargs)
        module.label_parameters()
        return module


class Module(Generic[OutputT], metaclass=_ModuleType):
    """Base class of models, in PyTorch's manners: subclasses define `forward(x)`.

    Calling a module checks the input (a sequence of Values or numbers; of
    length `nin` when the module has an int attribute `nin`), turns numbers
    into leaves labelled ``x[0]``, ``x[1]``, ..., and returns `forward(values)`.

    Parameters are found in the public attributes, in assignment order: a
    `Value`, a `Module` (its parameters, prefixed by the attribute name), or a
    list, tuple or str-keyed dict of those, nested to any depth. A set, or a
    dict key that is not a str, holding Values is refused (no stable name).
    Attributes whose name starts with "_" are private and not searched. A Value
    reachable twice (a shared weight) is one parameter, under its first name.

    After construction every parameter's `label` is its `named_parameters()`
    name (e.g. ``layers.0.neurons.3.w.1``), so drawn and traced graphs read in
    those names; a label you set yourself is kept. Each module also knows its
    path in the model (``layers.0.neurons.3``; "" for the outermost one), and
    calling it labels each output Value of `forward` (a Value, or those of a
    returned list or tuple) with that path, so a graph's nodes can be grouped
    by module (`autograd_lite.groups.find_groups`). Only an unlabelled interior
    node that is not one of the call's inputs gets the path: a leaf, an input
    passed through, or a label already set (by an inner module or by you) is
    kept, and the outermost module labels nothing. Call submodules as
    `module(x)`; calling `forward` directly skips the labelling. Call
    `label_parameters()` again after changing a module's structure.

    `save(path)` / `load(path)` rebuild a module from its `config()`: by
    default the arguments its constructor was called with, which must be
    JSON values (numbers, str, bool, None, lists, str-keyed dicts).
    """

    _init_arguments: tuple[tuple[Any, ...], dict[str, Any]]
    # The module's dotted path in its model, set by label_parameters (the outermost
    # container's pass comes last); "" at the top.
    _path: str = ""

    def forward(self, x: list[Value]) -> OutputT:
        """The module's output for the checked input Values `x`; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward(x)")

    def __call__(self, x: Sequence[Input]) -> OutputT:
        """`forward` of the input `x` (Values or numbers), checked."""
        nin = getattr(self, "nin", None)
        expected = nin if is_int(nin) else None
        inputs = as_inputs(x, expected, type(self).__name__)
        output = self.forward(inputs)
        if self._path:  # the one test on the hot path: the top module labels nothing
            _label_outputs(output, self._path, inputs)
        return output

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Value]]:
        """Yield (dotted name, parameter) pairs, e.g. ("layers.0.neurons.3.w.1", Value)."""
        return self._named_parameters(prefix, None)

    def _named_parameters(
        self, prefix: str, modules: list[tuple[str, Module[Any]]] | None
    ) -> Iterator[tuple[str, Value]]:
        # `modules`, when given, collects every submodule reached with its dotted path.
        seen: set[int] = set()
        for name, parameter in self._walk(prefix, set(), modules):
            if id(parameter) not in seen:
                seen.add(id(parameter))
                yield name, parameter

    def _walk(
        self, prefix: str, visiting: set[int], modules: list[tuple[str, Module[Any]]] | None
    ) -> Iterator[tuple[str, Value]]:
        if id(self) in visiting:
            raise ValueError(f"{type(self).__name__} contains itself (at {prefix or 'the top'})")
        visiting.add(id(self))
        for name, attribute in vars(self).items():
            if not name.startswith("_"):
                yield from _named(attribute, prefix + name, visiting, modules)
        visiting.discard(id(self))

    def parameters(self) -> list[Value]:
        """Every parameter, in the order of `named_parameters`."""
        return [parameter for _, parameter in self.named_parameters()]

    @property
    def num_parameters(self) -> int:
        """How many scalar parameters the module has."""
        return sum(1 for _ in self.named_parameters())

    def label_parameters(self) -> None:
        """Set each parameter's label to its name, keeping labels set by hand, and each
        submodule's path (the prefix of its parameters' names)."""
        modules: list[tuple[str, Module[Any]]] = [("", self)]
        for name, parameter in self._named_parameters("", modules):
            label = parameter.label
            if not label or name == label or name.endswith("." + label):
                parameter.label = name
        placed: set[int] = set()
        for path, module in modules:
            if id(module) in placed:
                continue  # a shared submodule keeps its first path, as its parameters do
            placed.add(id(module))
            # The parameters' rule, so that a path always prefixes its parameters' labels:
            # a container's pass extends the path a module was given alone, and a path
            # given by an outer container is kept when the module is labelled again alone.
            current = module._path
            if not current or path.endswith("." + current):
                module._path = path

    def zero_grad(self) -> None:
        """Set the grad of every parameter to 0.0."""
        ag.zero_grad(self.parameters())

    def config(self) -> dict[str, Any]:
        """The constructor keyword arguments that rebuild this architecture.

        By default, the arguments the module was constructed with, by name.
        """
        arguments = getattr(self, "_init_arguments", None)
        if arguments is None:
            raise NotImplementedError(
                f"{type(self).__name__} was not constructed normally; define config()"
            )
        args, kwargs = arguments
        try:
            # __init__'s own signature: the class's is the metaclass's (*args, **kwargs).
            bound = inspect.signature(type(self).__init__).bind(self, *args, **kwargs)
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"{type(self).__name__}: cannot record its arguments: {error}"
            ) from None
        config: dict[str, Any] = {}
        for name, value in list(bound.arguments.items())[1:]:
            kind = bound.signature.parameters[name].kind
            if kind is inspect.Parameter.VAR_POSITIONAL:
                if value:
                    raise TypeError(
                        f"{type(self).__name__} takes *{name}, which a checkpoint cannot "
                        "name; define config() returning keyword arguments"
                    )
            elif kind is inspect.Parameter.VAR_KEYWORD:
                config.update(value)
            else:
                config[name] = value
        return config

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
            if not is_number(value):
                raise ValueError(
                    f"load_state_dict: {name} must be a number, got {type(value).__name__}: "
                    f"{value!r}"
                )
        for name, parameter in named.items():
            parameter.data = float(state[name])

    def save(self, path: str | Path) -> None:
        """Write architecture and weights to `path` as JSON, atomically."""
        config = self.config()
        try:
            json.dumps(config, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"cannot save {type(self).__name__}: its config() {config!r} is not plain "
                f"JSON ({error}); define config() returning numbers, str, lists and dicts"
            ) from None
        checkpoint.write(path, type(self).__name__, config, self.state_dict())

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


def _label_outputs(output: object, path: str, inputs: list[Value]) -> None:
    for value in output if isinstance(output, (list, tuple)) else (output,):
        # `in` compares Values by identity: an input passed through is not this module's node.
        if (
            isinstance(value, Value)
            and value.op is not None
            and not value.label
            and value not in inputs
        ):
            value.label = path


def _named(
    attribute: object,
    name: str,
    visiting: set[int],
    modules: list[tuple[str, Module[Any]]] | None,
) -> Iterator[tuple[str, Value]]:
    if isinstance(attribute, Value):
        yield name, attribute
    elif isinstance(attribute, Module):
        if modules is not None:
            modules.append((name, attribute))
        yield from attribute._walk(name + ".", visiting, modules)
    elif isinstance(attribute, (list, tuple)):
        for index, item in enumerate(attribute):
            yield from _named(item, f"{name}.{index}", visiting, modules)
    elif isinstance(attribute, dict):
        for key, item in attribute.items():
            if not isinstance(key, str) or "." in key or not key:
                if _holds_parameters(item):
                    raise TypeError(
                        f"{name}: parameters in a dict need non-empty str keys without '.', "
                        f"got key {key!r}"
                    )
                continue
            yield from _named(item, f"{name}.{key}", visiting, modules)
    elif isinstance(attribute, (set, frozenset)) and _holds_parameters(attribute):
        raise TypeError(
            f"{name}: parameters in a {type(attribute).__name__} have no stable order or "
            "name; keep them in a list, tuple or dict"
        )


def _holds_parameters(item: object) -> bool:
    if isinstance(item, (Value, Module)):
        return True
    if isinstance(item, (list, tuple, set, frozenset)):
        return any(_holds_parameters(element) for element in item)
    if isinstance(item, dict):
        return any(_holds_parameters(element) for element in item.values())
    return False


def _check_choice(kind: str, value: object, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ValueError(f"{kind} must be one of {', '.join(choices)}; got {value!r}")


def _check_size(name: str, value: object) -> int:
    if not is_int(value) or value < 1:
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


def as_inputs(x: Sequence[Input], expected: int | None, where: str) -> list[Value]:
    """`x` as Values, numbers becoming leaves labelled x[i]; ValueError unless it has
    `expected` items (any number when `expected` is None)."""
    if isinstance(x, (Value, str)) or not isinstance(x, Sequence):
        count = "a sequence of inputs" if expected is None else f"a sequence of {expected} inputs"
        raise TypeError(f"{where}: expected {count}, got {x!r}")
    if expected is not None and len(x) != expected:
        raise ValueError(f"{where}: expected {expected} inputs, received {len(x)}")
    return [
        item if isinstance(item, Value) else Value(_input_number(item, where), f"x[{index}]")
        for index, item in enumerate(x)
    ]


def _input_number(item: object, where: str) -> float:
    if not is_number(item):
        raise TypeError(f"{where}: inputs must be Values or numbers, got {item!r}")
    return float(item)


class Neuron(Module[Value]):
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

    def forward(self, x: list[Value]) -> Value:
        """The neuron's output for the `nin` input Values `x`."""
        # One dot node with the bias folded in: dot([*w, b], [*x, 1.0]), the 1.0 a constant.
        total = ag.dot([*self.w, self.b], [*x, 1.0])
        nonlinearity = self._nonlinearity
        return total if nonlinearity is None else nonlinearity(total)

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


class Outputs(list[Value]):
    """A layer's outputs: a list of Values, one per neuron.

    Only one Value can start backward; asked to, the list says how to get one.
    """

    def backward(self, gradient: float = 1.0) -> NoReturn:
        """Refused: a TypeError saying to reduce the outputs to one Value first."""
        raise TypeError(
            f"backward() starts from one Value, and these are {len(self)} outputs of a layer: "
            "reduce them to one first, e.g. ag.sum(outputs) or a loss such as "
            "nn.losses.cross_entropy(outputs, target)"
        )


class Layer(Module[list[Value]]):
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

    def forward(self, x: list[Value]) -> list[Value]:
        """The `nout` outputs for the `nin` input Values `x`."""
        outputs = Outputs(neuron.forward(x) for neuron in self.neurons)
        # What neuron(x) would label, without checking x again for each neuron; a
        # neuron's output is a new node (a leaf under no_grad, then left alone).
        for neuron, output in zip(self.neurons, outputs):
            if output.op is not None and not output.label:
                output.label = neuron._path
        return outputs

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class MLP(Module[Value | list[Value]]):
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

    def forward(self, x: list[Value]) -> Value | list[Value]:
        """The outputs for the `nin` input Values `x`: a Value if the last layer has one unit."""
        values = x
        for layer in self.layers:
            # The layer's outputs are its neurons', which label them: nothing left to label.
            values = layer.forward(values)
        return values[0] if len(values) == 1 else values

    def to_torch(self) -> Any:
        """An equivalent float64 `torch.nn.Sequential`: per Layer a `Linear` (same weights)
        and its `ReLU`, `Tanh` or `Sigmoid`. PyTorch is optional: ImportError without it."""
        return torch_bridge.to_torch(self)

    @classmethod
    def from_torch(cls, module: Any) -> MLP:
        """The MLP equivalent to a `torch.nn.Sequential` of `Linear` layers, each optionally
        followed by `ReLU`, `Tanh`, `Sigmoid` or `Identity` (one kind for all hidden layers);
        ValueError naming the first part that has no equivalent."""
        config, weights = torch_bridge.read_sequential(module)
        model = cls(**config)
        for layer, (rows, biases) in zip(model.layers, weights):
            for neuron, row, bias in zip(layer.neurons, rows, biases):
                for parameter, value in zip(neuron.w, row):
                    parameter.data = float(value)
                neuron.b.data = float(bias)
        return model

    def __repr__(self) -> str:
        return (
            f"MLP({self.nin}, {self.sizes}, activation={self.activation!r}, "
            f"output_activation={self.output_activation!r})"
        )
