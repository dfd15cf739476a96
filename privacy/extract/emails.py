"""The e-mails sent to a person, read from the outbox (``core.OutboxTask``).

An outbox row is the task that sent an e-mail: its name, its arguments (ids of the
agreement, reminder, booking, login or group it is about) and when it was queued and
done. The message itself is rendered when it is sent and never stored, so the
extract shows what kind of message it was, to whom (the person, or their reviewer
about the person's agreement) and whether and when it went; never its text.

Which argument names whom follows the tasks: ``programs.agreements.mail``,
``programs.tasks``, ``participants.accounts.mail``.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from core.models import OutboxTask
from programs.models import Agreement

from .common import iso

AGREEMENT_MAIL = "programs.send_agreement_mail"
AGREEMENT_REMINDER = "programs.send_agreement_reminder"
INVITATIONS = "programs.send_group_invitations"
SESSION_REMINDER = "programs.send_session_reminder"
MAKE_UP = "programs.send_make_up_booking"
LOGIN_LINK = "participants.send_login_link"
LOGIN_LINK_TO_ADDRESS = "participants.send_login_link_to_address"
CONFIRMATION = "participants.send_login_confirmation"


def _agreement_mail(event: str, by_participant: bool) -> tuple[str, str]:
    """(recipient, description) of one agreement e-mail, as the task decides the recipient."""
    to_reviewer = event == "submitted" or (event == "reopened" and by_participant)
    description = {
        "submitted": _("Your agreement waits for review"),
        "agreed": _("Your agreement was agreed"),
        "returned": _("Your agreement was sent back"),
        "reopened": _("Your agreement was reopened"),
    }.get(event, _("About your agreement"))
    return ("reviewer" if to_reviewer else "you"), description


def _recipient_label(recipient: str) -> str:
    return _("You") if recipient == "you" else _("Your reviewer (about your agreement)")


def emails_to(
    *,
    user_id: int | None,
    addresses: set[str],
    enrollment_ids: set[int],
    group_ids: set[int],
    agreement_ids: set[int],
    reminder_ids: set[int],
    booking_ids: set[int],
    confirmation_ids: set[str],
    reviewed_agreement_ids: set[int],
) -> tuple[list[dict], dict]:
    """The person's e-mails, oldest first, and a count of those sent to them as a reviewer.

    E-mails to the person as someone's line manager or reviewer are about another
    person's agreement: they are counted per kind, never listed (the extract holds
    nothing about another person). One query.
    """
    wanted = Q(task_name=AGREEMENT_MAIL, kwargs__agreement_id__in=sorted(agreement_ids))
    wanted |= Q(task_name=AGREEMENT_MAIL, kwargs__agreement_id__in=sorted(reviewed_agreement_ids))
    wanted |= Q(task_name=AGREEMENT_REMINDER, kwargs__reminder_id__in=sorted(reminder_ids))
    wanted |= Q(task_name=INVITATIONS, kwargs__group_id__in=sorted(group_ids))
    wanted |= Q(task_name=SESSION_REMINDER, kwargs__enrollment_id__in=sorted(enrollment_ids))
    wanted |= Q(task_name=MAKE_UP, kwargs__booking_id__in=sorted(booking_ids))
    wanted |= Q(task_name=CONFIRMATION, kwargs__confirmation_id__in=sorted(confirmation_ids))
    wanted |= Q(task_name=LOGIN_LINK_TO_ADDRESS, kwargs__email__in=sorted(addresses))
    if user_id is not None:
        wanted |= Q(task_name=LOGIN_LINK, kwargs__user_id=user_id)
    rows = []
    as_reviewer: dict[str, int] = {}
    for row in OutboxTask.objects.filter(wanted).order_by("created_at", "pk"):
        kwargs, result = row.kwargs, row.result if isinstance(row.result, dict) else {}
        recipient = "you"
        if row.task_name == AGREEMENT_MAIL:
            if kwargs.get("agreement_id") not in agreement_ids:
                event = kwargs.get("event", "")
                to, _description = _agreement_mail(event, bool(kwargs.get("by_participant")))
                if to == "reviewer":  # else it went to that agreement's participant
                    as_reviewer[event] = as_reviewer.get(event, 0) + 1
                continue
            recipient, description = _agreement_mail(
                kwargs.get("event", ""), bool(kwargs.get("by_participant"))
            )
        elif row.task_name == AGREEMENT_REMINDER:
            description = _("Reminder to write your agreement before a module")
        elif row.task_name == INVITATIONS:
            finished = row.state in (OutboxTask.State.DONE, OutboxTask.State.FAILED)
            # The row lists the enrollments it mailed; it went to the group's members.
            if finished and not enrollment_ids & set(result.get("sent", [])):
                continue
            description = _("Invitation to your group's sessions, with a calendar file")
        elif row.task_name == SESSION_REMINDER:
            description = _("Reminder of a session")
        elif row.task_name == MAKE_UP:
            description = _("Booking of a make-up session")
        elif row.task_name == CONFIRMATION:
            description = _("Request to confirm a change to your login")
        elif row.task_name == LOGIN_LINK_TO_ADDRESS:
            description = _("Login link asked for on the login page")
        else:
            description = _("Login link")
        rows.append(
            {
                "kind": row.task_name,
                "description": description,
                "recipient": recipient,
                "recipient_label": _recipient_label(recipient),
                "queued_at": iso(row.created_at),
                "state": row.state,
                "state_label": str(row.get_state_display()),
                "done_at": iso(row.finished_at),
            }
        )
    counts = [
        {"event": event, "description": _agreement_mail(event, False)[1], "count": count}
        for event, count in sorted(as_reviewer.items())
    ]
    return rows, {"agreement_mails": counts, "total": sum(as_reviewer.values())}


def reviewed_agreement_ids(*, person, organisation) -> set[int]:
    """The agreements of others that the person reviews now (as reviewer or line manager)."""
    return set(
        Agreement.objects.filter(enrollment__program__organisation=organisation)
        .filter(
            Q(enrollment__reviewer=person)
            | Q(enrollment__reviewer__isnull=True, enrollment__person__line_manager=person)
        )
        .exclude(enrollment__person=person)
        .values_list("pk", flat=True)
    )
