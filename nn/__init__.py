"""Neural networks built from autograd_lite Values: modules, losses, optimizers, data, training.

Import it as ``from autograd_lite import nn`` (like ``torch.nn``); ``nn.fit`` trains a model.
"""

from . import callbacks, data, functional, losses, optim, train
from .module import MLP, Layer, Module, Neuron
from .train import fit

__all__ = [
    "MLP", "Layer", "Module", "Neuron", "callbacks", "data", "fit", "functional", "losses",
    "optim", "train",
]
