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
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO, TextIO, TypeVar, cast, overload

from autograd_lite.scalars import is_int

Point = list[float]
Dataset = tuple[list[Point], list[int]]
T = TypeVar("T")
L = TypeVar("L")


def _check_count(name: str, value: object, minimum: int = 1) -> int:
    if not is_int(value) or value < minimum:
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
    resource = resources.files(__package__) / DIGITS_RESOURCE
    where = f"autograd_lite/nn/{DIGITS_RESOURCE}"
    try:
        text = gzip.decompress(resource.read_bytes()).decode("ascii")
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise OSError(
            f"{where} is missing or corrupt ({error}); reinstall autograd-lite"
        ) from None
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        cells = line.split(",")
        values = tuple(int(cell) for cell in cells) if all(c.isdigit() for c in cells) else ()
        if len(values) != 65 or max(values[:64]) > 16 or values[64] > 9:
            raise OSError(
                f"{where}, line {number}: expected 64 pixels in 0..16 and a label "
                "in 0..9; reinstall autograd-lite"
            )
        rows.append((values[:64], values[64]))
    if len(rows) != 1797:
        raise OSError(f"{where}: expected 1797 images, found {len(rows)}")
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


# read_csv's default limits, the command line's, checked while the file is read. A
# number costs about 80 bytes in the table (a float object and its place in a row; rows
# of two, with their line numbers), so 2,000,000 cells take about 165 MB.
MAX_CSV_COLUMNS = 10_000
MAX_CSV_CELLS = 2_000_000
MAX_CSV_BYTES = 64 * 2**20


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
    source: str | os.PathLike[str] | TextIO | BinaryIO,
    *,
    labels: bool = False,
    max_columns: int = MAX_CSV_COLUMNS,
    max_cells: int | None = MAX_CSV_CELLS,
    max_bytes: int | None = MAX_CSV_BYTES,
) -> Table:
    """Read a CSV file of numbers: a path, or an open stream (`sys.stdin`, `sys.stdin.buffer`).

    A path or a binary stream is read as UTF-8 (a byte-order mark, as spreadsheet
    programs write, is ignored); bytes that are not UTF-8 are a ValueError. Blank
    lines are skipped and surrounding spaces ignored. The first row is a header
    when none of its cells is a number. Every other row must have as many cells as
    the first, each a finite number written in plain ASCII: an optional sign,
    digits with an optional decimal point, an optional exponent (`-1.5`, `2e-3`,
    `.5`); `1_000`, `inf`, `nan` and Arabic-Indic or fullwidth digits, all of
    which `float` reads, are refused (see `plain_number`). With `labels=True` the
    last cell of each row is kept as text in `Table.labels` (a class number or a
    class name); a cell that is not text (a lone surrogate, from bytes that were
    not UTF-8 in a stream decoded with errors="surrogateescape") is refused.

    The file is read a line at a time, each row turned into floats as it comes: the
    table, about 80 bytes a number, is most of the memory used. Limits, each
    refused as soon as it is passed: a row of more than `max_columns` cells
    (10,000), more than `max_cells` cells in all (2,000,000), more than
    `max_bytes` bytes of a path or binary stream, or characters of a text
    stream (64 MiB); `None` lifts the last two.

    Raises ValueError naming the source, line and column for malformed content,
    and OSError (FileNotFoundError, ...) when the file cannot be read.
    """
    _check_count("max_columns", max_columns, 1)
    if max_cells is not None:
        _check_count("max_cells", max_cells, 1)
    if max_bytes is not None:
        _check_count("max_bytes", max_bytes, 1)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        with open(path, "rb", buffering=0) as binary:
            return _read_bytes(binary, str(path), labels, max_columns, max_cells, max_bytes)
    name = str(getattr(source, "name", "<stream>"))
    if isinstance(source, (io.RawIOBase, io.BufferedIOBase)):
        return _read_bytes(source, name, labels, max_columns, max_cells, max_bytes)
    return _read_table(cast(TextIO, source), name, labels, max_columns, max_cells, max_bytes)


def _read_bytes(
    binary: BinaryIO | io.RawIOBase | io.BufferedIOBase,
    name: str,
    labels: bool,
    max_columns: int,
    max_cells: int | None,
    max_bytes: int | None,
) -> Table:
    """`_read_table` of UTF-8 bytes, at most `max_bytes` of them."""
    if max_bytes is not None and _regular_file_size(binary) > max_bytes:
        raise ValueError(_too_large(name, max_bytes))  # without reading the first 64 MiB
    counted = io.BufferedReader(_CountedBytes(binary, name, max_bytes))
    # utf-8-sig: spreadsheet programs start a CSV with a byte-order mark. Closing (or
    # collecting) this wrapper closes _CountedBytes only, never `binary`.
    text = io.TextIOWrapper(counted, encoding="utf-8-sig", errors="strict", newline="")
    return _read_table(text, name, labels, max_columns, max_cells, None)


def _regular_file_size(binary: BinaryIO | io.RawIOBase | io.BufferedIOBase) -> int:
    """The bytes left in `binary` if it is a regular file, else 0 (a pipe, a device, memory)."""
    try:
        status = os.fstat(binary.fileno())
        return status.st_size - binary.tell() if stat.S_ISREG(status.st_mode) else 0
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        return 0


class _CountedBytes(io.RawIOBase):
    """The bytes of `source`, a ValueError once more than `limit` of them have been read."""

    def __init__(
        self, source: BinaryIO | io.RawIOBase | io.BufferedIOBase, name: str, limit: int | None
    ) -> None:
        super().__init__()
        self._source = source
        self._name = name
        self._limit = limit
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        wanted = len(memoryview(buffer))
        if self._limit is not None:
            wanted = min(wanted, self._limit + 1 - self._count)
        data = (self._source.read(wanted) if wanted > 0 else b"") or b""
        size = len(data)
        memoryview(buffer)[:size] = data
        self._count += size
        if self._limit is not None and self._count > self._limit:
            raise ValueError(_too_large(self._name, self._limit))
        return size


def _too_large(name: str, limit: int) -> str:
    size = f"{limit // 2**20} MiB" if limit % 2**20 == 0 else f"{limit} bytes"
    return f"{name}: more than the limit of {size} of text"


def _read_table(
    file: TextIO,
    name: str,
    labels: bool,
    max_columns: int,
    max_cells: int | None,
    max_chars: int | None,
) -> Table:
    """Parse `file` row by row into a Table; see read_csv."""
    # Physical lines read, and how many of them the rows returned so far ended at:
    # equal when the next line starts a new row (not the rest of a quoted line break).
    lines_read = rows_end = 0

    def physical_lines() -> Iterator[str]:
        nonlocal lines_read
        chars = 0
        while True:
            if max_chars is None:
                line = file.readline()
            else:
                line = file.readline(max_chars + 1 - chars)
                chars += len(line)
                if chars > max_chars:
                    raise ValueError(_too_large(name, max_chars))
            if not line:
                return
            lines_read += 1
            # A line of a million commas would become a million strings before the
            # column limit saw the row: a plain line (no quotes) is counted first.
            if lines_read == rows_end + 1 and line.count(",") >= max_columns and '"' not in line:
                raise _too_wide(name, lines_read, line.count(",") + 1, max_columns)
            yield line

    header: list[str] | None = None
    line_numbers: list[int] = []
    rows: list[list[float]] = []
    texts: list[str] = []
    width = -1  # the cells of a row, set by the first one that is not a header
    cells_read = 0
    try:
        reader = csv.reader(physical_lines(), strict=True)
        for cells in reader:
            rows_end = line = reader.line_num
            if len(cells) > max_columns:
                raise _too_wide(name, line, len(cells), max_columns)
            cells_read += len(cells)
            if max_cells is not None and cells_read > max_cells:
                raise ValueError(f"{name}, line {line}: more than the limit of {max_cells} cells")
            stripped = [cell.strip() for cell in cells]
            if not any(stripped):
                continue
            for cell in stripped:
                if not cell.isascii():
                    _check_text(name, line, cell)
            if width < 0:
                if header is None and not rows and not any(map(reads_as_float, stripped)):
                    header = stripped
                    continue
                width = len(stripped)
                if labels and width < 2:
                    raise ValueError(
                        f"{name}: expected feature columns and a label column, got 1 column"
                    )
            if len(stripped) != width:
                raise ValueError(
                    f"{name}, line {line}: expected {width} columns, got {len(stripped)}"
                )
            if labels:
                texts.append(stripped.pop())
            rows.append(_numbers(name, line, stripped))
            line_numbers.append(line)
    except UnicodeDecodeError:
        raise ValueError(f"{name}: not a text CSV file (it is not UTF-8)") from None
    except csv.Error as error:
        raise ValueError(f"{name}: malformed CSV: {error}") from None
    except io.UnsupportedOperation as error:
        raise ValueError(f"{name}: cannot be read as text: {error}") from None
    if not rows:
        raise ValueError(f"{name}: no data rows")
    return Table(name, line_numbers, rows, texts if labels else None, header)


def _too_wide(name: str, line: int, columns: int, limit: int) -> ValueError:
    return ValueError(f"{name}, line {line}: {columns} columns, more than the limit of {limit}")


def _check_text(name: str, line: int, cell: str) -> None:
    """Refuse a cell holding a lone surrogate: bytes that were not UTF-8, let through by a
    text stream decoded with errors="surrogateescape" (as `sys.stdin` is)."""
    try:
        cell.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{name}, line {line}: not a text CSV file (it is not UTF-8)") from None


def reads_as_float(text: str) -> bool:
    """Whether `float` reads `text` (`1_000`, `inf` and other scripts' digits too): such
    a cell makes a first row data, not a header, and is no class name."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def plain_number(text: str) -> float | None:
    """The finite number `text` writes in plain ASCII (`-1.5`, `2e-3`), else None.

    What `read_csv` accepts in a cell: an optional sign, ASCII digits with an
    optional decimal point, an optional exponent. Not `1_000`, `inf`, `nan` or
    digits of other scripts, all of which `float` reads.
    """
    # `float` reads exactly these and, among ASCII strings without "_", also the
    # words inf, infinity and nan, which the finiteness check refuses.
    if not text.isascii() or "_" in text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _numbers(name: str, line: int, cells: list[str]) -> list[float]:
    """The cells of a row as floats; ValueError naming the line and column of a bad one."""
    joined = "".join(cells)
    if joined.isascii() and "_" not in joined:
        try:
            values = [float(cell) for cell in cells]
        except ValueError:
            pass
        else:
            if math.isfinite(sum(values)):
                return values[:]  # exactly sized: a comprehension's list has room to grow
    values = []
    for column, cell in enumerate(cells, start=1):
        value = plain_number(cell)
        if value is None:
            where = f"{name}, line {line}, column {column}"
            if reads_as_float(cell) and cell.isascii() and "_" not in cell:
                raise ValueError(f"{where}: expected a finite number, got {cell!r}")
            raise ValueError(
                f"{where}: {cell!r} is not a number (expected plain ASCII such as 3, -1.5 "
                "or 2e-3: digits 0-9, an optional sign, point and exponent)"
            )
        values.append(value)
    return values
