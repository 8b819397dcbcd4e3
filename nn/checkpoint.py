"""Checkpoint files: a model's architecture and weights as JSON, written atomically.

Layout: {"format": "autograd-lite-checkpoint", "version": 1, "model": class name,
"config": constructor arguments, "parameters": {dotted name: float}}, and optionally
"classes": the names of the classes a classifier's outputs stand for. "version" must be
the JSON integer 1 (not true, not 1.0); class names must be text (no lone surrogates,
which no UTF-8 output can hold), when saved and when read. JSON writes floats by repr,
which reads back to the identical float. Files are written through
`autograd_lite.atomic_write` (atomic replacement, only regular files replaced).
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from autograd_lite import atomic_write
from autograd_lite.scalars import is_int, is_number

FORMAT = "autograd-lite-checkpoint"
VERSION = 1
# About 30 bytes a parameter: room for models of millions of scalar parameters, and a
# bound on what a mistaken path (a huge file, /dev/zero) can make `load` read.
MAX_BYTES = 256 * 2**20


def encode(
    model: str,
    config: Mapping[str, Any],
    state: Mapping[str, float],
    classes: Sequence[str] | None = None,
) -> str:
    """The JSON text of a checkpoint; ValueError for a parameter JSON cannot hold."""
    for name, value in state.items():
        if not math.isfinite(value):
            raise ValueError(
                f"cannot save parameter {name} = {value!r}: JSON holds finite numbers only"
            )
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "model": model,
        "config": dict(config),
        "parameters": dict(state),
    }
    if classes is not None:
        document["classes"] = _check_classes(
            "cannot save the checkpoint", [str(name) for name in classes]
        )
    return json.dumps(document, indent=1, allow_nan=False)


def write(
    path: str | Path,
    model: str,
    config: Mapping[str, Any],
    state: Mapping[str, float],
    classes: Sequence[str] | None = None,
) -> None:
    """Save a checkpoint to `path` atomically (see `autograd_lite.atomic_write`)."""
    atomic_write.write_text(path, encode(model, config, state, classes))


def read_classes(path: str | Path) -> list[str] | None:
    """The class names stored in the checkpoint at `path`, or None if it stores none."""
    document = _load_document(path)
    classes = document.get("classes") if isinstance(document, dict) else None
    if classes is None:
        return None
    if not isinstance(classes, list) or not all(isinstance(name, str) for name in classes):
        raise ValueError(f'{path}: "classes" must be a list of names, got {classes!r}')
    return _check_classes(str(path), classes)


def _check_classes(where: str, classes: list[str]) -> list[str]:
    """`classes`, if every name is text: a lone surrogate (such as "\\udce9", what a byte
    that was not UTF-8 becomes under errors="surrogateescape") cannot be printed."""
    for index, name in enumerate(classes):
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(
                f'{where}: class name {index} of "classes", {name!r}, is not text '
                "(it holds a lone surrogate: bytes that were not UTF-8)"
            ) from None
    return classes


def _load_document(path: str | Path) -> Any:
    with open(path, "rb") as file:
        data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValueError(f"{path}: more than {MAX_BYTES // 2**20} MiB, too large for a checkpoint")
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        # ValueError covers JSONDecodeError, UnicodeDecodeError, NaN/Infinity
        # and integers too long to parse; RecursionError, absurdly deep nesting.
        raise ValueError(
            f"{path}: not a valid JSON checkpoint (corrupt or truncated?): {error}"
        ) from None


def read(path: str | Path, model: str) -> tuple[dict[str, Any], dict[str, float]]:
    """The (config, parameters) of the `model` checkpoint at `path`; ValueError if it is not one."""
    document = _load_document(path)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f'{path}: not an autograd-lite checkpoint (no "format": {FORMAT!r})')
    version = document.get("version")
    # type(...) is int: true and 1.0 equal 1 in Python, but are not the version number.
    if type(version) is not int or version != VERSION:
        shown = json.dumps(version) if "version" in document else "(none)"
        raise ValueError(
            f"{path}: checkpoint version {shown} is not supported (expected {VERSION})"
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
        if not is_number(value) or not _finite(value):
            raise ValueError(f"{path}: parameter {name} must be a finite number, got {value!r}")
    # No layer is wider than the model has parameters: checking this first keeps a
    # corrupt config from making `load` build an enormous model.
    for key, value in config.items():
        for size in value if isinstance(value, list) else [value]:
            if is_int(size) and size > len(parameters):
                raise ValueError(
                    f'{path}: "config" asks for {key} = {size}, more than the '
                    f"{len(parameters)} parameters the file holds"
                )
    implied = _implied_parameter_count(model, config)
    if implied is not None and implied != len(parameters):
        # Counted before anything is built: a config that implies millions of weights
        # next to a few thousand numbers is refused in microseconds.
        difference = implied - len(parameters)
        mismatch = f"{difference} missing" if difference > 0 else f"{-difference} unexpected"
        raise ValueError(
            f'{path}: "config" {config!r} makes a {model} of {implied} parameters, but the '
            f"file holds {len(parameters)} ({mismatch})"
        )
    return config, parameters


def _implied_parameter_count(model: str, config: Mapping[str, Any]) -> int | None:
    """Weights plus biases of the built-in architectures; None for others or odd configs."""
    nin, nout, sizes = config.get("nin"), config.get("nout"), config.get("sizes")
    if not isinstance(nin, int) or not _is_count(nin):
        return None
    if model == "Neuron":
        return nin + 1
    if model == "Layer":
        return (nin + 1) * nout if isinstance(nout, int) and _is_count(nout) else None
    if model == "MLP" and isinstance(sizes, list) and all(_is_count(size) for size in sizes):
        widths: list[int] = [nin, *sizes]
        return sum((fan_in + 1) * fan_out for fan_in, fan_out in itertools.pairwise(widths))
    return None


def _is_count(value: object) -> bool:
    return is_int(value) and value >= 1


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a finite number")


def _finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer beyond the float range
        return False
