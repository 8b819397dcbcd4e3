"""Neural networks built from autograd_lite Values: modules, losses, optimizers, data, training."""

from nn import data, functional, losses, optim, train
from nn.module import MLP, Layer, Module, Neuron

__all__ = ["MLP", "Layer", "Module", "Neuron", "data", "functional", "losses", "optim", "train"]
