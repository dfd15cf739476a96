"""One e-mail renderer: subject, text and HTML from three templates, in the site's language.

``render_email("app/email/name", context, to=[...])`` reads
``name_subject.txt``, ``name.txt`` and ``name.html`` under that prefix and
returns the message unsent, so the caller can attach files (render those
inside ``mail_language()`` too) before it sends.
E-mail goes out in Swedish (``LANGUAGE_CODE``) whatever language the request
that queued it used, unless the caller names the language the e-mail is about
(a status report made in English announces itself in English).
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def mail_language(language: str | None = None):
    """The language e-mail is written in, as a context manager: ``with mail_language(): ...``."""
    return translation.override(language or settings.LANGUAGE_CODE)


def render_email(
    template_prefix: str, context: dict, *, to: list[str], language: str | None = None
) -> EmailMultiAlternatives:
    with mail_language(language):
        subject = render_to_string(f"{template_prefix}_subject.txt", context).strip()
        text = render_to_string(f"{template_prefix}.txt", context)
        html = render_to_string(f"{template_prefix}.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=to)
    message.attach_alternative(html, "text/html")
    return message
