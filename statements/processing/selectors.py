"""The privacy notice and the records of processing of one organisation, ready to render.

The system's parts come from ``statements.processing.activities`` and the retention rules
(``retention.selectors.rules_for``); the organisation's from ``PrivacyDetails``. Nothing
here is stored twice, so the pages cannot drift from what the platform does.
"""

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participants.models import Organisation
from retention.kinds import YEAR
from retention.selectors import RuleInForce, rules_for

from ..models import PrivacyDetails
from .activities import (
    ACTIVITIES,
    DATA_BY_KEY,
    EMAIL_PROVIDER,
    PEOPLE,
    PEOPLE_BY_KEY,
    PROCESSOR,
    SECURITY_MEASURES,
    Activity,
    Category,
)


@dataclass(frozen=True)
class Prose:
    """A text HR wrote, in the page's language where they wrote one, else in Swedish."""

    text: str
    lang: str  # the language the text is in
    fallback: bool  # True: the page is in English but the text only in Swedish


@dataclass(frozen=True)
class Retention:
    """One retention kind as the notice says it."""

    name: str
    period: str  # "2 år", "30 dagar", "genast"
    counted_from: str
    applied: bool
    decision: str  # the reference and date of the decision; empty when not applied


@dataclass(frozen=True)
class ActivityShown:
    activity: Activity
    people: list[Category]
    data: list[Category]
    recipients: list[str]
    retention: list[Retention]


@dataclass
class Notice:
    organisation: Organisation
    details: PrivacyDetails | None
    controller: str
    controller_contact: str
    dpo_name: str
    dpo_email: str
    dpo_phone: str
    legal_basis: Prose
    processor: str
    processor_contact: str
    other_recipients: Prose | None
    transfers: Prose
    additional: Prose | None
    activities: list[ActivityShown]
    retention: list[Retention]
    people: list[Category] = field(default_factory=lambda: list(PEOPLE))
    security_measures: list[str] = field(default_factory=lambda: list(SECURITY_MEASURES))

    @property
    def has_dpo(self) -> bool:
        return bool(self.dpo_name or self.dpo_email or self.dpo_phone)


def default_legal_basis(organisation_name: str) -> str:
    """The legal basis as a municipality says it, in the active language."""
    return _(
        "We process the personal data because it is necessary to perform a task in the "
        "public interest (Article 6.1 e of the General Data Protection Regulation, and "
        "chapter 2, section 2 of the Swedish Data Protection Act, 2018:218). As an employer, "
        "%(organisation)s is responsible for developing its managers, and the leadership "
        "program is part of that work."
    ) % {"organisation": organisation_name}


def default_transfers() -> str:
    return _("The personal data is not transferred to any country outside the EU/EEA.")


def period_text(days: int) -> str:
    """A retention period as a person says it: "at once", "30 days", "2 years"."""
    if days == 0:
        return _("at once")
    if days % YEAR == 0:
        years = days // YEAR
        return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def _retention(entry: RuleInForce) -> Retention:
    decision = ""
    if entry.enabled:
        decision = entry.decision_reference
        if entry.decided_on:
            decision = _("%(reference)s, decided on %(date)s") % {
                "reference": entry.decision_reference,
                "date": entry.decided_on.isoformat(),
            }
    return Retention(
        name=str(entry.kind.name),
        period=period_text(entry.period_days),
        counted_from=str(entry.kind.counted_from),
        applied=entry.enabled,
        decision=decision,
    )


def _prose(details: PrivacyDetails | None, name: str, *, default: str = "") -> Prose | None:
    """HR's text in the page's language, else their Swedish, else the default (or None)."""
    sv = getattr(details, f"{name}_sv", "").strip() if details else ""
    en = getattr(details, f"{name}_en", "").strip() if details else ""
    language = translation.get_language() or "sv"
    if language.startswith("en") and en:
        return Prose(en, "en", False)
    if sv:
        return Prose(sv, "sv", not language.startswith("sv"))
    if default:
        return Prose(default, language, False)
    return None


def privacy_details_for(organisation: Organisation) -> PrivacyDetails | None:
    return PrivacyDetails.objects.filter(organisation=organisation).first()


def notice_for(organisation: Organisation) -> Notice:
    """The notice (and the records of processing) of one organisation; two queries."""
    details = privacy_details_for(organisation)
    retention_by_kind = {entry.kind.key: _retention(entry) for entry in rules_for(organisation)}
    recipients = {
        PROCESSOR: _("The processor (personuppgiftsbiträde) that runs the program"),
        EMAIL_PROVIDER: _("The e-mail provider that delivers the e-mail"),
    }
    activities = [
        ActivityShown(
            activity=activity,
            people=[PEOPLE_BY_KEY[key] for key in activity.people],
            data=[DATA_BY_KEY[key] for key in activity.data],
            recipients=[recipients[key] for key in activity.recipients],
            retention=[retention_by_kind[key] for key in activity.retention],
        )
        for activity in ACTIVITIES
    ]
    controller = (details.controller_name.strip() if details else "") or organisation.name
    return Notice(
        organisation=organisation,
        details=details,
        controller=controller,
        controller_contact=details.controller_contact.strip() if details else "",
        dpo_name=details.dpo_name if details else "",
        dpo_email=details.dpo_email if details else "",
        dpo_phone=details.dpo_phone if details else "",
        legal_basis=_prose(details, "legal_basis", default=default_legal_basis(controller)),
        processor=details.processor_name.strip() if details else "",
        processor_contact=details.processor_contact.strip() if details else "",
        other_recipients=_prose(details, "other_recipients"),
        transfers=_prose(details, "transfers", default=default_transfers()),
        additional=_prose(details, "additional"),
        activities=activities,
        retention=list(retention_by_kind.values()),
    )


def organisations_with_notices():
    """Every organisation, for the installation's page that links to each notice."""
    return Organisation.objects.order_by("name").only("name", "slug")
