"""A user's own nn module that the module and group tests share."""

from __future__ import annotations

from typing import Any

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.nn import Layer, Module


class Block(Module[Value]):
    """scale * sum(hidden(x)): a user module holding a Layer and a parameter of its own."""

    def __init__(self, seed: int = 0) -> None:
        self.nin = 2
        self.hidden = Layer(2, 2, activation="tanh", seed=seed)
        self.scale = Value(2.0)

    def forward(self, x: Any) -> Value:
        return self.scale * ag.sum(self.hidden(x))
