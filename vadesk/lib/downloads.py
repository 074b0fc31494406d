"""File names for downloads: nothing that disguises the name, and a Content-Disposition every browser reads.

A name as a sender or client chose it can carry a right-to-left override (`invoice\u202efdp.exe` shows as
"invoiceexe.pdf"), other invisible format characters, control characters or path separators. Those are removed,
and the header carries both RFC 6266 forms: `filename*=UTF-8''…` (RFC 8187 percent-encoding) for the real name
and a plain ASCII `filename="…"` for clients that read only that one.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

# Unicode bidi embeddings/overrides (U+202A–U+202E), isolates (U+2066–U+2069) and marks (U+200E/F) are all
# category Cf; with Cc (C0/C1 controls), Cs, Co and Cn they are never part of a name a person reads.
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn"}
_SEPARATORS = str.maketrans({"/": "_", "\\": "_", "\u2028": " ", "\u2029": " "})
MAX_LENGTH = 200


def filename_clean(name: str, *, default: str = "download") -> str:
    """The name without invisible or control characters and path separators; `default` when nothing is left."""
    visible = "".join(ch for ch in name.translate(_SEPARATORS) if unicodedata.category(ch) not in _INVISIBLE)
    visible = " ".join(visible.split()).strip(" .")  # no leading dots (hidden files) or trailing dots/spaces
    if len(visible) > MAX_LENGTH:
        stem, dot, extension = visible.rpartition(".")
        visible = stem[: MAX_LENGTH - len(extension) - 1] + dot + extension if dot and len(extension) < 10 else visible
        visible = visible[:MAX_LENGTH]
    return visible or default


def _ascii_fallback(name: str) -> str:
    """Accents folded (é → e), anything else non-ASCII or special in a quoted-string replaced by `_`."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    if len(folded) < len(name) / 2:  # mostly not Latin (Cyrillic, Greek, CJK): keep the length and the extension
        folded = "".join(ch if ch.isascii() else "_" for ch in name)
    safe = "".join("_" if ch in '"\\;%' or not ch.isprintable() else ch for ch in folded)
    return " ".join(safe.split()) or "download"


def content_disposition(name: str, *, inline: bool = False) -> str:
    """The Content-Disposition header value for a file called `name` (RFC 6266 §4.3: filename* wins)."""
    clean = filename_clean(name)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{_ascii_fallback(clean)}\"; filename*=UTF-8''{quote(clean, safe='')}"
