"""Running the `autograd-lite` command as a user does: a real process, text in and out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def command(
    *args: str, cwd: Path, stdin: str | None = None, timeout: float = 300, **options: object
) -> subprocess.CompletedProcess[str]:
    """`python -m autograd_lite ARGS...` in `cwd`, with its exit status, stdout and stderr."""
    return subprocess.run(
        [sys.executable, "-m", "autograd_lite", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        input=stdin,
        timeout=timeout,
        check=False,
        **options,  # type: ignore[call-overload]
    )
