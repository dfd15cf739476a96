"""The access matrix once more, as its users: every page in English, every form posted empty.

For each row of ``test_access_matrix.MATRIX`` and each role that may reach it
(anonymous for public rows, the HR coordinator for pages of any logged-in user, the row's
``login_role`` for pages of one kind of login):

- in English (switched with the language button, as a user does), the page
  answers as the matrix says, never with a server error, and says it is English;
- where the view takes a POST, an empty one answers without a server error, in
  English and in Swedish; and where it shows an error summary, every entry is
  different from the others and names the field it links to.

English used to give server errors that the Swedish pages did not (a catalogue's
entries with the wrong placeholders); this is the test that catches that.
"""

import pytest
from django.urls import resolve, reverse

from core.forms import ErrorSummaryMixin
from core.tests.html import parse
from participants.models import Role
from svc.tests import test_access_matrix
from svc.tests.test_access_matrix import MATRIX, MATRIX_ROLES, OPERATOR, login_of, org_kwargs

world = test_access_matrix.world  # the matrix's fixture: the same organisations and roles

LANGUAGES = ("sv", "en")


def _cases():
    """(name, role) for every row and every role that reaches it; role None: anonymous."""
    for name, row in sorted(MATRIX.items()):
        if row.kind == "org":
            yield from ((name, role) for role in MATRIX_ROLES if role in row.allowed)
        elif row.kind == "operator":
            yield name, OPERATOR
        elif row.kind == "login":
            yield name, row.login_role or Role.HR
        else:
            yield name, None


CASES = list(_cases())


def _url(name, world):
    row = MATRIX[name]
    kwargs = (row.kwargs or (org_kwargs if row.kind == "org" else lambda _world: {}))(world)
    return reverse(name, kwargs=kwargs)


def _takes_post(url) -> bool:
    view = getattr(resolve(url).func, "view_class", None)
    return view is not None and hasattr(view, "post") and "post" in view.http_method_names


POST_CASES = [(name, role) for name, role in CASES if MATRIX[name].method == "post"]


def _as(client, world, role, language):
    if role is not None:
        client.force_login(login_of(world, role))
    client.post(reverse("set_language"), {"language": language, "next": "/"})


def _html_lang(response) -> str | None:
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return None  # a download, a redirect
    page = response.content.decode()
    if "<html" not in page:
        return None  # a download, a redirect, an htmx fragment
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(("name", "role"), CASES)
def test_every_page_answers_in_english(client, world, evidence, name, role):
    row = MATRIX[name]
    _as(client, world, role, "en")
    url = _url(name, world)

    response = getattr(client, row.method)(url)

    evidence["english_pages"] += 1
    assert response.status_code == row.ok_status
    assert _html_lang(response) in {"en", None}


def _posted_empty_cases():
    for name, role in CASES:
        if MATRIX[name].method != "post":
            for language in LANGUAGES:
                yield name, role, language


@pytest.mark.parametrize(("name", "role", "language"), list(_posted_empty_cases()))
def test_every_form_posted_empty_answers_without_a_server_error(
    client, world, evidence, name, role, language
):
    _as(client, world, role, language)
    url = _url(name, world)
    response = client.post(url, {})

    if not _takes_post(url):
        # A page without a form: a POST to it never gives a server error (a class view
        # refuses the method, a function view answers as to a GET or redirects).
        assert response.status_code < 500
        return

    if language == "en":
        evidence["english_pages"] += 1
    assert response.status_code < 500
    assert _html_lang(response) in {language, None}
    _assert_summary_names_each_field(response)


def _forms_with_errors(response) -> list:
    found = []
    for context in response.context or []:
        for value in context.flatten().values():
            if (
                isinstance(value, ErrorSummaryMixin)
                and value.is_bound
                and value.errors
                and not any(value is f for f in found)
            ):
                found.append(value)
    return found


def _comparable(text) -> str:
    return " ".join(str(text).lower().split()).rstrip("?:.")


def _names(message, label) -> bool:
    """Whether the message names the field: each word of its label (outside brackets, of four
    letters or more) is in it, inflected as Swedish inflects it ("Chefer i omgången" is named
    by "Välj minst en chef till omgången", "Klienthemlighet" by "klienthemligheten")."""
    message = _comparable(message)
    words = [w.strip(",") for w in _comparable(label).split("(")[0].split() if len(w) >= 4]
    return all(word[: max(4, len(word) - 2)] in message for word in words)


def _assert_summary_names_each_field(response):
    """Every entry of the page's error summary differs from the others and names its field."""
    if response.status_code != 200 or response.streaming:
        return
    page = parse(response)
    entries = page.texts("[data-error-summary] li")
    if not entries:
        return  # no summary shown: the page has nothing to submit (an empty state)
    assert len(entries) == len(set(entries)), f"repeated entries in the summary: {entries}"
    for form in _forms_with_errors(response):
        for anchor, message in form.error_summary():
            assert message in entries
            if not anchor:
                continue
            name = next(n for n in form.fields if anchor.startswith(form[n].auto_id))
            label = form[name].label
            assert _names(message, label), f"{message!r} does not name {label!r}"
