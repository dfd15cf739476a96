"""Which language a page is in: the user's choice, else the visitor's, else Swedish.

A public body answers in its own language, so the browser's Accept-Language is
never read. The language button (``set_language``) is the only way to English:
for a visitor it sets the language cookie, which remembers the choice in that
browser; for a logged-in user it also stores the choice on the login, where this
module reads it generically (the ``language`` attribute of ``request.user``), so
the choice follows the user to their next login on any device.
"""

from django.conf import settings
from django.utils import translation

USER_ATTRIBUTE = "language"


def supported_language(code: str | None) -> str | None:
    """The site's language that ``code`` names ("en-gb" is "en"), else None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def chosen_language(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        stored = supported_language(getattr(user, USER_ATTRIBUTE, None))
        if stored:
            return stored
    return cookie_language(request)


def cookie_language(request) -> str:
    """The language cookie's choice, else Swedish. Reads neither the session nor the user,
    for the page shown when the database may be down (``svc.views.error_500``)."""
    cookie = supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    return cookie or settings.LANGUAGE_CODE


def activate_chosen_language(request) -> str:
    """Put the request's chosen language into effect; also right after a login."""
    language = chosen_language(request)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language
