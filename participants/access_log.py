"""The access log of personal data: who came to a person's data, when, and through which page.

One service writes a row (``access_log_record``), one selector reads the organisation's rows
(``access_log_for``). A view records its access in one line:

- a page about one person calls ``access_log_view(request, action=..., subject=person)``;
- a download of a list of people adds ``ListExportLogMixin``, which records a
  ``LIST_EXPORT`` once the file has gone out (a 403, a 404 or a redirect records nothing).

Either way ``what`` is the URL name of the view (``programs:person_export``): a fixed
identifier, never the list's filters or content. ``WHAT_LABELS`` names each such URL for the
log page; a view that logs without a label there is a configuration error.
``participants/tests/test_access_log_exports.py`` fails for a download that neither logs nor
is listed, with its reason, as not a list of people.

Not logged: HR reading the access log itself. The log shows the names of the people in it,
but those are the log's own entries, not a new access to their data; logging the reading
would also add a row each time the log is read.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Organisation, Person, PersonalDataAccess, User

# Every page or download that records its access, by URL name: what the log page calls it.
WHAT_LABELS = {
    "programs:person_detail": _("The manager's page"),
    "programs:person_export": _("The manager registry (Excel)"),
    "programs:group_export": _("A group's participant list and attendance (Excel)"),
    "programs:round_export": _("A round's group lists and attendance (Excel)"),
    # The register extract (privacy.views) and the command that prints it.
    "extract_html": _("The register extract (page)"),
    "extract_json": _("The register extract (JSON)"),
    "extract_pdf": _("The register extract (PDF)"),
    "command": _("A command on the server (export_person_data)"),
    # Erasure (privacy.erasure): the record was pseudonymised.
    "pseudonymised": _("Pseudonymised"),
}


def access_log_record(
    *,
    organisation: Organisation,
    actor: User | None,
    action: str,
    subject: Person | None = None,
    what: str = "",
) -> PersonalDataAccess:
    """Write one row of the access log. Side effects: none beyond the row.

    ``what`` names the list or form (a fixed identifier), never its content. ``actor`` is
    None when no login did it (a command); an anonymous user is stored as None too.
    """
    if subject is not None and subject.organisation_id != organisation.pk:
        raise ValueError("The person belongs to another organisation.")
    return PersonalDataAccess.objects.create(
        organisation=organisation,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        subject=subject,
        what=what,
        at=timezone.now(),
    )


def access_log_view(
    request: HttpRequest, *, action: str, subject: Person | None = None
) -> PersonalDataAccess:
    """Record that the request's user reached personal data through this URL.

    The organisation is the one the access rule resolved (``request.organisation``) and
    ``what`` the URL name, which must be in ``WHAT_LABELS``.
    """
    what = request.resolver_match.view_name
    if what not in WHAT_LABELS:
        raise ImproperlyConfigured(f"{what} records its access but has no label in WHAT_LABELS.")
    return access_log_record(
        organisation=request.organisation,
        actor=request.user,
        action=action,
        subject=subject,
        what=what,
    )


class ListExportLogMixin:
    """For a download of a list of people: records a ``LIST_EXPORT`` when the file goes out.

    It wraps the whole of ``dispatch``, so it records only a 200 that the access rule and the
    view's scoped lookups let through.
    """

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if response.status_code == 200:
            access_log_view(request, action=PersonalDataAccess.Action.LIST_EXPORT)
        return response


def access_log_for(
    organisation: Organisation, *, action: str = "", subject: Person | None = None
) -> QuerySet[PersonalDataAccess]:
    """The organisation's access log, newest first, with the login and the person in one query;
    only one action's rows, or only one person's, when asked."""
    rows = PersonalDataAccess.objects.filter(organisation=organisation)
    if action:
        rows = rows.filter(action=action)
    if subject is not None:
        rows = rows.filter(subject=subject)
    return rows.select_related("actor", "subject").order_by("-at", "-pk")


def what_label(what: str) -> str:
    """The log page's name for a row's ``what``: its label, else the stored identifier."""
    return WHAT_LABELS.get(what, what)
