"""The privacy notice, the records of processing, the installation's data protection page,
HR's form for the organisation's parts, and the notice after a login's first sign-in."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView

from participants.access import HRMixin
from participants.models import Organisation, Role
from participants.signin import first_login_taken, sign_in_covers

from .forms import PrivacyDetailsForm
from .processing import notice_for, organisations_with_notices, privacy_details_save
from .processing.selectors import privacy_details_for


class PublicOrganisationPageMixin:
    """A page of an organisation that anyone may read, signed in or not.

    A member signed in for the organisation gets its navigation, and HR a link to edit.
    """

    def dispatch(self, request, *args, **kwargs):
        self.organisation = get_object_or_404(Organisation, slug=kwargs["org"])
        self.roles = set()
        found = getattr(request, "organisation_roles", None)
        if found is not None and (found[1] or found[2]) and sign_in_covers(request, found[0]):
            self.roles = set(found[1])
            request.organisation, request.roles = found[0], self.roles
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            organisation=self.organisation,
            current_organisation=self.organisation,  # the footer links its notice and statement
            notice=notice_for(self.organisation),
            is_hr=Role.HR in self.roles,
            **kwargs,
        )


class PrivacyNoticeView(PublicOrganisationPageMixin, TemplateView):
    """The privacy notice (GDPR art. 13) for everyone whose data the program processes."""

    template_name = "statements/privacy_notice.html"


class ProcessingRecordView(PublicOrganisationPageMixin, TemplateView):
    """The records of processing (art. 30). Public: a public body's records are public
    documents, and they hold nothing that must be kept from anyone."""

    template_name = "statements/processing_record.html"


class PrivacyIndexView(ListView):
    """The installation's data protection page: what the platform does, and each
    organisation's notice (for pages outside an organisation, such as the login page)."""

    template_name = "statements/privacy_index.html"
    context_object_name = "organisations"
    paginate_by = 100

    def get_queryset(self):
        return organisations_with_notices()


class PrivacyEditView(HRMixin, FormView):
    """HR fills in the organisation's parts of the notice."""

    template_name = "statements/privacy_edit.html"
    form_class = PrivacyDetailsForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "organisation": self.organisation,
            "instance": privacy_details_for(self.organisation),
        }

    def form_valid(self, form):
        privacy_details_save(
            organisation=self.organisation,
            user=self.request.user,
            values={name: form.cleaned_data.get(name, "") for name in form.Meta.fields},
        )
        messages.success(self.request, _("The privacy notice was saved."))
        return redirect("statements:privacy_edit", org=self.organisation.slug)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            notice_url=reverse("statements:privacy_notice", kwargs={"org": self.organisation.slug}),
            record_url=reverse(
                "statements:processing_record", kwargs={"org": self.organisation.slug}
            ),
            **kwargs,
        )


def first_login_notice(request, *, organisation: Organisation) -> None:
    """On the first start page after a login's first sign-in: a message that links to the
    organisation's privacy notice. Once; later start pages say nothing."""
    if not first_login_taken(request):
        return
    url = reverse("statements:privacy_notice", kwargs={"org": organisation.slug})
    messages.info(
        request,
        format_html(
            '{} <a class="alert-link" href="{}">{}</a>',
            _("Before you start, you can read how %(org)s handles your personal data:")
            % {"org": organisation.name},
            url,
            _("the privacy notice"),
        ),
    )
