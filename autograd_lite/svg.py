"""SVG as notebooks and pages carry it: compacted, and shown as an image.

`compact_svg` makes Graphviz's SVG smaller, drawing the same picture. Every drawing is
stored in the notebook that shows it, so its size is the notebook's size.
Graphviz writes a comment and a `<title>` (the node's internal name, `v12`) for every node
and edge, and the same font and anchor on every `<text>`. Comments and titles draw
nothing; the font and anchor are SVG presentation attributes, which a `<text>` inherits
from the `<svg>` element when it has none of its own.
"""

from __future__ import annotations

import base64
import html
import re
from collections import Counter

_COMMENT = re.compile(r"<!--.*?-->\n?", re.DOTALL)
_TITLE = re.compile(r"<title>[^<]*</title>\n?")
_TEXT_FONT = re.compile(r'<text\b[^>]*?( font-family="[^"]*" font-size="[^"]*")')
_TEXT_ANCHOR = re.compile(r'<text\b[^>]*?( text-anchor="[^"]*")')
_SVG_START = re.compile(r"<svg\b[^>]*")


def compact_svg(svg: str) -> str:
    """`svg` (Graphviz's output) without comments and titles, its commonest text font
    and anchor said once on the `<svg>` element instead of on each `<text>`."""
    svg = _TITLE.sub("", _COMMENT.sub("", svg))
    shared = []
    for pattern in (_TEXT_FONT, _TEXT_ANCHOR):
        counts = Counter(pattern.findall(svg))
        if counts:
            attributes = counts.most_common(1)[0][0]
            # Each <text> that says exactly these says them no more; the rest keep theirs.
            svg = re.sub(
                r"(<text\b[^>]*?)" + re.escape(attributes), lambda m: m.group(1), svg
            )
            shared.append(attributes)
    if shared:
        svg = _SVG_START.sub(lambda m: m.group(0) + "".join(shared), svg, count=1)
    return svg


def svg_image(svg: str, alt: str) -> str:
    """HTML showing `svg` as an image that shrinks to the width of its column.

    One output type that Jupyter, JupyterLab, exported HTML and the docs site all show,
    trusted or not: an untrusted notebook's HTML is sanitized, which keeps an <img> of a
    data URL but drops inline <svg>, and JupyterLab shows no image/svg+xml output of a
    notebook it does not trust. Exported image/svg+xml also keeps its natural width,
    cut off at the edge of the page.
    """
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<img src="data:image/svg+xml;base64,{encoded}" '
        f'style="max-width:100%;height:auto" alt="{html.escape(alt)}">'
    )
