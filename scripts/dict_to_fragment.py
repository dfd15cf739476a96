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
        context, msgid = key if isinstance(key, tuple) else (None, key)
        po.append(polib.POEntry(msgctxt=context, msgid=msgid, msgstr=value))
    po.save(target)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
