"""Let the logout form lead on to the organisation's provider, past the CSP's form-action."""

from . import signin
from .oidc import url_is_well_formed, url_origin


class ProviderLogoutCSPMiddleware:
    """Browsers hold a form's redirects to the page's ``form-action``. For a session signed
    in through an organisation's provider, the logout form ends at that provider's
    end-session endpoint, so its origin joins ``form-action`` on that session's pages.

    Listed after django-csp's middleware, so this runs first on the response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        provider = signin.provider_logout_of(request)
        # The endpoint passed oidc.url_is_allowed at discovery; as it goes into a header,
        # its form is checked again here.
        if provider and url_is_well_formed(provider["end_session_endpoint"]):
            update = dict(getattr(response, "_csp_update", None) or {})
            origin = url_origin(provider["end_session_endpoint"])
            update["form-action"] = [*update.get("form-action", []), origin]
            response._csp_update = update
        return response
