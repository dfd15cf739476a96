"""The consultant's pages outside any organisation: their sessions across every organisation
they work for, their calendar feed's management, and the feed itself (opened by its token).
"""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.language import supported_language
from participants.models import Organisation
from participants.signin import sign_in_organisation_ids

from . import selectors, services
from .feed import consultant_feed_ics
from .forms import ConsultantMonthForm

# Where the token shown once waits between the POST that made it and the page after it.
NEW_TOKEN_KEY = "programs_consultant_new_feed_token"  # noqa: S105 - a session key
CALENDAR = "text/calendar; charset=utf-8"


class ConsultantMixin(LoginRequiredMixin):
    """Anonymous → login; a login that is not a consultant's → 403. Sets ``self.consultant``."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.consultant = selectors.consultant_for_user(user=request.user)
        if self.consultant is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _month_after(first_day: dt.date) -> dt.date:
    return (first_day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


class ConsultantSessionsView(ConsultantMixin, TemplateView):
    """/mina-uppdrag/: the month, the next sessions and the attendance to register, in every
    organisation the consultant works for whose pages this sign-in opens."""

    template_name = "programs/consultant/sessions.html"

    def get_context_data(self, **kwargs):
        form = ConsultantMonthForm(self.request.GET or None)
        chosen = form.cleaned_data.get("manad") if form.is_valid() else None
        first_day = chosen or timezone.localdate().replace(day=1)
        organisations = list(
            Organisation.objects.filter(consultants=self.consultant).order_by("name")
        )
        covered = sign_in_organisation_ids(self.request, [o.pk for o in organisations])
        shown = [o.pk for o in organisations if o.pk in covered]
        now = timezone.now()
        mine = {"consultant": self.consultant, "organisation_ids": shown}
        return super().get_context_data(
            form=form,
            first_day=first_day,
            previous_month=(first_day - dt.timedelta(days=1)).replace(day=1),
            next_month=_month_after(first_day),
            calendar=selectors.month_calendar(first_day=first_day, **mine),
            upcoming=selectors.upcoming_sessions(now=now, **mine),
            to_register=selectors.sessions_to_register(now=now, **mine),
            organisations=[o for o in organisations if o.pk in covered],
            not_signed_in=[o for o in organisations if o.pk not in covered],
            has_feed=selectors.live_feed(user=self.request.user) is not None,
            **kwargs,
        )


class CalendarFeedManageView(ConsultantMixin, TemplateView):
    """/mina-uppdrag/kalender/: make the feed's address (shown once), revoke it, or replace it
    with a new one; revoking asks for a confirmation first."""

    template_name = "programs/consultant/feed_manage.html"
    CONFIRMED = ("revoke", "replace")

    def get_context_data(self, **kwargs):
        token = self.request.session.pop(NEW_TOKEN_KEY, None)
        feed_url = None
        if token:
            feed_url = self.request.build_absolute_uri(
                reverse("programs:consultant_feed", kwargs={"token": token})
            )
        return super().get_context_data(
            feed=selectors.live_feed(user=self.request.user), feed_url=feed_url, **kwargs
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        has_feed = selectors.live_feed(user=request.user) is not None
        if action not in self._actions(has_feed=has_feed):
            messages.error(request, _("Nothing was changed. Choose one of the page's buttons."))
            return redirect("programs:consultant_feed_manage")
        if action in self.CONFIRMED and request.POST.get("confirm") != "yes":
            return self.render_to_response(self.get_context_data(confirm=action))
        if action == "revoke":
            services.calendar_feed_revoke(user=request.user)
            messages.success(
                request,
                _("The calendar address no longer works: calendars subscribing to it get no more."),
            )
        else:
            request.session[NEW_TOKEN_KEY] = services.calendar_feed_create(user=request.user).token
            message = (
                _("The old address no longer works. Copy the new one into your calendar program.")
                if action == "replace"
                else _("Your calendar address is ready. Copy it into your calendar program.")
            )
            messages.success(request, message)
        return redirect("programs:consultant_feed_manage")

    @staticmethod
    def _actions(*, has_feed: bool) -> set[str]:
        """What the page offers: a new address, or revoking or replacing the live one."""
        return {"revoke", "replace"} if has_feed else {"create"}


class CalendarFeedView(View):
    """/kalender/<token>.ics: the feed, for calendar programs; the token is the credential.
    An unknown or revoked token: 404."""

    def get(self, request, token):
        consultant = selectors.feed_consultant_or_none(token=token)
        if consultant is None:
            raise Http404
        sessions = selectors.consultant_sessions(consultant=consultant).order_by("starts_at", "pk")
        language = supported_language(consultant.user.language) or settings.LANGUAGE_CODE
        with translation.override(language):
            data = consultant_feed_ics(
                sessions, name=_("My assignments: %(name)s") % {"name": consultant.name}
            )
        response = HttpResponse(data, content_type=CALENDAR)
        response["Content-Disposition"] = 'inline; filename="mina-uppdrag.ics"'
        response["Cache-Control"] = "private, no-cache"
        response["X-Robots-Tag"] = "noindex"
        return response
