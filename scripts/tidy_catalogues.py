"""After makemessages: fill the English catalogue and tidy both headers.

English is the source language, so every empty English msgstr gets its msgid.
Swedish entries are never invented here: scripts/merge_translations.py and
translators fill them, and core/tests/test_i18n.py fails while one is empty.
"""

import pathlib

import polib

ROOT = pathlib.Path(__file__).resolve().parent.parent

for lang in ("sv", "en"):
    po_path = ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(po_path))
    po.metadata_is_fuzzy = False
    po.metadata.update(
        {
            "Project-Id-Version": "svc",
            "Language": lang,
            "Language-Team": "svc",
            "Last-Translator": "svc",
            "Plural-Forms": "nplurals=2; plural=(n != 1);",
        }
    )
    po.header = "Translations of the SVC leadership-program administration."
    for entry in po:
        if lang == "en":
            if entry.msgid_plural:
                if not any(entry.msgstr_plural.values()):
                    entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            elif not entry.msgstr:
                entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:  # English is the source: a guess is never right
                if entry.msgid_plural:
                    entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                else:
                    entry.msgstr = entry.msgid
                entry.flags.remove("fuzzy")
                entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    po.save()
