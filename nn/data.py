"""Data sets and batching: seeded toy generators in pure Python, the real 8x8 digits
(`load_digits`, packaged: no download), CSV reading.

Every generator returns (X, y): X a list of [x1, x2] points, y a list of int
labels. Binary sets (moons, circles, xor) label their classes 0 and 1; pass
`signed=True` (or call `signed_labels`) for -1/+1, as the hinge loss needs.
Multi-class sets (spirals, blobs) label classes 0 .. k-1. The same `seed`
gives the same data on every run and machine.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import math
import os
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TextIO, TypeVar, overload

Point = list[float]
Dataset = tuple[list[Point], list[int]]
T = TypeVar("T")
L = TypeVar("L")


def _check_count(name: str, value: object, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return value


def _check_noise(noise: float) -> float:
    if not noise >= 0:
        raise ValueError(f"noise must be a non-negative number, got {noise!r}")
    return float(noise)


def _linspace(start: float, stop: float, count: int) -> list[float]:
    if count == 1:
        return [start]
    return [start + (stop - start) * i / (count - 1) for i in range(count)]


def signed_labels(y: Sequence[int]) -> list[int]:
    """Map binary labels 0/1 to -1/+1."""
    for index, label in enumerate(y):
        if label not in (0, 1):
            raise ValueError(f"signed_labels: y[{index}] must be 0 or 1, got {label!r}")
    return [2 * label - 1 for label in y]


def _finish(
    points: list[Point], labels: list[int], noise: float, rng: random.Random, signed: bool
) -> Dataset:
    order = list(range(len(points)))
    rng.shuffle(order)
    X = [
        [x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)]
        for x, y in (points[i] for i in order)
    ]
    y = [labels[i] for i in order]
    return X, signed_labels(y) if signed else y


def make_moons(
    n: int = 100, noise: float = 0.0, seed: int | None = None, signed: bool = False
) -> Dataset:
    """Two interleaving half circles: the upper one is class 0, the lower one class 1.

    `noise` is the standard deviation of Gaussian noise added to each coordinate.
    """
    _check_count("n", n, 2)
    noise = _check_noise(noise)
    rng = random.Random(seed)
    upper, lower = n // 2, n - n // 2
    points = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, math.pi, upper)]
    points += [[1.0 - math.cos(t), 0.5 - math.sin(t)] for t in _linspace(0.0, math.pi, lower)]
    return _finish(points, [0] * upper + [1] * lower, noise, rng, signed)


def make_circles(
    n: int = 100,
    noise: float = 0.0,
    factor: float = 0.5,
    seed: int | None = None,
    signed: bool = False,
) -> Dataset:
    """A unit circle (class 0) around a circle of radius `factor` (class 1)."""
    _check_count("n", n, 2)
    noise = _check_noise(noise)
    if not 0 < factor < 1:
        raise ValueError(f"factor must be in (0, 1), got {factor!r}")
    rng = random.Random(seed)
    outer, inner = n // 2, n - n // 2
    points: list[Point] = []
    for count, radius in ((outer, 1.0), (inner, factor)):
        # Evenly spaced angles, the last one short of 2*pi so no point repeats.
        angles = [2 * math.pi * i / count for i in range(count)]
        points += [[radius * math.cos(t), radius * math.sin(t)] for t in angles]
    return _finish(points, [0] * outer + [1] * inner, noise, rng, signed)


def make_spirals(
    n: int = 300, classes: int = 3, noise: float = 0.2, seed: int | None = None
) -> Dataset:
    """`classes` interleaved spiral arms from the centre out to radius 1.

    Each arm turns through 4 radians; `noise` is the standard deviation of
    Gaussian noise added to each point's angle. Classes get n // classes points
    (the first n % classes classes one more).
    """
    _check_count("classes", classes, 2)
    _check_count("n", n, classes)
    noise = _check_noise(noise)
    rng = random.Random(seed)
    X: list[Point] = []
    y: list[int] = []
    for label in range(classes):
        count = n // classes + (1 if label < n % classes else 0)
        for radius, angle in zip(
            _linspace(0.0, 1.0, count), _linspace(4.0 * label, 4.0 * (label + 1), count)
        ):
            turned = angle + rng.gauss(0.0, noise)
            X.append([radius * math.sin(turned), radius * math.cos(turned)])
            y.append(label)
    order = list(range(len(X)))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


def make_xor(
    n: int = 4, noise: float = 0.0, seed: int | None = None, signed: bool = False
) -> Dataset:
    """The XOR truth table: point i is corner i % 4 of (0,0), (0,1), (1,0), (1,1).

    Labels are x1 XOR x2. With n=4 and no noise this is exactly the truth table,
    in that order; larger n repeats the corners, with Gaussian `noise` added.
    """
    _check_count("n", n, 1)
    noise = _check_noise(noise)
    rng = random.Random(seed)
    corners = [(0, 0), (0, 1), (1, 0), (1, 1)]
    X = [
        [corners[i % 4][0] + rng.gauss(0.0, noise), corners[i % 4][1] + rng.gauss(0.0, noise)]
        if noise
        else [float(corners[i % 4][0]), float(corners[i % 4][1])]
        for i in range(n)
    ]
    y = [corners[i % 4][0] ^ corners[i % 4][1] for i in range(n)]
    return X, signed_labels(y) if signed else y


def make_blobs(
    n: int = 100,
    centers: int | Sequence[Sequence[float]] = 3,
    std: float = 1.0,
    seed: int | None = None,
    box: tuple[float, float] = (-10.0, 10.0),
) -> Dataset:
    """Gaussian blobs of standard deviation `std`, one class per centre.

    `centers` is a list of [x1, x2] points, or a count of centres drawn uniformly
    from `box`. Points are dealt to the classes in turn (class i % k).
    """
    _check_count("n", n, 1)
    std = _check_noise(std)
    rng = random.Random(seed)
    if isinstance(centers, int):
        _check_count("centers", centers, 1)
        chosen = [[rng.uniform(*box), rng.uniform(*box)] for _ in range(centers)]
    else:
        chosen = [[float(c) for c in centre] for centre in centers]
        if not chosen or any(len(centre) != 2 for centre in chosen):
            raise ValueError(
                f"centers must be a non-empty list of [x1, x2] points, got {centers!r}"
            )
    y = [i % len(chosen) for i in range(n)]
    X = [
        [chosen[label][0] + rng.gauss(0.0, std), chosen[label][1] + rng.gauss(0.0, std)]
        for label in y
    ]
    return X, y


def make_flower(
    n: int = 400, noise: float = 0.2, petals: int = 4, seed: int | None = None
) -> Dataset:
    """The planar "flower" of Andrew Ng's deep-learning course: two classes of n/2 points.

    For class j (0 or 1) and i = 0 .. n/2 - 1, the angle is t = 3.12 (j + i / (n/2 - 1))
    plus Gaussian noise, the radius r = 4 sin(`petals` t) plus Gaussian noise, and the
    point is (r sin t, r cos t); `noise` (0.2 in the course) is both standard deviations.
    Points come class by class, as in the course (class 0 gets n // 2, class 1 the rest).
    """
    _check_count("n", n, 2)
    _check_count("petals", petals, 1)
    noise = _check_noise(noise)
    rng = random.Random(seed)
    X: list[Point] = []
    y: list[int] = []
    for label, count in enumerate((n // 2, n - n // 2)):
        for angle in _linspace(3.12 * label, 3.12 * (label + 1), count):
            t = angle + rng.gauss(0.0, noise)
            r = 4.0 * math.sin(petals * t) + rng.gauss(0.0, noise)
            X.append([r * math.sin(t), r * math.cos(t)])
            y.append(label)
    return X, y


DIGITS_RESOURCE = "datasets/digits.csv.gz"
DIGITS_ATTRIBUTION = (
    "Optical Recognition of Handwritten Digits (test set), E. Alpaydin and C. Kaynak, "
    "UCI Machine Learning Repository, 1998, https://doi.org/10.24432/C50P49, CC BY 4.0"
)


@functools.lru_cache(maxsize=1)
def _digits_rows() -> tuple[tuple[tuple[int, ...], int], ...]:
    """The 1,797 (pixels, label) rows of the packaged file, checked once."""
    resource = resources.files("nn") / DIGITS_RESOURCE
    try:
        text = gzip.decompress(resource.read_bytes()).decode("ascii")
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise OSError(
            f"nn/{DIGITS_RESOURCE} is missing or corrupt ({error}); reinstall autograd-lite"
        ) from None
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        cells = line.split(",")
        values = tuple(int(cell) for cell in cells) if all(c.isdigit() for c in cells) else ()
        if len(values) != 65 or max(values[:64]) > 16 or values[64] > 9:
            raise OSError(
                f"nn/{DIGITS_RESOURCE}, line {number}: expected 64 pixels in 0..16 and a label "
                "in 0..9; reinstall autograd-lite"
            )
        rows.append((values[:64], values[64]))
    if len(rows) != 1797:
        raise OSError(f"nn/{DIGITS_RESOURCE}: expected 1797 images, found {len(rows)}")
    return tuple(rows)


@overload
def load_digits(scale: bool = ..., test_size: None = ..., seed: int | None = ...) -> Dataset: ...


@overload
def load_digits(
    scale: bool = ..., *, test_size: float, seed: int | None = ...
) -> tuple[list[Point], list[Point], list[int], list[int]]: ...


def load_digits(
    scale: bool = False, test_size: float | None = None, seed: int | None = None
) -> Dataset | tuple[list[Point], list[Point], list[int], list[int]]:
    """The 1,797 real 8x8 handwritten digits: X rows of 64 pixels (row by row), y labels 0-9.

    The UCI "optdigits" test set (the one scikit-learn ships), packaged with
    autograd-lite: no download. Pixels count the ink in 4x4 blocks, 0 to 16;
    `scale=True` divides them by 16 into [0, 1]. With `test_size` (a fraction),
    returns `train_test_split(X, y, test_size, seed)`: (X_train, X_test, y_train,
    y_test). Licence and attribution: `DIGITS_ATTRIBUTION`.
    """
    divisor = 16.0 if scale else 1.0
    X = [[pixel / divisor for pixel in pixels] for pixels, _ in _digits_rows()]
    y = [label for _, label in _digits_rows()]
    if test_size is None:
        return X, y
    return train_test_split(X, y, test_size=test_size, seed=seed)


def train_test_split(
    X: Sequence[T],
    y: Sequence[L],
    test_size: float = 0.25,
    seed: int | None = None,
    shuffle: bool = True,
) -> tuple[list[T], list[T], list[L], list[L]]:
    """(X_train, X_test, y_train, y_test), with round(test_size * len(X)) test samples."""
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length, got {len(X)} and {len(y)}")
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be a fraction in (0, 1), got {test_size!r}")
    n_test = round(test_size * len(X))
    if not 0 < n_test < len(X):
        raise ValueError(
            f"test_size={test_size} of {len(X)} samples leaves an empty train or test set"
        )
    order = list(range(len(X)))
    if shuffle:
        random.Random(seed).shuffle(order)
    test, train = order[:n_test], order[n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def batches(
    X: Sequence[T], y: Sequence[L], batch_size: int, shuffle: bool = True, seed: int | None = None
) -> Iterator[tuple[list[T], list[L]]]:
    """Yield (X_batch, y_batch) pairs covering the data once; the last batch may be smaller."""
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length, got {len(X)} and {len(y)}")
    _check_count("batch_size", batch_size, 1)
    order = list(range(len(X)))
    if shuffle:
        random.Random(seed).shuffle(order)
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        yield [X[i] for i in chunk], [y[i] for i in chunk]


# Wider rows than this are refused before their cells are converted; see read_csv.
MAX_CSV_COLUMNS = 10_000


@dataclass(frozen=True)
class Table:
    """Rows of numbers read from a CSV file by `read_csv`.

    `rows[i]` came from line `lines[i]` of `source` (a path, or the name of a
    stream); `labels[i]` is that row's last cell as text when `read_csv` was asked
    for labels, else `labels` is None; `header` is the header row's cells, if any.
    """

    source: str
    lines: list[int]
    rows: list[list[float]]
    labels: list[str] | None = None
    header: list[str] | None = None

    @property
    def width(self) -> int:
        """The number of numeric columns of every row."""
        return len(self.rows[0])


def read_csv(
    source: str | os.PathLike[str] | TextIO,
    *,
    labels: bool = False,
    max_columns: int = MAX_CSV_COLUMNS,
    max_cells: int | None = None,
) -> Table:
    """Read a CSV file (a path, or an open text stream such as `sys.stdin`) of numbers.

    Blank lines are skipped; surrounding spaces and a UTF-8 byte-order mark are
    ignored. The first row is a header when none of its cells is a number. Every
    other row must have as many cells as the first, each a finite number, except
    that with `labels=True` the last cell of each row is kept as text in
    `Table.labels` (a class number or a class name). A row of more than
    `max_columns` cells is refused as soon as it is read, and so is a file of more
    than `max_cells` cells in all (no limit by default).

    Raises ValueError naming the source, line and column for malformed content,
    and OSError (FileNotFoundError, ...) when the file cannot be read.
    """
    _check_count("max_columns", max_columns, 1)
    if max_cells is not None:
        _check_count("max_cells", max_cells, 1)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        # utf-8-sig: spreadsheet programs start a CSV with a byte-order mark.
        with path.open(encoding="utf-8-sig", newline="") as file:
            return _read_table(file, str(path), labels, max_columns, max_cells)
    name = str(getattr(source, "name", "<stream>"))
    return _read_table(source, name, labels, max_columns, max_cells)


def _read_table(
    file: TextIO, name: str, labels: bool, max_columns: int, max_cells: int | None
) -> Table:
    rows = _csv_rows(file, name, max_columns, max_cells)
    header = None
    if rows and not any(_is_number(cell) for cell in rows[0][1]):
        header = rows.pop(0)[1]
    if not rows:
        raise ValueError(f"{name}: no data rows")
    width = len(rows[0][1])
    if labels and width < 2:
        raise ValueError(f"{name}: expected feature columns and a label column, got 1 column")
    numbers: list[list[float]] = []
    texts: list[str] = []
    for line, cells in rows:
        if len(cells) != width:
            raise ValueError(f"{name}, line {line}: expected {width} columns, got {len(cells)}")
        if labels:
            texts.append(cells.pop())
        numbers.append([_cell_number(name, line, i, cell) for i, cell in enumerate(cells)])
    return Table(name, [line for line, _ in rows], numbers, texts if labels else None, header)


def _csv_rows(
    file: TextIO, name: str, max_columns: int, max_cells: int | None
) -> list[tuple[int, list[str]]]:
    """(line number, stripped cells) of each non-blank row."""
    rows = []
    cells_read = 0
    try:
        reader = csv.reader(file, strict=True)
        for cells in reader:
            if len(cells) > max_columns:
                raise ValueError(
                    f"{name}, line {reader.line_num}: {len(cells)} columns, more than the "
                    f"limit of {max_columns}"
                )
            cells_read += len(cells)
            if max_cells is not None and cells_read > max_cells:
                raise ValueError(
                    f"{name}, line {reader.line_num}: more than the limit of {max_cells} cells"
                )
            stripped = [cell.strip() for cell in cells]
            if any(stripped):
                rows.append((reader.line_num, stripped))
    except UnicodeDecodeError:
        raise ValueError(f"{name}: not a text CSV file (it is not UTF-8)") from None
    except csv.Error as error:
        raise ValueError(f"{name}: malformed CSV: {error}") from None
    except io.UnsupportedOperation as error:
        raise ValueError(f"{name}: cannot be read as text: {error}") from None
    return rows


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _cell_number(name: str, line: int, column: int, cell: str) -> float:
    try:
        value = float(cell)
    except ValueError:
        raise ValueError(
            f"{name}, line {line}, column {column + 1}: {cell!r} is not a number"
        ) from None
    if not math.isfinite(value):
        raise ValueError(
            f"{name}, line {line}, column {column + 1}: expected a finite number, got {cell!r}"
        )
    return value
