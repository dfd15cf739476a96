"""The rules of the agreements: stages and the questions each stage asks.

Who reviews, and so who may see an agreement, is ``visibility``.

Stage by stage: before module 1, between modules 1–2, 2–3 and 3–4 (these also
ask what was actually tried since the last module), and the roadmap after
module 4, which has its own questions. HR may change the questions per program
(``AgreementField``); without rows the defaults below apply.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import Agreement, AgreementField, Program

Stage = Agreement.Stage
Status = Agreement.Status
Part = AgreementField.Part

STAGES = tuple(Stage)
# The module a stage must be agreed before. The roadmap follows the last module.
DUE_BEFORE_MODULE = {
    Stage.BEFORE_1: 1,
    Stage.BETWEEN_1_2: 2,
    Stage.BETWEEN_2_3: 3,
    Stage.BETWEEN_3_4: 4,
}
STAGE_DUE_BEFORE = {order: stage for stage, order in DUE_BEFORE_MODULE.items()}
# Which questions each stage asks, in this order.
PARTS_OF_STAGE = {
    Stage.BEFORE_1: (Part.PLAN,),
    Stage.BETWEEN_1_2: (Part.FOLLOW_UP, Part.PLAN),
    Stage.BETWEEN_2_3: (Part.FOLLOW_UP, Part.PLAN),
    Stage.BETWEEN_3_4: (Part.FOLLOW_UP, Part.PLAN),
    Stage.ROADMAP: (Part.ROADMAP,),
}
EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)
# A stage without an agreement row yet; counted by HR, never stored.
NOT_STARTED = "not_started"
STATE_COLUMNS = (NOT_STARTED, Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.AGREED)
# Autosaves by the same person within this time are one entry in the history.
AUTOSAVE_MERGE = dt.timedelta(minutes=15)
TEXT_MAX_LENGTH = 5000


def state_label(state: str) -> str:
    if state == NOT_STARTED:
        return gettext("Not started")
    return str(Status(state).label)


def stage_after_module(order: int) -> str:
    """The stage to work on once module ``order`` has started (0: none has)."""
    if order <= 0:
        return Stage.BEFORE_1
    return STAGE_DUE_BEFORE.get(order + 1, Stage.ROADMAP)


# --- The questions ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Question:
    part: str
    key: str
    label: str
    help_text: str = ""
    multiline: bool = True


DEFAULT_FIELDS = (
    _Question(
        Part.FOLLOW_UP,
        "tried",
        _("What I actually tried, applied and involved my staff in since the last module"),
        _("Your process leader will ask about this at the next session."),
    ),
    _Question(Part.PLAN, "develop", _("What I want to develop")),
    _Question(
        Part.PLAN,
        "try_apply_involve",
        _("What I will try, apply and involve my staff in before the next module"),
    ),
    _Question(Part.PLAN, "support", _("The support I need from my manager")),
    _Question(Part.ROADMAP, "continue_with", _("What I will continue with")),
    _Question(Part.ROADMAP, "manager_follow_up", _("How my manager will follow up")),
    _Question(
        Part.ROADMAP,
        "when",
        _("When we follow up"),
        _("For example a month, or the next performance review."),
        multiline=False,
    ),
)


def agreement_fields(*, program: Program) -> list[AgreementField]:
    """The program's questions, or the default questions (unsaved) if HR has not set any."""
    rows = list(AgreementField.objects.filter(program=program).order_by("part", "order", "pk"))
    if rows:
        return rows
    return [
        AgreementField(
            program=program,
            part=q.part,
            key=q.key,
            label=q.label,
            help_text=q.help_text,
            required=True,
            multiline=q.multiline,
            order=n,
        )
        for n, q in enumerate(DEFAULT_FIELDS, 1)
    ]


def fields_for_stage(fields: list[AgreementField], stage: str) -> list[AgreementField]:
    """The questions a stage asks, in the order they are shown."""
    parts = PARTS_OF_STAGE[stage]
    return sorted(
        (f for f in fields if f.active and f.part in parts),
        key=lambda f: (parts.index(f.part), f.order, f.pk or 0),
    )


def answers(*, fields: list[AgreementField], stage: str, texts: dict) -> list[tuple[str, str]]:
    """(question, answer) for every question of the stage, then any older answer whose
    question is no longer asked, so nothing written is ever hidden from its two readers."""
    asked = fields_for_stage(fields, stage)
    labels = {f.key: str(f.label) for f in fields}
    rows = [(str(f.label), texts.get(f.key, "")) for f in asked]
    asked_keys = {f.key for f in asked}
    rows += [(labels.get(k, k), v) for k, v in texts.items() if k not in asked_keys and v]
    return rows


def reminder_days() -> int:
    return settings.AGREEMENT_REMINDER_DAYS
