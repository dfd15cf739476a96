"""The restore drill: `make restore-drill`, and a step of `make test`.

Run inside scripts/with-services.sh: DATABASE_URL names a throwaway PostgreSQL
cluster and S3_ENDPOINT_URL (with S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY,
S3_REGION_NAME) a throwaway S3-compatible server. It proves that a backup of
both comes back whole:

1. a source: a new database, migrated and seeded with the demo as `make run`
   does, with the newest status report's PDF rendered into a new bucket;
2. the backup: `pg_dump -Fc` of the database, and every object of the bucket
   copied to a folder;
3. the restore: `pg_restore` into a new empty database, the folder into a new
   empty bucket;
4. the comparison: the row count of every table in the public schema (from the
   catalogue), an md5 of the rows of the key tables in primary-key order, and the
   object lists (key, size, ETag and the MD5 of the content);
5. the newest ready status report opened through Django against the restored
   database and bucket, and checked with pdfinfo and pdftotext.

It prints a summary, drops what it made, and exits 1 with one line per mismatch
(2 when a step could not run). `--break` damages the restore on purpose (a row
changed, a row deleted, an object altered) to show the comparison catching it.
The checks are in scripts/restore_drill_checks.py; tests/test_restore_drill.py runs
them on altered data.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from restore_drill_checks import (
    KEY_TABLES,
    DrillError,
    StoredObject,
    check_report_pdf,
    compare_checksums,
    compare_objects,
    compare_row_counts,
    quote_ident,
    row_counts,
    table_checksums,
)

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def run(cmd, *, env=None, what: str) -> str:
    result = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-30:])
        raise DrillError(f"{what} failed (exit {result.returncode}):\n{tail}")
    return result.stdout


def pg_tool(name: str) -> str:
    """pg_dump/pg_restore of the newest installed server, as with-services.sh picks it."""
    installed = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: [int(n) for n in re.findall(r"\d+", path.parent.name)],
    )
    pgbin = os.environ.get("PGBIN") or (str(installed[-1]) if installed else "")
    if pgbin and (Path(pgbin) / name).exists():
        return str(Path(pgbin) / name)
    found = shutil.which(name)
    if found is None:
        raise DrillError(f"{name} not found (apt-get install postgresql)")
    return found


class Cluster:
    """Databases made (and dropped) on the cluster of DATABASE_URL."""

    def __init__(self, url: str):
        import psycopg2

        parts = urlsplit(url)
        if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
            raise DrillError(
                "DATABASE_URL must name PostgreSQL (run inside scripts/with-services.sh)"
            )
        self.parts = parts
        self.psycopg2 = psycopg2
        try:
            self.admin = psycopg2.connect(url)
        except psycopg2.Error as exc:
            raise DrillError(f"cannot connect to DATABASE_URL: {exc}") from exc
        self.admin.autocommit = True
        self.made: list[str] = []

    def url(self, name: str) -> str:
        return self.parts._replace(path="/" + name).geturl()

    def create(self, name: str) -> str:
        with self.admin.cursor() as cur:
            cur.execute(f"CREATE DATABASE {quote_ident(name)}")
        self.made.append(name)
        return self.url(name)

    def connect(self, name: str):
        """A connection to close (``contextlib.closing``), in UTC so that row texts are stable."""
        conn = self.psycopg2.connect(self.url(name))
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SET TimeZone TO 'UTC'")
        return conn

    def drop_all(self) -> None:
        with self.admin.cursor() as cur:
            for name in self.made:
                cur.execute(f"DROP DATABASE IF EXISTS {quote_ident(name)} WITH (FORCE)")
        self.admin.close()


class ObjectStore:
    """Buckets made (and emptied and removed) on the server of S3_ENDPOINT_URL."""

    def __init__(self):
        import boto3

        missing = [
            name
            for name in ("S3_ENDPOINT_URL", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY")
            if not os.environ.get(name)
        ]
        if missing:
            raise DrillError(
                f"{', '.join(missing)} not set: the drill needs the throwaway object store "
                "that scripts/with-services.sh starts"
            )
        self.region = os.environ.get("S3_REGION_NAME") or "eu-north-1"
        self.client = boto3.client(
            "s3",
            endpoint_url=os.environ["S3_ENDPOINT_URL"],
            aws_access_key_id=os.environ["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=os.environ["S3_SECRET_ACCESS_KEY"],
            region_name=self.region,
        )
        self.made: list[str] = []

    def create(self, bucket: str) -> str:
        extra = {}
        if self.region != "us-east-1":
            extra["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        self.client.create_bucket(Bucket=bucket, **extra)
        self.made.append(bucket)
        return bucket

    def listing(self, bucket: str) -> dict[str, tuple[int, str]]:
        found = {}
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                found[item["Key"]] = (item["Size"], item["ETag"].strip('"'))
        return found

    def read(self, bucket: str, key: str) -> bytes:
        return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()

    def objects(self, bucket: str, *, copy_to: Path | None = None) -> dict[str, StoredObject]:
        """Every object with its size, ETag and content MD5; with ``copy_to``, also a copy there."""
        found = {}
        for key, (size, etag) in self.listing(bucket).items():
            data = self.read(bucket, key)
            if copy_to is not None:
                target = local_path(copy_to, key)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            found[key] = StoredObject(size, etag, hashlib.md5(data).hexdigest())  # noqa: S324
        return found

    def upload_folder(self, folder: Path, bucket: str) -> int:
        count = 0
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            key = path.relative_to(folder).as_posix()
            self.client.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())
            count += 1
        return count

    def drop_all(self) -> None:
        for bucket in self.made:
            keys = [{"Key": key} for key in self.listing(bucket)]
            for start in range(0, len(keys), 1000):
                self.client.delete_objects(
                    Bucket=bucket, Delete={"Objects": keys[start : start + 1000]}
                )
            self.client.delete_bucket(Bucket=bucket)


def local_path(folder: Path, key: str) -> Path:
    parts = PurePosixPath(key).parts
    if not parts or any(part in {"", ".", ".."} for part in parts) or key.startswith("/"):
        raise DrillError(f"object key {key!r} cannot be copied to a folder")
    return folder.joinpath(*parts)


def django_env(*, database_url: str, bucket: str, private_root: Path) -> dict[str, str]:
    """`make run`'s environment on the given database and bucket, tasks in-process.

    DEBUG stays off: it would keep every one of the seed's queries in memory.
    """
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "S3_BUCKET"}}
    env.update(
        DJANGO_SETTINGS_MODULE="svc.settings.base",
        DEBUG="false",
        DEMO_MODE="true",
        DATABASE_URL=database_url,
        S3_BUCKET=bucket,
        PRIVATE_STORAGE_ROOT=str(private_root),
    )
    return env


def fetch_report(out: Path) -> None:
    """In a child process on the restored env: write the newest ready report's PDF to ``out``."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.utils import translation

    from reports.models import StatusReport
    from reports.services import private_storage

    storage = private_storage()
    bucket = getattr(storage, "bucket_name", None)
    if bucket != os.environ["S3_BUCKET"]:
        raise SystemExit(
            f"the private storage is {type(storage).__name__} (bucket {bucket!r}), "
            f"not the bucket {os.environ['S3_BUCKET']!r}: is S3_BUCKET read by svc/settings?"
        )
    report = (
        StatusReport.objects.filter(status=StatusReport.Status.READY)
        .select_related("program")
        .order_by("-rendered_at", "-pk")
        .first()
    )
    if report is None:
        raise SystemExit("the restored database has no ready status report")
    with storage.open(report.file_name, "rb") as handle:
        out.write_bytes(handle.read())
    with translation.override(report.language):
        title = str(report)
    expected = [title, report.snapshot.get("program_name", report.program.name)]
    print(json.dumps({"file_name": report.file_name, "title": title, "expected": expected}))


def damage(cluster: Cluster, restored_db: str, store: ObjectStore, bucket: str) -> None:
    """--break: what a bad restore could look like."""
    with closing(cluster.connect(restored_db)) as conn, conn.cursor() as cur:
        cur.execute(
            "UPDATE participants_organisation SET name = name || ' (altered)' "
            "WHERE id = (SELECT min(id) FROM participants_organisation)"
        )
        cur.execute(
            "DELETE FROM programs_attendance WHERE id = (SELECT max(id) FROM programs_attendance)"
        )
    key = sorted(store.listing(bucket))[0]
    data = store.read(bucket, key)
    store.client.put_object(Bucket=bucket, Key=key, Body=data + b"\n% altered by --break\n")


def drill(*, break_restore: bool) -> int:
    started = time.monotonic()
    if not os.environ.get("DATABASE_URL"):
        raise DrillError("DATABASE_URL not set: run inside scripts/with-services.sh")
    tag = secrets.token_hex(4)
    cluster = Cluster(os.environ["DATABASE_URL"])
    work = Path(tempfile.mkdtemp(prefix="svc-restore-drill."))
    store = None
    problems = []
    try:
        store = ObjectStore()
        source_db, restored_db = f"drill_source_{tag}", f"drill_restored_{tag}"
        source_bucket, restored_bucket = f"drill-source-{tag}", f"drill-restored-{tag}"
        private_root = work / "private"

        # 1. The source.
        source_env = django_env(
            database_url=cluster.create(source_db),
            bucket=store.create(source_bucket),
            private_root=private_root,
        )
        manage = [PYTHON, "manage.py"]
        step = time.monotonic()
        run([*manage, "migrate", "--noinput", "-v0"], env=source_env, what="migrate")
        migrated = time.monotonic() - step
        seeded = run(
            [*manage, "seed_demo", "--render-latest-report", "--quiet-logins"],
            env=source_env,
            what="seed_demo --render-latest-report",
        )
        report_line = next((ln for ln in seeded.splitlines() if ln.startswith("Status report")), "")
        say(
            f"Source: database {source_db} migrated in {migrated:.1f} s, the demo seeded "
            f"({report_line or 'no report'}) in {time.monotonic() - step - migrated:.1f} s"
        )
        if private_root.exists() and any(private_root.rglob("*")):
            raise DrillError(f"seed_demo wrote to the local folder {private_root}, not the bucket")

        # 2. The backup.
        step = time.monotonic()
        dump = work / "svc.dump"
        run(
            [pg_tool("pg_dump"), "-Fc", "-f", str(dump), "-d", cluster.url(source_db)],
            what="pg_dump",
        )
        copied = store.objects(source_bucket, copy_to=work / "objects")
        if not any(key.startswith("status-reports/") for key in copied):
            raise DrillError(
                f"the bucket {source_bucket} holds no status report PDF after seeding "
                f"({len(copied)} objects): is S3_BUCKET read by svc/settings?"
            )
        say(
            f"Backup: pg_dump -Fc {dump.stat().st_size / 1024:,.0f} KiB; objects copied to a "
            f"folder: {len(copied)} ({sum(o.size for o in copied.values()):,} bytes), "
            f"in {time.monotonic() - step:.1f} s"
        )

        # 3. The restore, into new empty ones.
        step = time.monotonic()
        run(
            [pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction",
             "-d", cluster.create(restored_db), str(dump)],
            what="pg_restore",
        )  # fmt: skip
        store.create(restored_bucket)
        uploaded = store.upload_folder(work / "objects", restored_bucket)
        say(
            f"Restore: pg_restore into {restored_db}; objects into {restored_bucket}: {uploaded}, "
            f"in {time.monotonic() - step:.1f} s"
        )
        if break_restore:
            damage(cluster, restored_db, store, restored_bucket)
            say("--break: one organisation renamed, one attendance deleted, one object altered")

        # 4. The comparison.
        with (
            closing(cluster.connect(source_db)) as src,
            closing(cluster.connect(restored_db)) as dst,
            src.cursor() as s_cur,
            dst.cursor() as d_cur,
        ):
            counts, restored_counts = row_counts(s_cur), row_counts(d_cur)
            sums = table_checksums(s_cur, KEY_TABLES)
            restored_sums = table_checksums(d_cur, KEY_TABLES)
        problems += compare_row_counts(counts, restored_counts)
        problems += compare_checksums(sums, restored_sums)
        say(
            f"Compared: row counts of {len(counts)} tables of the public schema "
            f"({sum(counts.values()):,} rows); checksums of {len(KEY_TABLES)} key tables "
            f"({sum(counts[t] for t in KEY_TABLES):,} rows)"
        )
        restored_objects = store.objects(restored_bucket)
        problems += compare_objects(copied, restored_objects)
        say(f"Compared: objects by key, size, ETag and content MD5: {len(copied)}")

        # 5. A restored report PDF, through Django on the restored database and bucket.
        pdf = work / "report.pdf"
        restored_env = django_env(
            database_url=cluster.url(restored_db), bucket=restored_bucket, private_root=private_root
        )
        fetched = json.loads(
            run(
                [PYTHON, __file__, "--fetch-report", str(pdf)],
                env=restored_env,
                what="opening the restored report through Django",
            )
            .strip()
            .splitlines()[-1]
        )
        pages, pdf_problems = check_report_pdf(pdf, fetched["expected"])
        problems += pdf_problems
        say(
            f"Report PDF: {fetched['title']} ({fetched['file_name']}), {pages} pages, "
            "read from the restored database and bucket"
        )
    finally:
        cleanup(cluster, store, work)
    elapsed = time.monotonic() - started
    if problems:
        print(f"Restore drill FAILED in {elapsed:.1f} s: the restore differs from the source:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print(f"Restore drill passed in {elapsed:.1f} s: the restore equals the source.")
    return 0


def say(line: str) -> None:
    print(f"  {line}", flush=True)


def cleanup(cluster: Cluster, store: ObjectStore | None, work: Path) -> None:
    """Drop what the drill made; a failure here is reported, never hides the drill's own."""
    dropped = []
    try:
        if store is not None:
            store.drop_all()
            dropped.append(f"{len(store.made)} buckets")
        cluster.drop_all()
        dropped.append(f"{len(cluster.made)} databases")
    except Exception as exc:  # noqa: BLE001
        print(f"  Could not drop everything the drill made: {exc}", file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)
    say(f"Dropped {' and '.join(dropped) or 'nothing'} and the backup folder.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--break", dest="break_restore", action="store_true",
                        help="damage the restore on purpose: the drill must fail")  # fmt: skip
    parser.add_argument("--fetch-report", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fetch_report:
        fetch_report(args.fetch_report)
        return 0
    try:
        return drill(break_restore=args.break_restore)
    except DrillError as exc:
        print(f"Restore drill could not run: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
