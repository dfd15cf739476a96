"""Writes of the agreements workflow, the questions and the reminders.

Each service checks the state it starts from under a row lock, so a double
click or two tabs cannot move an agreement twice; each records who did what in
the agreement's history (django-simple-history, with a change reason) and
queues its e-mail through ``core.outbox`` in the same transaction.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from core.outbox import enqueue
from participants.models import Person, User

from ..models import (
    Agreement,
    AgreementField,
    AgreementReminder,
    Enrollment,
    Program,
    ReviewerChange,
    Session,
)
from .rules import (
    AUTOSAVE_MERGE,
    STAGE_DUE_BEFORE,
    TEXT_MAX_LENGTH,
    Stage,
    Status,
    agreement_fields,
    fields_for_stage,
    reminder_days,
)
from .visibility import is_participant, is_reviewer, may_see, reviewer_of

# --- Writes: the workflow ---------------------------------------------------------------------


def _error(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def save_with_history(agreement: Agreement, *, user: User | None, reason: str) -> None:
    agreement._history_user = user
    agreement._change_reason = reason
    agreement.full_clean()
    agreement.save()


def _locked(*, enrollment: Enrollment, stage: str) -> Agreement | None:
    return (
        Agreement.objects.select_for_update(of=("self",))
        .filter(enrollment=enrollment, stage=stage)
        .first()
    )


def _clean_texts(*, enrollment: Enrollment, stage: str, texts: dict) -> dict:
    """Only answers to the stage's questions, as typed (trailing blanks dropped)."""
    keys = {f.key for f in fields_for_stage(agreement_fields(program=enrollment.program), stage)}
    cleaned = {}
    for key, value in texts.items():
        if key in keys:
            value = str(value).rstrip()
            if "\x00" in value or len(value) > TEXT_MAX_LENGTH:
                raise ValidationError(
                    {key: _error(gettext("This text cannot be saved."), "invalid")}
                )
            cleaned[key] = value
    return cleaned


def _editable(agreement: Agreement) -> None:
    if agreement.status == Status.SUBMITTED:
        raise _error(
            gettext("The agreement is waiting for your line manager and cannot be changed now."),
            "locked",
        )
    if agreement.status == Status.AGREED:
        raise _error(
            gettext("The agreement is agreed and locked. Reopen it to change it."), "locked"
        )


def _merge_autosave(agreement: Agreement, *, user: User, now) -> bool:
    """Fold an autosave into the previous one (same person, within AUTOSAVE_MERGE)."""
    if agreement.pk is None:
        return False
    latest = agreement.history.order_by("-history_date", "-history_id").first()
    if (
        latest is None
        or latest.history_change_reason != "autosave"
        or latest.history_user_id != user.pk
        or now - latest.history_date > AUTOSAVE_MERGE
    ):
        return False
    agreement.skip_history_when_saving = True
    try:
        agreement.full_clean()
        agreement.save()
    finally:
        del agreement.skip_history_when_saving
    type(latest).objects.filter(pk=latest.pk).update(
        texts=agreement.texts, history_date=now, updated_at=agreement.updated_at
    )
    return True


@transaction.atomic
def agreement_save_draft(
    *, enrollment: Enrollment, stage: str, texts: dict, user: User, autosave: bool = False
) -> Agreement:
    """Store what the participant has typed, complete or not; creates the agreement if needed.

    Answers to other questions already stored are kept. Raises ValidationError
    (code "locked") while the agreement waits for the reviewer or is agreed.
    Side effects: one history record ("draft" or "autosave"); autosaves by the
    same person within AUTOSAVE_MERGE update the previous record instead. No
    write at all when nothing changed.
    """
    stage = Stage(stage)
    cleaned = _clean_texts(enrollment=enrollment, stage=stage, texts=texts)
    agreement = _locked(enrollment=enrollment, stage=stage) or Agreement(
        enrollment=enrollment, stage=stage
    )
    _editable(agreement)
    merged = {**agreement.texts, **cleaned}
    if agreement.pk and merged == agreement.texts:
        return agreement
    if agreement.pk is None and not any(value.strip() for value in merged.values()):
        return agreement  # nothing typed yet: no empty agreement, no history
    agreement.texts = merged
    if autosave and _merge_autosave(agreement, user=user, now=timezone.now()):
        return agreement
    try:
        with transaction.atomic():
            save_with_history(agreement, user=user, reason="autosave" if autosave else "draft")
    except IntegrityError:
        # A concurrent first save (an autosave and a click) created the row: write onto it.
        agreement = _locked(enrollment=enrollment, stage=stage)
        _editable(agreement)
        agreement.texts = {**agreement.texts, **cleaned}
        save_with_history(agreement, user=user, reason="autosave" if autosave else "draft")
    return agreement


@transaction.atomic
def agreement_submit(*, enrollment: Enrollment, stage: str, texts: dict, user: User) -> Agreement:
    """Store the answers and send the agreement to the reviewer.

    Raises ValidationError: per question key (code "required") when a required
    question is unanswered; code "no_reviewer" when nobody can review; code
    "locked" when it already waits or is agreed (a second click changes nothing).
    Side effects: history record "submitted"; e-mail to the reviewer queued.
    """
    stage = Stage(stage)
    if reviewer_of(enrollment) is None:
        raise _error(
            gettext(
                "You have no line manager in the register, so the agreement cannot be sent. "
                "Ask your HR coordinator to name a reviewer."
            ),
            "no_reviewer",
        )
    cleaned = _clean_texts(enrollment=enrollment, stage=stage, texts=texts)
    agreement = _locked(enrollment=enrollment, stage=stage) or Agreement(
        enrollment=enrollment, stage=stage
    )
    _editable(agreement)
    agreement.texts = {**agreement.texts, **cleaned}
    questions = fields_for_stage(agreement_fields(program=enrollment.program), stage)
    missing = {
        q.key: _error(
            gettext("Answer “%(question)s” before you send the agreement.") % {"question": q.label},
            "required",
        )
        for q in questions
        if q.required and not agreement.texts.get(q.key, "").strip()
    }
    if missing:
        raise ValidationError(missing)
    agreement.status = Status.SUBMITTED
    agreement.submitted_at = timezone.now()
    save_with_history(agreement, user=user, reason="submitted")
    enqueue("programs.send_agreement_mail", agreement_id=agreement.pk, event="submitted")
    return agreement


def _locked_by_pk(agreement_id: int) -> Agreement:
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("enrollment__person__line_manager", "enrollment__reviewer")
        .get(pk=agreement_id)
    )


@transaction.atomic
def agreement_review(*, agreement_id: int, user: User, agree: bool, comment: str = "") -> Agreement:
    """The reviewer agrees, or sends the agreement back with a comment.

    Raises PermissionDenied if the user is not the reviewer; ValidationError
    with code "not_waiting" if it is not waiting (a second click), and on
    "comment" (code "required") when sending back without a comment.
    Side effects: history record "agreed" or "returned"; e-mail to the participant queued.
    """
    agreement = _locked_by_pk(agreement_id)
    if not is_reviewer(user=user, enrollment=agreement.enrollment):
        raise PermissionDenied
    if agreement.status != Status.SUBMITTED:
        raise _error(gettext("The agreement is no longer waiting for you."), "not_waiting")
    if agree:
        agreement.status = Status.AGREED
        agreement.agreed_at = timezone.now()
        agreement.agreed_by = user
        save_with_history(agreement, user=user, reason="agreed")
    else:
        comment = comment.strip()
        if not comment:
            raise ValidationError(
                {"comment": _error(gettext("Write what should be changed."), "required")}
            )
        agreement.status = Status.RETURNED
        agreement.return_comment = comment
        save_with_history(agreement, user=user, reason="returned")
    enqueue(
        "programs.send_agreement_mail",
        agreement_id=agreement.pk,
        event="agreed" if agree else "returned",
    )
    return agreement


@transaction.atomic
def agreement_reopen(*, agreement_id: int, user: User) -> Agreement:
    """Unlock an agreed agreement: it becomes a draft the participant can change and send again.

    Either party may do it. Raises PermissionDenied for anyone else and
    ValidationError (code "not_agreed") if it is not agreed.
    Side effects: history record "reopened" (the agreed version stays in the
    history); e-mail to the other party queued.
    """
    agreement = _locked_by_pk(agreement_id)
    if not may_see(user=user, agreement=agreement):
        raise PermissionDenied
    by_participant = is_participant(user=user, enrollment=agreement.enrollment)
    if agreement.status != Status.AGREED:
        raise _error(gettext("Only an agreed agreement can be reopened."), "not_agreed")
    agreement.status = Status.DRAFT
    agreement.agreed_at = None
    agreement.agreed_by = None
    save_with_history(agreement, user=user, reason="reopened")
    enqueue(
        "programs.send_agreement_mail",
        agreement_id=agreement.pk,
        event="reopened",
        by_participant=by_participant,
    )
    return agreement


@transaction.atomic
def enrollment_set_reviewer(
    *, enrollment: Enrollment, reviewer: Person | None, reason: str, user: User
) -> ReviewerChange | None:
    """Name another manager to review the enrollment's agreements, or (None) give them back
    to the line manager. Returns the logged change, or None if nothing changed.

    Raises ValidationError on "reviewer" for a person of another organisation,
    no longer active, or the participant themselves.
    Side effects: a ReviewerChange row (the history); for every agreement now
    waiting, an e-mail to the new reviewer queued.
    """
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("person", "program")
        .get(pk=enrollment.pk)
    )
    if reviewer is not None:
        if reviewer.organisation_id != enrollment.program.organisation_id or not reviewer.active:
            raise ValidationError(
                {"reviewer": _error(gettext("Choose an active manager."), "invalid")}
            )
        if reviewer.pk == enrollment.person_id:
            raise ValidationError(
                {
                    "reviewer": _error(
                        gettext("A participant cannot review their own agreements."), "self"
                    )
                }
            )
    new_id = reviewer.pk if reviewer else None
    if new_id == enrollment.reviewer_id:
        return None
    enrollment.reviewer = reviewer
    enrollment.save(update_fields=["reviewer"])
    change = ReviewerChange.objects.create(
        enrollment=enrollment, reviewer=reviewer, reason=reason.strip(), changed_by=user
    )
    for agreement_id in Agreement.objects.filter(
        enrollment=enrollment, status=Status.SUBMITTED
    ).values_list("pk", flat=True):
        enqueue("programs.send_agreement_mail", agreement_id=agreement_id, event="submitted")
    return change


# --- Writes: the questions --------------------------------------------------------------------


@transaction.atomic
def agreement_fields_customise(*, program: Program) -> list[AgreementField]:
    """Store the default questions for the program so HR can change them. Idempotent."""
    if not AgreementField.objects.filter(program=program).exists():
        for row in agreement_fields(program=program):
            row.label = str(row.label)
            row.help_text = str(row.help_text)
            row.full_clean()
            row.save()
    return agreement_fields(program=program)


def _new_key(*, program: Program, label: str) -> str:
    base = (slugify(label) or "fraga")[:30]
    taken = set(AgreementField.objects.filter(program=program).values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


@transaction.atomic
def agreement_field_save(
    *, program: Program, values: dict, field: AgreementField | None = None
) -> AgreementField:
    """Change one question, or add one (its key is made from the label and never changes).

    Answers already given stay under the key; a question switched off keeps its
    answers visible to the participant and the reviewer.
    """
    if field is None:
        agreement_fields_customise(program=program)
        field = AgreementField(
            program=program, key=_new_key(program=program, label=values["label"])
        )
    elif field.program_id != program.pk:
        raise PermissionDenied
    for name, value in values.items():
        if name not in ("program", "key"):
            setattr(field, name, value)
    field.full_clean()
    field.save()
    return field


# --- Reminders ----------------------------------------------------------------------------------


@transaction.atomic
def agreement_reminders_queue(*, now=None, days: int | None = None) -> int:
    """Queue one reminder per participant whose stage is due before a session starting
    within ``days`` and is not agreed. Each enrollment and stage is reminded once, so the
    daily job may run any number of times. Returns how many were queued.

    Side effects: AgreementReminder rows; one e-mail task each.
    """
    now = now or timezone.now()
    days = reminder_days() if days is None else days
    sessions = Session.objects.filter(
        starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(days=days),
        module__order__in=list(STAGE_DUE_BEFORE),
    ).select_related("module")
    queued = 0
    for session in sessions:
        stage = STAGE_DUE_BEFORE[session.module.order]
        due = (
            Enrollment.objects.holding_place()
            .filter(group=session.group_id)
            .exclude(agreements__stage=stage, agreements__status=Status.AGREED)
            .exclude(agreement_reminders__stage=stage)
        )
        for enrollment in due:
            reminder, created = AgreementReminder.objects.get_or_create(
                enrollment=enrollment, stage=stage, defaults={"session": session}
            )
            if created:
                enqueue("programs.send_agreement_reminder", reminder_id=reminder.pk)
                queued += 1
    return queued
