"""Agreement pages: the participant writes, the reviewer decides, HR and process leaders see
states. Each view: input -> selector or service -> message -> redirect (POST-redirect-GET).

Who may read an agreement is decided once, in ``agreements.selectors``: anything
but the participant's or the reviewer's own is 404.
"""

import contextlib

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.access import OrganisationRoleMixin
from participants.models import Role

from .agreements import reports, selectors, services
from .agreements.rules import (
    EDITABLE_STATUSES,
    STAGES,
    Stage,
    Status,
    agreement_fields,
    fields_for_stage,
    reviewer_of,
)
from .agreements.rules import answers as agreement_answers
from .forms_agreements import (
    AgreementFieldForm,
    AgreementForm,
    NewAgreementFieldForm,
    ReturnForm,
    ReviewerForm,
)
from .models import Agreement, AgreementField
from .selectors import program_for_organisation_or_404

PARTIES = frozenset({Role.PARTICIPANT, Role.LINE_MANAGER})


def _detail_url(organisation, agreement) -> str:
    return reverse(
        "programs:agreement_detail", kwargs={"org": organisation.slug, "pk": agreement.pk}
    )


def _locked_message(agreement: Agreement) -> str:
    if agreement.status == Status.SUBMITTED:
        return _("The agreement has been sent to your line manager and waits for them.")
    return _("The agreement is agreed and locked. Reopen it if it needs to change.")


# --- The participant writes ---------------------------------------------------------------


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
            return redirect(_detail_url(self.organisation, self.agreement))
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, *args, **kwargs):
        if self.agreement and self.agreement.status not in EDITABLE_STATUSES:
            messages.info(request, _locked_message(self.agreement))
            return redirect(_detail_url(self.organisation, self.agreement))
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
                self._add_errors(form, error)
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
                return redirect(_detail_url(self.organisation, agreement))
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

    def _add_errors(self, form, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for key, errors in error.error_dict.items():
                form.add_error(key if key in form.fields else None, errors)
        else:
            form.add_error(None, error)

    def _back_to_detail(self):
        agreement = Agreement.objects.get(enrollment=self.enrollment, stage=self.stage)
        return redirect(_detail_url(self.organisation, agreement))

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


# --- The participant and the reviewer read and decide ------------------------------------------


class _AgreementPartyMixin(OrganisationRoleMixin):
    allowed_roles = PARTIES

    @cached_property
    def access(self) -> selectors.AgreementAccess:
        return selectors.agreement_for_user_or_404(
            organisation=self.organisation, user=self.request.user, pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        agreement = self.access.agreement
        return super().get_context_data(
            access=self.access,
            agreement=agreement,
            enrollment=agreement.enrollment,
            person=agreement.enrollment.person,
            reviewer=self.access.reviewer,
            **kwargs,
        )


class AgreementDetailView(_AgreementPartyMixin, TemplateView):
    template_name = "programs/agreements/detail.html"

    def get_context_data(self, **kwargs):
        agreement = self.access.agreement
        fields = agreement_fields(program=agreement.enrollment.program)
        can_review = self.access.is_reviewer and agreement.status == Status.SUBMITTED
        kwargs.setdefault("return_form", ReturnForm() if can_review else None)
        return super().get_context_data(
            answers=agreement_answers(fields=fields, stage=agreement.stage, texts=agreement.texts),
            can_review=can_review,
            can_edit=self.access.is_participant and agreement.status in EDITABLE_STATUSES,
            can_reopen=agreement.status == Status.AGREED,
            form=kwargs.get("return_form"),
            **kwargs,
        )


class AgreementReviewView(AgreementDetailView):
    """The reviewer agrees, or sends the agreement back with a comment (POST only)."""

    allowed_roles = frozenset({Role.LINE_MANAGER})

    def get(self, request, *args, **kwargs):
        return redirect(_detail_url(self.organisation, self.access.agreement))

    def post(self, request, *args, **kwargs):
        agreement = self.access.agreement
        if not self.access.is_reviewer:
            raise PermissionDenied
        if agreement.status != Status.SUBMITTED:
            messages.info(request, _("The agreement is no longer waiting for you."))
            return redirect(_detail_url(self.organisation, agreement))
        name = agreement.enrollment.person.full_name
        if request.POST.get("decision") == "agree":
            self._decide(agree=True)
            messages.success(
                request,
                _("You have agreed the agreement. %(name)s gets an e-mail.") % {"name": name},
            )
            return redirect(_detail_url(self.organisation, agreement))
        form = ReturnForm(request.POST)
        if form.is_valid():
            self._decide(agree=False, comment=form.cleaned_data["comment"])
            messages.success(
                request,
                _("The agreement has been sent back to %(name)s with your comment.")
                % {"name": name},
            )
            return redirect(_detail_url(self.organisation, agreement))
        return self.render_to_response(self.get_context_data(return_form=form))

    def _decide(self, **decision):
        # Decided meanwhile (another tab, a second click): the page shows the outcome.
        with contextlib.suppress(ValidationError):
            services.agreement_review(
                agreement_id=self.access.agreement.pk, user=self.request.user, **decision
            )


class AgreementReopenView(_AgreementPartyMixin, TemplateView):
    """Confirm, then unlock an agreed agreement. The agreed version stays in the history."""

    template_name = "programs/agreements/reopen.html"

    def get(self, request, *args, **kwargs):
        if self.access.agreement.status != Status.AGREED:
            return redirect(_detail_url(self.organisation, self.access.agreement))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        agreement = self.access.agreement
        try:
            services.agreement_reopen(agreement_id=agreement.pk, user=request.user)
        except ValidationError:
            messages.info(request, _("The agreement is not agreed, so there is nothing to reopen."))
            return redirect(_detail_url(self.organisation, agreement))
        if self.access.is_participant:
            messages.success(
                request, _("The agreement is open again. Change it and send it when you are done.")
            )
            return redirect(
                reverse(
                    "programs:agreement_edit",
                    kwargs={
                        "org": self.organisation.slug,
                        "enrollment_id": agreement.enrollment_id,
                        "stage": agreement.stage,
                    },
                )
            )
        messages.success(
            request,
            _("The agreement is open again. %(name)s gets an e-mail.")
            % {"name": agreement.enrollment.person.full_name},
        )
        return redirect(_detail_url(self.organisation, agreement))


class AgreementHistoryView(_AgreementPartyMixin, TemplateView):
    template_name = "programs/agreements/history.html"

    def get_context_data(self, **kwargs):
        entries = selectors.agreement_history(agreement=self.access.agreement)
        return super().get_context_data(entries=entries, **kwargs)


# --- HR ----------------------------------------------------------------------------------------


class ProgramAgreementsView(OrganisationRoleMixin, TemplateView):
    """How many agreements of one stage are in each state, per round and group."""

    allowed_roles = frozenset({Role.HR})
    template_name = "programs/agreements/program.html"

    def get_context_data(self, **kwargs):
        stage = self.request.GET.get("stage", Stage.BEFORE_1)
        if stage not in Stage.values:
            stage = Stage.BEFORE_1
        counts = reports.program_agreement_counts(
            organisation=self.organisation, program_id=self.kwargs["program_id"], stage=stage
        )
        return super().get_context_data(
            counts=counts,
            program=counts.program,
            stage=stage,
            stage_label=Stage(stage).label,
            stages=[(s.value, s.label) for s in STAGES],
            **kwargs,
        )


class GroupAgreementsView(OrganisationRoleMixin, TemplateView):
    """Per member of a group: each stage's state and date, and who reviews."""

    allowed_roles = frozenset({Role.HR})
    template_name = "programs/agreements/group.html"

    def get_context_data(self, **kwargs):
        states = reports.group_agreement_states(
            organisation=self.organisation, group_id=self.kwargs["group_id"]
        )
        return super().get_context_data(
            states=states, group=states.group, program=states.program, **kwargs
        )


class EnrollmentReviewerView(OrganisationRoleMixin, TemplateView):
    """HR names another manager to review a participant's agreements, or gives them back."""

    allowed_roles = frozenset({Role.HR})
    template_name = "programs/agreements/reviewer.html"

    @cached_property
    def page(self) -> reports.ReviewerPage:
        return reports.enrollment_for_hr_or_404(
            organisation=self.organisation, enrollment_id=self.kwargs["enrollment_id"]
        )

    def make_form(self, data=None):
        enrollment = self.page.enrollment
        return ReviewerForm(
            data,
            candidates=reports.reviewer_candidates(enrollment=enrollment),
            line_manager=enrollment.person.line_manager,
            initial={"reviewer": enrollment.reviewer_id},
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.make_form()))

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                change = services.enrollment_set_reviewer(
                    enrollment=self.page.enrollment,
                    reviewer=form.cleaned_data["reviewer"],
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                )
            except ValidationError as error:
                for key, errors in error.message_dict.items():
                    form.add_error(key if key in form.fields else None, errors)
            else:
                person = self.page.enrollment.person.full_name
                if change is None:
                    messages.info(request, _("Nothing changed."))
                elif change.reviewer is None:
                    messages.success(
                        request,
                        _("%(person)s's line manager reviews the agreements again.")
                        % {"person": person},
                    )
                else:
                    messages.success(
                        request,
                        _("%(reviewer)s now reviews %(person)s's agreements.")
                        % {"reviewer": change.reviewer.full_name, "person": person},
                    )
                    if not change.reviewer.user_id:
                        messages.warning(
                            request,
                            _(
                                "%(reviewer)s has no login yet. Send them a login link from "
                                "the manager register."
                            )
                            % {"reviewer": change.reviewer.full_name},
                        )
                return redirect(
                    reverse(
                        "programs:group_agreements",
                        kwargs={
                            "org": self.organisation.slug,
                            "group_id": self.page.enrollment.group_id,
                        },
                    )
                )
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page=self.page,
            enrollment=self.page.enrollment,
            group=self.page.enrollment.group,
            program=self.page.enrollment.program,
            **kwargs,
        )


class AgreementFieldsView(OrganisationRoleMixin, TemplateView):
    """The questions of a program's agreements: change wording, switch off, add."""

    allowed_roles = frozenset({Role.HR})
    template_name = "programs/agreements/fields.html"

    @cached_property
    def program(self):
        return program_for_organisation_or_404(
            organisation=self.organisation, program_id=self.kwargs["program_id"]
        )

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "add":
            form = NewAgreementFieldForm(request.POST, prefix="new")
            if form.is_valid():
                services.agreement_field_save(program=self.program, values=form.cleaned_data)
                messages.success(request, _("The question has been added."))
                return redirect(request.path)
            return self.render_to_response(self.get_context_data(new_form=form, form=form))
        key = request.POST.get("key", "")
        known = {f.key: f for f in agreement_fields(program=self.program)}
        if key not in known:
            raise Http404
        instance = known[key] if known[key].pk else AgreementField(program=self.program, key=key)
        form = AgreementFieldForm(request.POST, instance=instance, prefix=f"q-{key}")
        if form.is_valid():
            services.agreement_fields_customise(program=self.program)
            stored = AgreementField.objects.get(program=self.program, key=key)
            values = {name: form.cleaned_data[name] for name in AgreementFieldForm.Meta.fields}
            services.agreement_field_save(program=self.program, values=values, field=stored)
            messages.success(request, _("The question has been saved."))
            return redirect(request.path)
        return self.render_to_response(self.get_context_data(bound={key: form}, form=form))

    def get_context_data(self, bound=None, **kwargs):
        bound = bound or {}
        fields = agreement_fields(program=self.program)
        parts = []
        for part in AgreementField.Part:
            forms = [
                bound.get(f.key) or AgreementFieldForm(instance=f, prefix=f"q-{f.key}")
                for f in fields
                if f.part == part
            ]
            parts.append((part.label, forms))
        kwargs.setdefault("new_form", NewAgreementFieldForm(prefix="new"))
        return super().get_context_data(
            program=self.program,
            parts=parts,
            customised=any(f.pk for f in fields),
            **kwargs,
        )


# --- Process leaders ---------------------------------------------------------------------------


class SessionAgreementsView(OrganisationRoleMixin, TemplateView):
    """For the process leader's next session: who has agreed the stage before it."""

    allowed_roles = frozenset({Role.PROCESS_LEADER})
    template_name = "programs/agreements/session.html"

    def get_context_data(self, **kwargs):
        raw = self.request.GET.get("session", "")
        if raw and not raw.isdigit():
            raise Http404
        states = reports.session_agreement_states(
            organisation=self.organisation,
            user=self.request.user,
            session_id=int(raw) if raw else None,
        )
        return super().get_context_data(states=states, **kwargs)
