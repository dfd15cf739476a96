"""Every URL pattern × every role.

Each named URL pattern of the project must have a row in ``MATRIX``; a pattern
without one fails ``test_every_url_pattern_has_a_matrix_row``. For
organisation pages a row states the roles that may see the page; the test then
checks anonymous → login, another organisation's user → 404, every other role
→ 403 and every allowed role → 200.

Rows build their URL arguments from the ``world`` fixture: one organisation
with a user per role and whatever objects the pages need.
"""

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from participants.models import Role

# Namespaces and names that belong to Django itself, not to us.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {"set_language"}

ALL_ROLES = frozenset(Role)
# The roles tried against every organisation page.
MATRIX_ROLES = (Role.HR, Role.STEERING, Role.PROCESS_LEADER)


@dataclass(frozen=True)
class Row:
    """How one URL pattern is reached and who may reach it."""

    allowed: frozenset = frozenset()
    kwargs: object = None  # callable(world) -> dict; default {"org": world.org.slug}
    kind: str = "org"  # "org", "public" (no login), "login" (any logged-in user)
    method: str = "get"
    ok_status: int = 200
    notes: str = field(default="", compare=False)


def org_kwargs(world):
    return {"org": world.org.slug}


MATRIX: dict[str, Row] = {
    "home": Row(kind="login", ok_status=302, notes="redirects to the role's start page"),
    "login": Row(kind="public"),
    "logout": Row(kind="public", method="post", ok_status=302),
    "core:health": Row(kind="public"),
    "core:health_db": Row(kind="public"),
    "core:organisation_home": Row(allowed=ALL_ROLES, ok_status=302),
    "core:hr_start": Row(allowed=frozenset({Role.HR})),
    "core:steering_start": Row(allowed=frozenset({Role.STEERING, Role.HR})),
    "core:process_leader_start": Row(allowed=frozenset({Role.PROCESS_LEADER})),
}


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            if ns in SKIPPED_NAMESPACES:
                continue
            child_ns = f"{namespace}{ns}:" if ns else namespace
            yield from _walk(entry.url_patterns, child_ns)
        elif isinstance(entry, URLPattern):
            if entry.name is None:
                yield f"{namespace}<unnamed {entry.pattern}>"
            elif entry.name not in SKIPPED_NAMES:
                yield f"{namespace}{entry.name}"


def project_url_names() -> set[str]:
    return set(_walk(get_resolver().url_patterns))


def test_every_url_pattern_has_a_matrix_row():
    missing = sorted(project_url_names() - MATRIX.keys())
    assert missing == [], f"URL patterns without a row in the access matrix: {missing}"


def test_every_matrix_row_names_a_url_pattern():
    stale = sorted(MATRIX.keys() - project_url_names())
    assert stale == [], f"Matrix rows for URL patterns that no longer exist: {stale}"


@dataclass
class World:
    org: object
    users: dict  # Role -> user in org
    outsider: object


@pytest.fixture
def world(org, hr_user, steering_user, process_leader_user, outsider):
    return World(
        org=org,
        users={
            Role.HR: hr_user,
            Role.STEERING: steering_user,
            Role.PROCESS_LEADER: process_leader_user,
        },
        outsider=outsider,
    )


def _request(client, name, row, world):
    kwargs = (row.kwargs or (org_kwargs if row.kind == "org" else lambda _world: {}))(world)
    url = reverse(name, kwargs=kwargs)
    return url, getattr(client, row.method)(url)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_is_sent_to_login(client, world, name):
    row = MATRIX[name]
    _, response = _request(client, name, row, world)
    if row.kind == "public":
        assert response.status_code == row.ok_status
        return
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", sorted(n for n, r in MATRIX.items() if r.kind == "org"))
def test_another_organisations_user_gets_404(client, world, name):
    client.force_login(world.outsider)
    _, response = _request(client, name, MATRIX[name], world)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "role"),
    sorted((n, role) for n, r in MATRIX.items() if r.kind == "org" for role in MATRIX_ROLES),
)
def test_each_role_gets_200_or_403(client, world, name, role):
    row = MATRIX[name]
    client.force_login(world.users[role])
    _, response = _request(client, name, row, world)
    expected = row.ok_status if role in row.allowed else 403
    assert response.status_code == expected


@pytest.mark.parametrize("name", sorted(n for n, r in MATRIX.items() if r.kind == "login"))
def test_logged_in_pages_answer_any_member(client, world, name):
    row = MATRIX[name]
    client.force_login(world.users[Role.HR])
    _, response = _request(client, name, row, world)
    assert response.status_code == row.ok_status
