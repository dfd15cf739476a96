"""HR erases a person (GDPR art. 17): what it means, or why not yet; then the typed confirmation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView

from core.forms import add_service_errors
from participants.access import HRMixin

from . import erasure
from .forms_erasure import ErasureConfirmForm


class ErasureView(HRMixin, FormView):
    """GET: what is removed and what stays, or the reasons it is refused (and no button).

    POST: with the person's name typed, ``erasure.person_erase``, then the list of people.
    """

    template_name = "privacy/erasure.html"
    form_class = ErasureConfirmForm

    def dispatch(self, request, *args, **kwargs):
        self.person = None
        return super().dispatch(request, *args, **kwargs)

    def get_person(self):
        if self.person is None:
            self.person = erasure.person_for_erasure(
                organisation=self.organisation, pk=self.kwargs["pk"]
            )
        return self.person

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "person": self.get_person()}

    def refusals(self) -> list[str]:
        return erasure.erasure_refusals(person=self.get_person(), by=self.request.user)

    def post(self, request, *args, **kwargs):
        person = self.get_person()
        if erasure.is_erased(person) or self.refusals():
            messages.error(request, _("Nothing was erased."))
            return redirect(request.path)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        person = self.get_person()
        name = person.full_name
        try:
            result = erasure.person_erase(person=person, by=self.request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        if result.login == erasure.Login.UNLINKED:
            message = _(
                "The personal data of %(name)s are erased. The record is now %(pseudonym)s. "
                "Their login is used elsewhere, so it was only disconnected from the record."
            )
        else:
            message = _(
                "The personal data of %(name)s are erased. The record is now %(pseudonym)s."
            )
        messages.success(
            self.request, message % {"name": name, "pseudonym": result.person.full_name}
        )
        return redirect(reverse("programs:person_list", kwargs={"org": self.organisation.slug}))

    def get_context_data(self, **kwargs):
        person = self.get_person()
        preview = erasure.erasure_preview(person=person)
        return super().get_context_data(
            person=person,
            preview=preview,
            refusals=[] if preview.erased else self.refusals(),
            **kwargs,
        )
