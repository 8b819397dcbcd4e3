"""`gradcheck`: analytic gradients against central differences."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autograd_lite.engine import Value
from autograd_lite.grad_mode import no_grad
from autograd_lite.scalars import as_value, is_number
from autograd_lite.transforms import gradients


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float | Value],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
) -> bool:
    """Check `f`'s gradient at `inputs` against central differences.

    `f` is called with one Value per input. A number input becomes a new
    leaf; a Value input is used as it is, and is nudged in place (and put
    back) for the differences, so `gradcheck(lambda *p: loss(), model.parameters())`
    checks a model's parameters. Returns True when
    |analytic - numeric| <= atol + rtol * |numeric| for every input; otherwise
    raises AssertionError listing each input's analytic and numeric derivative.
    """
    if eps <= 0:
        raise ValueError(f"gradcheck: eps must be positive, got {eps!r}")
    leaves = []
    for position, x in enumerate(inputs):
        if not isinstance(x, Value) and not is_number(x):
            raise TypeError(
                f"gradcheck: inputs[{position}] must be a number or a Value, "
                f"got {type(x).__name__}: {x!r}"
            )
        leaves.append(as_value(x))
    analytic = gradients(f(*leaves), leaves)
    numeric = []
    with no_grad():
        for leaf in leaves:
            original = leaf.data
            try:
                leaf.data = original + eps
                up = f(*leaves).data
                leaf.data = original - eps
                down = f(*leaves).data
            finally:
                leaf.data = original
            numeric.append((up - down) / (2 * eps))
    rows = []
    failed = False
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        ok = abs(a - n) <= atol + rtol * abs(n)
        failed = failed or not ok
        mark = "" if ok else "  <- mismatch"
        name = f" ({leaves[i].label})" if leaves[i].label else ""
        rows.append(f"  input {i}{name} = {leaves[i].data!r}: analytic {a!r}, numeric {n!r}{mark}")
    if failed:
        raise AssertionError("gradcheck failed:\n" + "\n".join(rows))
    return True
