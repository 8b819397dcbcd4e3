"""Softmax and friends over a row of logits, stable for logits of any size."""

from __future__ import annotations

from collections.abc import Sequence

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.scalars import as_value

Logit = Value | float


def _as_values(row: Sequence[Logit], where: str) -> list[Value]:
    if isinstance(row, (Value, str)) or not isinstance(row, Sequence) or not row:
        raise ValueError(f"{where}: expected a non-empty sequence of logits, got {row!r}")
    return [as_value(z) for z in row]


def logsumexp(row: Sequence[Logit]) -> Value:
    """log(sum(exp(z) for z in row)), without overflow."""
    return _logsumexp(_as_values(row, "logsumexp"))


def _logsumexp(logits: list[Value]) -> Value:
    # Shifting by the largest logit keeps every exp in (0, 1]. The shift is a plain
    # number: lse(z) = m + lse(z - m) holds for every m, so its gradient is zero.
    shift = max(z.data for z in logits)
    return ag.log(ag.sum([ag.exp(z - shift) for z in logits])) + shift


def log_softmax(row: Sequence[Logit]) -> list[Value]:
    """log(softmax(row)), computed as z - logsumexp(row)."""
    logits = _as_values(row, "log_softmax")
    normalizer = _logsumexp(logits)
    return [z - normalizer for z in logits]


def softmax(row: Sequence[Logit]) -> list[Value]:
    """exp(z) / sum(exp(row)) for each z: probabilities that sum to 1."""
    logits = _as_values(row, "softmax")
    shift = max(z.data for z in logits)
    exponentials = [ag.exp(z - shift) for z in logits]
    total = ag.sum(exponentials)
    return [e / total for e in exponentials]


def softplus(z: Logit) -> Value:
    """log(1 + exp(z)), without overflow."""
    value = as_value(z)
    # Both branches are the same function, so either gives the right gradient;
    # each only ever exponentiates a non-positive number.
    # log1p keeps the tiny losses of confident predictions (softplus(-40) = 4.2e-18).
    if value.data > 0:
        return value + ag.log1p(ag.exp(-value))
    return ag.log1p(ag.exp(value))
