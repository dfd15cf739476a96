"""The models of people, organisations and logins.

``people``: users, organisations, role memberships, departments, managers,
consultants and manager imports. ``identity``: what only a login's holder may
confirm, and each organisation's own sign-in.
"""

from .access_log import PersonalDataAccess
from .identity import IdentityProvider, LoginConfirmation, LoginLinkRequest
from .operators import PlatformOperator
from .people import (
    STORED_ROLES,
    Consultant,
    Department,
    Level,
    ManagerImport,
    Membership,
    Organisation,
    Person,
    Role,
    User,
    UserManager,
)

__all__ = [
    "STORED_ROLES",
    "Consultant",
    "Department",
    "IdentityProvider",
    "Level",
    "LoginConfirmation",
    "LoginLinkRequest",
    "ManagerImport",
    "Membership",
    "Organisation",
    "Person",
    "PersonalDataAccess",
    "PlatformOperator",
    "Role",
    "User",
    "UserManager",
]
