"""The checks of the restore drill (scripts/restore_drill.py), apart so that tests can run them.

Each works on a DB-API cursor (psycopg2's, or Django's in a test) or on plain
values, and returns the mismatches as sentences, one per difference: [] means equal.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

# The tables whose rows must come back identical, not only as many: who the
# organisations and people are, what they took part in, agreed and answered,
# and what the steering group was told. Every table is counted regardless.
KEY_TABLES = (
    "participants_organisation",
    "participants_user",
    "participants_person",
    "participants_membership",
    "programs_program",
    "programs_round",
    "programs_group",
    "programs_enrollment",
    "programs_session",
    "programs_attendance",
    "programs_agreement",
    "evaluations_completion",
    "evaluations_ratingcounter",
    "evaluations_textanswer",
    "evaluations_effectentry",
    "evaluations_sealedanswers",
    "reports_statusreport",
)


class DrillError(Exception):
    """A step of the drill could not run (not a mismatch)."""


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def public_tables(cur) -> list[str]:
    """Every ordinary or partitioned table of the public schema, from the catalogue."""
    cur.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
    )
    return [row[0] for row in cur.fetchall()]


def row_counts(cur) -> dict[str, int]:
    counts = {}
    for table in public_tables(cur):
        cur.execute(f"SELECT count(*) FROM public.{quote_ident(table)}")  # noqa: S608
        counts[table] = cur.fetchone()[0]
    return counts


def primary_key(cur, table: str) -> list[str]:
    cur.execute(
        "SELECT a.attname FROM pg_index i "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indrelid = %s::regclass AND i.indisprimary "
        "ORDER BY array_position(i.indkey::int2[], a.attnum)",
        [f"public.{quote_ident(table)}"],
    )
    return [row[0] for row in cur.fetchall()]


def table_checksums(cur, tables) -> dict[str, str]:
    """md5 of each table's rows as text, in primary-key order (stable across dump and restore)."""
    existing = set(public_tables(cur))
    sums = {}
    for table in tables:
        if table not in existing:
            raise DrillError(
                f"key table {table} is not in the database "
                "(renamed? update KEY_TABLES in scripts/restore_drill.py)"
            )
        order = ", ".join(f"t.{quote_ident(c)}" for c in primary_key(cur, table)) or "t::text"
        cur.execute(
            f"SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY {order}), '')) "  # noqa: S608
            f"FROM public.{quote_ident(table)} AS t"
        )
        sums[table] = cur.fetchone()[0]
    return sums


def compare_row_counts(source: dict[str, int], restored: dict[str, int]) -> list[str]:
    problems = []
    for table in sorted(source.keys() | restored.keys()):
        if table not in restored:
            problems.append(f"table {table}: in the source, missing from the restore")
        elif table not in source:
            problems.append(f"table {table}: in the restore, not in the source")
        elif source[table] != restored[table]:
            problems.append(
                f"table {table}: {source[table]} rows in the source, {restored[table]} restored"
            )
    return problems


def compare_checksums(source: dict[str, str], restored: dict[str, str]) -> list[str]:
    return [
        f"table {table}: the restored rows differ from the source's "
        f"(md5 {restored.get(table, '-')[:12]}, source {checksum[:12]})"
        for table, checksum in sorted(source.items())
        if restored.get(table) != checksum
    ]


@dataclass(frozen=True)
class StoredObject:
    size: int
    etag: str
    md5: str


def compare_objects(source: dict[str, StoredObject], restored: dict[str, StoredObject]):
    problems = []
    for key in sorted(source.keys() | restored.keys()):
        if key not in restored:
            problems.append(f"object {key}: in the source bucket, missing from the restore")
            continue
        if key not in source:
            problems.append(f"object {key}: in the restored bucket, not in the source")
            continue
        src, dst = source[key], restored[key]
        if src.size != dst.size:
            problems.append(f"object {key}: {src.size} bytes in the source, {dst.size} restored")
        if src.etag != dst.etag:
            problems.append(f"object {key}: ETag {dst.etag}, the source's {src.etag}")
        if src.md5 != dst.md5:
            problems.append(f"object {key}: content MD5 {dst.md5}, the source's {src.md5}")
    return problems


def check_report_pdf(path: Path, expected_texts) -> tuple[int, list[str]]:
    """The page count of the PDF at ``path``, and what is wrong with it (nothing: [])."""
    data = path.read_bytes()
    if not data.startswith(b"%PDF-"):
        return 0, [f"report PDF: not a PDF (it starts with {data[:8]!r})"]
    for tool in ("pdfinfo", "pdftotext"):
        if shutil.which(tool) is None:
            raise DrillError(f"{tool} not found (apt-get install poppler-utils)")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=False)
    pages = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    if info.returncode != 0 or pages is None:
        return 0, [f"report PDF: pdfinfo cannot read it: {info.stderr.strip()}"]
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    flat = " ".join(text.split())
    problems = [
        f"report PDF: the text {wanted!r} is not in it"
        for wanted in expected_texts
        if " ".join(wanted.split()) not in flat
    ]
    return int(pages.group(1)), problems
