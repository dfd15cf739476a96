"""The register extract (GDPR art. 15) for HR: the page, the JSON download and the PDF.

Every opening and download is written to the access log
(``participants.access_log.access_log_record``); following the PDF's progress is not.
"""

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from participants.access import HRMixin
from participants.access_log import access_log_record
from participants.models import PersonalDataAccess

from .extract import person_extract, selectors, services

Action = PersonalDataAccess.Action


class ExtractMixin(HRMixin):
    """A page about one person of the organisation in the URL."""

    def get_person(self):
        if not hasattr(self, "person"):
            self.person = selectors.extract_person_or_404(
                organisation=self.organisation, pk=self.kwargs["pk"]
            )
        return self.person

    def log(self, action: str, what: str) -> None:
        access_log_record(
            organisation=self.organisation,
            actor=self.request.user,
            action=action,
            subject=self.get_person(),
            what=what,
        )


class ExtractView(ExtractMixin, TemplateView):
    template_name = "privacy/extract.html"

    def get_context_data(self, **kwargs):
        person = self.get_person()
        extract = person_extract(organisation=self.organisation, person=person)
        self.log(Action.EXTRACT, "extract_html")
        return super().get_context_data(
            person=person,
            extract=extract,
            pdf=selectors.latest_pdf(organisation=self.organisation, person=person),
            **kwargs,
        )


class ExtractJsonView(ExtractMixin, View):
    def get(self, request, *args, **kwargs):
        person = self.get_person()
        extract = person_extract(organisation=self.organisation, person=person)
        self.log(Action.EXTRACT_EXPORT, "extract_json")
        response = HttpResponse(
            json.dumps(extract, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="registerutdrag-{person.employee_number}.json"'
        )
        return response


class ExtractPdfCreateView(ExtractMixin, View):
    """Asks for the PDF (again); the extract's page follows its progress."""

    def post(self, request, *args, **kwargs):
        row = services.register_extract_request(
            organisation=self.organisation, person=self.get_person(), requested_by=request.user
        )
        if row.is_pending:
            messages.info(request, _("The PDF is being generated."))
        return redirect("privacy:extract", org=self.organisation.slug, pk=self.get_person().pk)


class ExtractPdfStatusView(ExtractMixin, TemplateView):
    """The PDF's status box alone, for htmx to poll until it is ready or failed."""

    template_name = "privacy/extract_pdf_status.html"

    def get_context_data(self, **kwargs):
        person = self.get_person()
        pdf = selectors.pdf_or_404(
            organisation=self.organisation, person=person, extract_id=self.kwargs["extract_id"]
        )
        return super().get_context_data(person=person, pdf=pdf, **kwargs)


class ExtractPdfView(ExtractMixin, View):
    """The PDF, to the organisation's HR only; one not ready yet sends HR to the page."""

    def get(self, request, *args, **kwargs):
        person = self.get_person()
        pdf = selectors.pdf_or_404(
            organisation=self.organisation, person=person, extract_id=self.kwargs["extract_id"]
        )
        if not pdf.is_ready:
            return redirect("privacy:extract", org=self.organisation.slug, pk=person.pk)
        self.log(Action.EXTRACT_EXPORT, "extract_pdf")
        response = HttpResponse(bytes(pdf.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{pdf.download_name}"'
        return response
