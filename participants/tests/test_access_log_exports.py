"""Every download is either logged in the access log or listed here as not a list of people.

Two nets, so that a new export without logging fails the suite:

- every GET row of the access matrix (``svc/tests/test_access_matrix.py``, which itself fails
  for a URL without a row) is opened by a role that may open it; a response that is a file
  (``Content-Disposition: attachment``, or anything but HTML or plain text) must write exactly
  one access-log row, or be in ``NOT_LISTS_OF_PEOPLE`` with the reason;
- every URL whose name or route looks like a file (``_export``, ``.xlsx`` …) must log or be
  listed, even where the matrix only reaches it through a redirect.

A view logs a list of people with ``participants.access_log.ListExportLogMixin``; its row is
then exactly ``list_export``, no person, ``what`` the URL name. A download that logs another
way (the register extract logs ``extract_export`` with its person) passes the first net by its
one row.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from participants.access_log import WHAT_LABELS, ListExportLogMixin
from participants.models import PersonalDataAccess
from svc.tests import test_access_matrix
from svc.tests.test_access_matrix import MATRIX, MATRIX_ROLES, SKIPPED_NAMESPACES, org_kwargs

world = test_access_matrix.world  # the matrix's fixture: the same organisations and roles

pytestmark = pytest.mark.django_db

# Downloads that hold no list of people, each with the reason.
NOT_LISTS_OF_PEOPLE = {
    "programs:group_calendar": "the group's sessions (.ics); only the process leader, as the "
    "organiser of the sessions they lead",
    "programs:my_calendar": "the participant's own sessions (.ics)",
    "evaluations:results_export": "aggregated results under the k rule; no person in it",
    "reports:report_download": "the status report (PDF): the program's figures, no list of people",
    # One person's own data; each download logs its own extract_export row with the person
    # (privacy/tests/test_extract_views.py checks the row).
    "programs:consultant_feed": "the consultant's own sessions (.ics, by a secret token); no "
    "participant in it",
    "privacy:extract_json": "one person's register extract (JSON); logs extract_export itself",
    "privacy:extract_pdf": "one person's register extract (PDF); logs extract_export itself",
}

FILE_LIKE_NAME = re.compile(r"_(export|xlsx|csv|pdf|json|download|calendar|ics)$")
FILE_LIKE_ROUTE = re.compile(r"\.(xlsx|xls|csv|pdf|json|ics|zip|ods)$")


def _patterns(patterns, namespace="", prefix=""):
    """(URL name, full route, view class or None) of every named pattern."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            child_ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, child_ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            view = getattr(entry.callback, "view_class", None)
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern), view


PATTERNS = list(_patterns(get_resolver().url_patterns))
LOGGED_LIST_EXPORTS = sorted(
    name for name, _, view in PATTERNS if view and issubclass(view, ListExportLogMixin)
)


def test_the_list_exports_that_log():
    """The downloads of lists of people today; a new one joins by the mixin."""
    assert LOGGED_LIST_EXPORTS == [
        "programs:group_export",
        "programs:person_export",
        "programs:round_export",
    ]


def test_every_logged_export_is_named_on_the_log_page():
    assert [name for name in LOGGED_LIST_EXPORTS if name not in WHAT_LABELS] == []


def test_every_file_like_url_logs_or_is_not_a_list_of_people():
    unclassified = sorted(
        name
        for name, route, _ in PATTERNS
        if (FILE_LIKE_NAME.search(name) or FILE_LIKE_ROUTE.search(route))
        and name not in LOGGED_LIST_EXPORTS
        and name not in NOT_LISTS_OF_PEOPLE
    )
    assert unclassified == [], (
        f"Downloads that neither log (ListExportLogMixin) nor are listed in "
        f"NOT_LISTS_OF_PEOPLE: {unclassified}"
    )


def test_no_url_is_both_logged_and_listed_as_not_a_list_of_people():
    assert sorted(set(LOGGED_LIST_EXPORTS) & NOT_LISTS_OF_PEOPLE.keys()) == []


def _is_file(response) -> bool:
    if response.get("Content-Disposition", "").startswith("attachment"):
        return True
    content_type = response.get("Content-Type", "").split(";")[0]
    return content_type not in ("text/html", "text/plain", "")


GET_ROWS = sorted(
    (name, next(role for role in MATRIX_ROLES if role in row.allowed))
    for name, row in MATRIX.items()
    if row.kind == "org" and row.method == "get" and row.allowed
)


@pytest.mark.parametrize(("name", "role"), GET_ROWS)
def test_a_download_writes_one_access_log_row_unless_it_holds_no_list_of_people(
    client, world, name, role
):
    row = MATRIX[name]
    user = world.users[role]
    client.force_login(user)
    url = reverse(name, kwargs=(row.kwargs or org_kwargs)(world))
    before = set(PersonalDataAccess.objects.values_list("pk", flat=True))

    response = client.get(url)

    assert response.status_code == row.ok_status
    written = list(PersonalDataAccess.objects.exclude(pk__in=before).values())
    if name in NOT_LISTS_OF_PEOPLE or name in LOGGED_LIST_EXPORTS:
        assert _is_file(response), f"{name} is classified as a download but is not one"
    if name in NOT_LISTS_OF_PEOPLE or not _is_file(response):
        return
    assert len(written) == 1, (
        f"{name} is a download that wrote {len(written)} access-log rows: add "
        f"ListExportLogMixin to its view, or list it in NOT_LISTS_OF_PEOPLE with the reason"
    )
    [entry] = written
    assert (entry["organisation_id"], entry["actor_id"]) == (world.org.pk, user.pk)
    if name in LOGGED_LIST_EXPORTS:
        assert (entry["action"], entry["subject_id"], entry["what"]) == ("list_export", None, name)
