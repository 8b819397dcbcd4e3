"""What counts as a number or an int in an argument, and a number made a leaf Value.

A bool is an int to Python but never a number here: `True` passed as a learning rate or a
step number is a mistake, and is refused as one.
"""

from __future__ import annotations

import numbers
from typing import TypeGuard

from autograd_lite.engine import Operand, Value


def is_number(x: object) -> TypeGuard[float]:
    """True for a real number (int, float, Fraction, NumPy's scalars ...), False for a bool."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def is_int(x: object) -> TypeGuard[int]:
    """True for an int, False for a bool."""
    return isinstance(x, int) and not isinstance(x, bool)


def as_value(x: Operand) -> Value:
    """`x` if it is a Value, else a new leaf holding the number `x`."""
    return x if isinstance(x, Value) else Value(x)
