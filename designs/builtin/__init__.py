"""The built-in templates every installation ships, one JSON file each in this folder.

Each file holds ``key`` (never changes: shipping the file again updates the template with
that key), ``name``, ``description``, ``version`` and ``design`` (``designs.schema``).
``designs.services.ensure_builtin_templates`` stores them; it runs after every ``migrate``.
"""

import json
from pathlib import Path

FOLDER = Path(__file__).resolve().parent
# The SVC program as Örebro kommun ran it 2015–2017 (/work/shared/DOMAIN.md, demo.specs).
FILES = ("svc.json",)
SVC_KEY = "svc"


def builtin_templates() -> list[dict]:
    """The shipped templates, as their files say."""
    return [json.loads((FOLDER / name).read_text(encoding="utf-8")) for name in FILES]
