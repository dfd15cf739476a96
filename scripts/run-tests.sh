#!/usr/bin/env bash
# The gates of `make test`, run inside scripts/with-services.sh.
set -euo pipefail
BIN=.venv/bin
export DJANGO_SETTINGS_MODULE=svc.settings.test

echo "== ruff (lint and format)"
$BIN/ruff check .
$BIN/ruff format --check .

echo "== layers (import-linter: one direction of imports; WeasyPrint and matplotlib in one place each)"
$BIN/lint-imports --no-cache

echo "== message catalogues (msgfmt -c --check-format, plural forms too; nothing fuzzy or untranslated)"
for po in locale/*/LC_MESSAGES/django.po; do
  msgfmt -c --check-format -o /dev/null "$po"
  left=$(msgattrib --only-fuzzy "$po"; msgattrib --untranslated "$po")
  if [ -n "$left" ]; then
    echo "$po has fuzzy or untranslated entries:"; echo "$left"; exit 1
  fi
done

echo "== migrations are complete"
$BIN/python manage.py makemigrations --check --dry-run

# The object-store tests skip without it; here (make test, CI) they must run.
if [ -z "${SVC_TEST_S3_BUCKET:-}" ]; then
  echo "SVC_TEST_S3_BUCKET is not set: run the gates inside scripts/with-services.sh (make test)," >&2
  echo "which starts the object store; the object-store and two-node tests must not be skipped." >&2
  exit 1
fi

echo "== check --deploy with production settings (private files in a local folder, then in the object store)"
SEAL_KEY="$($BIN/python -c 'from evaluations.sealing import new_key; print(new_key())')"
for bucket in "" "$SVC_TEST_S3_BUCKET"; do
  DJANGO_SETTINGS_MODULE=svc.settings.production \
    SECRET_KEY="check-deploy-$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')" \
    ALLOWED_HOSTS=svc.example.se \
    EVALUATION_SEAL_KEYS="$SEAL_KEY" \
    S3_BUCKET="$bucket" \
    $BIN/python manage.py check --deploy --fail-level WARNING
done

# Before pytest: a backup that does not come back fails in about a minute, not after the
# suite; it makes and drops its own databases and buckets, so pytest starts as before.
echo "== restore drill (pg_dump and a copy of the bucket, restored into fresh ones and compared)"
$BIN/python scripts/restore_drill.py

echo "== pytest (PostgreSQL, Redis, a real Celery worker, Chromium with axe)"
set +e
$BIN/python -m pytest "$@"
rc=$?
set -e
exit $rc
