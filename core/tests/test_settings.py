"""Settings come from the environment; bad values stop start-up with a clear message."""

import ast
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from evaluations import sealing

ROOT = Path(__file__).resolve().parents[2]
# Variables of the test process that a deployment would never have.
LOCAL_ONLY = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _check(settings_module: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in LOCAL_ONLY}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--fail-level", "ERROR"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": settings_module, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "Environment variable DEBUG has an invalid value"),
        ("CONN_MAX_AGE", "forever", "Environment variable CONN_MAX_AGE has an invalid value"),
        ("DATABASE_URL", "nosuchdb://x", "Environment variable DATABASE_URL has an invalid value"),
        ("EMAIL_URL", "pigeon://x", "Environment variable EMAIL_URL has an invalid value"),
        ("AXES_FAILURE_LIMIT", "50", "AXES_FAILURE_LIMIT must be between 1 and 10."),
        ("SESSION_IDLE_MINUTES", "0", "SESSION_IDLE_MINUTES must be at least 1."),
        ("EVALUATION_MIN_RESPONSES", "4", "EVALUATION_MIN_RESPONSES must be at least 5."),
        ("IMPORT_MAX_BYTES", "0", "IMPORT_MAX_BYTES must be at least 1."),
        ("IMPORT_MAX_ROWS", "many", "Environment variable IMPORT_MAX_ROWS has an invalid value"),
        ("AGREEMENT_REMINDER_DAYS", "0", "AGREEMENT_REMINDER_DAYS must be at least 1."),
        (
            "READINESS_TIMEOUT_SECONDS",
            "0",
            "READINESS_TIMEOUT_SECONDS must be between 0.1 and 30.",
        ),
        (
            "EVALUATION_SEAL_KEYS",
            "not-a-key",
            "EVALUATION_SEAL_KEYS cannot seal and open: key 1 is",
        ),
        (
            "EVALUATION_SEAL_KEYS",
            f"{sealing.new_key()},c2hvcnQ=",
            "EVALUATION_SEAL_KEYS cannot seal and open: key 2 is 5 bytes, not 32.",
        ),
        (
            "CALENDAR_UID_DOMAIN",
            "svc example",
            "CALENDAR_UID_DOMAIN must be a domain name, without spaces or @.",
        ),
        (
            "SITE_URL",
            "svc.orebro.se",
            "SITE_URL must be an address such as https://svc.example.se.",
        ),
    ],
)
def test_bad_environment_value_fails_at_start_up(variable, value, message):
    result = _check("svc.settings.base", **{variable: value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def _variables_read_in(path: Path) -> set[str]:
    """Names of the environment variables a settings file reads (_env, env.str, env.db, ...)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        func, first = node.func, node.args[0]
        reads = (isinstance(func, ast.Name) and func.id == "_env") or (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "env"
        )
        if reads and isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
    return names


def test_every_environment_variable_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Configuration (environment variables)")[1].split("\n## ")[0]
    listed = {line.split("`")[1] for line in section.splitlines() if line.startswith("| `")}
    read = set().union(*(_variables_read_in(p) for p in (ROOT / "svc" / "settings").glob("*.py")))

    assert read - listed == set()


def _setting(name: str, **env) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in LOCAL_ONLY | {"SITE_URL", name}}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; "
            f"print(settings.{name})",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "svc.settings.base", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_calendar_uids_take_the_host_of_the_site_address_by_default():
    """Test and production have their own addresses, so their calendar events never meet."""
    test = _setting("CALENDAR_UID_DOMAIN", SITE_URL="https://svc-test.orebro.se/")
    production = _setting("CALENDAR_UID_DOMAIN", SITE_URL="https://SVC.Orebro.se:8443/app/")

    assert (test, production) == ("svc-test.orebro.se", "svc.orebro.se")


def test_calendar_uid_domain_set_on_its_own_wins_over_the_site_address():
    domain = _setting(
        "CALENDAR_UID_DOMAIN",
        SITE_URL="https://svc-test.orebro.se",
        CALENDAR_UID_DOMAIN="svc.example",
    )

    assert domain == "svc.example"


def test_production_refuses_the_development_secret_key():
    result = _check("svc.settings.production", ALLOWED_HOSTS="svc.example.se")

    assert result.returncode != 0
    assert "SECRET_KEY must be set to a random value of at least 50 characters" in result.stderr


def test_production_refuses_to_start_without_a_seal_key():
    result = _check(
        "svc.settings.production",
        ALLOWED_HOSTS="svc.example.se",
        SECRET_KEY=secrets.token_urlsafe(48),
        EVALUATION_SEAL_KEYS="",
    )

    assert result.returncode != 0
    assert "EVALUATION_SEAL_KEYS must be set in production" in result.stderr


def test_production_refuses_the_development_seal_key():
    result = _check(
        "svc.settings.production",
        ALLOWED_HOSTS="svc.example.se",
        SECRET_KEY=secrets.token_urlsafe(48),
        EVALUATION_SEAL_KEYS=f"{sealing.new_key()},{sealing.DEV_KEY}",
    )

    assert result.returncode != 0
    assert "EVALUATION_SEAL_KEYS must not contain the development key." in result.stderr


def _check_deploy(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in LOCAL_ONLY | {"S3_BUCKET"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "svc.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "svc.example.se",
            "EVALUATION_SEAL_KEYS": f"{sealing.new_key()},{sealing.new_key()}",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_passes_check_deploy_with_real_values():
    result = _check_deploy(S3_BUCKET="svc-filer")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_says_private_files_in_a_local_folder_serve_one_machine_only():
    result = _check_deploy(S3_BUCKET="", PRIVATE_STORAGE_ROOT="/srv/svc/privat")

    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[:4] == [
        "System check identified some issues:",
        "",
        "INFOS:",
        "?: (svc.I001) Private files (status report PDFs, import uploads) are kept in the "
        "local folder /srv/svc/privat.",
    ]
    assert "set S3_BUCKET" in result.stderr


def test_without_redis_url_tasks_run_in_process():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL, "
            "s.DATABASES['default']['ENGINE'], s.DEBUG, s.LANGUAGE_CODE)",
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}},
            "DJANGO_SETTINGS_MODULE": "svc.settings.base",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.split() == [
        "True",
        "memory://",
        "django.db.backends.sqlite3",
        "False",
        "sv",
    ]


def _private_storage(**env) -> dict:
    """The private storage's backend and options (without the boto client config) under env."""
    clean = {k: v for k, v in os.environ.items() if k not in LOCAL_ONLY | {"S3_BUCKET"}}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, django; django.setup(); from django.conf import settings; "
            "p = settings.STORAGES['private']; o = dict(p['OPTIONS']); "
            "c = o.pop('client_config', None); "
            "print(json.dumps({'BACKEND': p['BACKEND'], 'OPTIONS': o, 'timeouts': "
            "c and [c.connect_timeout, c.read_timeout, c.retries]}))",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "svc.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(48),
    "ALLOWED_HOSTS": "svc.example.se",
    "EVALUATION_SEAL_KEYS": sealing.new_key(),
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_with_s3_bucket_private_files_go_to_the_object_store_privately():
    storage = _private_storage(
        **PRODUCTION,
        S3_BUCKET="svc-filer",
        S3_LOCATION="/orebro/",
        S3_ENDPOINT_URL="https://s3.example.se",
        S3_ACCESS_KEY_ID="AKID",
        S3_SECRET_ACCESS_KEY="hemligt",
        S3_REGION_NAME="",
        S3_ADDRESSING_STYLE="path",
    )

    assert storage == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "svc-filer",
            "location": "orebro",
            "endpoint_url": "https://s3.example.se",
            "access_key": "AKID",
            "secret_key": "hemligt",
            "region_name": "eu-north-1",
            "addressing_style": "path",
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": True,
        },
        "timeouts": [5, 30, {"max_attempts": 3, "mode": "standard"}],
    }


def test_without_s3_bucket_private_files_stay_in_the_local_folder():
    storage = _private_storage(**PRODUCTION, PRIVATE_STORAGE_ROOT="/srv/svc/privat")

    assert storage == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": "/srv/svc/privat"},
        "timeouts": None,
    }


def test_the_default_cache_is_redis_where_redis_url_is_and_local_memory_without():
    with_redis = _setting("CACHES['default']", REDIS_URL="redis://10.0.0.5:6379/0")
    without = _setting("CACHES['default']", REDIS_URL="")

    assert with_redis == str(
        {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": "redis://10.0.0.5:6379/0",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    )
    assert without == str({"BACKEND": "django.core.cache.backends.locmem.LocMemCache"})
