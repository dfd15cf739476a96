"""Request/response rules for every page: no caching of personal pages, the sliding session,
the page's language."""

from django.conf import settings
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers

from .language import activate_chosen_language


class NoStoreForAuthenticatedMiddleware:
    """Pages for a logged-in user show personal data; browsers and proxies must not keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class LanguageMiddleware:
    """The page's language by ``core.language``: never the browser's Accept-Language.

    Takes the place of Django's LocaleMiddleware, listed after AuthenticationMiddleware
    since a logged-in user's own choice comes first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = activate_chosen_language(request)
        response = self.get_response(request)
        # The language cookie chooses the page; caches must keep one copy per cookie.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class SlidingSessionMiddleware:
    """Slide the session's idle timeout, writing the session at most once a minute.

    Saving on every request (SESSION_SAVE_EVERY_REQUEST) would cost a write
    transaction per page. Instead the session notes when it last slid; a request
    SESSION_REFRESH_SECONDS or more later marks it modified, and Django's
    SessionMiddleware (listed before this one, so it runs after it on the way out)
    saves it with a new expiry. A session therefore ends between
    SESSION_IDLE_MINUTES minus SESSION_REFRESH_SECONDS and SESSION_IDLE_MINUTES
    after the last request. Sessions a request did not load are left alone.
    """

    KEY = "_slid_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.is_empty():
            return response
        if response.status_code >= 500:
            # The error may be the session store itself being down: loading the session
            # again would fail again, and the server-error page would be rendered twice.
            return response
        now = int(timezone.now().timestamp())
        slid_at = session.get(self.KEY)
        if (
            not isinstance(slid_at, int)
            or not 0 <= now - slid_at < settings.SESSION_REFRESH_SECONDS
        ):
            session[self.KEY] = now
        return response


def slide_on_login(sender, request, user, **kwargs):
    """A login saves the session anyway: note the slide, so the next request need not."""
    if request is not None and hasattr(request, "session"):
        request.session[SlidingSessionMiddleware.KEY] = int(timezone.now().timestamp())
