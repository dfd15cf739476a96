"""The participant writes an agreement: the form with autosave, and submitting it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.forms import add_service_errors
from participants.access import OrganisationRoleMixin
from participants.models import Role

from ..agreements import selectors, services
from ..agreements.rules import (
    EDITABLE_STATUSES,
    Stage,
    agreement_fields,
    fields_for_stage,
)
from ..agreements.visibility import reviewer_of
from ..forms_agreements import (
    AgreementForm,
)
from ..models import Agreement

# --- The participant writes ---------------------------------------------------------------
from .common import detail_url, locked_message


class _ParticipantStageMixin(OrganisationRoleMixin):
    allowed_roles = frozenset({Role.PARTICIPANT})

    @cached_property
    def enrollment(self):
        return selectors.enrollment_for_participant_or_404(
            organisation=self.organisation,
            user=self.request.user,
            enrollment_id=self.kwargs["enrollment_id"],
        )

    @cached_property
    def stage(self) -> str:
        return selectors.stage_or_404(self.kwargs["stage"])

    @cached_property
    def questions(self):
        return fields_for_stage(agreement_fields(program=self.enrollment.program), self.stage)

    @cached_property
    def agreement(self) -> Agreement | None:
        return Agreement.objects.filter(enrollment=self.enrollment, stage=self.stage).first()

    def form(self, *, submitting=False):
        if self.request.method == "POST":
            return AgreementForm(self.request.POST, questions=self.questions, submitting=submitting)
        initial = self.agreement.texts if self.agreement else {}
        return AgreementForm(initial=initial, questions=self.questions)


class AgreementEditView(_ParticipantStageMixin, TemplateView):
    """Draft, save and send one stage's agreement. Nothing typed is lost: on any error the
    valid answers are saved as a draft and every answer stays on the page."""

    template_name = "programs/agreements/edit.html"

    def get(self, request, *args, **kwargs):
        if self.agreement and self.agreement.status not in EDITABLE_STATUSES:
            return redirect(detail_url(self.organisation, self.agreement))
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, *args, **kwargs):
        if self.agreement and self.agreement.status not in EDITABLE_STATUSES:
            messages.info(request, locked_message(self.agreement))
            return redirect(detail_url(self.organisation, self.agreement))
        submitting = request.POST.get("action") == "submit"
        form = self.form(submitting=submitting)
        valid = form.is_valid()
        if valid and submitting:
            try:
                agreement = services.agreement_submit(
                    enrollment=self.enrollment,
                    stage=self.stage,
                    texts=form.texts(),
                    user=request.user,
                )
            except ValidationError as error:
                if getattr(error, "code", None) == "locked":
                    messages.info(request, error.messages[0])
                    return self._back_to_detail()
                add_service_errors(form, error)
            else:
                reviewer = reviewer_of(self.enrollment)
                messages.success(
                    request,
                    _(
                        "The agreement has been sent to %(name)s. You get an e-mail when "
                        "they have agreed it or sent it back."
                    )
                    % {"name": reviewer.full_name},
                )
                return redirect(detail_url(self.organisation, agreement))
        saved = self._save_draft(form)
        if valid and not submitting:
            if saved:
                messages.success(
                    request,
                    _("Your draft is saved (%(time)s).")
                    % {"time": time_format(timezone.localtime(), "H:i")},
                )
            else:
                messages.info(request, _("There is nothing to save yet."))
            return redirect(request.path)
        return self.render_to_response(
            self.get_context_data(form=form, draft_saved=saved), status=200
        )

    def _save_draft(self, form) -> bool:
        """Keep every valid answer; True if a draft is stored."""
        try:
            agreement = services.agreement_save_draft(
                enrollment=self.enrollment,
                stage=self.stage,
                texts=form.texts(),
                user=self.request.user,
            )
        except ValidationError:
            return False
        return agreement.pk is not None

    def _back_to_detail(self):
        agreement = Agreement.objects.get(enrollment=self.enrollment, stage=self.stage)
        return redirect(detail_url(self.organisation, agreement))

    def get_context_data(self, **kwargs):
        agreement = Agreement.objects.filter(enrollment=self.enrollment, stage=self.stage).first()
        return super().get_context_data(
            enrollment=self.enrollment,
            stage=self.stage,
            stage_label=Stage(self.stage).label,
            agreement=agreement,
            reviewer=reviewer_of(self.enrollment),
            asks_follow_up=self.stage not in (Stage.BEFORE_1, Stage.ROADMAP),
            is_roadmap=self.stage == Stage.ROADMAP,
            autosave_url=reverse(
                "programs:agreement_autosave",
                kwargs={
                    "org": self.organisation.slug,
                    "enrollment_id": self.enrollment.pk,
                    "stage": self.stage,
                },
            ),
            **kwargs,
        )


class AgreementAutosaveView(_ParticipantStageMixin, View):
    """htmx saves the draft while the participant types; answers with a status line.

    Each save also keeps the session alive. A session that has ended anyway gets
    a line telling the participant to keep the page open and log in elsewhere,
    never the login page swapped into the form.
    """

    http_method_names = ["post"]
    template_name = "programs/agreements/_autosave.html"

    def handle_no_permission(self):
        if not self.request.user.is_authenticated and self.request.headers.get("HX-Request"):
            return self._status("logged_out")
        return super().handle_no_permission()

    def post(self, request, *args, **kwargs):
        if self.agreement and self.agreement.status not in EDITABLE_STATUSES:
            return self._status("locked")
        form = self.form()
        if not form.is_valid():
            return self._status("invalid")
        try:
            agreement = services.agreement_save_draft(
                enrollment=self.enrollment,
                stage=self.stage,
                texts=form.texts(),
                user=request.user,
                autosave=True,
            )
        except ValidationError:
            return self._status("invalid")
        return self._status("saved" if agreement.pk else "empty")

    def _status(self, state: str) -> HttpResponse:
        html = render_to_string(
            self.template_name,
            {"state": state, "time": timezone.localtime()},
            request=self.request,
        )
        return HttpResponse(html)
