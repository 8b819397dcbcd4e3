"""`gradcheck`: analytic gradients against central differences."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autograd_lite.engine import Value
from autograd_lite.functional import gradients
from autograd_lite.grad_mode import no_grad


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
) -> bool:
    """Check `f`'s gradient at `inputs` against central differences.

    Returns True when |analytic - numeric| <= atol + rtol * |numeric| for
    every input; otherwise raises AssertionError listing each input's
    analytic and numeric derivative.
    """
    if eps <= 0:
        raise ValueError(f"gradcheck: eps must be positive, got {eps!r}")
    point = [float(x) for x in inputs]
    leaves = [Value(x) for x in point]
    analytic = gradients(f(*leaves), leaves)
    numeric = []
    with no_grad():
        for i in range(len(point)):
            up = [Value(x + eps if j == i else x) for j, x in enumerate(point)]
            down = [Value(x - eps if j == i else x) for j, x in enumerate(point)]
            numeric.append((f(*up).data - f(*down).data) / (2 * eps))
    rows = []
    failed = False
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        ok = abs(a - n) <= atol + rtol * abs(n)
        failed = failed or not ok
        mark = "" if ok else "  <- mismatch"
        rows.append(f"  input {i} = {point[i]!r}: analytic {a!r}, numeric {n!r}{mark}")
    if failed:
        raise AssertionError("gradcheck failed:\n" + "\n".join(rows))
    return True
