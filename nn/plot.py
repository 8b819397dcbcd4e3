"""A decision boundary drawn as a small hand-written SVG picture (no plotting library)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

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


def decision_boundary_svg(
    points: Sequence[Sequence[float]],
    labels: Sequence[int],
    classify: Callable[[float, float], int],
    *,
    resolution: int = 96,
    size: int = 480,
    title: str = "",
) -> str:
    """An SVG document: the plane around `points`, coloured by the class `classify(x1, x2)`
    gives at each cell of a `resolution` x `resolution` grid, with the points drawn on top
    in the colour of their `labels`.

    Classes are indices 0, 1, 2, ...; `title` is shown as the picture's caption.
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
    for row in range(resolution):
        x2 = frame.bottom + (row + 0.5) * cell
        classes = [classify(frame.left + (col + 0.5) * cell, x2) for col in range(resolution)]
        regions.extend(_row_rectangles(classes, row, resolution, size))
    dots = [
        f'<circle cx="{frame.x(x1):.2f}" cy="{frame.y(x2):.2f}" r="4.5" '
        f'fill="{_color(POINT_COLORS, label)}" stroke="#000" stroke-width="0.8"/>'
        for (x1, x2), label in zip(points, labels)
    ]
    height = size + (24 if title else 0)
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{height}" '
        f'viewBox="0 0 {size} {height}">',
        f"<title>{escape(title or 'decision boundary')}</title>",
        f'<rect width="{size}" height="{height}" fill="#fff"/>',
        # crispEdges: anti-aliasing would show hairline seams between grid cells.
        '<g shape-rendering="crispEdges">',
        *regions,
        "</g>",
        *dots,
        f'<rect width="{size}" height="{size}" fill="none" stroke="#444"/>',
    ]
    if title:
        lines.append(
            f'<text x="{size / 2}" y="{size + 17}" text-anchor="middle" '
            f'font-family="Helvetica, Arial, sans-serif" font-size="14">{escape(title)}</text>'
        )
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


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
