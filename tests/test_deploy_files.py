"""The example deployment (deploy/, docs/deployment.md) as far as this machine can run it.

The units are read as systemd reads them (``systemd-analyze verify`` where it exists), with
their install prefix ``/opt/svc`` mapped to this checkout and ``/etc/svc/svc.env`` to the
example environment file. Their programs are started with the production settings against
the throwaway services: gunicorn from svc-web.service's command line answers the health
URLs; the Celery app the worker and beat units name loads, and knows every scheduled job.
Not tested: systemd itself starting them (no systemd as PID 1 here), the svc user, the
sandboxing options, and more than one node.
"""

import json
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path

import pytest

from core.tests.test_settings import _variables_read_in
from evaluations import sealing

ROOT = Path(__file__).resolve().parents[1]
UNITS = ROOT / "deploy" / "systemd"
ENV_EXAMPLE = UNITS / "svc.env.example"
GUIDE = ROOT / "docs" / "deployment.md"
PREFIX = "/opt/svc"
ENV_FILE = "/etc/svc/svc.env"
# The object storage variables: the gunicorn started here uses make test's object store
# (moto) when there is one, and none of the caller's otherwise.
INTERFACE = {
    "S3_BUCKET",
    "S3_LOCATION",
    "S3_ENDPOINT_URL",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_REGION_NAME",
    "S3_ADDRESSING_STYLE",
}


@dataclass
class Unit:
    name: str
    service: dict[str, list[str]]

    def one(self, key: str) -> str:
        values = self.service.get(key, [])
        assert len(values) == 1, f"{self.name}: {key} is set {len(values)} times"
        return values[0]

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.one("ExecStart"))


def _unit(path: Path) -> Unit:
    """The [Service] section; a key may repeat (as systemd allows), so values are lists."""
    service: dict[str, list[str]] = {}
    section = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        if section == "Service":
            service.setdefault(key.strip(), []).append(value.strip())
    return Unit(path.name, service)


UNIT_FILES = sorted(UNITS.glob("*.service"))
ALL_UNITS = {path.name: _unit(path) for path in UNIT_FILES}


def _local(path: str) -> Path:
    """A path of the installation, in this checkout."""
    assert path.startswith(PREFIX + "/"), path
    return ROOT / path.removeprefix(PREFIX + "/")


def _env_example() -> tuple[dict[str, str], set[str]]:
    """The variables set in the example, and the names only shown commented out."""
    values, commented = {}, set()
    for raw in ENV_EXAMPLE.read_text().splitlines():
        line = raw.strip()
        match = re.fullmatch(r"#\s*([A-Z][A-Z0-9_]*)=.*", line)
        if match:
            commented.add(match[1])
            continue
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        values[name] = value
    return values, commented


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def unit_env(tmp_path):
    """The example environment file with the test's own values for what it must change:
    fresh secrets, an empty SQLite database of its own, the throwaway Redis, and the
    throwaway object store (else a folder)."""
    if not os.environ.get("REDIS_URL"):
        pytest.fail("The deployment tests need REDIS_URL: run them with `make test`.")
    values, _ = _env_example()
    env = {
        **values,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "EVALUATION_SEAL_KEYS": sealing.new_key(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": os.environ["REDIS_URL"],
        "EMAIL_URL": "consolemail://",
        "PRIVATE_STORAGE_ROOT": str(tmp_path / "private"),
        "LOG_LEVEL": "WARNING",
        "PATH": os.environ["PATH"],
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "MPLCONFIGDIR": str(tmp_path / "cache" / "matplotlib"),
    }
    for name in INTERFACE:
        env.pop(name, None)
    if os.environ.get("SVC_TEST_S3_BUCKET"):
        env["S3_BUCKET"] = os.environ["SVC_TEST_S3_BUCKET"]
        for name in INTERFACE - {"S3_BUCKET"}:
            if name in os.environ:
                env[name] = os.environ[name]
    return env


def test_there_are_the_three_units():
    assert set(ALL_UNITS) == {"svc-web.service", "svc-worker.service", "svc-beat.service"}


@pytest.mark.parametrize("name", sorted(ALL_UNITS))
def test_each_unit_runs_a_program_of_the_venv_in_the_installation(name):
    unit = ALL_UNITS[name]

    program = _local(unit.argv[0])
    assert program.parent == ROOT / ".venv" / "bin"
    assert program.is_file() and os.access(program, os.X_OK), program
    assert unit.one("WorkingDirectory") == PREFIX
    assert unit.one("EnvironmentFile") == ENV_FILE
    assert unit.one("User") == "svc"


def test_exactly_one_unit_runs_beat_and_no_worker_embeds_it():
    def celery_command(unit):
        argv = unit.argv
        return argv[argv.index("-A") + 2] if Path(argv[0]).name == "celery" else None

    commands = {name: celery_command(unit) for name, unit in ALL_UNITS.items()}
    assert commands == {
        "svc-web.service": None,
        "svc-worker.service": "worker",
        "svc-beat.service": "beat",
    }
    worker = ALL_UNITS["svc-worker.service"].argv
    assert "-B" not in worker and "--beat" not in worker
    # beat remembers its last runs in its own state folder, not in the read-only checkout.
    beat = ALL_UNITS["svc-beat.service"]
    assert beat.argv[beat.argv.index("--schedule") + 1].startswith("/var/lib/svc-beat/")
    assert beat.one("StateDirectory") == "svc-beat"


def test_the_example_environment_names_every_variable_the_settings_read():
    read = set().union(*(_variables_read_in(p) for p in (ROOT / "svc" / "settings").glob("*.py")))
    values, commented = _env_example()
    documented = set(values) | commented

    assert read - documented == set()
    assert documented - read - {"DJANGO_SETTINGS_MODULE"} == set()
    assert set(values) & commented == set()
    assert values["DJANGO_SETTINGS_MODULE"] == "svc.settings.production"


def test_the_guide_names_every_unit_and_the_environment_file():
    guide = GUIDE.read_text()

    for name in [*ALL_UNITS, "svc.env.example", ENV_FILE, "gunicorn.conf.py"]:
        assert name in guide, name


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="no systemd-analyze here")
def test_systemd_analyze_verifies_the_units(tmp_path):
    shutil.copy(ENV_EXAMPLE, tmp_path / "svc.env")
    for path in UNIT_FILES:
        text = path.read_text().replace(ENV_FILE, str(tmp_path / "svc.env"))
        (tmp_path / path.name).write_text(text.replace(PREFIX, str(ROOT)))

    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *(str(tmp_path / p.name) for p in UNIT_FILES)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert (result.returncode, result.stderr) == (0, "")


def _web_argv() -> list[str]:
    argv = ALL_UNITS["svc-web.service"].argv
    config = argv.index("--config") + 1
    return [str(_local(argv[0])), *argv[1:config], str(_local(argv[config])), *argv[config + 1 :]]


def test_gunicorn_binds_where_the_guide_says(unit_env):
    result = subprocess.run(
        [*_web_argv(), "--print-config"],
        cwd=ROOT,
        env=unit_env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    config = {
        key.strip(): value.strip()
        for key, _, value in (line.partition("=") for line in result.stdout.splitlines())
    }
    assert config["bind"] == "['127.0.0.1:8000']"
    assert config["worker_class"] == "sync"
    guide = GUIDE.read_text()
    assert "listens on `127.0.0.1:8000`" in guide
    assert "proxy_pass http://127.0.0.1:8000;" in guide


def _get(port: int, path: str, host: str) -> tuple[int, dict, bytes]:
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": host})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_the_web_unit_serves_the_health_urls_with_the_production_settings(unit_env):
    port = _free_port()
    process = subprocess.Popen(
        [*_web_argv(), "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=unit_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    host = unit_env["ALLOWED_HOSTS"].split(",")[0]
    try:
        deadline = time.monotonic() + 60  # waiting for start-up, not a measurement
        while True:
            assert process.poll() is None, process.stdout.read().decode()
            try:
                status, _, _ = _get(port, "/healthz/", host)
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert status == 200

        # The load balancer's probe: plain HTTP, not redirected to HTTPS.
        status, headers, body = _get(port, "/healthz/ready/", host)
        assert status == 200, body
        assert json.loads(body) == {
            "status": "ready",
            "checks": {"database": "ok", "redis": "ok", "storage": "ok"},
        }
        # A page is redirected (the production settings are on) ...
        status, headers, _ = _get(port, "/", host)
        assert (status, headers["Location"]) == (301, f"https://{host}/")
        # ... and a probe with another Host is refused: the probe must send the site's name.
        status, _, _ = _get(port, "/healthz/ready/", "10.0.0.7")
        assert status == 400
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_celery_units_load_the_svc_app_and_it_knows_every_scheduled_job(unit_env):
    apps = {
        name: unit.argv[unit.argv.index("-A") + 1]
        for name, unit in ALL_UNITS.items()
        if Path(unit.argv[0]).name == "celery"
    }
    assert apps == {"svc-worker.service": "svc", "svc-beat.service": "svc"}
    script = (
        "import json, sys; from celery.app.utils import find_app; "
        "app = find_app(sys.argv[1]); app.loader.import_default_modules(); "
        "from django.conf import settings; "
        "print(json.dumps({'settings': settings.SETTINGS_MODULE, "
        "'scheduled': sorted(e['task'] for e in app.conf.beat_schedule.values()), "
        "'tasks': sorted(app.tasks)}))"
    )

    result = subprocess.run(
        [sys.executable, "-c", script, "svc"],
        cwd=ROOT,
        env=unit_env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["settings"] == "svc.settings.production"
    assert loaded["scheduled"]
    assert set(loaded["scheduled"]) <= set(loaded["tasks"])
