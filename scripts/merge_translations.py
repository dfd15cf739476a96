"""Apply Swedish translations from fragments to the catalogue.

Usage: python scripts/merge_translations.py FRAGMENT.po [...]
A fragment is a .po file holding only msgid/msgstr pairs (helpers and
reviewers write them); matching entries in locale/sv/LC_MESSAGES/django.po get
the fragment's msgstr unless they already have one. Prints what is still empty.
"""

import pathlib
import sys

import polib

ROOT = pathlib.Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def main(paths: list[str]) -> int:
    po = polib.pofile(str(CATALOGUE))
    index = {(e.msgctxt, e.msgid): e for e in po}
    applied = 0
    for path in paths:
        for frag in polib.pofile(path):
            entry = index.get((frag.msgctxt, frag.msgid))
            if entry is None:
                continue
            # A fuzzy entry is makemessages' guess from a similar string: replace it.
            fuzzy = "fuzzy" in entry.flags
            if frag.msgid_plural and (fuzzy or not any(entry.msgstr_plural.values())):
                entry.msgstr_plural = dict(frag.msgstr_plural)
                applied += 1
            elif not frag.msgid_plural and frag.msgstr and (fuzzy or not entry.msgstr):
                entry.msgstr = frag.msgstr
                applied += 1
            else:
                continue
            if fuzzy:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = None
                entry.previous_msgid_plural = None
                entry.previous_msgctxt = None
    po.save()
    missing = [
        e.msgid
        for e in po
        if (not e.msgid_plural and not e.msgstr)
        or (e.msgid_plural and not all(e.msgstr_plural.values()))
    ]
    print(f"Applied {applied} translation(s); {len(missing)} still empty.")
    for msgid in missing:
        print(f"  missing: {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
