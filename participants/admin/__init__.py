"""Django admin for people and organisations, and the organisation scoping every admin uses.

- ``scope``: what a coordinator may see and choose (every model admin of the
  project builds on ``OrganisationScopedAdmin``);
- ``users``: logins, organisations and memberships;
- ``people``: departments, managers, consultants and imports.
"""

from . import people, users  # noqa: F401 - registers the model admins
from .scope import (
    OrganisationListFilter,
    OrganisationScopedAdmin,
    OrganisationScopedInline,
    hr_organisation_ids,
)

__all__ = [
    "OrganisationListFilter",
    "OrganisationScopedAdmin",
    "OrganisationScopedInline",
    "hr_organisation_ids",
]
