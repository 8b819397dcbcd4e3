"""Float arithmetic for the op table: IEEE results where Python raises, and domain checks.

Two families. The *total* functions follow IEEE 754 as PyTorch does (overflow
gives inf, 1/0 gives inf, a complex result gives nan): derivative rules use
them, because a derivative at a singular point is a value, not an error. The
*checked* functions are the forward formulas of the ops whose input has a
domain: they raise ValueError or ZeroDivisionError naming the op and the value.
"""

from __future__ import annotations

import math


def exp(x: float) -> float:
    """e ** x; inf past about 709.78."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def sin(x: float) -> float:
    """Sine; nan for inf (where math.sin raises)."""
    return math.sin(x) if math.isfinite(x) else math.nan


def cos(x: float) -> float:
    """Cosine; nan for inf (where math.cos raises)."""
    return math.cos(x) if math.isfinite(x) else math.nan


def log(x: float) -> float:
    """Natural logarithm; -inf at 0 and nan below, as IEEE (and PyTorch) have it."""
    if x > 0:
        return math.log(x)
    return -math.inf if x == 0 else math.nan


def divide(a: float, b: float) -> float:
    """a / b; ±inf or nan when b is 0."""
    if b:
        return a / b
    if a == 0 or math.isnan(a):
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _is_odd_integer(x: float) -> bool:
    return math.isfinite(x) and x.is_integer() and x % 2 == 1


def power(base: float, exponent: float) -> float:
    """base ** exponent; inf for 0 to a negative power, nan for a complex result."""
    try:
        result = base**exponent
    except ZeroDivisionError:
        return math.copysign(math.inf, base) if _is_odd_integer(exponent) else math.inf
    except OverflowError:
        return -math.inf if base < 0 and _is_odd_integer(exponent) else math.inf
    return result if isinstance(result, float) else math.nan


def sigmoid(x: float) -> float:
    """1 / (1 + e ** -x), never overflowing: only a non-positive number is exponentiated."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def sign(x: float) -> float:
    """1, -1, or 0 at 0 (PyTorch's abs'(0))."""
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0


def checked_divide(a: float, b: float) -> float:
    """a / b; ZeroDivisionError if b is 0."""
    if b == 0:
        raise ZeroDivisionError(f"division by zero: {a!r} / {b!r}")
    return a / b


def checked_power(base: float, exponent: float) -> float:
    """base ** exponent; ZeroDivisionError or ValueError where it has no real value."""
    if base == 0 and exponent < 0:
        raise ZeroDivisionError(f"**: 0.0 cannot be raised to the negative power {exponent!r}")
    if base < 0 and math.isfinite(exponent) and not exponent.is_integer():
        raise ValueError(
            f"**: negative base {base!r} with non-integer exponent {exponent!r} has no real value"
        )
    return power(base, exponent)


def checked_log(x: float) -> float:
    """Natural logarithm; ValueError unless x > 0."""
    if x <= 0:
        raise ValueError(f"log: expected a positive number, got {x!r}")
    return math.log(x)


def checked_log1p(x: float) -> float:
    """log(1 + x); ValueError unless x > -1."""
    if x <= -1:
        raise ValueError(f"log1p: expected a number greater than -1, got {x!r}")
    return math.log1p(x)


def checked_sqrt(x: float) -> float:
    """Square root; ValueError if x < 0."""
    if x < 0:
        raise ValueError(f"sqrt: expected a non-negative number, got {x!r}")
    return math.sqrt(x)
