"""The participant and the reviewer read an agreement, decide on it, reopen it, see its history."""

import contextlib

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from participants.access import OrganisationRoleMixin
from participants.models import Role

from ..agreements import selectors, services
from ..agreements.rules import (
    EDITABLE_STATUSES,
    Status,
    agreement_fields,
)
from ..agreements.rules import answers as agreement_answers
from ..forms_agreements import (
    ReturnForm,
)

# --- The participant and the reviewer read and decide ------------------------------------------
from .common import PARTIES, detail_url


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
        return redirect(detail_url(self.organisation, self.access.agreement))

    def post(self, request, *args, **kwargs):
        agreement = self.access.agreement
        if not self.access.is_reviewer:
            raise PermissionDenied
        if agreement.status != Status.SUBMITTED:
            messages.info(request, _("The agreement is no longer waiting for you."))
            return redirect(detail_url(self.organisation, agreement))
        name = agreement.enrollment.person.full_name
        if request.POST.get("decision") == "agree":
            self._decide(agree=True)
            messages.success(
                request,
                _("You have agreed the agreement. %(name)s gets an e-mail.") % {"name": name},
            )
            return redirect(detail_url(self.organisation, agreement))
        form = ReturnForm(request.POST)
        if form.is_valid():
            self._decide(agree=False, comment=form.cleaned_data["comment"])
            messages.success(
                request,
                _("The agreement has been sent back to %(name)s with your comment.")
                % {"name": name},
            )
            return redirect(detail_url(self.organisation, agreement))
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
            return redirect(detail_url(self.organisation, self.access.agreement))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        agreement = self.access.agreement
        try:
            services.agreement_reopen(agreement_id=agreement.pk, user=request.user)
        except ValidationError:
            messages.info(request, _("The agreement is not agreed, so there is nothing to reopen."))
            return redirect(detail_url(self.organisation, agreement))
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
        return redirect(detail_url(self.organisation, agreement))


class AgreementHistoryView(_AgreementPartyMixin, TemplateView):
    template_name = "programs/agreements/history.html"

    def get_context_data(self, **kwargs):
        entries = selectors.agreement_history(agreement=self.access.agreement)
        return super().get_context_data(entries=entries, **kwargs)
