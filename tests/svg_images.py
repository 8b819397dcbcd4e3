"""The SVG inside an <img> of a data URL, read as a browser reads it.

HTML's parser decodes the attribute, then the data URL's percent-escapes are undone
(standard library, independent of the code that wrote them).
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import unquote

PREFIX = "data:image/svg+xml,"


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs))


def images(html: str) -> list[dict[str, str | None]]:
    """The attributes of every <img> in `html`, decoded."""
    parser = _Images()
    parser.feed(html)
    parser.close()
    return parser.images


def svg_of(html: str) -> str:
    """The SVG of the one <img> in `html`."""
    (image,) = images(html)
    source = image["src"] or ""
    assert source.startswith(PREFIX), source[:80]
    return unquote(source[len(PREFIX) :], errors="strict")
