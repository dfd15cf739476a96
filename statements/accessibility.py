"""What the accessibility statement (tillgänglighetsredogörelse, lag 2018:1937) says about the
service itself: the known shortcomings, how accessible the service is, and the supervisory
authority.

The shortcomings come from one file beside the tests that check accessibility,
``tests/accessibility_shortcomings.toml``; every statement page shows each entry as written
there, in the reader's language. Whether the service is fully or partly compliant follows
from that list, here and nowhere else (DIGG's words: helt, delvis or inte förenlig).
"""

import datetime as dt
import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import translation

SHORTCOMINGS_FILE = Path(settings.BASE_DIR) / "tests" / "accessibility_shortcomings.toml"

# DIGG, the supervisory authority, and its form for reporting a lack of accessibility.
SUPERVISOR_URL = "https://www.digg.se"
SUPERVISOR_REPORT_URL = "https://www.digg.se/tdosanmalan"
STANDARD = "WCAG 2.1"
STANDARD_LEVEL = "AA"


class Kind:
    NOT_COMPLIANT = "not_compliant"
    NOT_VERIFIED = "not_verified"
    OUT_OF_SCOPE = "out_of_scope"
    ALL = (NOT_COMPLIANT, NOT_VERIFIED, OUT_OF_SCOPE)


class Compliance:
    """DIGG's three words for how far a service meets the law's requirements."""

    FULL = "full"
    PARTIAL = "partial"


@dataclass(frozen=True)
class Shortcoming:
    id: str
    kind: str
    wcag: tuple[str, ...]
    sv: str
    en: str
    where_sv: str
    where_en: str

    def _facts(self) -> dict:
        return {"idle_minutes": settings.SESSION_IDLE_MINUTES}

    def text_in(self, language: str) -> str:
        return (self.en if language == "en" else self.sv).format(**self._facts())

    def where_in(self, language: str) -> str:
        return self.where_en if language == "en" else self.where_sv


@dataclass(frozen=True)
class ShortcomingList:
    assessed: dt.date
    entries: tuple[Shortcoming, ...]


_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_CRITERION = re.compile(r"^[1-4]\.[0-9]\.[0-9]{1,2}$")
_FIELDS = {"id", "kind", "wcag", "sv", "en", "where_sv", "where_en"}


class ShortcomingsFileError(ValueError):
    """The shortcomings file does not have the form this module reads."""


def parse_shortcomings(text: str) -> ShortcomingList:
    """The shortcomings in the file's text; ``ShortcomingsFileError`` says what is wrong."""
    data = tomllib.loads(text)
    assessed = data.get("assessed")
    if not isinstance(assessed, dt.date) or isinstance(assessed, dt.datetime):
        raise ShortcomingsFileError("`assessed` must be a date (YYYY-MM-DD).")
    entries, seen = [], set()
    for number, raw in enumerate(data.get("shortcoming", []), start=1):
        if set(raw) != _FIELDS:
            raise ShortcomingsFileError(
                f"Entry {number} must have exactly the keys {sorted(_FIELDS)}, has {sorted(raw)}."
            )
        if not _ID.match(raw["id"]) or raw["id"] in seen:
            raise ShortcomingsFileError(f"Entry {number}: bad or repeated id {raw['id']!r}.")
        seen.add(raw["id"])
        if raw["kind"] not in Kind.ALL:
            raise ShortcomingsFileError(f"{raw['id']}: kind must be one of {Kind.ALL}.")
        if not isinstance(raw["wcag"], list) or not all(
            isinstance(c, str) and _CRITERION.match(c) for c in raw["wcag"]
        ):
            raise ShortcomingsFileError(f"{raw['id']}: wcag must list criteria like '2.2.1'.")
        texts = [raw[key] for key in ("sv", "en", "where_sv", "where_en")]
        if not all(isinstance(t, str) and t.strip() for t in texts):
            raise ShortcomingsFileError(f"{raw['id']}: every text must be filled in.")
        entries.append(
            Shortcoming(
                id=raw["id"],
                kind=raw["kind"],
                wcag=tuple(raw["wcag"]),
                sv=raw["sv"].strip(),
                en=raw["en"].strip(),
                where_sv=raw["where_sv"].strip(),
                where_en=raw["where_en"].strip(),
            )
        )
    return ShortcomingList(assessed=assessed, entries=tuple(entries))


@functools.cache
def _shortcomings(path: Path, mtime: float) -> ShortcomingList:
    return parse_shortcomings(path.read_text(encoding="utf-8"))


def shortcomings() -> ShortcomingList:
    """The project's list, read again when the file changes."""
    return _shortcomings(SHORTCOMINGS_FILE, SHORTCOMINGS_FILE.stat().st_mtime)


def compliance(entries: tuple[Shortcoming, ...]) -> str:
    """Partly compliant while anything is known not to comply or has not been verified: the
    statement claims full compliance only once nothing is left to say so."""
    if any(entry.kind in (Kind.NOT_COMPLIANT, Kind.NOT_VERIFIED) for entry in entries):
        return Compliance.PARTIAL
    return Compliance.FULL


@dataclass(frozen=True)
class ShownShortcoming:
    id: str
    text: str
    where: str
    wcag: tuple[str, ...]


def statement_content(language: str | None = None) -> dict:
    """What every statement page shows about the service, in the reader's language: the
    shortcomings grouped by kind, the compliance, the date of the assessment, and the
    supervisory authority."""
    language = "en" if (language or translation.get_language() or "").startswith("en") else "sv"
    found = shortcomings()
    shown = {kind: [] for kind in Kind.ALL}
    for entry in found.entries:
        shown[entry.kind].append(
            ShownShortcoming(
                id=entry.id,
                text=entry.text_in(language),
                where=entry.where_in(language),
                wcag=entry.wcag,
            )
        )
    return {
        "not_compliant": shown[Kind.NOT_COMPLIANT],
        "not_verified": shown[Kind.NOT_VERIFIED],
        "out_of_scope": shown[Kind.OUT_OF_SCOPE],
        "partly_compliant": compliance(found.entries) == Compliance.PARTIAL,
        "assessed": found.assessed,
        "standard": STANDARD,
        "standard_level": STANDARD_LEVEL,
        "supervisor_url": SUPERVISOR_URL,
        "supervisor_report_url": SUPERVISOR_REPORT_URL,
        "idle_minutes": settings.SESSION_IDLE_MINUTES,
    }
