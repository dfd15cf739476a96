"""One e-mail renderer: subject, text and HTML from three templates, in the site's language.

``render_email("app/email/name", context, to=[...])`` reads
``name_subject.txt``, ``name.txt`` and ``name.html`` under that prefix and
returns the message unsent, so the caller can attach files (render those
inside ``mail_language()`` too) before it sends.
E-mail goes out in Swedish (``LANGUAGE_CODE``) whatever language the request
that queued it used.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def mail_language():
    """The language e-mail is written in, as a context manager: ``with mail_language(): ...``."""
    return translation.override(settings.LANGUAGE_CODE)


def render_email(template_prefix: str, context: dict, *, to: list[str]) -> EmailMultiAlternatives:
    with mail_language():
        subject = render_to_string(f"{template_prefix}_subject.txt", context).strip()
        text = render_to_string(f"{template_prefix}.txt", context)
        html = render_to_string(f"{template_prefix}.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=to)
    message.attach_alternative(html, "text/html")
    return message
