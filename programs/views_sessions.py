"""Sessions pages: scheduling, invitations and login links, calendars, attendance, progress,
the month view and the group and round exports. Input → scheduling service/selector → response.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from core.forms import add_service_errors
from core.responses import xlsx_response
from participants.access import HRMixin, OrganisationRoleMixin
from participants.access_log import ListExportLogMixin
from participants.models import Role

from . import exports, scheduling, session_days
from .calendar import sessions_ics
from .forms_sessions import AttendanceForm, GroupScheduleForm, MonthForm, SendInvitationsForm
from .selectors import program_for_organisation_or_404, round_for_organisation_or_404

CALENDAR = "text/calendar; charset=utf-8"


def _ics_response(data: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CALENDAR)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class LeaderOrHRMixin(OrganisationRoleMixin):
    """HR, or a process leader; objects then come only from the groups they lead."""

    allowed_roles = frozenset({Role.HR, Role.PROCESS_LEADER})

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_hr=Role.HR in self.roles, **kwargs)


class GroupMixin:
    """The group in the URL, looked up among those the user may see (else 404)."""

    def get_group(self):
        if not hasattr(self, "_group"):
            self._group = scheduling.group_visible_or_404(
                user=self.request.user,
                organisation=self.organisation,
                roles=self.roles,
                group_id=self.kwargs["group_id"],
            )
        return self._group

    def group_url(self) -> str:
        return reverse(
            "programs:group_detail",
            kwargs={"org": self.organisation.slug, "group_id": self.get_group().pk},
        )


# --- Scheduling --------------------------------------------------------------------------------


class GroupScheduleView(HRMixin, GroupMixin, FormView):
    template_name = "programs/sessions/schedule.html"
    form_class = GroupScheduleForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "plans": scheduling.schedule_plans(group=self.get_group()),
            "process_leaders": scheduling.process_leaders_for(organisation=self.organisation),
            "round_": self.get_group().round,
        }

    def form_valid(self, form):
        group = self.get_group()
        try:
            result = scheduling.group_schedule_save(group=group, plans=form.plans_from_input())
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        if result.changed:
            messages.success(
                self.request,
                _("The sessions of %(group)s are saved.") % {"group": group},
            )
        else:
            messages.info(self.request, _("Nothing was changed."))
        if result.invitations_outdated:
            messages.warning(
                self.request,
                _(
                    "The dates changed after the invitations were sent. Send the invitations "
                    "again so that everyone's calendar is updated."
                ),
            )
        return redirect(self.group_url())

    def get_context_data(self, **kwargs):
        group = self.get_group()
        return super().get_context_data(
            group=group,
            program=group.round.program,
            day_starts=session_days.DAY_STARTS,
            day_ends=session_days.DAY_ENDS,
            **kwargs,
        )


# --- Invitations and login links ---------------------------------------------------------------


class GroupInvitationsView(HRMixin, GroupMixin, FormView):
    """What the invitation holds and who gets it; the state of each send request."""

    template_name = "programs/sessions/invitations.html"
    form_class = SendInvitationsForm

    def form_valid(self, form):
        group = self.get_group()
        try:
            request = scheduling.invitations_send(
                group=group,
                requested_by=self.request.user,
                send_again=form.cleaned_data["send_again"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        message = ngettext(
            "The invitation to %(group)s is recorded: %(count)d participant will get it by e-mail.",
            "The invitations to %(group)s are recorded: %(count)d participants will get them "
            "by e-mail.",
            request.members,
        ) % {"group": group, "count": request.members}
        if request.line_managers:
            message += " " + ngettext(
                "%(count)d line manager outside the program gets a login link.",
                "%(count)d line managers outside the program get a login link.",
                request.line_managers,
            ) % {"count": request.line_managers}
        messages.success(self.request, message)
        return redirect(self.request.path)

    def get_context_data(self, **kwargs):
        group = self.get_group()
        overview = scheduling.invitation_overview(group=group)
        return super().get_context_data(
            group=group,
            program=group.round.program,
            overview=overview,
            **kwargs,
        )


class GroupLoginLinksView(HRMixin, GroupMixin, View):
    """POST: a personal login link to everyone of the group (and their line managers outside
    the program) who cannot log in yet."""

    def post(self, request, org, group_id):
        group = self.get_group()
        result = scheduling.group_login_links_send(group=group)
        if result.sent:
            messages.success(
                request,
                ngettext(
                    "A login link is on its way to %(count)d person.",
                    "Login links are on their way to %(count)d people.",
                    result.sent,
                )
                % {"count": result.sent},
            )
        if result.recently_sent:
            messages.info(
                request,
                ngettext(
                    "%(count)d person was sent a link in the last few minutes and gets no "
                    "second one.",
                    "%(count)d people were sent a link in the last few minutes and get no "
                    "second one.",
                    result.recently_sent,
                )
                % {"count": result.recently_sent},
            )
        if not result.sent and not result.recently_sent:
            messages.info(request, _("Everyone in the group can already log in."))
        return redirect("programs:group_invitations", org=self.organisation.slug, group_id=group.pk)


# --- Calendars ---------------------------------------------------------------------------------


class GroupCalendarView(LeaderOrHRMixin, GroupMixin, View):
    def get(self, request, org, group_id):
        group = self.get_group()
        data = sessions_ics(
            scheduling.group_sessions(group=group), name=f"{group.round.program.name}: {group}"
        )
        return _ics_response(data, filename=f"{slugify(str(group)) or 'grupp'}.ics")


class MyCalendarView(OrganisationRoleMixin, View):
    """The participant's own sessions, at /o/<org>/mitt-program/kalender.ics."""

    allowed_roles = frozenset({Role.PARTICIPANT})

    def get(self, request, org):
        organisation = self.organisation
        sessions = scheduling.participant_sessions(user=request.user, organisation=organisation)
        data = sessions_ics(sessions, name=_("My program: %(org)s") % {"org": organisation})
        return _ics_response(data, filename="mitt-program.ics")


class SessionMonthView(HRMixin, TemplateView):
    """Every session of the organisation in one month, with the neighbouring months."""

    template_name = "programs/sessions/month.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        form = MonthForm(self.request.GET or None)
        chosen = form.cleaned_data.get("month") if form.is_valid() else None
        first_day = chosen or timezone.localdate().replace(day=1)
        previous_month = (first_day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        next_month = (first_day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        sessions = scheduling.month_sessions(organisation=self.organisation, first_day=first_day)
        page = Paginator(sessions, self.paginate_by).get_page(self.request.GET.get("page"))
        nearest_before, nearest_after = (None, None)
        if not page.object_list:
            nearest_before, nearest_after = scheduling.nearest_session_months(
                organisation=self.organisation, first_day=first_day
            )
        return super().get_context_data(
            form=form,
            first_day=first_day,
            previous_month=previous_month,
            next_month=next_month,
            page_obj=page,
            sessions=page.object_list,
            nearest_before=nearest_before,
            nearest_after=nearest_after,
            **kwargs,
        )


# --- Attendance and progress ---------------------------------------------------------------------


class SessionAttendanceView(LeaderOrHRMixin, FormView):
    """Present, absent or excused for every member of the session's group, saved in one POST."""

    template_name = "programs/sessions/attendance.html"
    form_class = AttendanceForm
    prefill_value = "present"

    def get_session(self):
        if not hasattr(self, "_session"):
            self._session = scheduling.session_visible_or_404(
                user=self.request.user,
                organisation=self.organisation,
                roles=self.roles,
                session_id=self.kwargs["session_id"],
            )
        return self._session

    def started(self) -> bool:
        return timezone.localdate() >= scheduling.attendance_opens_on(self.get_session())

    def get_form_kwargs(self):
        rows = scheduling.attendance_rows(session=self.get_session())
        if (
            self.request.method == "GET"
            and self.request.GET.get("fill") == self.prefill_value
            and self.started()
        ):
            for row in rows:
                row.status = row.status or self.prefill_value
        return {**super().get_form_kwargs(), "rows": rows}

    def form_valid(self, form):
        session = self.get_session()
        try:
            result = scheduling.attendance_register(session=session, statuses=form.statuses())
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        if result.saved:
            message = ngettext(
                "Attendance is saved for %(count)d participant.",
                "Attendance is saved for %(count)d participants.",
                result.saved,
            ) % {"count": result.saved}
            if result.completed:
                message += " " + ngettext(
                    "%(count)d participant has now completed every module.",
                    "%(count)d participants have now completed every module.",
                    result.completed,
                ) % {"count": result.completed}
            messages.success(self.request, message)
        else:
            messages.info(self.request, _("No attendance was chosen, so nothing was saved."))
        return redirect(self.request.path)

    def get_context_data(self, **kwargs):
        session = self.get_session()
        group = session.group
        if "form" not in kwargs:  # setdefault would build a second form on every call
            kwargs["form"] = self.get_form()
        recorded = sum(1 for row in kwargs["form"].rows if row.status)
        return super().get_context_data(
            session=session,
            group=group,
            program=group.round.program,
            started=self.started(),
            opens_on=scheduling.attendance_opens_on(session),
            recorded=recorded,
            prefill_value=self.prefill_value,
            **kwargs,
        )


class GroupProgressView(LeaderOrHRMixin, GroupMixin, TemplateView):
    """A group's completion and attendance, per session; htmx asks for the summary only."""

    template_name = "programs/sessions/group_progress.html"

    def get_template_names(self):
        if self.request.htmx:
            return ["programs/sessions/_group_summary.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        group = self.get_group()
        return super().get_context_data(
            group=group,
            program=group.round.program,
            progress=scheduling.group_progress(group=group),
            **kwargs,
        )


class ProgramProgressView(HRMixin, TemplateView):
    """Completion and attendance per round and group; htmx asks for the round table only."""

    template_name = "programs/sessions/program_progress.html"

    def get_template_names(self):
        if self.request.htmx:
            return ["programs/sessions/_round_summary.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        program = program_for_organisation_or_404(
            organisation=self.organisation, program_id=self.kwargs["program_id"]
        )
        return super().get_context_data(
            program=program, rounds=scheduling.program_progress(program=program), **kwargs
        )


# --- Exports -------------------------------------------------------------------------------------


class GroupExportView(ListExportLogMixin, HRMixin, GroupMixin, View):
    def get(self, request, org, group_id):
        group = self.get_group()
        data = exports.group_list_xlsx(group=group)
        return xlsx_response(data, filename=f"deltagarlista-{slugify(str(group)) or 'grupp'}.xlsx")


class RoundExportView(ListExportLogMixin, HRMixin, View):
    def get(self, request, org, round_id):
        round_ = round_for_organisation_or_404(organisation=self.organisation, round_id=round_id)
        data = exports.round_xlsx(round_=round_)
        name = slugify(f"{round_.program.name} omgang {round_.number}")
        return xlsx_response(data, filename=f"{name}.xlsx")
