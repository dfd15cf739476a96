"""Let the logout form lead on to the organisation's provider, past the CSP's form-action."""

from urllib.parse import urlsplit

from . import signin


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
        if provider:
            parts = urlsplit(provider["end_session_endpoint"])
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [
                *update.get("form-action", []),
                f"{parts.scheme}://{parts.netloc}",
            ]
            response._csp_update = update
        return response
