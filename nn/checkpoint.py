"""Checkpoint files: a model's architecture and weights as JSON, written atomically.

Layout: {"format": "autograd-lite-checkpoint", "version": 1, "model": class name,
"config": constructor arguments, "parameters": {dotted name: float}}. JSON writes
floats by repr, which reads back to the identical float.
"""

from __future__ import annotations

import contextlib
import json
import math
import numbers
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

FORMAT = "autograd-lite-checkpoint"
VERSION = 1


def write(
    path: str | Path, model: str, config: Mapping[str, Any], state: Mapping[str, float]
) -> None:
    """Save a checkpoint to `path`; a reader never sees a half-written file."""
    for name, value in state.items():
        if not math.isfinite(value):
            raise ValueError(
                f"cannot save parameter {name} = {value!r}: JSON holds finite numbers only"
            )
    document = {
        "format": FORMAT,
        "version": VERSION,
        "model": model,
        "config": dict(config),
        "parameters": dict(state),
    }
    text = json.dumps(document, indent=1, allow_nan=False)
    target = Path(path)
    # The temporary file lives in the target's directory so os.replace is a rename
    # within one file system, which is atomic. open(..., "x") rather than mkstemp,
    # so the checkpoint gets the usual permissions (umask), not owner-only.
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "x", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def read(path: str | Path, model: str) -> tuple[dict[str, Any], dict[str, float]]:
    """The (config, parameters) of the `model` checkpoint at `path`; ValueError if it is not one."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"), parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        # ValueError covers JSONDecodeError, UnicodeDecodeError, NaN/Infinity
        # and integers too long to parse; RecursionError, absurdly deep nesting.
        raise ValueError(
            f"{path}: not a valid JSON checkpoint (corrupt or truncated?): {error}"
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f'{path}: not an autograd-lite checkpoint (no "format": {FORMAT!r})')
    if document.get("version") != VERSION:
        raise ValueError(
            f"{path}: checkpoint version {document.get('version')!r} is not supported "
            f"(expected {VERSION})"
        )
    if document.get("model") != model:
        raise ValueError(
            f"{path}: checkpoint holds a {document.get('model')!r}, expected {model!r}"
        )
    config = document.get("config")
    parameters = document.get("parameters")
    if not isinstance(config, dict):
        raise ValueError(f'{path}: "config" must be an object, got {config!r}')
    if not isinstance(parameters, dict):
        raise ValueError(f'{path}: "parameters" must be an object of numbers')
    for name, value in parameters.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not _finite(value):
            raise ValueError(f"{path}: parameter {name} must be a finite number, got {value!r}")
    # No layer is wider than the model has parameters: checking this first keeps a
    # corrupt config from making `load` build an enormous model.
    for key, value in config.items():
        for size in value if isinstance(value, list) else [value]:
            if isinstance(size, int) and not isinstance(size, bool) and size > len(parameters):
                raise ValueError(
                    f'{path}: "config" asks for {key} = {size}, more than the '
                    f"{len(parameters)} parameters the file holds"
                )
    return config, parameters


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a finite number")


def _finite(value: numbers.Real) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer beyond the float range
        return False
