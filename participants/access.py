"""One access rule for every organisation page.

A view declares ``allowed_roles``. The order of checks is fixed:
anonymous → login redirect; not a member of the organisation in the URL →
404 (nothing about it leaks); a member whose sign-in does not open this
organisation (password login turned off, or signed in through another
organisation's provider) → the organisation's login page; member without an
allowed role → 403.
Objects are then looked up through selectors scoped to ``self.organisation``.

Who holds which role is resolved once per request by
``svc.middleware.OrganisationRolesMiddleware`` (the resolution reads every app,
so it sits in the project layer) and read here from the request.
"""

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from .models import Organisation, Role
from .signin import sign_in_covers


def sign_in_again(request, organisation: Organisation):
    """To the organisation's login page, back here afterwards."""
    url = reverse("organisation_login", kwargs={"org": organisation.slug})
    return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")


def organisation_and_roles_or_404(request) -> tuple[Organisation, set[Role]]:
    """The URL's organisation and the user's roles in it; 404 unless the user belongs there."""
    if not hasattr(request, "organisation_roles"):
        raise ImproperlyConfigured("svc.middleware.OrganisationRolesMiddleware is not installed.")
    found = request.organisation_roles
    if found is None or not (found[1] or found[2]):
        raise Http404
    return found[0], found[1]


class OrganisationRoleMixin(LoginRequiredMixin):
    allowed_roles: frozenset[Role] = frozenset()
    organisation: Organisation
    roles: set[Role]

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed_roles:
            raise ImproperlyConfigured(f"{type(self).__name__} must declare allowed_roles.")
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organisation, self.roles = organisation_and_roles_or_404(request)
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


def is_platform_operator(user) -> bool:
    """Whether the login is the platform operator's staff (one query, cached on the user)."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_is_platform_operator"):
        from .models import PlatformOperator

        user._is_platform_operator = PlatformOperator.objects.filter(user=user).exists()
    return user._is_platform_operator


class OperatorMixin(LoginRequiredMixin):
    """The console's access rule: anonymous → login; a login that is not an operator → 403.

    An operator reaches organisation pages only through roles held there like anyone else;
    this mixin opens only the console.
    """

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not is_platform_operator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
