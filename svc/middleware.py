"""Resolve the organisation in the URL and the user's roles there, once per request.

``participants.access.OrganisationRoleMixin`` (used by every app's organisation
pages) reads the answer from the request; the resolution itself (``svc.roles``)
reads every app, so it lives up here and is handed down this way.
"""

from . import roles


class OrganisationRolesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("org")
        request.organisation_roles = None
        if slug is not None and request.user.is_authenticated:
            request.organisation_roles = roles.organisation_roles(user=request.user, slug=slug)
        return None
