"""One e-mail about one session to one participant, with the session as a calendar file:
the reminder before a session and the make-up booking's confirmation."""

from django.urls import reverse

from core.links import site_url
from core.mail import mail_language, render_email

from .calendar import sessions_ics


def session_email_send(*, person, session, template: str, attachment: str, **context) -> dict:
    """Send ``template`` (with the person, session, program and start-page link, and
    ``context``) and the session's .ics named ``attachment``. {"sent": False} without an
    address."""
    address = person.user.email if person.user else person.email
    if not address:
        return {"sent": False, "reason": "no e-mail address"}
    program = session.module.program
    context = {
        "person": person,
        "session": session,
        "program": program,
        "start_url": site_url(
            reverse("svc:participant_start", kwargs={"org": program.organisation.slug})
        ),
        **context,
    }
    message = render_email(template, context, to=[address])
    with mail_language():
        ics = sessions_ics([session], name=f"{program.name}: {session.group}")
    message.attach(attachment, ics, "text/calendar")
    message.send()
    return {"sent": True}
