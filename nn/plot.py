"""Pictures of models and training: a decision boundary as a small hand-written SVG (no
plotting library), and matplotlib figures for notebooks (the optional `notebooks` extra)."""

from __future__ import annotations

import importlib
import io
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

# Light tints for the regions, strong colours for the points of the same class.
REGION_COLORS = ("#c6dbef", "#fcd5b5", "#c7e9c0", "#dadaeb", "#fdd0e6", "#e5e5e5")
POINT_COLORS = ("#2166ac", "#d6604d", "#238b45", "#6a51a3", "#c51b7d", "#525252")


@dataclass(frozen=True)
class _Frame:
    """Maps data coordinates in a square window onto a `size` x `size` picture."""

    left: float
    bottom: float
    span: float
    size: int

    def x(self, x1: float) -> float:
        return (x1 - self.left) / self.span * self.size

    def y(self, x2: float) -> float:
        # SVG's y axis points down; data's x2 axis points up.
        return (1.0 - (x2 - self.bottom) / self.span) * self.size


MARGIN_LEFT = 52
MARGIN_BOTTOM = 44
MARGIN_TOP = 10
MARGIN_RIGHT = 12
FONT = 'font-family="Helvetica, Arial, sans-serif"'


def decision_boundary_svg(
    points: Sequence[Sequence[float]],
    labels: Sequence[int],
    classify: Callable[[float, float], int],
    *,
    resolution: int = 96,
    size: int = 480,
    title: str = "",
    class_names: Sequence[str] | None = None,
) -> str:
    """An SVG document: the plane around `points`, coloured by the class `classify(x1, x2)`
    gives at each cell of a `resolution` x `resolution` grid, the boundary line between
    classes, and the points on top in the colour of their `labels`; with axes x[0] and
    x[1], ticks, a legend of the classes and `title` as the caption.

    Classes are indices 0, 1, 2, ...; `class_names[c]` names class c in the legend
    ("class c" by default). The regions are a nested `size` x `size` <svg>; the points
    are the document's <circle> children, one per point.
    """
    if not points or len(points) != len(labels):
        raise ValueError(
            f"decision_boundary_svg: expected equally many points and labels (at least one), "
            f"got {len(points)} and {len(labels)}"
        )
    if resolution < 1 or size < 1:
        raise ValueError(
            f"decision_boundary_svg: resolution and size must be >= 1, got {resolution} and {size}"
        )
    frame = _frame_around(points, size)
    cell = frame.span / resolution
    regions: list[str] = []
    grid: list[list[int]] = []
    for row in range(resolution):
        x2 = frame.bottom + (row + 0.5) * cell
        classes = [classify(frame.left + (col + 0.5) * cell, x2) for col in range(resolution)]
        grid.append(classes)
        regions.extend(_row_rectangles(classes, row, resolution, size))
    dots = [
        f'<circle cx="{MARGIN_LEFT + frame.x(x1):.2f}" cy="{MARGIN_TOP + frame.y(x2):.2f}" r="4.5" '
        f'fill="{_color(POINT_COLORS, label)}" stroke="#000" stroke-width="0.8"/>'
        for (x1, x2), label in zip(points, labels)
    ]
    classes_shown = sorted({int(label) for label in labels} | {c for row in grid for c in row})
    names = [
        class_names[c] if class_names is not None and c < len(class_names) else f"class {c}"
        for c in classes_shown
    ]
    width = MARGIN_LEFT + size + MARGIN_RIGHT
    height = MARGIN_TOP + size + MARGIN_BOTTOM + (22 if title else 0)
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f"<title>{escape(title or 'decision boundary')}</title>",
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<svg x="{MARGIN_LEFT}" y="{MARGIN_TOP}" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}">',
        # crispEdges: anti-aliasing would show hairline seams between grid cells.
        '<g shape-rendering="crispEdges">',
        *regions,
        "</g>",
        _boundary_path(grid, size),
        "</svg>",
        # The points are direct children of the document, one <circle> per sample.
        *dots,
        f'<svg x="{MARGIN_LEFT}" y="{MARGIN_TOP}" width="{size}" height="{size}">',
        *_legend(classes_shown, names, size),
        "</svg>",
        f'<rect x="{MARGIN_LEFT}" y="{MARGIN_TOP}" width="{size}" height="{size}" '
        'fill="none" stroke="#444"/>',
        *_axes(frame, size),
    ]
    if title:
        lines.append(
            f'<text class="caption" x="{MARGIN_LEFT + size / 2}" y="{height - 8}" '
            f'text-anchor="middle" {FONT} font-size="14">{escape(title)}</text>'
        )
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def _boundary_path(grid: list[list[int]], size: int) -> str:
    """The edges between grid cells of different classes, as one SVG path."""
    resolution = len(grid)
    cell = size / resolution
    segments = []
    for row in range(resolution):
        top = size - (row + 1) * cell
        for col in range(resolution):
            left = col * cell
            if col + 1 < resolution and grid[row][col] != grid[row][col + 1]:
                segments.append(f"M{left + cell:.2f} {top:.2f}v{cell:.2f}")
            if row + 1 < resolution and grid[row][col] != grid[row + 1][col]:
                segments.append(f"M{left:.2f} {top:.2f}h{cell:.2f}")
    return (
        f'<path class="boundary" d="{"".join(segments)}" fill="none" stroke="#222" '
        'stroke-width="1.6" stroke-linecap="square"/>'
    )


def _legend(classes: list[int], names: list[str], size: int) -> list[str]:
    """A box in the plot's top-right corner: one dot and name per class."""
    longest = max(len(name) for name in names)
    box_width = 34 + 7.5 * longest
    box_height = 8 + 18 * len(classes)
    left = size - box_width - 8
    lines = [
        f'<g class="legend"><rect x="{left:.1f}" y="8" width="{box_width:.1f}" '
        f'height="{box_height}" rx="4" fill="#fff" fill-opacity="0.9" stroke="#888"/>'
    ]
    for index, (label, name) in enumerate(zip(classes, names)):
        y = 8 + 13 + 18 * index
        lines.append(
            f'<circle cx="{left + 14:.1f}" cy="{y - 4}" r="5" fill="{_color(POINT_COLORS, label)}" '
            f'stroke="#000" stroke-width="0.8"/><text x="{left + 26:.1f}" y="{y}" {FONT} '
            f'font-size="13">{escape(name)}</text>'
        )
    lines.append("</g>")
    return lines


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (steps of 1, 2 or 5 times a power of ten) inside [low, high]."""
    if not high > low:
        return [low]
    raw = (high - low) / count
    power = 10.0 ** math.floor(math.log10(raw))
    # Of the nice steps around the raw one, the one giving closest to `count` intervals.
    step = min((m * power for m in (1, 2, 5, 10)), key=lambda c: abs((high - low) / c - count))
    first = math.ceil(low / step - 1e-9)
    ticks = []
    k = first
    while k * step <= high + step * 1e-9:
        ticks.append(round(k * step, 12) + 0.0)  # + 0.0 turns -0.0 into 0.0
        k += 1
    return ticks


def _axes(frame: _Frame, size: int) -> list[str]:
    """Ticks with their values below and left of the plot, and the axis names."""
    lines = ['<g class="axes" stroke="#444">']
    texts = []
    bottom = MARGIN_TOP + size
    for value in nice_ticks(frame.left, frame.left + frame.span):
        x = MARGIN_LEFT + frame.x(value)
        lines.append(f'<line x1="{x:.2f}" y1="{bottom}" x2="{x:.2f}" y2="{bottom + 5}"/>')
        texts.append(
            f'<text x="{x:.2f}" y="{bottom + 18}" text-anchor="middle" {FONT} '
            f'font-size="12">{value:g}</text>'
        )
    for value in nice_ticks(frame.bottom, frame.bottom + frame.span):
        y = MARGIN_TOP + frame.y(value)
        lines.append(f'<line x1="{MARGIN_LEFT - 5}" y1="{y:.2f}" x2="{MARGIN_LEFT}" y2="{y:.2f}"/>')
        texts.append(
            f'<text x="{MARGIN_LEFT - 8}" y="{y + 4:.2f}" text-anchor="end" {FONT} '
            f'font-size="12">{value:g}</text>'
        )
    lines.append("</g>")
    centre_y = MARGIN_TOP + size / 2
    texts.append(
        f'<text x="{MARGIN_LEFT + size / 2}" y="{bottom + 36}" text-anchor="middle" {FONT} '
        'font-size="13">x[0]</text>'
    )
    texts.append(
        f'<text x="14" y="{centre_y}" text-anchor="middle" {FONT} font-size="13" '
        f'transform="rotate(-90 14 {centre_y})">x[1]</text>'
    )
    return lines + texts


def _frame_around(points: Sequence[Sequence[float]], size: int) -> _Frame:
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    # A square window keeps the picture's aspect ratio true to the data.
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    padded = span * 1.2 + 0.5
    center_x = (max(xs) + min(xs)) / 2
    center_y = (max(ys) + min(ys)) / 2
    return _Frame(center_x - padded / 2, center_y - padded / 2, padded, size)


def _row_rectangles(classes: list[int], row: int, resolution: int, size: int) -> list[str]:
    """One rectangle per run of equal classes in a grid row, so the file stays small."""
    cell = size / resolution
    top = size - (row + 1) * cell
    rectangles = []
    start = 0
    for col in range(1, resolution + 1):
        if col == resolution or classes[col] != classes[start]:
            rectangles.append(
                f'<rect x="{start * cell:.2f}" y="{top:.2f}" width="{(col - start) * cell:.2f}" '
                f'height="{cell:.2f}" fill="{_color(REGION_COLORS, classes[start])}"/>'
            )
            start = col
    return rectangles


def _color(palette: tuple[str, ...], label: int) -> str:
    return palette[label % len(palette)]


# Matplotlib pictures for notebooks. matplotlib is the optional `notebooks` extra, so it
# is imported inside the functions that need it, never when nn.plot is imported.

MATPLOTLIB_MISSING = (
    "this picture needs matplotlib: pip install 'autograd-lite[notebooks]' "
    "(or pip install matplotlib)"
)


def _figure_class() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(MATPLOTLIB_MISSING) from None
    return Figure


def model_classifier(model: Any) -> Callable[[float, float], int]:
    """classify(x1, x2) -> class index of a 2-input model: argmax of several outputs, else
    1 when the single output is above 0 (0.5 for a sigmoid output)."""
    import autograd_lite as ag

    threshold = 0.5 if getattr(model, "output_activation", None) == "sigmoid" else 0.0

    def classify(x1: float, x2: float) -> int:
        with ag.no_grad():
            output = model([x1, x2])
        if isinstance(output, list):
            scores = [value.data for value in output]
            return max(range(len(scores)), key=scores.__getitem__)
        return int(output.data > threshold)

    return classify


def plot_decision_boundary(
    model: Any,
    X: Sequence[Sequence[float]],
    y: Sequence[int],
    ax: Any = None,
    resolution: int = 80,
    class_names: Sequence[str] | None = None,
) -> Any:
    """Draw a 2-input model's class regions, the boundary line between them and the
    labelled points (legend by class) on the matplotlib axes `ax` (a new figure if None)."""
    if ax is None:
        ax = _figure_class()(figsize=(5, 5)).subplots()
    frame = _frame_around(X, 1)
    steps = [i / (resolution - 1) for i in range(resolution)]
    xs = [frame.left + frame.span * t for t in steps]
    ys = [frame.bottom + frame.span * t for t in steps]
    classify = model_classifier(model)
    grid = [[classify(x1, x2) for x1 in xs] for x2 in ys]
    classes = sorted({int(label) for label in y} | {c for row in grid for c in row})
    levels = [c - 0.5 for c in classes] + [classes[-1] + 0.5]
    ax.contourf(xs, ys, grid, levels=levels, colors=[_color(REGION_COLORS, c) for c in classes])
    ax.contour(xs, ys, grid, levels=levels[1:-1], colors="#222", linewidths=1.2)
    for c in classes:
        points = [p for p, label in zip(X, y) if int(label) == c]
        if points:
            name = class_names[c] if class_names is not None else f"class {c}"
            ax.scatter(
                [p[0] for p in points],
                [p[1] for p in points],
                s=18,
                color=_color(POINT_COLORS, c),
                edgecolors="black",
                linewidths=0.5,
                label=name,
            )
    ax.set_xlabel("x[0]")
    ax.set_ylabel("x[1]")
    ax.set_aspect("equal")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    return ax


def confusion_matrix(
    targets: Sequence[int], predictions: Sequence[int], classes: int
) -> list[list[int]]:
    """matrix[t][p]: how many samples of true class t were predicted as p."""
    if len(targets) != len(predictions):
        raise ValueError(
            f"confusion_matrix: expected equally many targets and predictions, got "
            f"{len(targets)} and {len(predictions)}"
        )
    matrix = [[0] * classes for _ in range(classes)]
    for index, (t, p) in enumerate(zip(targets, predictions)):
        if not (0 <= t < classes and 0 <= p < classes):
            raise ValueError(
                f"confusion_matrix: sample {index} has class {t} predicted as {p}, "
                f"outside 0..{classes - 1}"
            )
        matrix[t][p] += 1
    return matrix


def plot_confusion_matrix(matrix: Sequence[Sequence[int]], ax: Any = None) -> Any:
    """Draw a confusion matrix (rows: true class, columns: predicted) with its counts."""
    if ax is None:
        ax = _figure_class()(figsize=(5, 5)).subplots()
    size = len(matrix)
    image = ax.imshow(matrix, cmap="Blues")
    largest = max(max(row) for row in matrix) or 1
    for t in range(size):
        for p in range(size):
            count = matrix[t][p]
            if count:
                color = "white" if count > largest / 2 else "black"
                ax.text(p, t, str(count), ha="center", va="center", color=color, fontsize=8)
    ax.set_xticks(range(size))
    ax.set_yticks(range(size))
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.figure.colorbar(image, ax=ax, shrink=0.8)
    return ax


def plot_digits(
    images: Sequence[Sequence[float]],
    titles: Sequence[str],
    columns: int = 8,
    figure: Any = None,
) -> Any:
    """Draw 8x8 images (64 pixels each, row by row) in a grid, each with its title."""
    if len(images) != len(titles):
        raise ValueError(
            f"plot_digits: expected a title per image, got {len(images)} and {len(titles)}"
        )
    rows = max(1, -(-len(images) // columns))
    if figure is None:
        figure = _figure_class()(figsize=(1.3 * columns, 1.5 * rows))
    axes = figure.subplots(rows, columns, squeeze=False)
    for index, ax in enumerate(ax for row in axes for ax in row):
        ax.set_axis_off()
        if index < len(images):
            pixels = list(images[index])
            ax.imshow([pixels[r * 8 : r * 8 + 8] for r in range(8)], cmap="gray_r")
            ax.set_title(titles[index], fontsize=8)
    return figure


def figure_png(figure: Any) -> bytes:
    """The matplotlib `figure` as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return buffer.getvalue()


class TrainingPlot:
    """A `fit` callback that redraws the loss curves (train and validation) and, for 2-D
    inputs, the decision boundary, in place in a Jupyter output every `every` epochs.

    Outside Jupyter it does nothing (the progress bar stays the only output).
    """

    def __init__(
        self,
        model: Any,
        X: Sequence[Sequence[Any]],
        y: Sequence[Any],
        epochs: int,
        every: int | None = None,
    ) -> None:
        self.model = model
        self.X = X
        self.y = y
        self.epochs = epochs
        self.every = every if every is not None else max(1, epochs // 20)
        self.boundary = bool(X) and len(X[0]) == 2
        self.handle: Any = None
        self.active = in_jupyter()
        if self.active:
            _figure_class()  # fail before training, not after the first epoch

    def __call__(self, history: Any) -> None:
        if not self.active:
            return
        epoch = history.epochs
        if epoch % self.every and epoch != self.epochs:
            return
        # IPython is untyped; it is there whenever in_jupyter() is true.
        display: Any = importlib.import_module("IPython.display")
        image = display.Image(data=figure_png(self.draw(history)), format="png")
        if self.handle is None:
            self.handle = display.display(image, display_id=True)
        else:
            self.handle.update(image)

    def draw(self, history: Any) -> Any:
        """The figure for the History so far."""
        figure = _figure_class()(figsize=(10 if self.boundary else 5, 4))
        axes = figure.subplots(1, 2 if self.boundary else 1, squeeze=False)[0]
        curves = axes[0]
        epochs = list(range(1, history.epochs + 1))
        curves.plot(epochs, history.loss, label="train loss")
        if "val_loss" in history.records:
            curves.plot(epochs, history["val_loss"], label="validation loss")
        curves.set_xlim(1, max(2, self.epochs))
        curves.set_xlabel("epoch")
        curves.set_ylabel("loss")
        curves.set_title(f"epoch {history.epochs}/{self.epochs}")
        curves.legend()
        if self.boundary:
            labels = [int(label > 0) if label in (-1, 1) else int(label) for label in self.y]
            plot_decision_boundary(self.model, self.X, labels, ax=axes[1], resolution=50)
        return figure


def in_jupyter() -> bool:
    """Whether this runs in a Jupyter kernel (an IPython shell with a kernel)."""
    shell_module = sys.modules.get("IPython")
    if shell_module is None:
        return False
    return getattr(shell_module.get_ipython(), "kernel", None) is not None
