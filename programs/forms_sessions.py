"""Forms of the sessions pages: input only; the rules live in programs.scheduling."""

import datetime as dt
import re

from django import forms
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.forms import ErrorSummaryMixin

from .models import Attendance, Round
from .scheduling import PLAN_FIELDS, AttendanceRow, SessionPlan, attendance_field, plan_field

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_LOCAL)


class GroupScheduleForm(ErrorSummaryMixin, forms.Form):
    """Start, end, venue and process leader of each module of the group's program.

    The date pickers offer the round's dates only (``min``/``max``); the rule that a
    session lies within them is the service's, with its message.
    """

    def __init__(self, *args, plans: list[SessionPlan], process_leaders, round_: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.plans = plans
        self.legends: list[str] = []
        within_round = {
            "min": dt.datetime.combine(round_.starts_on, dt.time.min).strftime(DATETIME_LOCAL),
            "max": dt.datetime.combine(round_.ends_on, dt.time(23, 59)).strftime(DATETIME_LOCAL),
        }
        for plan in plans:
            order = plan.module.order
            example = {"order": order}
            self.fields[plan_field(order, "starts_at")] = forms.DateTimeField(
                label=gettext_lazy("Starts"),
                required=False,
                widget=DateTimeLocalInput(attrs=within_round),
                initial=plan.starts_at,
                error_messages={
                    "invalid": _(
                        "Module %(order)d: give the start as a date and time, "
                        "for example 2015-03-02 09:00."
                    )
                    % example
                },
            )
            self.fields[plan_field(order, "ends_at")] = forms.DateTimeField(
                label=gettext_lazy("Ends"),
                required=False,
                widget=DateTimeLocalInput(attrs=within_round),
                initial=plan.ends_at,
                error_messages={
                    "invalid": _(
                        "Module %(order)d: give the end as a date and time, "
                        "for example 2015-03-03 12:00."
                    )
                    % example
                },
            )
            self.fields[plan_field(order, "venue")] = forms.CharField(
                label=gettext_lazy("Venue"), required=False, max_length=200, initial=plan.venue
            )
            self.fields[plan_field(order, "process_leader")] = forms.ModelChoiceField(
                label=gettext_lazy("Process leader"),
                queryset=process_leaders,
                required=False,
                empty_label=_("Not assigned"),
                initial=plan.process_leader.pk if plan.process_leader else None,
            )
            days = plan.module.duration_days
            shown_days = formats.localize(days.normalize())
            legend = ngettext(
                "Module %(order)s: %(name)s (%(days)s day)",
                "Module %(order)s: %(name)s (%(days)s days)",
                1 if days == 1 else 2,
            ) % {"order": order, "name": plan.module.name, "days": shown_days}
            self.legends.append(legend)

    def module_fieldsets(self):
        """(legend, bound fields) per module, in module order."""
        return [
            (legend, [self[plan_field(plan.module.order, name)] for name in PLAN_FIELDS])
            for legend, plan in zip(self.legends, self.plans, strict=True)
        ]

    def plans_from_input(self) -> list[SessionPlan]:
        data = self.cleaned_data
        return [
            SessionPlan(
                module=plan.module,
                session=plan.session,
                **{name: data.get(plan_field(plan.module.order, name)) for name in PLAN_FIELDS},
            )
            for plan in self.plans
        ]


class AttendanceForm(ErrorSummaryMixin, forms.Form):
    """One choice per member: present, absent or excused; empty keeps what was recorded."""

    def __init__(self, *args, rows: list[AttendanceRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[attendance_field(row.enrollment.pk)] = forms.ChoiceField(
                label=row.person.full_name,
                choices=Attendance.Status.choices,
                required=False,
                initial=row.status,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={
                    "invalid_choice": _("%(name)s: choose present, absent or excused.")
                    % {"name": row.person.full_name}
                },
            )

    def members(self):
        """(row, bound field) per member, in the page's order."""
        return [(row, self[attendance_field(row.enrollment.pk)]) for row in self.rows]

    def statuses(self) -> dict[int, str]:
        return {
            row.enrollment.pk: value
            for row in self.rows
            if (value := self.cleaned_data.get(attendance_field(row.enrollment.pk)))
        }


class SendInvitationsForm(ErrorSummaryMixin, forms.Form):
    send_again = forms.BooleanField(
        label=gettext_lazy("Send again: everyone gets the invitation once more"),
        required=False,
    )


MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthForm(ErrorSummaryMixin, forms.Form):
    """The month of the calendar page, as YYYY-MM (what <input type="month"> sends)."""

    month = forms.CharField(
        label=gettext_lazy("Month"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2015-03"}),
        help_text=gettext_lazy("For example 2015-03."),
    )

    def clean_month(self) -> dt.date | None:
        value = self.cleaned_data["month"].strip()
        if not value:
            return None
        match = MONTH.match(value)
        if match:
            year, month = int(match[1]), int(match[2])
            if 1900 <= year <= 2200 and 1 <= month <= 12:
                return dt.date(year, month, 1)
        raise forms.ValidationError(
            _("Give the month as year and month, for example 2015-03."), code="invalid"
        )
