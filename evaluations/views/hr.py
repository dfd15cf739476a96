"""HR's evaluation pages: review of free texts, forms and their versions, effect themes."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from participants.models import Role

from .. import selectors, services
from ..defaults import EFFECT_THEMES
from ..forms import FormSettingsForm, QuestionFormSet, ReviewForm, ThemesForm
from ..models import EvaluationForm, ReviewState
from .results import PAGE_SIZE, ProgramMixin, Tab

HR_ONLY = frozenset({Role.HR})


class ReviewView(ProgramMixin, TemplateView):
    """HR reads the texts that may be shown and publishes or hides each one."""

    allowed_roles = HR_ONLY
    template_name = "evaluations/review.html"
    tab = "review"
    KINDS = ("texts", "effects")

    def _filters(self, data) -> tuple[str, str]:
        kind = data.get("typ") if data.get("typ") in self.KINDS else "texts"
        state = data.get("status") if data.get("status") in ReviewState.values else "unreviewed"
        return kind, state

    def get_context_data(self, **kwargs):
        program = self.load_program()
        kind, state = self._filters(self.request.GET)
        items = selectors.review_queue(program=program, kind=kind, state=state)
        page = Paginator(items, PAGE_SIZE).get_page(self.request.GET.get("sida"))
        base = reverse(
            "evaluations:review", kwargs={"org": self.organisation.slug, "program_id": program.pk}
        )
        filters = [
            Tab(
                url=f"{base}?typ={k}&status={s}",
                label=f"{kind_label}: {state_label}",
                current=(k, s) == (kind, state),
            )
            for k, kind_label in (("texts", _("Comments")), ("effects", _("Effects")))
            for s, state_label in ReviewState.choices
        ]
        return super().get_context_data(
            kind=kind,
            state=state,
            filters=filters,
            page_obj=page,
            items=page.object_list,
            query=f"typ={kind}&status={state}&",
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        program = self.load_program()
        kind, state = self._filters(request.POST)
        form = ReviewForm(request.POST)
        back = reverse(
            "evaluations:review", kwargs={"org": self.organisation.slug, "program_id": program.pk}
        )
        back = f"{back}?typ={kind}&status={state}"
        if not form.is_valid():
            messages.error(request, _("Choose publish or hide for a text."))
            return redirect(back)
        item = selectors.review_item_or_404(
            program=program, kind=kind, item_id=form.cleaned_data["item"]
        )
        services.review_set(item=item, state=form.cleaned_data["decision"])
        if form.cleaned_data["decision"] == ReviewState.PUBLIC:
            messages.success(request, _("The text is published."))
        else:
            messages.success(request, _("The text is hidden. It is never shown outside HR."))
        return redirect(back)


class FormsView(ProgramMixin, TemplateView):
    """The program's evaluation forms per module, and its effect themes."""

    allowed_roles = HR_ONLY
    template_name = "evaluations/forms.html"
    tab = "forms"

    def _themes_form(self, data=None):
        themes = list(self.program.effect_themes.order_by("order"))
        form = ThemesForm(data, themes=themes)
        if not themes:
            for index, name in enumerate(EFFECT_THEMES, start=1):
                form.initial[f"theme{index}"] = name
        return form

    def get_context_data(self, **kwargs):
        program = self.load_program()
        kwargs.setdefault("themes_form", self._themes_form())
        return super().get_context_data(
            modules=selectors.forms_of_program(program=program),
            form=kwargs["themes_form"],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.load_program()
        form = self._themes_form(request.POST)
        if form.is_valid():
            try:
                services.effect_themes_update(program=self.program, names=form.names())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The themes were saved."))
                return redirect(
                    "evaluations:forms", org=self.organisation.slug, program_id=self.program.pk
                )
        return self.render_to_response(self.get_context_data(themes_form=form))


@dataclass
class FormsetSummary:
    """Lets the shared error summary list the errors of a whole formset."""

    entries: list

    @property
    def errors(self) -> bool:
        return bool(self.entries)

    def error_summary(self):
        return self.entries


def formset_summary(settings_form, formset) -> FormsetSummary:
    entries = list(settings_form.error_summary()) if settings_form.errors else []
    entries += [("", error) for error in formset.non_form_errors()]
    for form in formset.forms:
        for name, errors in form.errors.items():
            anchor = form[name].auto_id if name in form.fields else ""
            entries += [(anchor, error) for error in errors]
    return FormsetSummary(entries)


class FormEditView(ProgramMixin, TemplateView):
    """Edit one module's questions. A form with answers gets a new version instead."""

    allowed_roles = HR_ONLY
    template_name = "evaluations/form_edit.html"
    tab = "forms"

    def _module(self):
        self.load_program()
        self.module = selectors.module_or_404(
            program=self.program, module_id=self.kwargs["module_id"]
        )
        self.evaluation_form = EvaluationForm.objects.filter(module=self.module).first()

    def _initial(self):
        if self.evaluation_form is None:
            questions = services.default_questions()
            collects = False
        else:
            version = selectors.current_version(self.evaluation_form)
            questions = [services.question_data(q) for q in version.questions.order_by("order")]
            collects = self.evaluation_form.collects_effects
        initial = [{**q.__dict__, "ORDER": order} for order, q in enumerate(questions, start=1)]
        return initial, collects

    def get(self, request, *args, **kwargs):
        self._module()
        initial, collects = self._initial()
        return self.render_to_response(
            self.get_context_data(
                formset=QuestionFormSet(initial=initial, prefix="q"),
                settings_form=FormSettingsForm(initial={"collects_effects": collects}),
            )
        )

    def post(self, request, *args, **kwargs):
        self._module()
        initial, _collects = self._initial()
        formset = QuestionFormSet(request.POST, initial=initial, prefix="q")
        settings_form = FormSettingsForm(request.POST)
        if formset.is_valid() and settings_form.is_valid():
            form = services.evaluation_form_ensure(module=self.module)
            before = selectors.current_version(form)
            try:
                version = services.evaluation_form_update(
                    form=form,
                    questions=formset.questions(),
                    collects_effects=settings_form.cleaned_data["collects_effects"],
                )
            except ValidationError as exc:
                settings_form.add_error(None, exc)
            else:
                if version.pk != before.pk:
                    messages.success(
                        request,
                        _(
                            "The form had answers, so the changes were saved as version "
                            "%(number)d. Earlier answers keep their questions."
                        )
                        % {"number": version.number},
                    )
                else:
                    messages.success(request, _("The form was saved."))
                return redirect(
                    "evaluations:forms", org=self.organisation.slug, program_id=self.program.pk
                )
        return self.render_to_response(
            self.get_context_data(formset=formset, settings_form=settings_form)
        )

    def get_context_data(self, **kwargs):
        formset, settings_form = kwargs["formset"], kwargs["settings_form"]
        return super().get_context_data(
            module=self.module,
            evaluation_form=self.evaluation_form,
            summary=formset_summary(settings_form, formset),
            **kwargs,
        )
