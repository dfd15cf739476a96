"""One access rule for every organisation page.

A view declares ``allowed_roles``. The order of checks is fixed:
anonymous → login redirect; not a member of the organisation in the URL →
404 (nothing about it leaks); a member whose sign-in does not open this
organisation (password login turned off, or signed in through another
organisation's provider) → the organisation's login page; member without an
allowed role → 403.
Objects are then looked up through selectors scoped to ``self.organisation``.
"""

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from participants.models import Organisation, Role
from participants.selectors import organisation_and_roles_or_404
from participants.signin import sign_in_covers


def sign_in_again(request, organisation: Organisation):
    """To the organisation's login page, back here afterwards."""
    url = reverse("organisation_login", kwargs={"org": organisation.slug})
    return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")


class OrganisationRoleMixin(LoginRequiredMixin):
    allowed_roles: frozenset[Role] = frozenset()
    organisation: Organisation
    roles: set[Role]

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed_roles:
            raise ImproperlyConfigured(f"{type(self).__name__} must declare allowed_roles.")
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organisation, self.roles = organisation_and_roles_or_404(
            user=request.user, slug=kwargs["org"]
        )
        if not sign_in_covers(request, self.organisation):
            return sign_in_again(request, self.organisation)
        request.organisation = self.organisation
        request.roles = self.roles
        if not self.roles & set(self.allowed_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organisation"] = self.organisation
        context["roles"] = self.roles
        return context


class HRMixin(OrganisationRoleMixin):
    """Pages for the HR coordinator only."""

    allowed_roles = frozenset({Role.HR})
