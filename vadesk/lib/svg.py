"""SVG logos parsed and rebuilt from an allow-list: what a logo needs to draw, nothing that runs or fetches.

1. Refuse more than MAX_BYTES, anything that is not well-formed XML, a DOCTYPE (entities: the "billion laughs")
   and a root that is not `<svg>` in the SVG namespace.
2. Walk the tree (at most MAX_ELEMENTS, MAX_DEPTH deep): an element outside ELEMENTS is refused by name (a
   `<script>`, `<foreignObject>`, `<image>` is not dropped silently: the person uploading learns what is wrong).
3. Keep only the attributes in ATTRIBUTES; `href`/`xlink:href` only to a fragment of the same file (`#grad`), and
   no attribute value or `<style>` text may hold `url(` to anything but a fragment, `@import`, or `javascript:`.
4. Serialise the rebuilt tree: what is stored (and printed) is the clean copy, never the upload.
"""

import re

from django.utils.translation import gettext as _
from lxml import etree

MAX_BYTES = 200_000
MAX_ELEMENTS = 5_000
MAX_DEPTH = 32
SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"

ELEMENTS = frozenset(
    [
        "svg",
        "g",
        "defs",
        "symbol",
        "use",
        "title",
        "desc",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "textPath",
        "linearGradient",
        "radialGradient",
        "stop",
        "clipPath",
        "mask",
        "pattern",
        "style",
    ]
)
ATTRIBUTES = frozenset(
    [
        "id",
        "class",
        "viewBox",
        "width",
        "height",
        "x",
        "y",
        "x1",
        "y1",
        "x2",
        "y2",
        "cx",
        "cy",
        "r",
        "rx",
        "ry",
        "d",
        "points",
        "transform",
        "fill",
        "fill-opacity",
        "fill-rule",
        "stroke",
        "stroke-width",
        "stroke-opacity",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-dasharray",
        "stroke-dashoffset",
        "opacity",
        "style",
        "font-family",
        "font-size",
        "font-weight",
        "font-style",
        "text-anchor",
        "dominant-baseline",
        "letter-spacing",
        "offset",
        "stop-color",
        "stop-opacity",
        "gradientUnits",
        "gradientTransform",
        "spreadMethod",
        "fx",
        "fy",
        "clip-path",
        "clip-rule",
        "mask",
        "patternUnits",
        "patternContentUnits",
        "patternTransform",
        "preserveAspectRatio",
        "version",
        "dx",
        "dy",
        "visibility",
        "display",
        "href",
    ]
)
_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.I)
_BAD = re.compile(r"@import|javascript:|expression\(", re.I)


class SvgError(ValueError):
    """Why a logo was refused, in the words (and language) of the person uploading it."""


def _check_value(name: str, value: str) -> None:
    if _URL.search(value) or _BAD.search(value):
        raise SvgError(_("%(name)s refers to something outside the file") % {"name": name})


def _clean(element: etree._Element, depth: int, count: list[int]) -> etree._Element:
    if depth > MAX_DEPTH:
        raise SvgError(_("it is nested deeper than %(n)s levels") % {"n": MAX_DEPTH})
    count[0] += 1
    if count[0] > MAX_ELEMENTS:
        raise SvgError(_("it has more than %(n)s elements") % {"n": MAX_ELEMENTS})
    qname = etree.QName(element)
    if qname.namespace != SVG or qname.localname not in ELEMENTS:
        raise SvgError(_("<%(tag)s> is not allowed in a logo") % {"tag": qname.localname})
    copy = etree.Element(f"{{{SVG}}}{qname.localname}", nsmap={None: SVG} if depth == 0 else None)
    for key, value in element.attrib.items():
        attribute = etree.QName(key)
        if attribute.namespace not in (None, XLINK) or attribute.localname not in ATTRIBUTES:
            continue  # an event handler (onload=), a foreign namespace: left out
        if attribute.localname == "href":
            if not value.strip().startswith("#"):
                raise SvgError(_("it links to another file"))
            copy.set("href", value.strip())
            continue
        _check_value(attribute.localname, value)
        copy.set(attribute.localname, value)
    if qname.localname == "style":
        _check_value("<style>", element.text or "")
    copy.text = element.text
    for child in element:
        if isinstance(child, etree._Comment | etree._ProcessingInstruction):
            continue
        cleaned = _clean(child, depth + 1, count)
        cleaned.tail = child.tail
        copy.append(cleaned)
    return copy


def sanitise_svg(text: str) -> str:
    """The logo rebuilt from the allow-list; SvgError (with the reason) when it cannot be used."""
    data = text.strip().encode()
    if len(data) > MAX_BYTES:
        raise SvgError(_("it is larger than %(n)s kB") % {"n": MAX_BYTES // 1000})
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as error:
        raise SvgError(_("it is not well-formed XML (%(error)s)") % {"error": error.msg}) from None
    if root.getroottree().docinfo.doctype:
        raise SvgError(_("it holds a DOCTYPE"))
    if etree.QName(root).localname != "svg":
        raise SvgError(_("it is not an <svg>"))
    return etree.tostring(_clean(root, 0, [0]), encoding="unicode")


def usable_svg(text: str) -> str:
    """The sanitised logo, or "" when it cannot be used (an old stored logo must not break a PDF)."""
    if not text.strip():
        return ""
    try:
        return sanitise_svg(text)
    except SvgError:
        return ""
