"""The participant's pages: answering a session's evaluation, the thank-you, the group's results."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from participants.access import OrganisationRoleMixin
from participants.models import Role
from programs.selectors import current_enrollment_for_user

from .. import rules, selectors, services
from ..forms import AnswerForm
from ..models import FormVersion
from ..results import program_results
from ..selectors import AnswerState

PARTICIPANT = frozenset({Role.PARTICIPANT})


def already_answered_message() -> str:
    return _(
        "You have already answered this evaluation. Your first answer is kept; "
        "nothing new was stored."
    )


class AnswerView(OrganisationRoleMixin, TemplateView):
    """The evaluation form of one session. POST stores it once; a repeat changes nothing."""

    allowed_roles = PARTICIPANT
    template_name = "evaluations/answer.html"

    def _load(self):
        self.session, self.enrollment = selectors.participant_session_or_404(
            user=self.request.user,
            organisation=self.organisation,
            session_id=self.kwargs["session_id"],
        )
        self.state = selectors.answer_state(enrollment=self.enrollment, session=self.session)

    def _thanks(self):
        return redirect(
            "evaluations:thanks", org=self.organisation.slug, session_id=self.session.pk
        )

    def _not_open(self):
        self.template_name = "evaluations/not_open.html"
        return self.render_to_response(self.get_context_data())

    def _content(self, version_id=None):
        version_id = int(version_id) if version_id and str(version_id).isdigit() else None
        module = self.session.module
        # One query for the form as it stands (two with effects); the rest only if missing.
        content = selectors.form_content_for_module(module=module, version_id=version_id)
        if content is not None:
            return content
        form = services.evaluation_form_ensure(module=module)
        version = None
        if version_id is not None:
            version = FormVersion.objects.filter(form=form, pk=version_id).first()
        return selectors.form_content(form=form, version=version)

    def get(self, request, *args, **kwargs):
        self._load()
        if self.state == AnswerState.ANSWERED:
            return self._thanks()
        if self.state != AnswerState.OPEN:
            return self._not_open()
        return self.render_to_response(
            self.get_context_data(form=AnswerForm(content=self._content()))
        )

    def post(self, request, *args, **kwargs):
        self._load()
        if self.state == AnswerState.ANSWERED:
            messages.info(request, already_answered_message())
            return self._thanks()
        if self.state != AnswerState.OPEN:
            return self._not_open()
        form = AnswerForm(request.POST, content=self._content(request.POST.get("version")))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            result = services.evaluation_submit(
                enrollment=self.enrollment,
                session=self.session,
                answers=form.answers(),
                content=form.content,
            )
        except services.NotAnswerable as exc:
            self.state = exc.code
            return self._not_open()
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(form=form))
        if result.already_answered:
            messages.info(request, already_answered_message())
        return self._thanks()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            session=self.session,
            state=self.state,
            k=rules.min_responses(),
            deadline=selectors.OpenEvaluation(session=self.session).deadline,
            **kwargs,
        )


class ThanksView(OrganisationRoleMixin, TemplateView):
    allowed_roles = PARTICIPANT
    template_name = "evaluations/thanks.html"

    def get_context_data(self, **kwargs):
        session, enrollment = selectors.participant_session_or_404(
            user=self.request.user,
            organisation=self.organisation,
            session_id=self.kwargs["session_id"],
        )
        state = selectors.answer_state(enrollment=enrollment, session=session)
        return super().get_context_data(
            session=session,
            answered=state == AnswerState.ANSWERED,
            open=state == AnswerState.OPEN,
            k=rules.min_responses(),
            deadline=selectors.OpenEvaluation(session=session).deadline,
            **kwargs,
        )


class MyEvaluationsView(OrganisationRoleMixin, TemplateView):
    """Open evaluations, and the own group's results once published and above k."""

    allowed_roles = PARTICIPANT
    template_name = "evaluations/my_evaluations.html"

    def get_context_data(self, **kwargs):
        enrollment = current_enrollment_for_user(
            user=self.request.user, organisation=self.organisation
        )
        results = row = None
        if enrollment is not None:
            program = enrollment.group.round.program
            services.answers_fold_for_program(program=program)
            results = program_results(program=program, group_ids={enrollment.group_id})
            rows = results.group_rows()
            row = rows[0] if rows else None
        return super().get_context_data(
            enrollment=enrollment,
            open_evaluations=(
                selectors.open_evaluations_for(person=enrollment.person) if enrollment else []
            ),
            results=results,
            row=row,
            **kwargs,
        )
