"""Every page a role may open is reached from its start page by following links (WCAG 2.4.5).

For each demo login, the crawl starts at ``/`` and follows only ``<a href>`` links
on the pages it reaches, a few clicks deep. The access matrix says which URL
patterns the login's roles may open; every one of them must be reached, except
the few below that need a token, a file, or a state the demo does not hold, each
with its reason. A page no link leads to fails this test.

The same crawl checks that no page these logins see links to the Django admin
(``/admin/``): it is the platform operator's tool, and HR edits the program in the
app itself.
"""

from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from core.tests.html import parse
from demo.seed import seed_demo
from participants.models import Organisation, PlatformOperator, User
from svc.roles import roles_in
from svc.tests.test_access_matrix import MATRIX

pytestmark = pytest.mark.django_db

DEPTH = 5
SAME_PATTERN_VISITS = 3  # pages of one pattern opened (of 23 groups, 92 sessions, ...)

# Patterns a role may open that no link is meant to lead to, with the reason.
EXEMPT = {
    "programs:person_export": "a file (XLSX), linked but not a page",
    "programs:group_export": "a file (XLSX), linked but not a page",
    "programs:round_export": "a file (XLSX), linked but not a page",
    "programs:group_calendar": "a file (.ics), linked but not a page",
    "programs:my_calendar": "a file (.ics), linked but not a page",
    "evaluations:results_export": "a file (XLSX), linked but not a page",
    "reports:report_download": "a file (PDF), linked once rendered",
    "reports:report_status": "an htmx fragment the report page polls",
    "programs:group_progress": "an htmx fragment the group page loads",
    "programs:program_progress": "an htmx fragment the program page loads",
    "programs:agreement_autosave": "an htmx endpoint the agreement form posts to",
    "evaluations:answer": "opens only while a session's evaluation is open; the demo's "
    "program ended in 2017",
    "evaluations:thanks": "follows an answer",
    "evaluations:missing": "off by default; HR turns it on (evaluations/tests/test_missing.py)",
    "programs:agreement_review": "needs an agreement waiting for this line manager",
    "programs:agreement_edit": "linked while an agreement is still to write; the demo's are "
    "all agreed",
    "participants:import_detail": "follows an upload; the import page lists recent imports, "
    "and the demo has none",
    "programs:round_proposal": "follows the pool form (a POST)",
    "privacy:extract_pdf": "a file (PDF), linked once rendered (a POST asks for it)",
    "privacy:extract_pdf_status": "an htmx fragment the extract page polls",
    "retention:apply": "linked from the dry run while an applied rule has something due; the "
    "demo's rules are off (retention/tests/test_views.py follows the link)",
}

LOGINS = [
    "hr@orebro.example",
    "styrgrupp@orebro.example",
    "processledare@konsult.example",
    "deltagare@orebro.example",
    "chef@orebro.example",
    "hr@lindesberg.example",  # a program from the SVC template, round 1 to come
]
OPERATOR_EMAIL = "konsult@ledarskapskonsulterna.example"
# Patterns one login's organisation holds nothing for yet, with the reason.
EXEMPT_FOR = {
    "hr@lindesberg.example": {
        "reports:check_in_detail": "Lindesberg's program has not started: no check-in yet",
        "reports:report_detail": "Lindesberg's program has not started: no status report yet",
    },
}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seed_demo()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def _name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


@dataclass
class Crawl:
    reached: set[str] = field(default_factory=set)  # URL pattern names
    # (page, href) of every link to the admin on a page reached.
    admin_links: list[tuple[str, str]] = field(default_factory=list)


def _crawl(client: Client) -> Crawl:
    """The URL pattern names reached from ``/`` through links, breadth first, and any link
    to the admin on the way."""
    seen_paths, reached, per_name = set(), set(), Counter()
    admin_links = []
    queue = deque([("/", 0)])
    while queue:
        path, depth = queue.popleft()
        response = client.get(path, follow=True)
        final = response.redirect_chain[-1][0] if response.redirect_chain else path
        name = _name(urlsplit(final).path)
        if name is None or response.status_code != 200:
            continue
        reached.add(name)
        if depth == DEPTH or "text/html" not in response.get("Content-Type", ""):
            continue
        for link in parse(response).select("a[href]"):
            href = urlsplit(link.get("href"))
            if href.path.startswith("/admin/") or href.path == "/admin":
                admin_links.append((final, link.get("href")))
            if href.scheme or href.netloc or not href.path.startswith("/"):
                continue
            target = href.path + (f"?{href.query}" if href.query else "")
            target_name = _name(href.path)
            if target_name is None or target in seen_paths or target_name.startswith("admin:"):
                continue
            if target_name in {"logout", "set_language"}:
                continue
            if per_name[target_name] >= SAME_PATTERN_VISITS:
                reached.add(target_name)  # linked; enough of its like were opened
                continue
            per_name[target_name] += 1
            seen_paths.add(target)
            queue.append((target, depth + 1))
    return Crawl(reached=reached, admin_links=admin_links)


@pytest.fixture(scope="module")
def crawls(seeded):
    """One crawl per login, shared by the tests below (a crawl opens a few hundred pages)."""
    done: dict[str, Crawl] = {}

    def crawl(email: str) -> Crawl:
        if email not in done:
            client = Client()
            client.force_login(User.objects.get(email=email))
            done[email] = _crawl(client)
        return done[email]

    return crawl


@pytest.mark.parametrize("email", LOGINS)
def test_every_page_a_role_may_open_is_reached_by_links(crawls, email):
    user = User.objects.get(email=email)
    # Each login in its own organisation (all but Lindesberg's HR are Örebro's).
    organisation = user.memberships.first().organisation if user.memberships.exists() else None
    organisation = organisation or Organisation.objects.get(slug="orebro")
    roles = roles_in(user=user, organisation=organisation)
    assert roles
    may_open = {
        name
        for name, row in MATRIX.items()
        if row.kind == "org"
        and row.method == "get"
        and row.ok_status == 200
        and roles & row.allowed
    }

    reached = crawls(email).reached

    assert sorted(may_open - reached - EXEMPT.keys() - EXEMPT_FOR.get(email, {}).keys()) == []


@pytest.mark.parametrize("email", LOGINS)
def test_no_page_of_a_non_operator_role_links_to_the_admin(crawls, email):
    """HR (a staff login in the demo), the steering group, a process leader, a participant
    and a line manager: not one page they reach links to ``/admin/``."""
    if email == "hr@orebro.example":
        assert User.objects.get(email=email).is_staff  # as HR used to get the admin link

    assert crawls(email).admin_links == []


def test_every_console_page_is_reached_from_the_operators_start_page(crawls):
    """The demo's platform operator (a login of the consultancy's staff, member of no
    organisation) starts at ``/`` and reaches every console page, and no admin link."""
    assert PlatformOperator.objects.filter(user__email=OPERATOR_EMAIL).exists()
    may_open = {
        name
        for name, row in MATRIX.items()
        if row.kind == "operator" and row.method == "get" and row.ok_status == 200
    }

    crawl = crawls(OPERATOR_EMAIL)

    assert sorted(may_open - crawl.reached - EXEMPT.keys()) == []
    assert crawl.admin_links == []
