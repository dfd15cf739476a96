"""Make-up sessions (uppsamling) of a round, for HR: who lacks which module, booking, undoing.

Input → ``programs.makeups`` service or selector → response.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core.forms import ErrorSummaryMixin
from participants.access import HRMixin

from .makeups import selectors, services
from .models import MakeUpBooking
from .selectors import round_for_organisation_or_404


class MakeUpBookingForm(ErrorSummaryMixin, forms.Form):
    """One row's booking: which member and module (hidden), and the session chosen."""

    row = forms.CharField(widget=forms.HiddenInput)
    session = forms.TypedChoiceField(label=gettext_lazy("Make-up session"), coerce=int)

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = {line.key: line for line in lines}
        self.line = self.lines.get(self.data.get("row", ""))
        if self.line is not None:
            self.auto_id = f"id_{self.line.key}_%s"
        hosts = self.line.hosts if self.line else []
        self.fields["session"].choices = [(h.session.pk, str(h.session.group)) for h in hosts]

    def _post_clean(self):
        super()._post_clean()
        if self.line is None:  # the page was incomplete: no session to speak of
            self._errors.pop("session", None)

    def clean_row(self):
        if self.cleaned_data["row"] not in self.lines:
            raise ValidationError(
                _("This participant no longer lacks the module. Reload the page."), code="gone"
            )
        return self.cleaned_data["row"]


class RoundMakeUpsView(HRMixin, TemplateView):
    """GET: the round's members who lack a module; POST: book one, or undo a booking."""

    template_name = "programs/sessions/round_makeups.html"

    def get_round(self):
        if not hasattr(self, "_round"):
            self._round = round_for_organisation_or_404(
                organisation=self.organisation, round_id=self.kwargs["round_id"]
            )
        return self._round

    def get_lines(self):
        if not hasattr(self, "_lines"):
            self._lines = selectors.round_make_ups(round_=self.get_round())
        return self._lines

    def post(self, request, *args, **kwargs):
        if "cancel" in request.POST:
            return self._cancel(request.POST["cancel"])
        form = MakeUpBookingForm(request.POST, lines=self.get_lines())
        if form.is_valid():
            line = form.line
            host = next(h for h in line.hosts if h.session.pk == form.cleaned_data["session"])
            try:
                services.make_up_book(
                    enrollment=line.enrollment, session=host.session, booked_by=request.user
                )
            except ValidationError as exc:
                form.add_error("session", exc)
            else:
                messages.success(
                    request,
                    _("%(name)s is booked into %(group)s for module %(order)d.")
                    % {
                        "name": line.enrollment.person.full_name,
                        "group": host.session.group,
                        "order": line.module.order,
                    },
                )
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))

    def _cancel(self, value: str):
        if not value.isdigit():
            raise Http404
        booking = get_object_or_404(
            MakeUpBooking.objects.select_related("enrollment__person", "session__group"),
            pk=int(value),
            enrollment__group__round=self.get_round(),
        )
        try:
            services.make_up_cancel(booking=booking)
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
        else:
            messages.success(
                self.request,
                _("The make-up place of %(name)s in %(group)s is cancelled.")
                % {"name": booking.enrollment.person.full_name, "group": booking.session.group},
            )
        return redirect(self.request.path)

    def get_context_data(self, **kwargs):
        round_ = self.get_round()
        form = kwargs.pop("form", None)
        return super().get_context_data(
            round=round_,
            program=round_.program,
            lines=self.get_lines(),
            form=form,
            posted=form.line.key if form is not None and form.line is not None else "",
            **kwargs,
        )
