"""Fill missing msgstrs of a catalogue from a Python dict file: ``translate.py LANG DICT.py``.

A helper for translators working in bulk; the .po files stay the source of truth."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    lang, dict_file = sys.argv[1], sys.argv[2]
    table: dict[str, str] = runpy.run_path(dict_file)[lang.upper()]
    po_path = ROOT / "wiki" / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):  # plural: key the table by the singular
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(forms) and message.id[0] in table:
                nplurals = catalog.num_plurals
                message.string = tuple([table[message.id[0]]] * nplurals)
                filled += 1
        elif not message.string and message.id in table:
            message.string = table[message.id]
            filled += 1
    with po_path.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, sort_output=True, no_location=True)
    missing = [
        m.id
        for m in catalog
        if m.id and (not all(m.string) if isinstance(m.string, tuple) else not m.string)
    ]
    print(f"filled {filled}; still missing {len(missing)}")
    for m in missing:
        print("  ", m)
    return 0


if __name__ == "__main__":
    sys.exit(main())
