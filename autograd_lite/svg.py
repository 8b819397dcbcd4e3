"""SVG as notebooks and pages carry it: compacted, and shown as an image.

Every drawing is stored in the notebook that shows it, so its size is the notebook's
size. `compact_svg` makes the SVG that Graphviz and matplotlib write smaller, drawing
the same picture:
- it drops what draws nothing: the XML declaration, the DOCTYPE, comments, `<title>`
  and `<metadata>`, line breaks and indentation, rotations by 0, groups without
  attributes, and the ids the programs give that nothing refers to;
- it says once what every `<text>`, or every `<use>` of a group, repeats (presentation
  attributes, `xml:space` and styles are inherited from the enclosing element);
- it gives matplotlib's hashed ids short names and writes SVG 2's `href` for
  `xlink:href`;
- with `decimals`, it rounds coordinates: a tenth of a point is far below a pixel.
`svg_image` then shows it as an image every viewer shows.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from urllib.parse import quote

_DRAWS_NOTHING = re.compile(
    r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->|<title>[^<]*</title>"
    r"|<metadata>.*?</metadata>|\stransform=\"rotate\(-?0 [^\"]*\)\"",
    re.DOTALL,
)
# Between two tags; not between two <tspan>s, where it would be a space of the text.
_BETWEEN_TAGS = re.compile(r">\s+<(?!/?tspan)")
# Inside a tag, or a text's words, where SVG reads a line break as a space.
_LINE_BREAK = re.compile(r"[ \t]*\n\s*")
_TEXT_FONT = re.compile(r'<text\b[^>]*?( font-family="[^"]*" font-size="[^"]*")')
_TEXT_ANCHOR = re.compile(r'<text\b[^>]*?( text-anchor="[^"]*")')
_TEXT_SPACE = re.compile(r'<text\b[^>]*?( xml:space="preserve")')
# matplotlib's <text> says its font in its style: `font-family: 'DejaVu Sans', sans-serif; `.
_STYLE_FONT = re.compile(r'<text\b[^>]*? style="[^"]*?font-family: ([^;"]*)')
_SVG_START = re.compile(r"<svg\b[^>]*")
# A group whose children are all <use> elements: a scatter's markers, in matplotlib.
_USE_GROUP = re.compile(r"(<g\b[^>]*?)>((?:<use\b[^>]*/>)+</g>)")
# Tags that open or close a group; a group that opens and closes at once is no group.
_GROUP_TAG = re.compile(r"<g>|<g\b[^>]*(?<!/)>|</g>")
# The names the programs give their groups: matplotlib's `xtick_3`, `line2d_7` (not a
# `gid` it was given), Graphviz's `graph0`, `node12`, `edge3`, `clust1`.
_PROGRAMS_NAME = re.compile(r' id="([\w.]+_\d+|(?:graph|node|edge|clust)\d+)"')
_STYLE = re.compile(r' style="([^"]*)"')
# matplotlib names markers and clip paths by a hash, as in `md0cbfcd4de`.
_HASHED_ID = re.compile(r'\bid="([a-z][0-9a-f]{10})"')
_GEOMETRY = re.compile(
    r'\b(d|x|y|x1|x2|y1|y2|cx|cy|r|rx|ry|width|height|points|transform|viewBox)="([^"]*)"'
)
_DECIMAL = re.compile(r"-?\d+\.\d+")


def compact_svg(svg: str, decimals: int | None = None) -> str:
    """`svg` smaller and drawing the same picture; with `decimals`, coordinates rounded
    to that many decimal places."""
    svg = _BETWEEN_TAGS.sub("><", _DRAWS_NOTHING.sub("", svg)).strip()
    svg = _LINE_BREAK.sub(" ", svg)
    svg = _without_unused_names(_text_attributes_said_once(svg))
    svg = _USE_GROUP.sub(_style_on_group, svg).replace(" xlink:href=", " href=")
    for number, name in enumerate(dict.fromkeys(_HASHED_ID.findall(svg))):
        svg = re.sub(rf"\b{name}\b", f"h{number}", svg)
    if decimals is not None:
        svg = _GEOMETRY.sub(lambda m: f'{m.group(1)}="{_rounded(m.group(2), decimals)}"', svg)
    return svg


def _text_attributes_said_once(svg: str) -> str:
    shared = []
    texts = svg.count("<text")
    for pattern in (_TEXT_FONT, _TEXT_ANCHOR, _TEXT_SPACE):
        counts = Counter(pattern.findall(svg))
        # A <text> that says none of it inherits it: xml:space moves only if all say it.
        if counts and (pattern is not _TEXT_SPACE or counts.total() == texts):
            attributes = counts.most_common(1)[0][0]
            # Each <text> that says exactly these says them no more; the rest keep theirs.
            svg = re.sub(
                r"(<text\b[^>]*?)" + re.escape(attributes), lambda m: m.group(1), svg
            )
            shared.append(attributes)
    fonts = Counter(_STYLE_FONT.findall(svg))
    if len(fonts) == 1 and fonts.total() == texts:
        (font,) = fonts
        svg = re.sub(f"font-family: {re.escape(font)}(?:; )?", "", svg).replace(' style=""', "")
        shared.append(f' font-family="{font}"')
    if shared:
        svg = _SVG_START.sub(lambda m: m.group(0) + "".join(shared), svg, count=1)
    return svg


def _without_unused_names(svg: str) -> str:
    referred = set(re.findall(r"#([^\"')\s]+)", svg))
    svg = _PROGRAMS_NAME.sub(lambda m: "" if m.group(1) not in referred else m.group(0), svg)
    # A group without attributes changes nothing of what it holds: its tags go.
    kept: list[str] = []
    bare: list[bool] = []  # for each group open here: whether its tags go
    start = 0
    for tag in _GROUP_TAG.finditer(svg):
        if tag.group(0) == "</g>":
            dropped = bare.pop() if bare else False
        else:
            dropped = tag.group(0) == "<g>"
            bare.append(dropped)
        if dropped:
            kept.append(svg[start : tag.start()])
            start = tag.end()
    return "".join(kept) + svg[start:]


def _style_on_group(group: re.Match[str]) -> str:
    start, children = group.groups()
    styles = set(_STYLE.findall(children))
    counted = children.count("<use") == children.count(" style=")
    if len(styles) != 1 or not counted or " style=" in start:
        return group.group(0)
    (style,) = styles
    return f'{start} style="{style}">' + children.replace(f' style="{style}"', "")


def _rounded(numbers: str, decimals: int) -> str:
    def shorter(match: re.Match[str]) -> str:
        text = f"{float(match.group(0)):.{decimals}f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text

    return _DECIMAL.sub(shorter, numbers)


# Characters a data URL in a single-quoted attribute may hold as they are: printable
# ASCII but the URL's escape (%) and fragment (#) marks, the quote and the HTML entity
# mark (&). Newlines and the rest are percent-encoded.
_KEPT = "".join(chr(c) for c in range(32, 127) if chr(c) not in "%#'&" and not chr(c).isalnum())


def svg_image(svg: str, alt: str) -> str:
    """HTML showing `svg` as an image that shrinks to the width of its column.

    One output type that Jupyter, JupyterLab, exported HTML and the docs site all show,
    trusted or not: an untrusted notebook's HTML is sanitized, which keeps an <img> of a
    data URL but drops inline <svg>, and JupyterLab shows no image/svg+xml output of a
    notebook it does not trust. Exported image/svg+xml also keeps its natural width,
    cut off at the edge of the page. The SVG is percent-encoded, not base64: a third
    smaller, and still text.
    """
    return (
        f"<img src='data:image/svg+xml,{quote(svg, safe=_KEPT)}' "
        f'style="max-width:100%;height:auto" alt="{html.escape(alt)}">'
    )
