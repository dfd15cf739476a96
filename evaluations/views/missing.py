"""Who has not answered: off by default; an organisation may show it to process leaders.

HR sees response rates only. When HR turns the setting on, a process leader sees,
for a session of a group they lead, the names of those who attended and have not
answered. Nothing about what anyone answered: only the completion records are read.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from participants.access import OrganisationRoleMixin
from participants.models import Role
from programs.scheduling import session_visible_or_404

from .. import rules, selectors, services
from ..forms import MissingSettingForm


class MissingView(OrganisationRoleMixin, TemplateView):
    """A process leader's list of who attended a session and has not answered yet."""

    allowed_roles = frozenset({Role.PROCESS_LEADER})
    template_name = "evaluations/missing.html"

    def get_context_data(self, **kwargs):
        session = session_visible_or_404(
            user=self.request.user,
            organisation=self.organisation,
            roles=self.roles,
            session_id=self.kwargs["session_id"],
        )
        if not self.organisation.process_leaders_see_missing:
            raise PermissionDenied(
                _("Your organisation does not show who has not answered an evaluation.")
            )
        now = timezone.now()
        return super().get_context_data(
            session=session,
            group=session.group,
            respondents=selectors.missing_respondents(session=session),
            not_yet=now < session.ends_at,
            is_open=rules.is_open(session.ends_at, now=now),
            deadline=rules.deadline(session.ends_at),
            **kwargs,
        )


class MissingSettingView(OrganisationRoleMixin, TemplateView):
    """HR turns on (or off) the process leaders' view of who has not answered."""

    allowed_roles = frozenset({Role.HR})
    template_name = "evaluations/missing_setting.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault(
            "form",
            MissingSettingForm(initial={"visible": self.organisation.process_leaders_see_missing}),
        )
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = MissingSettingForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        visible = form.cleaned_data["visible"]
        changed = services.missing_visibility_set(organisation=self.organisation, visible=visible)
        if not changed:
            messages.info(request, _("Nothing was changed."))
        elif visible:
            messages.success(
                request,
                _(
                    "Saved. Process leaders now see who in their groups has not answered. "
                    "Untick the box to stop it."
                ),
            )
        else:
            messages.success(
                request, _("Saved. Nobody but the participants themselves sees who has answered.")
            )
        return redirect("evaluations:missing_setting", org=self.organisation.slug)
