"""HR and process leaders: agreement states per program, group and session (never texts),
the reviewer of an enrollment, and the program's agreement questions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.forms import add_service_errors
from participants.access import OrganisationRoleMixin
from participants.models import Role

from ..agreements import reports, services
from ..agreements.rules import (
    STAGES,
    Stage,
    agreement_fields,
)
from ..forms_agreements import (
    AgreementFieldForm,
    NewAgreementFieldForm,
    ReviewerForm,
)
from ..models import AgreementField
from ..selectors import program_for_organisation_or_404

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
                add_service_errors(form, error)
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
