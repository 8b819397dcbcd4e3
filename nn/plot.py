"""Pictures of models and training with matplotlib: decision boundaries, confusion
matrices, digits, and the live training plot of `fit(..., plot=True)`.

matplotlib is imported when a picture is drawn, never when nn.plot is imported.
`figure_svg` writes a figure as a small SVG: text stays text (no glyph outlines
embedded), and the same figure always gives the same file.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable, Sequence
from typing import Any

import autograd_lite as ag
from autograd_lite.scalars import is_int
from autograd_lite.svg import compact_svg, svg_image

from .callbacks import Callback, Run, in_jupyter

# Light tints for the regions, strong colours for the points of the same class.
REGION_COLORS = ("#c6dbef", "#fcd5b5", "#c7e9c0", "#dadaeb", "#fdd0e6", "#e5e5e5")
POINT_COLORS = ("#2166ac", "#d6604d", "#238b45", "#6a51a3", "#c51b7d", "#525252")


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def _color(palette: tuple[str, ...], label: int) -> str:
    return palette[label % len(palette)]


def window(points: Sequence[Sequence[float]]) -> tuple[float, float, float, float]:
    """(left, right, bottom, top): a square around the points, padded by a fifth and 0.25
    on each side, so the picture's aspect ratio stays true to the data."""
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9) * 1.2 + 0.5
    center_x = (max(xs) + min(xs)) / 2
    center_y = (max(ys) + min(ys)) / 2
    return (
        center_x - span / 2, center_x + span / 2, center_y - span / 2, center_y + span / 2
    )


def model_classifier(model: Any) -> Callable[[float, float], int]:
    """classify(x1, x2) -> class index of a 2-input model: argmax of several outputs, else
    1 when the single output is above 0 (0.5 for a sigmoid output)."""
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
    title: str = "",
) -> Any:
    """Draw a 2-input model's class regions, the boundary line between them and the
    labelled points (legend by class) on the matplotlib axes `ax` (a new figure if None).

    Labels are class indices 0, 1, 2, ... or -1/+1 (drawn as classes 0 and 1); the
    regions are the classes of `model_classifier(model)` on a `resolution` x
    `resolution` grid of cells over the square `window(X)`. The points of class c are
    one scatter with gid "points-c" (in an SVG, a group of that id).
    """
    from matplotlib.colors import ListedColormap

    if not X or len(X) != len(y):
        raise ValueError(
            f"plot_decision_boundary: expected equally many points and labels (at least "
            f"one), got {len(X)} and {len(y)}"
        )
    if not is_int(resolution) or resolution < 2:
        raise ValueError(
            f"plot_decision_boundary: resolution must be an int >= 2, got {resolution!r}"
        )
    if ax is None:
        ax = _figure(5, 5).subplots()
    labels = [int(label) if label != -1 else 0 for label in y]
    left, right, bottom, top = window(X)
    cell = (right - left) / resolution
    xs = [left + (i + 0.5) * cell for i in range(resolution)]
    ys = [bottom + (j + 0.5) * cell for j in range(resolution)]
    classify = model_classifier(model)
    grid = [[classify(x1, x2) for x1 in xs] for x2 in ys]
    classes = range(max([*labels, *(c for row in grid for c in row)]) + 1)
    colors = ListedColormap([_color(REGION_COLORS, c) for c in classes])
    # One image cell per grid cell: the regions are exactly what the classifier says there.
    ax.imshow(
        grid, origin="lower", extent=(left, right, bottom, top), cmap=colors,
        vmin=-0.5, vmax=len(classes) - 0.5, interpolation="nearest",
    )
    if len({c for row in grid for c in row}) > 1:
        levels = [c + 0.5 for c in classes[:-1]]
        ax.contour(xs, ys, grid, levels=levels, colors="#222", linewidths=1.2)
    for c in classes:
        points = [p for p, label in zip(X, labels) if label == c]
        if points:
            ax.scatter(
                [p[0] for p in points],
                [p[1] for p in points],
                s=18,
                color=_color(POINT_COLORS, c),
                edgecolors="black",
                linewidths=0.5,
                label=class_names[c] if class_names is not None else f"class {c}",
                gid=f"points-{c}",
            )
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)
    ax.set_xlabel("x[0]")
    ax.set_ylabel("x[1]")
    ax.set_aspect("equal")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    if title:
        ax.set_title(title, fontsize=10)
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
        ax = _figure(5, 5).subplots()
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
        figure = _figure(1.3 * columns, 1.5 * rows)
    axes = figure.subplots(rows, columns, squeeze=False)
    for index, ax in enumerate(ax for row in axes for ax in row):
        ax.set_axis_off()
        if index < len(images):
            pixels = list(images[index])
            ax.imshow([pixels[r * 8 : r * 8 + 8] for r in range(8)], cmap="gray_r")
            ax.set_title(titles[index], fontsize=8)
    return figure


# dict[Any, Any]: matplotlib's stubs type the keys as the literal names of its settings.
SVG_SETTINGS: dict[Any, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "autograd-lite",
    "font.sans-serif": ["DejaVu Sans"],
}
"""matplotlib settings of a small, reproducible SVG: text as <text> (no glyph outlines)
in DejaVu Sans, which matplotlib measures it with, or else the reader's sans-serif font
(not a list of ten fonts on every text), and ids that are the same on every run."""


def figure_svg(figure: Any) -> str:
    """The matplotlib `figure` as a small SVG document, the same text for the same figure.

    Coordinates are rounded to a tenth of a point (`compact_svg`).
    """
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context(SVG_SETTINGS):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return compact_svg(buffer.getvalue().decode("utf-8"), decimals=1)


def use_svg_figures() -> None:
    """Show this Jupyter kernel's matplotlib figures as images of small SVGs (`figure_svg`).

    The notebooks call it first. Each figure is stored once, as HTML (`svg_image`): an
    image every notebook viewer shows, trusted or not, shrunk to the cell's width; a
    re-run gives the same outputs. Nothing changes until it is called.
    """
    from matplotlib.figure import Figure

    # matplotlib_inline and IPython come with ipykernel: there whenever a kernel runs this.
    inline: Any = importlib.import_module("matplotlib_inline.backend_inline")
    ipython: Any = importlib.import_module("IPython")
    # No PNG or SVG output of its own (it also clears every other formatter of Figure).
    inline.set_matplotlib_formats()
    formatter = ipython.get_ipython().display_formatter.formatters["text/html"]
    formatter.for_type(Figure, lambda figure: svg_image(figure_svg(figure), repr(figure)))


class TrainingPlot(Callback):
    """A `fit` callback that redraws the loss curves (train and validation) and, for 2-D
    inputs, the decision boundary, in place in a Jupyter output every `every` epochs.

    Outside Jupyter it does nothing (the progress bar stays the only output). The
    picture is an image of an SVG (`figure_svg`, `svg_image`): a few tens of KB in a
    saved notebook, shown by every notebook viewer.
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

    def on_epoch_end(self, run: Run) -> None:
        """Redraw every `every` epochs and after the last."""
        if not self.active:
            return
        epoch = run.history.epochs
        if epoch % self.every and epoch != self.epochs:
            return
        # IPython is untyped; it is there whenever in_jupyter() is true.
        display: Any = importlib.import_module("IPython.display")
        figure = self.draw(run.history)
        image = display.HTML(svg_image(figure_svg(figure), repr(figure)))
        if self.handle is None:
            self.handle = display.display(image, display_id=True)
        else:
            self.handle.update(image)

    def draw(self, history: Any) -> Any:
        """The figure for the History so far."""
        figure = _figure(10 if self.boundary else 5, 4)
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
            plot_decision_boundary(self.model, self.X, self.y, ax=axes[1], resolution=50)
        return figure
