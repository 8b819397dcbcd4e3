"""Without PyTorch, to_torch and from_torch say how to install it (runs with or without torch)."""

import builtins
import sys

import pytest

from autograd_lite.nn import MLP


def test_without_torch_the_error_says_how_to_install_it(monkeypatch):
    real_import = builtins.__import__

    def no_torch(name, *args, **kwargs):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("No module named 'torch'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    with pytest.raises(ImportError, match=r"needs PyTorch.*pip install torch"):
        MLP(2, [1], seed=0).to_torch()
    with pytest.raises(ImportError, match=r"pip install torch"):
        MLP.from_torch(object())
