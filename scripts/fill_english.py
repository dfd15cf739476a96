"""English is the source language: fill every empty English msgstr with its msgid."""

import pathlib

import polib

ROOT = pathlib.Path(__file__).resolve().parent.parent

for po_path in (ROOT / "locale" / "en" / "LC_MESSAGES").glob("*.po"):
    po = polib.pofile(str(po_path))
    for entry in po:
        if entry.msgid_plural:
            if not any(entry.msgstr_plural.values()):
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        elif not entry.msgstr:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags and entry.msgstr:
            entry.flags.remove("fuzzy")
    po.save()
