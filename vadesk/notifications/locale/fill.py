"""Fill vadesk/notifications's .po catalogs from a translation table (a Python file defining NL and DE), then compile them.

    .venv/bin/python vadesk/notifications/locale/fill.py vadesk/notifications/locale/translations.py
Refuses to finish while any message is untranslated, so a new string cannot slip through.
"""

import runpy
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent
HEADERS = {"nl": "Dutch", "de": "German"}


def main() -> None:
    tables = runpy.run_path(sys.argv[1])
    missing = []
    for language, name in HEADERS.items():
        table = tables[language.upper()]
        path = ROOT / language / "LC_MESSAGES" / "django.po"
        with open(path, "rb") as handle:
            catalog = read_po(handle, locale=language)
        catalog.fuzzy = False
        catalog.locale = Locale.parse(
            language
        )  # sets the Language and Plural-Forms headers (nplurals=2; plural=(n != 1))
        catalog.project, catalog.version = "vadesk", "0.1"
        catalog.language_team = name
        catalog.last_translator = "vadesk localisation"
        catalog.revision_date = datetime.now(UTC)
        for message in catalog:
            if not message.id:
                continue
            translated = table.get(message.id)
            if translated is None:
                missing.append((language, message.id))
                continue
            message.string = translated
            message.flags.discard("fuzzy")
        with open(path, "wb") as handle:
            write_po(handle, catalog, width=120, omit_header=False)
        with open(path.with_suffix(".mo"), "wb") as handle:
            write_mo(handle, catalog)
    if missing:
        sys.exit("untranslated:\n" + "\n".join(f"{lang}: {mid!r}" for lang, mid in missing))


if __name__ == "__main__":
    main()
