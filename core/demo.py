"""Demo data: Örebro kommun's SVC 2015–2017. Idempotent: running it twice changes nothing."""

from dataclasses import dataclass

from django.db import transaction

from participants.models import Membership, Organisation, Role, User

DEMO_PASSWORD = "demo-password-2015"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    full_name: str
    role: str


DEMO_ROLE_USERS = [
    DemoLogin("hr@orebro.example", "Helena Rydberg", Role.HR),
    DemoLogin("styrgrupp@orebro.example", "Stefan Gran", Role.STEERING),
    DemoLogin("processledare@konsult.example", "Pia Lindqvist", Role.PROCESS_LEADER),
]


def _demo_user(*, email: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name)
    return user


@transaction.atomic
def seed_demo() -> dict:
    """Create the demo organisation and one login per role. Returns the figures printed."""
    orebro, _ = Organisation.objects.get_or_create(
        slug="orebro", defaults={"name": "Örebro kommun"}
    )
    for login in DEMO_ROLE_USERS:
        user = _demo_user(email=login.email, full_name=login.full_name)
        Membership.objects.get_or_create(user=user, organisation=orebro, role=login.role)
    return {"organisations": Organisation.objects.count()}


def demo_logins() -> list[tuple[str, str]]:
    return [(login.email, str(Role(login.role).label)) for login in DEMO_ROLE_USERS]
