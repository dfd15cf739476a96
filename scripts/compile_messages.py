"""Compile every locale/*/LC_MESSAGES/*.po to .mo with polib (no GNU gettext needed)."""

import pathlib
import sys

import polib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main() -> int:
    count = 0
    for po_path in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        count += 1
    print(f"Compiled {count} message catalogue(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
