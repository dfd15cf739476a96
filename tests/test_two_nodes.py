"""Two web nodes and a worker, each in a temporary folder of its own (its working folder, HOME,
TMPDIR and PRIVATE_STORAGE_ROOT), sharing only PostgreSQL (the test database), Redis and the
object store (moto's server, the bucket of `make test` under a prefix of this run's own).

Node A and node B are gunicorn processes, the worker a `celery worker` on a broker database
of their own (so that the suite's session worker cannot take their tasks). A person logs in
through the login form, as a browser would, with ``requests``.

- An import previewed on A is confirmed on B.
- The worker renders a status report; A serves its PDF.
- A question edited on A: B serves the new form at once, and both nodes' form fragments
  are in the shared Redis under keys that change with the text.
- The same import with each node's private files in its own folder (S3_BUCKET unset, as
  `make run`) is refused on B: that is what the object store is for.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
import requests
from django.conf import settings
from django.db import connection
from django.urls import reverse

from conftest import ObjectStore, WorkerProcess, object_store_bucket
from core.tests.html import form_data, parse
from evaluations.services import evaluation_form_ensure
from evaluations.tests.factories import make_group, make_program, participant_login
from participants.models import ManagerImport, Person
from programs.tests.factories import ProgramFactory
from reports.models import StatusReport
from reports.tests.factories import StatusReportFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct-horse-battery"  # participants.tests.factories.UserFactory
# The nodes' broker: a Redis database of their own. Their default cache is database 1 as the
# test process's (svc.settings.test), so the test reads what they cached.
BROKER_DB = 2
FRAGMENT_KEYS = "*template.cache.evaluation_answer_fields.*"

HEADER = "Anställningsnummer;Förnamn;Efternamn;E-post;Förvaltning;Chefsnivå;Närmaste chef (anst.nr)"
ROWS = [
    "9001;Åke;Öst;ake@orebro.se;Socialförvaltningen;Förvaltningschef;",
    "9002;Märit;Ängström;marit@orebro.se;Socialförvaltningen;Enhetschef;9001",
]
IMPORT = ("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("cp1252")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_url(db: int) -> str:
    return urlunsplit(urlsplit(settings.REDIS_URL)._replace(path=f"/{db}"))


def _process_env(folder: Path, *, s3_location: str | None) -> dict:
    """The environment of one node or the worker: its own folder, the shared services."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        "DJANGO_SETTINGS_MODULE": "tests.two_nodes_settings",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"])),
        "CONN_MAX_AGE": "0",
        "REDIS_URL": _redis_url(BROKER_DB),
        "HOME": str(folder),
        "TMPDIR": str(folder / "tmp"),
        "PRIVATE_STORAGE_ROOT": str(folder / "private"),
        "S3_BUCKET": "",
        "S3_LOCATION": "",
    }
    if s3_location is not None:
        env.update(S3_BUCKET=os.environ["SVC_TEST_S3_BUCKET"], S3_LOCATION=s3_location)
    (folder / "tmp").mkdir(parents=True, exist_ok=True)
    return env


def _files_in(folder: Path) -> list[str]:
    """What a process left in its private folder (nothing, with the object store)."""
    private = folder / "private"
    return sorted(str(p.relative_to(private)) for p in private.rglob("*") if p.is_file())


class Node:
    """One web node: gunicorn on a free loopback port, working in its own folder."""

    def __init__(self, name: str, folder: Path, env: dict):
        self.name, self.folder, self.env = name, folder, env
        self.port = _free_port()
        self.log = folder / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> "Node":
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "svc.wsgi:application",
                    "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "2",
                    "--timeout", "120", "--error-logfile", "-",
                ],
                cwd=self.folder, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"node {self.name} exited:\n{self.log.read_text()}")
            try:  # the first request loads Django: slow on a busy machine
                if requests.get(self.url("/logga-in/"), timeout=30).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"node {self.name} did not answer:\n{self.log.read_text()}")

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


class Visitor:
    """A browser, in the small: one cookie jar for every node (they share the sessions)."""

    def __init__(self):
        self.http = requests.Session()

    def get(self, node: Node, path: str) -> requests.Response:
        response = self.http.get(node.url(path), timeout=60, allow_redirects=False)
        assert response.status_code == 200, f"{node.name} {path}: {response.status_code}"
        return response

    def submit(self, node: Node, path: str, *, field="", action="", changes=None, files=None):
        """GET the page on ``node``, fill its form (the one with the field ``field``, or
        posting to ``action``) as a browser would, with ``changes``, and POST it there."""
        page = parse(self.get(node, path).text)
        (form,) = [
            f
            for f in page.select("form")
            if (not field or _has_field(f, field)) and (not action or f.get("action") == action)
        ]
        data = {**form_data(form), **(changes or {})}
        action = form.get("action") or path
        response = self.http.post(
            node.url(action), data=data, files=files, timeout=60, allow_redirects=False
        )
        errors = parse(response.text).texts(".invalid-feedback, .alert-danger, .errorlist")
        assert response.status_code == 302, f"{node.name} {action}: {response.status_code} {errors}"
        return response

    def login(self, node: Node, email: str):
        response = self.submit(
            node, "/logga-in/", field="username", changes={"username": email, "password": PASSWORD}
        )
        assert response.headers["Location"] == "/"

    def messages(self, node: Node, path: str) -> list[str]:
        return parse(self.get(node, path).text).texts(".messages .alert")


def _has_field(form, name: str) -> bool:
    return any(element.get("name") == name for element in form.iter())


@pytest.fixture(scope="module")
def running_cluster(django_db_setup, django_db_blocker, tmp_path_factory):
    """Node A, node B and a worker on the object store; each in a folder of its own."""
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.fail("The two-node test needs PostgreSQL and Redis: run it with `make test`.")
    bucket = object_store_bucket()
    prefix = f"two-nodes-{uuid.uuid4().hex}"
    folders = {name: tmp_path_factory.mktemp(f"node-{name}") for name in ("a", "b", "worker")}
    worker = WorkerProcess(
        folders["worker"] / "worker.log",
        env=_process_env(folders["worker"], s3_location=prefix),
        cwd=folders["worker"],
        hostname="two-nodes-worker@test",
    )
    nodes = [
        Node(name.upper(), folders[name], _process_env(folders[name], s3_location=prefix))
        for name in ("a", "b")
    ]
    with django_db_blocker.unblock():
        worker.start()
        try:
            for node in nodes:
                node.start()
            yield SimpleCluster(*nodes, worker, ObjectStore(bucket, prefix), folders)
        finally:
            for node in nodes:
                node.stop()
            worker.stop()
            ObjectStore(bucket, prefix).empty()


@pytest.fixture
def cluster(running_cluster):
    """The running cluster with its store emptied: each test sees only the objects it made
    (the processes are shared by the module; in random order a report's PDF was left)."""
    running_cluster.store.empty()
    return running_cluster


class SimpleCluster:
    def __init__(self, a, b, worker, store, folders):
        self.a, self.b, self.worker, self.store, self.folders = a, b, worker, store, folders

    def files_on_disk(self) -> dict:
        return {name: _files_in(folder) for name, folder in self.folders.items()}


@pytest.fixture
def hr(hr_user) -> Visitor:
    return Visitor()


def test_an_import_previewed_on_a_is_confirmed_on_b(cluster, hr, org):
    hr.login(cluster.a, "hr@orebro.test")

    preview = hr.submit(
        cluster.a, "/o/orebro/import/", field="file", files={"file": ("chefer.csv", IMPORT)}
    )
    record = ManagerImport.objects.get()
    detail = f"/o/orebro/import/{record.pk}/"
    assert preview.headers["Location"] == detail
    assert cluster.store.keys() == [f"imports/{record.pk}.upload"]
    assert cluster.store.read(record.stored_name) == IMPORT

    confirmed = hr.submit(cluster.b, detail, action=f"{detail}bekrafta/")

    assert confirmed.headers["Location"] == detail
    assert hr.messages(cluster.b, detail) == ["Importen är klar."]
    record.refresh_from_db()
    assert record.status == ManagerImport.Status.APPLIED
    assert sorted(
        Person.objects.filter(organisation=org).values_list(
            "employee_number", "first_name", "last_name", "email", "line_manager__employee_number"
        )
    ) == [
        ("9001", "Åke", "Öst", "ake@orebro.se", None),
        ("9002", "Märit", "Ängström", "marit@orebro.se", "9001"),
    ]
    assert cluster.store.keys() == []
    assert cluster.files_on_disk() == {"a": [], "b": [], "worker": []}


def test_the_worker_renders_a_report_and_node_a_serves_its_pdf(cluster, hr, org, hr_user):
    program = ProgramFactory(organisation=org, name="Sveriges viktigaste chefsjobb")
    report = StatusReportFactory(program=program, number=1)
    hr.login(cluster.b, "hr@orebro.test")
    detail = reverse("reports:report_detail", kwargs={"org": "orebro", "report_id": report.pk})

    # Opening the report on A asks for its PDF: A publishes the task, the worker renders it.
    hr.get(cluster.a, detail)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in {StatusReport.Status.READY, StatusReport.Status.FAILED}:
            break
        time.sleep(0.1)
    download = hr.get(
        cluster.a,
        reverse("reports:report_download", kwargs={"org": "orebro", "report_id": report.pk}),
    )

    name = f"status-reports/orebro/program-{program.pk}/statusrapport-1-{report.pk}.pdf"
    assert (report.status, report.file_name, report.attempts) == ("ready", name, 1)
    assert cluster.store.keys() == [name]
    assert download.content == cluster.store.read(name)
    assert download.content[:5] == b"%PDF-"
    assert download.headers["Content-Disposition"] == 'attachment; filename="statusrapport-1.pdf"'
    rendered = re.findall(
        r"Task reports\.render_status_report\[[^\]]+\] succeeded",
        cluster.worker.logfile.read_text(),
    )
    assert len(rendered) == 1
    assert cluster.files_on_disk() == {"a": [], "b": [], "worker": []}


def test_a_question_edited_on_a_is_served_by_b_at_once(cluster, hr, org):
    program = make_program(org)
    setup = make_group(program=program, size=6)
    session = setup.sessions[1]
    participant_login(setup.enrollments[0], "deltagare@orebro.test")
    version = evaluation_form_ensure(module=session.module).versions.get()
    old_text = version.questions.get(order=1).text
    new_text = "Hur väl passade dagen dig?"
    answer = f"/o/orebro/utvardering/{session.pk}/"
    participant = Visitor()
    participant.login(cluster.b, "deltagare@orebro.test")
    hr.login(cluster.a, "hr@orebro.test")
    shared = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])

    def fragments() -> list[bytes]:
        return sorted(shared.scan_iter(match=FRAGMENT_KEYS))

    before_on_a = participant.get(cluster.a, answer).text
    [drawn_by_a] = fragments()
    expiry_a = shared.pttl(drawn_by_a)  # ms left; drawing the fragment again would reset it
    before_on_b = participant.get(cluster.b, answer).text
    after_b_read = (fragments(), shared.pttl(drawn_by_a) < expiry_a)
    hr.submit(
        cluster.a,
        f"/o/orebro/program/{program.pk}/utvarderingar/formular/{session.module.pk}/",
        field="q-TOTAL_FORMS",
        changes={"q-0-text": new_text},
    )
    after_on_b = participant.get(cluster.b, answer).text
    [drawn_by_b] = [key for key in fragments() if key != drawn_by_a]
    expiry_b = shared.pttl(drawn_by_b)
    after_on_a = participant.get(cluster.a, answer).text

    assert version.questions.get(order=1).text == new_text
    assert hr.messages(cluster.a, f"/o/orebro/program/{program.pk}/utvarderingar/") == [
        "Formuläret sparades."
    ]
    assert (old_text in before_on_a, old_text in before_on_b) == (True, True)
    assert (new_text in after_on_b, old_text in after_on_b) == (True, False)
    assert (new_text in after_on_a, old_text in after_on_a) == (True, False)
    # A drew the form into Redis; B served A's fragment (one key, its expiry not reset).
    assert after_b_read == ([drawn_by_a], True)
    # The edit gave the form another key: B drew the new form into Redis, A served B's.
    assert fragments() == sorted([drawn_by_a, drawn_by_b])
    assert shared.pttl(drawn_by_b) < expiry_b


def test_with_a_folder_per_node_an_import_previewed_on_a_cannot_be_confirmed_on_b(
    hr, org, django_db_blocker, tmp_path
):
    """What the object store is for: `make run`'s local folder, on two nodes, fails."""
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.fail("The two-node test needs PostgreSQL and Redis: run it with `make test`.")
    folders = {name: tmp_path / f"node-{name}" for name in ("a", "b")}
    for folder in folders.values():
        folder.mkdir()
    a, b = (
        Node(name.upper(), folder, _process_env(folder, s3_location=None))
        for name, folder in folders.items()
    )
    try:
        with django_db_blocker.unblock():
            a.start()
            b.start()
        hr.login(a, "hr@orebro.test")
        hr.submit(a, "/o/orebro/import/", field="file", files={"file": ("chefer.csv", IMPORT)})
        record = ManagerImport.objects.get()
        detail = f"/o/orebro/import/{record.pk}/"

        hr.submit(b, detail, action=f"{detail}bekrafta/")

        assert hr.messages(b, detail) == ["Importen kan inte bekräftas. Ladda upp filen igen."]
        assert Person.objects.filter(organisation=org).count() == 0
        assert (_files_in(folders["a"]), _files_in(folders["b"])) == (
            [f"imports/{record.pk}.upload"],
            [],
        )
    finally:
        a.stop()
        b.stop()
