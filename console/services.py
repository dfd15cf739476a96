"""Writes of the platform operator's console: a new organisation, and its HR coordinators.

Logins are made and linked only by ``participants.accounts`` (logins belong to
the people who hold them): the console asks it, and never links a login itself.
"""

import logging
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from participants.accounts import login_for_address, membership_invite, normalise_email
from participants.models import Department, Membership, Organisation, Role, User

logger = logging.getLogger(__name__)

SLUG_MAX_LENGTH = Organisation._meta.get_field("slug").max_length
# Lowercase letters and digits in words joined by single hyphens: "orebro-kommun".
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Words the console's own addresses use after /konsol/organisationer/.
RESERVED_SLUGS = frozenset({"ny"})
DEPARTMENT_NAME_MAX_LENGTH = Department._meta.get_field("name").max_length


def suggested_slug(name: str) -> str:
    """A short name made from the organisation's name: "Örebro kommun" → "orebro-kommun"."""
    return re.sub(r"[-_]+", "-", slugify(name))[:SLUG_MAX_LENGTH].strip("-")


def slug_errors(slug: str) -> list[str]:
    """What is wrong with a short name for an organisation's addresses (/o/<short name>/)."""
    if not SLUG_PATTERN.match(slug) or len(slug) > SLUG_MAX_LENGTH:
        return [
            _(
                "The short name may hold only lowercase letters a–z, digits and single "
                "hyphens between them, at most %(max)s characters, for example “orebro-kommun”."
            )
            % {"max": SLUG_MAX_LENGTH}
        ]
    if slug in RESERVED_SLUGS or Organisation.objects.filter(slug__iexact=slug).exists():
        return [
            _("The short name “%(slug)s” is taken. Choose another, for example “%(other)s”.")
            % {"slug": slug, "other": _free_slug(slug)}
        ]
    return []


def _free_slug(slug: str) -> str:
    for n in range(2, 100):
        suffix = f"-{n}"
        candidate = f"{slug[: SLUG_MAX_LENGTH - len(suffix)]}{suffix}"
        if not Organisation.objects.filter(slug=candidate).exists():
            return candidate
    return f"{slug[: SLUG_MAX_LENGTH - 4]}-100"


@transaction.atomic
def organisation_create(
    *,
    name: str,
    slug: str,
    departments: list[tuple[str, str | None]],
    by: User,
) -> Organisation:
    """A new organisation, with its departments if given, and nobody in it yet.

    ``slug`` empty: the one ``suggested_slug`` makes from the name. ``departments``
    are (förvaltning, enhet or None) pairs; a förvaltning named twice is made once,
    its units under it. Raises ValidationError keyed by field (a name missing, a short
    name that is malformed or taken); nothing is stored then.
    Side effects: the organisation and its departments; a log line naming the operator.
    """
    name = " ".join(name.split())
    slug = slug.strip() or suggested_slug(name)
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Enter the organisation's name.")]
    if not slug:
        errors["slug"] = [_("Enter a short name: the name gives none.")]
    elif problems := slug_errors(slug):
        errors["slug"] = problems
    if errors:
        raise ValidationError(errors)
    organisation = Organisation(name=name, slug=slug)
    organisation.full_clean()
    organisation.save()
    # Names are compared regardless of case: "Socialförvaltningen" twice is one department.
    tops: dict[str, Department] = {}
    units: set[tuple[str, str]] = set()
    for top_name, unit_name in departments:
        top = tops.get(top_name.casefold())
        if top is None:
            top = tops[top_name.casefold()] = Department.objects.create(
                organisation=organisation, name=top_name
            )
        if unit_name and (top_name.casefold(), unit_name.casefold()) not in units:
            units.add((top_name.casefold(), unit_name.casefold()))
            Department.objects.create(organisation=organisation, name=unit_name, parent=top)
    logger.info(
        "Organisation %s created by platform operator %s, with %s departments.",
        organisation.slug,
        by.pk,
        len(tops) + len(units),
    )
    return organisation


@dataclass(frozen=True)
class Invitation:
    email: str
    # True: a new login, with the role, and a link to choose a password on its way.
    # False: an existing login's holder is asked to confirm; no role until they do.
    new_login: bool


@transaction.atomic
def hr_coordinator_invite(
    *, organisation: Organisation, email: str, full_name: str, by: User
) -> Invitation:
    """Invite the organisation's (first or next) HR coordinator, by the identity rules
    (``participants.accounts.membership_invite``).

    Raises ValidationError on ``email`` when that login is already HR coordinator there.
    Side effects: a new login with the HR role and its password link queued; or, for an
    address that has a login, a pending confirmation and its e-mail queued.
    """
    email = normalise_email(email)
    existing = login_for_address(email)
    if (
        existing is not None
        and Membership.objects.filter(
            user=existing, organisation=organisation, role=Role.HR
        ).exists()
    ):
        raise ValidationError(
            {
                "email": _("%(email)s is already an HR coordinator of %(org)s.")
                % {"email": email, "org": organisation.name}
            }
        )
    state = membership_invite(
        organisation=organisation, email=email, full_name=full_name, role=Role.HR
    )
    logger.info(
        "HR coordinator of %s invited by platform operator %s (%s).",
        organisation.slug,
        by.pk,
        "new login" if state.user is not None else "confirmation asked",
    )
    return Invitation(email=email, new_login=state.user is not None)
