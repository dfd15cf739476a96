"""Write a Python dict of Swedish translations (msgid -> msgstr) as a .po fragment.

Usage: python scripts/dict_to_fragment.py MODULE.py OUT.po  (MODULE defines T).
Keys may be (context, msgid) tuples. Used when translating a batch of new strings.
"""

import runpy
import sys

import polib


def main(source: str, target: str) -> None:
    translations = runpy.run_path(source)["T"]
    po = polib.POFile()
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": "sv",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    for key, value in translations.items():
        if isinstance(key, tuple) and len(key) == 1:  # plural: (msgid,) -> (singular, plural)
            po.append(
                polib.POEntry(
                    msgid=key[0],
                    msgid_plural=key[0],
                    msgstr_plural={0: value[0], 1: value[1]},
                )
            )
            continue
        context, msgid = key if isinstance(key, tuple) else (None, key)
        po.append(polib.POEntry(msgctxt=context, msgid=msgid, msgstr=value))
    po.save(target)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
